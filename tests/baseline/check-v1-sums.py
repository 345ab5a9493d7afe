#!/usr/bin/env python3
"""One-off check for the schema v2 baseline change (docs/traces.md, issue 7).

Schema v1 had exit_path = to_vector + to_handler and reentry = to_eret + eret;
handler and total are unchanged. This recomputes the v1 statistics from a v2
trace database of the scenario suite (the sums per exit, nearest-rank
percentiles) and compares them with the old v1 CSV baseline row by row.

usage: check-v1-sums.py OLD_V1_BASELINE.csv NEW_V2_TRACE.db
"""
import csv
import math
import sqlite3
import sys

SUMS = {
    "exit_path": "{0}to_vector_{1} + {0}to_handler_{1}",
    "handler": "{0}handler_{1}",
    "reentry": "{0}to_eret_{1} + {0}eret_{1}",
    "total": "{0}total_{1}",
}
UNITS = {"cycles": "cycles", "instructions": "insns"}


def stats(values):
    v = sorted(values)
    n = len(v)
    rank = lambda p: v[max(1, min(n, math.ceil(p * n / 100))) - 1]
    return [n, v[0], rank(50), rank(90), rank(99), v[-1]]


def main():
    old_csv, db_path = sys.argv[1:3]
    db = sqlite3.connect(db_path)
    bad = rows = 0
    for r in csv.DictReader(open(old_csv)):
        expr = SUMS[r["component"]].format("", UNITS[r["unit"]])
        got = [x[0] for x in db.execute(
            f"SELECT {expr} FROM exits WHERE scenario = ? AND reason = ? AND ({expr}) IS NOT NULL",
            (r["scenario"], r["reason"]))]
        want = [int(r[k]) for k in ("count", "min", "median", "p90", "p99", "max")]
        have = stats(got) if got else [0] * 6
        rows += 1
        if have != want:
            bad += 1
            print("MISMATCH", r["scenario"], r["reason"], r["unit"], r["component"], want, have)
    print(f"{rows} v1 rows checked, {bad} differ")
    return 1 if bad or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
