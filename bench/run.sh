#!/bin/sh
# bench/run.sh [BUILD_DIR] - simulated instructions per host second of vzsim's
# functional mode, vzsim's cycle-level mode (configs/i6400.ini) and QEMU (boston,
# I6400, TCG JIT) on the same bare-metal ELFs, side by side.
#
# Instruction counts come from vzsim (`run --stats`); the same ELF executes the
# same instructions on QEMU, whose outputs are compared to make sure of it.
# QEMU's start-up time is measured once with the smallest program and subtracted.
# Each figure is the best of REPEAT runs (default 3). Host speed is never asserted
# in tests: it is measured here.
set -eu
BUILD=${1:-build}
REPEAT=${REPEAT:-3}
VZSIM=$BUILD/tools/vzsim
CONFIG=${CONFIG:-$(dirname "$0")/../configs/i6400.ini}
G=$BUILD/guests
QEMU="qemu-system-mips64el -M boston -cpu I6400 -display none -chardev stdio,id=sh0 -semihosting-config enable=on,target=native,chardev=sh0"

. "$(dirname "$0")/common.sh"

OUT=$(mktemp)
QOUT=$(mktemp)
trap 'rm -f "$OUT" "$QOUT"' EXIT

# QEMU start-up: a program that exits at once
OUT=$QOUT
qstart=$(best $QEMU -kernel "$G/bench_startup.elf")
printf "QEMU start-up (subtracted): %.3f s\n\n" "$qstart"
printf "%-10s %14s %10s %10s %10s %10s %10s %10s %8s\n" program instructions func_s func_MIPS cycle_s cycle_MIPS qemu_s qemu_MIPS output
for p in alu crc32 memwalk interp; do
  elf=$G/bench_$p.elf
  insns=$("$VZSIM" run --stats "$elf" 2>&1 >/dev/null | sed -n 's/^vzsim: \([0-9]*\) instructions$/\1/p')
  OUT=$(mktemp); vt=$(best "$VZSIM" run "$elf"); vout=$(cat "$OUT"); rm -f "$OUT"
  OUT=$(mktemp); ct=$(best "$VZSIM" run --timing "$CONFIG" "$elf"); cout=$(cat "$OUT"); rm -f "$OUT"
  OUT=$(mktemp); qt=$(best $QEMU -kernel "$elf"); qout=$(cat "$OUT"); rm -f "$OUT"
  qnet=$(awk "BEGIN{print $qt - $qstart}")
  same=same; [ "$vout" = "$qout" ] && [ "$cout" = "$qout" ] || same=DIFFERENT
  printf "%-10s %14s %10.3f %10.1f %10.3f %10.1f %10.3f %10.1f %8s\n" "$p" "$insns" "$vt" \
    "$(awk "BEGIN{print $insns / $vt / 1e6}")" "$ct" "$(awk "BEGIN{print $insns / $ct / 1e6}")" \
    "$qnet" "$(awk "BEGIN{print $insns / $qnet / 1e6}")" "$same"
done
