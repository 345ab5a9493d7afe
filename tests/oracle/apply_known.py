#!/usr/bin/env python3
"""Apply a known-differences file to QEMU's output.

Where QEMU deviates from the MIPS64 R6 architecture, vzsim follows the architecture
and the guest program's expected output differs from QEMU's on known lines. A file
tests/oracle/known-differences/<program>.txt lists them:

    # reason, with the architecture reference
    qemu:  <a line exactly as QEMU prints it>
    vzsim: <the line vzsim must print instead>

Each qemu: line must occur in QEMU's output (in file order), otherwise the entry is
stale and this script fails, so the list cannot silently outlive the difference.

usage: apply_known.py KNOWN_FILE QEMU_OUT EXPECTED_OUT
"""
import sys


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    known, qemu_out, expected = sys.argv[1:]
    pairs = []
    pending = None
    with open(known, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("qemu:") and pending is None:
                pending = line[len("qemu:"):].lstrip(" ")
            elif line.startswith("vzsim:") and pending is not None:
                pairs.append((pending, line[len("vzsim:"):].lstrip(" "), n))
                pending = None
            else:
                print(f"{known}:{n}: expected a 'qemu:' line followed by a 'vzsim:' line",
                      file=sys.stderr)
                return 2
    if pending is not None:
        print(f"{known}: a 'qemu:' line without its 'vzsim:' line", file=sys.stderr)
        return 2
    with open(qemu_out, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().split("\n")
    pos = 0
    for q, v, n in pairs:
        for i in range(pos, len(lines)):
            if lines[i] == q:
                lines[i] = v
                pos = i + 1
                break
        else:
            print(f"{known}:{n}: stale entry, QEMU no longer prints: {q}", file=sys.stderr)
            return 1
    with open(expected, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
