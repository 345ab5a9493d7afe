#!/bin/sh
# bench/trace.sh [BUILD_DIR] - the cost of trace databases (docs/traces.md), a
# benchmark, not a test (host speed is never asserted in tests). Use a Release build
# with the guests (cmake -DCMAKE_BUILD_TYPE=Release -DVZSIM_GUESTS=ON; targets vzsim,
# vzguests, guests_extra).
#
# 1. Exit and event tracing overhead on the scenario suite (cycle-level, i6400):
#    wall-clock time of `vzsim scenarios` without and with --trace, the two run in
#    turn RUNS times (a shared machine drifts: interleaving keeps the comparison
#    fair), median and mean of each. With perf, also the CPU time of the simulation
#    thread alone and of the writer thread (vzsim-trace), runs again in turn, one
#    line per repeat. A long guest that exits every ~150 instructions (--max-exits
#    EXITS) shows the per-exit cost.
# 2. Per-instruction trace throughput: `vzsim run --trace-insns all` on a bare-metal
#    benchmark, functional and cycle-level; instructions per CPU second end to end,
#    and the storage rate = instructions / (CPU time with the trace - without).
set -eu
BUILD=${1:-build}
RUNS=${RUNS:-300}
REPEAT=${REPEAT:-3}
EXITS=${EXITS:-200000}
INSNS=${INSNS:-30000000}
V=$BUILD/tools/vzsim
CONFIG=$(dirname "$0")/../configs/i6400.ini
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cpu() {  # "WALL CPU": best wall and best CPU seconds of REPEAT x (RUNS x "$@")
  bw=""
  bc=""
  r=0
  while [ $r -lt "$REPEAT" ]; do
    /usr/bin/time -f "%e %U %S" -o "$T/time" sh -c 'n=$1; shift; i=0
      while [ $i -lt "$n" ]; do "$@" >/dev/null 2>&1 || true; i=$((i + 1)); done' sh "$@"
    w=$(awk '{print $1}' "$T/time")
    c=$(awk '{print $2 + $3}' "$T/time")
    if [ -z "$bw" ] || [ "$(awk "BEGIN{print ($w < $bw)}")" = 1 ]; then bw=$w; fi
    if [ -z "$bc" ] || [ "$(awk "BEGIN{print ($c < $bc)}")" = 1 ]; then bc=$c; fi
    r=$((r + 1))
  done
  echo "$bw $bc"
}
thr() {  # "SIM WRITER": best CPU seconds of the simulation threads (comm vzsim) and
         # of the writer threads (vzsim-trace) in REPEAT x (RUNS x "$@"), from perf
         # task-clock samples, one per 0.1 ms of a thread's CPU time
  bs=""
  bt=""
  r=0
  while [ $r -lt "$REPEAT" ]; do
    perf record -q -e task-clock -c 100000 -o "$T/perf.data" -- sh -c 'n=$1; shift; i=0
      while [ $i -lt "$n" ]; do "$@" >/dev/null 2>&1 || true; i=$((i + 1)); done' sh "$@" \
      >/dev/null 2>&1
    st=$(perf report -i "$T/perf.data" --sort comm -n --stdio 2>/dev/null | awk '
      $3 == "vzsim" {s = $2} $3 == "vzsim-trace" {t = $2}
      END {printf "%.3f %.3f", s / 1e4, t / 1e4}')
    s=${st% *}
    w=${st#* }
    if [ -z "$bs" ] || [ "$(awk "BEGIN{print ($s < $bs)}")" = 1 ]; then bs=$s; bt=$w; fi
    r=$((r + 1))
  done
  echo "$bs $bt"
}
tcmp() {  # "SIM WRITER" "SIM WRITER" -> the simulation thread's overhead
  echo "$1 $2" | awk '{printf "simulation thread CPU %.2fs -> %.2fs (%+.1f%%), writer thread %.2fs",
    $1, $3, 100 * ($3 - $1) / $1, $4}'
}
ithr() {  # the suite in turn without and with --trace, RUNS times, REPEAT times: one
          # line per repeat with the simulation threads' CPU (plain runs go through a
          # symlink named vzplain, so perf tells their threads apart) and the writer's
  ln -sf "$(basename "$V")" "$(dirname "$V")/vzplain"
  r=0
  while [ $r -lt "$REPEAT" ]; do
    perf record -q -e task-clock -c 100000 -o "$T/perf.data" -- sh -c 'n=$1; i=0
      while [ $i -lt "$n" ]; do "$2" scenarios >/dev/null 2>&1; "$3" scenarios --trace "$4" \
        >/dev/null 2>&1; i=$((i + 1)); done' sh "$RUNS" "$(dirname "$V")/vzplain" "$V" \
      "$T/s.db" >/dev/null 2>&1
    perf report -i "$T/perf.data" --sort comm -n --stdio 2>/dev/null | awk '
      $3 == "vzplain" {p = $2} $3 == "vzsim" {s = $2} $3 == "vzsim-trace" {t = $2}
      END {printf "  simulation thread CPU %.2fs -> %.2fs (%+.1f%%), writer thread %.2fs\n",
           p / 1e4, s / 1e4, 100 * (s - p) / p, t / 1e4}'
    r=$((r + 1))
  done
  rm -f "$(dirname "$V")/vzplain"
}
HAVE_PERF=0
if command -v perf >/dev/null 2>&1 && perf record -q -e task-clock -o "$T/p" true >/dev/null 2>&1
then HAVE_PERF=1; fi

cmp() {  # "WALL CPU" "WALL CPU" -> the two overheads
  echo "$1 $2" | awk '{printf "wall %.2fs -> %.2fs (%+.1f%%), CPU %.2fs -> %.2fs (%+.1f%%)",
    $1, $3, 100 * ($3 - $1) / $1, $2, $4, 100 * ($4 - $2) / $2}'
}

# a guest that makes NOP hypercalls for ever (addiu v0,zero,0; hypcall; b .-8; nop)
python3 - "$T/loop.elf" <<'PY'
import struct, sys
code = struct.pack('<4I', 0x24020000, 0x42000028, 0x1000fffd, 0)
va = 0xffffffff80010000
eh = struct.pack('<16sHHIQQQIHHHHHH', b'\x7fELF\x02\x01\x01' + bytes(9), 2, 8, 1, va, 64, 0,
                 0, 64, 56, 1, 0, 0, 0)
ph = struct.pack('<IIQQQQQQ', 1, 5, 120, va, va, len(code), len(code), 4)
open(sys.argv[1], 'wb').write(eh + ph + code)
PY

echo "== exit and event tracing (cycle-level, configs/i6400.ini)"
python3 - "$RUNS" "$V" "$T/s.db" <<'PY'
import random, statistics, subprocess, sys, time
runs, v, db = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmds = {"plain": [v, "scenarios"], "--trace": [v, "scenarios", "--trace", db]}
t = {k: [] for k in cmds}
for _ in range(runs):
    for k, c in random.sample(list(cmds.items()), 2):   # in either order
        t0 = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        t[k].append(time.perf_counter() - t0)
m = {k: statistics.median(x) for k, x in t.items()}
a = {k: statistics.mean(x) for k, x in t.items()}
print("scenario suite, %d runs each in turn: wall median %.2f ms -> %.2f ms (%+.1f%%),"
      " mean %.2f ms -> %.2f ms (%+.1f%%)" % (runs, m["plain"] * 1e3, m["--trace"] * 1e3,
      100 * (m["--trace"] / m["plain"] - 1), a["plain"] * 1e3, a["--trace"] * 1e3,
      100 * (a["--trace"] / a["plain"] - 1)))
# the difference within each pair of runs (run one after the other), which the
# machine's drift affects least; 2 standard errors of its mean
d = [(x - y) * 1e3 for x, y in zip(t["--trace"], t["plain"])]
se = statistics.stdev(d) / len(d) ** 0.5
print("  paired difference: median %+.3f ms (%+.1f%%), mean %+.3f +- %.3f ms (%+.1f%% +- %.1f)"
      % (statistics.median(d), 100 * statistics.median(d) / (m["plain"] * 1e3), statistics.mean(d),
         2 * se, 100 * statistics.mean(d) / (m["plain"] * 1e3), 200 * se / (m["plain"] * 1e3)))
PY
[ $HAVE_PERF = 1 ] && ithr
ev=$(sqlite3 "$T/s.db" "SELECT (SELECT COUNT(*) FROM exits) || ' exits, ' || (SELECT COUNT(*) FROM events) || ' events'")
echo "  (one run: $ev)"
a=$(cpu 1 "$V" guest --timing "$CONFIG" --max-exits "$EXITS" "$T/loop.elf")
b=$(cpu 1 "$V" guest --timing "$CONFIG" --max-exits "$EXITS" --trace "$T/g.db" "$T/loop.elf")
echo "looping guest, $EXITS exits, plain -> --trace: $(cmp "$a" "$b")"
if [ $HAVE_PERF = 1 ]; then
  a=$(thr 1 "$V" guest --timing "$CONFIG" --max-exits "$EXITS" "$T/loop.elf")
  b=$(thr 1 "$V" guest --timing "$CONFIG" --max-exits "$EXITS" --trace "$T/g.db" "$T/loop.elf")
  echo "  $(tcmp "$a" "$b")"
fi

echo "== per-instruction trace ($INSNS instructions of bench_alu)"
P=$BUILD/guests/bench_alu.elf
for mode in functional timing; do
  opt=""
  [ $mode = timing ] && opt="--timing $CONFIG"
  # shellcheck disable=SC2086
  a=$(cpu 1 "$V" run $opt --max-insns "$INSNS" --trace "$T/n.db" "$P")
  # shellcheck disable=SC2086
  b=$(cpu 1 "$V" run $opt --max-insns "$INSNS" --trace "$T/i.db" --trace-insns all "$P")
  n=$(sqlite3 "$T/i.db" "SELECT SUM(count) FROM insn_chunks")
  mb=$(du -m "$T/i.db" | cut -f1)
  echo "$a $b" | awk -v n="$n" -v m=$mode -v mb="$mb" '{
    printf "%-10s %d insns (%d MB): events only %.2fs wall %.2fs CPU, every instruction" \
           " %.2fs wall %.2fs CPU: %.1f M insns/s end to end (wall), storage %.1f M insns/s" \
           " (wall) %.1f M insns/s (CPU)\n", m, n, mb, $1, $2, $3, $4, n / $3 / 1e6,
           n / ($3 - $1) / 1e6, n / ($4 - $2) / 1e6}'
done
