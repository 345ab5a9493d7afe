#!/usr/bin/env python3
"""tests/traces/check_exports.py - checkers for the trace exports (docs/traces.md).

  check_exports.py kanata FILE            Kanata v4 grammar (shared/docs/timing-facts.md)
  check_exports.py perfetto FILE DB       Chrome trace JSON: parses, slices nest per track,
                                          exit components tile their exit, agree with DB
  check_exports.py html FILE DB           self-contained report whose plots match DB
  check_exports.py chromium FILE DB       the same, rendered by headless Chromium: the
                                          plots' bars were laid out by the browser

Exit 0 when the file passes, 1 with the reasons on stderr otherwise. The tests
(export_test.cc) also feed it broken files and expect it to fail.
"""
import html.parser
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile


class Bad(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Bad(msg)


# ---------------- Kanata v4 ----------------

def check_kanata(path):
    """Grammar of a Kanata v4 log: the header, the command set with its fields,
    time moving only forward, every instruction started once and retired or
    flushed once, its stages started before they end, nothing after its retire,
    retire ids 0, 1, 2 ... in the order of the retirements."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    check(lines and lines[-1] == "", "the file does not end with a newline")
    lines = lines[:-1]
    check(lines and lines[0] == "Kanata\t0004", "first line is not 'Kanata\\t0004'")
    fields = {"C=": 2, "C": 2, "I": 4, "L": 4, "S": 4, "E": 4, "R": 4, "W": 4}
    started, retired, open_stages, labels = {}, {}, {}, {}
    have_time = False
    cycle = 0
    nretired = 0
    for no, line in enumerate(lines[1:], start=2):
        f = line.split("\t")
        where = "line %d (%r)" % (no, line)
        check(f[0] in fields, "%s: unknown command %r" % (where, f[0]))
        check(len(f) == fields[f[0]], "%s: %d fields, %s takes %d" % (where, len(f), f[0], fields[f[0]]))
        if f[0] == "C=":
            check(not have_time, "%s: a second C=" % where)
            check(f[1].isdigit(), "%s: cycle not a number" % where)
            cycle = int(f[1])
            have_time = True
            continue
        check(have_time, "%s: before the C= command" % where)
        if f[0] == "C":
            check(f[1].isdigit() and int(f[1]) > 0, "%s: time must move forward (C > 0)" % where)
            cycle += int(f[1])
            continue
        check(f[1].isdigit(), "%s: id not a number" % where)
        ident = int(f[1])
        if f[0] == "I":
            check(ident not in started, "%s: instruction %d started twice" % (where, ident))
            check(f[2].isdigit() and f[3].isdigit(), "%s: sim id / thread not numbers" % where)
            started[ident] = cycle
            open_stages[ident] = {}
            continue
        check(ident in started, "%s: instruction %d was not started" % (where, ident))
        check(ident not in retired, "%s: instruction %d already retired" % (where, ident))
        if f[0] == "L":
            check(f[2] in ("0", "1"), "%s: label type %r" % (where, f[2]))
            check(f[3] != "", "%s: empty label" % where)
            labels.setdefault(ident, set()).add(f[2])
        elif f[0] in ("S", "E"):
            check(f[2].isdigit(), "%s: lane not a number" % where)
            check(f[3] != "", "%s: empty stage name" % where)
            key = (f[2], f[3])
            if f[0] == "S":
                check(key not in open_stages[ident], "%s: stage %s started twice" % (where, f[3]))
                open_stages[ident][key] = cycle
            else:
                check(key in open_stages[ident], "%s: stage %s ends before it starts" % (where, f[3]))
                del open_stages[ident][key]
        elif f[0] == "R":
            check(f[2].isdigit(), "%s: retire id not a number" % where)
            check(f[3] in ("0", "1"), "%s: retire type %r (0 retire, 1 flush)" % (where, f[3]))
            check(not open_stages[ident], "%s: instruction %d retired with stages open: %s"
                  % (where, ident, sorted(open_stages[ident])))
            if f[3] == "0":
                # retire ids number the retired (not flushed) instructions in order
                check(int(f[2]) == nretired, "%s: retire id %s, %d expected" % (where, f[2], nretired))
                nretired += 1
            retired[ident] = (cycle, int(f[3]))
        elif f[0] == "W":
            check(f[2].isdigit() and int(f[2]) in started, "%s: unknown producer" % where)
    missing = sorted(set(started) - set(retired))
    check(not missing, "instructions started but never retired or flushed: %s" % missing[:10])
    nolabel = sorted(i for i in started if "0" not in labels.get(i, ()))
    check(not nolabel, "instructions without a label: %s" % nolabel[:10])
    return {"insns": len(started), "flushed": sum(1 for c, t in retired.values() if t == 1),
            "last_cycle": cycle}


# ---------------- Chrome trace events ----------------

def us_to_ns(x):
    """Timestamps are cycles / 1000 with three decimals: back to integer cycles."""
    return int(round(x * 1000))


def check_perfetto(path, db):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    check(isinstance(doc, dict) and isinstance(doc.get("traceEvents"), list),
          "no traceEvents array")
    evs = doc["traceEvents"]
    for e in evs:
        check(e.get("ph") in ("X", "B", "E", "i", "C", "M"), "unknown phase in %r" % e)
        check(isinstance(e.get("pid"), int), "no pid in %r" % e)
        if e["ph"] != "M":
            check(isinstance(e.get("ts"), (int, float)) and e["ts"] >= 0, "bad ts in %r" % e)
        if e["ph"] == "X":
            check(isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0, "bad dur in %r" % e)
    names = {(e["pid"], e.get("tid")): e["args"]["name"] for e in evs if e["ph"] == "M"}
    # slices nest per track: sorted by start (longer first), each inside the open one
    tracks = {}
    for e in evs:
        if e["ph"] == "X":
            tracks.setdefault((e["pid"], e["tid"]), []).append(
                (us_to_ns(e["ts"]), us_to_ns(e["ts"]) + us_to_ns(e["dur"]), e))
    for key, sl in tracks.items():
        check(key in names, "track %r has no thread_name" % (key,))
        sl.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        stack = []
        for b, end, e in sl:
            while stack and stack[-1][1] <= b and not (stack[-1][1] == b and stack[-1][0] == b):
                stack.pop()
            if stack:
                check(end <= stack[-1][1], "track %r: slice %r [%d,%d) overlaps %r [%d,%d)"
                      % (key, e["name"], b, end, stack[-1][2]["name"], stack[-1][0], stack[-1][1]))
            stack.append((b, end, e))
    # exits: components tile their exit; the exits agree with the database
    exits = sorted((e for e in evs if e["ph"] == "X" and e.get("cat") == "exit"),
                   key=lambda e: e["args"]["seq"])
    comps = [e for e in evs if e["ph"] == "X" and e.get("cat") == "component"]
    order = ["to_vector", "to_handler", "handler", "to_eret", "eret"]
    for x in exits:
        b, end = us_to_ns(x["ts"]), us_to_ns(x["ts"]) + us_to_ns(x["dur"])
        # the components in the exit's args add up to it; each non-zero one is a
        # child slice, in order, tiling it
        known = [n for n in order if n in x["args"]]
        check(known == order[:len(known)] and known, "exit %r: components %r" % (x["args"], known))
        check(sum(x["args"][n] for n in known) == end - b,
              "exit seq %d: components add up to %d, the exit lasts %d"
              % (x["args"]["seq"], sum(x["args"][n] for n in known), end - b))
        if "total_cycles" in x["args"]:
            check(len(known) == 5, "exit seq %d: %d components, 5 expected" % (x["args"]["seq"], len(known)))
        kids = sorted((c for c in comps if c["pid"] == x["pid"] and c["tid"] == x["tid"]
                       and b <= us_to_ns(c["ts"]) < end), key=lambda c: us_to_ns(c["ts"]))
        want = [n for n in known if x["args"][n] > 0]
        check([c["name"] for c in kids] == want, "exit seq %d: component slices %r, expected %r"
              % (x["args"]["seq"], [c["name"] for c in kids], want))
        at = b
        for c in kids:
            check(us_to_ns(c["ts"]) == at and us_to_ns(c["dur"]) == x["args"][c["name"]],
                  "exit seq %d: component %s at %d lasting %d, expected at %d lasting %d"
                  % (x["args"]["seq"], c["name"], us_to_ns(c["ts"]), us_to_ns(c["dur"]), at,
                     x["args"][c["name"]]))
            at += us_to_ns(c["dur"])
        check(at == end, "exit seq %d: its components end at %d, the exit at %d"
              % (x["args"]["seq"], at, end))
    check(len(comps) == sum(1 for x in exits for n in order if x["args"].get(n, 0) > 0),
          "component slices outside any exit")
    con = sqlite3.connect(db)
    run = con.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    rows = con.execute("SELECT seq, start_cycle, total_cycles, to_vector_cycles, to_handler_cycles,"
                       " handler_cycles, to_eret_cycles, eret_cycles, reason,"
                       " COALESCE(scenario, '') FROM exits"
                       " WHERE run_id = ? AND start_cycle IS NOT NULL"
                       " AND to_vector_cycles IS NOT NULL ORDER BY seq", (run,)).fetchall()
    check(len(rows) == len(exits), "%d exit slices, the database has %d timed exits"
          % (len(exits), len(rows)))
    pid_of = {}
    for row, x in zip(rows, exits):
        seq, start, total = row[0], row[1], row[2]
        check(x["args"]["seq"] == seq and x["name"] == row[8], "exit %d: %r" % (seq, x))
        check(us_to_ns(x["ts"]) == start, "exit %d starts at %d, the database says %d"
              % (seq, us_to_ns(x["ts"]), start))
        if total is not None:
            check(us_to_ns(x["dur"]) == total, "exit %d lasts %d, total_cycles is %d"
                  % (seq, us_to_ns(x["dur"]), total))
        pid_of.setdefault(row[9], x["pid"])
        check(pid_of[row[9]] == x["pid"], "scenario %r on two processes" % row[9])
    # the counter's last value per reason equals the exits of that reason
    for sc, pid in pid_of.items():
        last = {}
        for e in sorted((e for e in evs if e["ph"] == "C" and e["pid"] == pid),
                        key=lambda e: e["ts"]):
            last.update(e["args"])
        want = dict(con.execute("SELECT reason, COUNT(*) FROM exits WHERE run_id = ? AND"
                                " COALESCE(scenario, '') = ? AND start_cycle IS NOT NULL AND"
                                " to_vector_cycles IS NOT NULL GROUP BY reason", (run, sc)))
        check(last == want, "scenario %r: counter %r, database %r" % (sc, last, want))
        check(names.get((pid, 0)) == (sc or "program"), "process of %r is named %r"
              % (sc, names.get((pid, 0))))
        modes = [e for e in evs if e["ph"] == "X" and e["pid"] == pid and e.get("cat") == "mode"]
        # the core is in one mode at a time: guest and root spans never overlap
        spans = sorted((us_to_ns(e["ts"]), us_to_ns(e["ts"]) + us_to_ns(e["dur"]), e["name"])
                       for e in modes)
        for a, b in zip(spans, spans[1:]):
            check(a[1] <= b[0], "scenario %r: mode spans %r and %r overlap" % (sc, a, b))
        check(any(e["tid"] == names_tid(names, pid, "guest") for e in modes),
              "scenario %r: no guest span" % sc)
        check(any(e["tid"] == names_tid(names, pid, "root") for e in modes),
              "scenario %r: no root span" % sc)
    return {"events": len(evs), "exits": len(exits)}


def names_tid(names, pid, name):
    for (p, t), n in names.items():
        if p == pid and n == name:
            return t
    raise Bad("process %d has no %s thread" % (pid, name))


# ---------------- HTML ----------------

class Dom(html.parser.HTMLParser):
    """The elements of a page with their attributes, in order, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elems = []
        self.text = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        d["<tag>"] = tag
        d["<svg>"] = next((e for e in reversed(self.stack) if e["<tag>"] == "svg"), None)
        self.elems.append(d)
        if tag not in ("meta", "br", "img", "input", "link", "hr"):
            self.stack.append(d)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1]["<tag>"] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if any(e["<tag>"] == tag for e in self.stack):
            while self.stack.pop()["<tag>"] != tag:
                pass

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text):
    d = Dom()
    d.feed(text)
    d.close()
    return d


def check_html_text(text, db, rendered):
    low = text.lower()
    for ref in ("http://", "https://", "//cdn", "<link", "src=\"http", "@import", "url("):
        check(ref not in low, "the page is not self-contained: it contains %r" % ref)
    d = parse_html(text)
    check(not any(e["<tag>"] == "script" and "src" in e for e in d.elems), "external script")
    plots = [e for e in d.elems if e["<tag>"] == "svg" and "plot" in e.get("class", "").split()]
    bars = lambda p: [e for e in d.elems if e["<tag>"] == "rect" and e["<svg>"] is p
                      and "bar" in e.get("class", "").split()]
    con = sqlite3.connect(db)
    nhist = nstack = 0
    for run, in con.execute("SELECT id FROM runs"):
        # the histogram counts round trips in cycles, or in instructions (functional mode)
        for sc, nc, ni in con.execute("SELECT scenario, COUNT(total_cycles), COUNT(total_insns)"
                                      " FROM exits WHERE run_id = ? GROUP BY scenario"
                                      " HAVING COUNT(total_insns) + COUNT(total_cycles) > 0",
                                      (run,)).fetchall():
            n = nc or ni
            # histogram: its bars count every exit with a round trip
            hs = [p for p in plots if "histogram" in p["class"] and p.get("data-scenario") == (sc or "")]
            check(len(hs) == 1, "scenario %r: %d histograms" % (sc, len(hs)))
            got = sum(int(b["data-count"]) for b in bars(hs[0]))
            check(got == n, "scenario %r: histogram holds %d exits, the database %d" % (sc, got, n))
            nhist += 1
            # stacked bars: one group per reason, one segment per non-zero mean component
            st = [p for p in plots if "stacked" in p["class"] and p.get("data-scenario") == (sc or "")]
            reasons = con.execute(
                "SELECT reason, AVG(to_vector_cycles), AVG(to_handler_cycles), AVG(handler_cycles),"
                " AVG(to_eret_cycles), AVG(eret_cycles) FROM exits WHERE run_id = ? AND"
                " scenario IS ? AND total_cycles IS NOT NULL GROUP BY reason", (run, sc)).fetchall()
            segs = sum(1 for r in reasons for v in r[1:] if v > 0)
            if not reasons:
                check(not st, "scenario %r: a stacked-bar plot without cycles" % sc)
                continue
            check(len(st) == 1, "scenario %r: %d stacked-bar plots" % (sc, len(st)))
            check(int(st[0]["data-reasons"]) == len(reasons), "scenario %r: %s reasons, %d expected"
                  % (sc, st[0]["data-reasons"], len(reasons)))
            check(len(bars(st[0])) == segs, "scenario %r: %d segments, %d expected"
                  % (sc, len(bars(st[0])), segs))
            nstack += 1
    stat_bars = con.execute("SELECT COUNT(*) FROM statistics WHERE name LIKE 'exits.%' AND"
                            " name != 'exits.total' AND value > 0").fetchone()[0]
    sp = [p for p in plots if "statistics" in p["class"]]
    check(sum(len(bars(p)) for p in sp) == stat_bars, "statistics plot: %d bars, %d expected"
          % (sum(len(bars(p)) for p in sp), stat_bars))
    for p in plots:
        check(int(p["data-bars"]) == len(bars(p)), "plot %r: data-bars %s, %d bars"
              % (p["class"], p["data-bars"], len(bars(p))))
        if rendered:
            check(p.get("data-drawn") == p["data-bars"],
                  "plot %r (%s): the browser laid out %s of its %s bars"
                  % (p["class"], p.get("data-scenario"), p.get("data-drawn"), p["data-bars"]))
    check(nhist > 0 or not con.execute("SELECT 1 FROM exits WHERE total_cycles IS NOT NULL OR"
                                       " total_insns IS NOT NULL").fetchone(), "no histogram")
    if rendered:
        body = next(e for e in d.elems if e["<tag>"] == "body")
        check(body.get("data-plots") == str(len(plots)), "the page script did not run (data-plots %r)"
              % body.get("data-plots"))
    tables = [e for e in d.elems if e["<tag>"] == "table"]
    check(any(t.get("class") == "latency" for t in tables) or nhist == 0, "no latency table")
    check(any(t.get("class") == "statistics" for t in tables), "no statistics table")
    return {"plots": len(plots), "histograms": nhist, "stacked": nstack}


def check_html(path, db):
    with open(path, encoding="utf-8") as f:
        return check_html_text(f.read(), db, False)


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    raise Bad("chromium not found: scripts/setup.sh installs it (Debian package 'chromium')")


def check_chromium(path, db):
    exe = chromium_binary()
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-quic", "--user-data-dir=" + profile, "--dump-dom",
               "file://" + os.path.abspath(path)]
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=120, text=True)
        except subprocess.TimeoutExpired:
            raise Bad("chromium did not finish in 120 s")
    check(r.returncode == 0, "chromium exited %d: %s" % (r.returncode, r.stderr[-2000:]))
    check("<svg" in r.stdout, "chromium's DOM has no svg (stderr: %s)" % r.stderr[-2000:])
    return check_html_text(r.stdout, db, True)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    what, path = argv[1], argv[2]
    try:
        if what == "kanata":
            res = check_kanata(path)
        elif what == "perfetto":
            res = check_perfetto(path, argv[3])
        elif what == "html":
            res = check_html(path, argv[3])
        elif what == "chromium":
            res = check_chromium(path, argv[3])
        else:
            print("unknown check %r" % what, file=sys.stderr)
            return 2
    except (Bad, ValueError, KeyError, json.JSONDecodeError, sqlite3.Error, OSError) as e:
        print("%s %s: FAIL: %s" % (what, path, e), file=sys.stderr)
        return 1
    print("%s %s: ok %s" % (what, path, json.dumps(res, sort_keys=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
