#!/bin/sh
# Oracle test: run one guest ELF under QEMU boston and under vzsim and
# require byte-identical stdout and the same exit code.
#
#   compare.sh --qemu QEMU --vzsim VZSIM --elf prog.elf --work DIR
#              [--lockstep lockstep.py] [--known FILE] [--qemu-timeout S]
#              [--vzsim-timeout S]
#
# QEMU is the live oracle (nothing is cached).  With --vzsim - the test only
# checks that the program runs to completion under QEMU with exit code 0
# (used until the vzsim target exists).
#
# On a mismatch it prints a unified diff of the outputs and, when
# lockstep.py is given and python3 is available, runs both simulators again
# with per-instruction tracing to name the first instruction whose effect
# differs (set VZSIM_ORACLE_NO_LOCKSTEP=1 to skip that step).  Outputs are
# kept in DIR for inspection.
set -u

qemu="qemu-system-mips64el"
vzsim=-
elf=
work=
lockstep=
known=
timing=
qemu_timeout=20
vzsim_timeout=120
max_insns=100000000

usage() {
  echo "usage: compare.sh --qemu QEMU --vzsim VZSIM|- --elf ELF --work DIR [--lockstep PY]" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --qemu) qemu=$2; shift 2 ;;
    --vzsim) vzsim=$2; shift 2 ;;
    --elf) elf=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --lockstep) lockstep=$2; shift 2 ;;
    --known) known=$2; shift 2 ;;
    --timing) timing=$2; shift 2 ;;
    --qemu-timeout) qemu_timeout=$2; shift 2 ;;
    --vzsim-timeout) vzsim_timeout=$2; shift 2 ;;
    *) usage ;;
  esac
done
if [ -z "$elf" ] || [ -z "$work" ]; then usage; fi
if [ ! -f "$elf" ]; then
  echo "compare: $elf does not exist (build the 'guests' target first)" >&2
  exit 2
fi

# Each simulator runs in its own working directory (programs may create
# files through UHI open), so paths must not be relative.
abspath() {
  case "$1" in
    /*) echo "$1" ;;
    */*) echo "$(pwd)/$1" ;;
    *) echo "$1" ;; # a command name, found on PATH
  esac
}
case "$elf" in /*) ;; *) elf="$(pwd)/$elf" ;; esac
case "$work" in /*) ;; *) work="$(pwd)/$work" ;; esac
qemu=$(abspath "$qemu")
[ "$vzsim" = "-" ] || vzsim=$(abspath "$vzsim")
[ -z "$lockstep" ] || lockstep=$(abspath "$lockstep")

mkdir -p "$work/qemu.cwd" "$work/vzsim.cwd"
rm -f "$work/qemu.out" "$work/qemu.err" "$work/vzsim.out" "$work/vzsim.err"

# QEMU: UHI output goes to the stdio chardev (both fd 1 and fd 2 writes land
# there; the guests write fd 1 only).  stdin is closed so that the chardev
# never touches the terminal.
(cd "$work/qemu.cwd" && exec timeout "$qemu_timeout" "$qemu" -M boston -cpu I6400 -display none \
  -chardev stdio,id=sh0 -semihosting-config enable=on,target=native,chardev=sh0 \
  -kernel "$elf") </dev/null >"$work/qemu.out" 2>"$work/qemu.err"
qrc=$?
if [ "$qrc" -eq 124 ]; then
  echo "compare: QEMU timed out after ${qemu_timeout}s on $elf" >&2
  exit 1
fi
if [ -s "$work/qemu.err" ]; then
  echo "compare: QEMU wrote to stderr:" >&2
  head -20 "$work/qemu.err" >&2
fi

if [ "$vzsim" = "-" ]; then
  if [ "$qrc" -ne 0 ]; then
    echo "compare: QEMU-only mode: $elf exited with $qrc" >&2
    tail -5 "$work/qemu.out" >&2
    exit 1
  fi
  echo "compare: QEMU-only mode (no vzsim): exit 0, $(wc -c <"$work/qemu.out") bytes of output"
  exit 0
fi

(cd "$work/vzsim.cwd" && exec timeout "$vzsim_timeout" "$vzsim" run --max-insns "$max_insns" \
  "$elf") </dev/null >"$work/vzsim.out" 2>"$work/vzsim.err"
vrc=$?
if [ "$vrc" -eq 124 ] && [ ! -s "$work/vzsim.err" ]; then
  echo "compare: vzsim was killed after ${vzsim_timeout}s (wall clock)" >&2
fi

# Where QEMU deviates from the architecture, the program's known-differences file
# (known-differences/<name>.txt) turns QEMU's lines into the architected ones.
expected="$work/qemu.out"
if [ -n "$known" ] && [ -f "$known" ]; then
  expected="$work/expected.out"
  if ! python3 "$(dirname "$0")/apply_known.py" "$known" "$work/qemu.out" "$expected"; then
    echo "compare: $known does not apply to QEMU's output" >&2
    exit 1
  fi
  echo "compare: applied $(grep -c '^qemu:' "$known") known difference(s) from $known"
fi

# Timing separate from function: the same program with the cycle model attached
# must give the same output and exit code (issue "timing model", evidence 2).
if [ -n "$timing" ]; then
  (cd "$work/vzsim.cwd" && exec timeout "$vzsim_timeout" "$vzsim" run --max-insns "$max_insns" \
    --timing "$timing" "$elf") </dev/null >"$work/vzsim-timing.out" 2>"$work/vzsim-timing.err"
  trc=$?
  if [ "$trc" -ne "$vrc" ] || ! cmp -s "$work/vzsim.out" "$work/vzsim-timing.out"; then
    echo "compare: vzsim with --timing $timing differs from functional mode (exit $trc vs $vrc)"
    diff -u --label functional --label timing "$work/vzsim.out" "$work/vzsim-timing.out" | head -40
    exit 1
  fi
  echo "compare: cycle-level mode gives the same output ($(tail -1 "$work/vzsim-timing.err"))"
fi

same_out=1
cmp -s "$expected" "$work/vzsim.out" || same_out=0
if [ "$same_out" -eq 1 ] && [ "$qrc" -eq "$vrc" ]; then
  echo "compare: identical ($(wc -c <"$work/vzsim.out") bytes, exit $qrc)"
  exit 0
fi

echo "compare: MISMATCH for $elf"
echo "  exit code: QEMU $qrc, vzsim $vrc"
if [ -s "$work/vzsim.err" ]; then
  echo "  vzsim stderr:"
  head -20 "$work/vzsim.err" | sed 's/^/    /'
fi
if [ "$same_out" -eq 0 ]; then
  echo "  stdout differs (first 80 lines of the diff, QEMU = ---, vzsim = +++):"
  diff -u --label qemu --label vzsim "$expected" "$work/vzsim.out" | head -80
fi
if [ -n "${VZSIM_ORACLE_NO_LOCKSTEP:-}" ]; then
  echo "  (lockstep skipped: VZSIM_ORACLE_NO_LOCKSTEP is set)"
elif [ -n "$lockstep" ] && command -v python3 >/dev/null 2>&1; then
  echo "  lockstep comparison:"
  (cd "$work" && python3 "$lockstep" --qemu "$qemu" --vzsim "$vzsim" --elf "$elf" --timeout 240 \
    --max-insns "$max_insns") 2>&1 | sed 's/^/    /'
fi
echo "  outputs kept in $work"
exit 1
