#!/bin/sh
# tests/timing/determinism_clang.sh SRC_DIR CLANG_BUILD_DIR VZSIM
#
# Determinism across compilers (issue 6): builds the vzsim tool with clang
# (Release, no sanitizer, only the `vzsim` target) in CLANG_BUILD_DIR and requires
# that it prints exactly what VZSIM (the tool of the build under test, normally
# gcc) prints for:
#   - the scenario suite on both shipped configs (cycles per exit, min/median/max),
#   - the scenario suite's CSV report (the format of tests/baseline),
#   - `run --timing CONFIG --stats` of the microbenchmark program (every statistic).
# The clang tool finds the guest ELFs through a `guests` link to VZSIM's build.
set -eu
src=$1
dir=$2
vzsim=$3
gbuild=$(cd "$(dirname "$vzsim")/.." && pwd)
command -v clang >/dev/null || { echo "determinism: clang not found (scripts/setup.sh installs it)" >&2; exit 1; }
mkdir -p "$dir"
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=Release -DVZSIM_SANITIZE=OFF -DVZSIM_GUESTS=OFF -DVZSIM_TESTS=OFF >/dev/null
fi
cmake --build "$dir" --target vzsim -j2 >"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; exit 1; }
ln -sfn "$gbuild/guests" "$dir/guests"
clang_vzsim=$dir/tools/vzsim
out=$dir/compare
rm -rf "$out"
mkdir -p "$out"
fail=0
check() {  # check NAME ARGS...: run both tools, compare stdout+stderr and the exit code
  name=$1
  shift
  rc_g=0; rc_c=0
  "$vzsim" "$@" >"$out/$name.gcc" 2>&1 || rc_g=$?
  "$clang_vzsim" "$@" >"$out/$name.clang" 2>&1 || rc_c=$?
  if [ "$rc_g" != "$rc_c" ] || ! cmp -s "$out/$name.gcc" "$out/$name.clang"; then
    echo "determinism: '$name' differs (exit $rc_g vs $rc_c):" >&2
    diff "$out/$name.gcc" "$out/$name.clang" | head -20 >&2 || true
    fail=1
  else
    echo "determinism: $name identical ($(wc -l <"$out/$name.gcc") lines, exit $rc_g)"
  fi
}
for cfg in i6400 classic5; do
  check "scenarios-$cfg" scenarios --config "$src/configs/$cfg.ini"
  check "ubench-$cfg" run --timing "$src/configs/$cfg.ini" --stats "$gbuild/guests/ubench.elf"
done
# the CSV report of a traced scenario run (trace databases hold host paths/times,
# the report does not)
"$vzsim" scenarios --trace "$out/gcc.db" >/dev/null
"$clang_vzsim" scenarios --trace "$out/clang.db" >/dev/null
"$vzsim" report --format csv "$out/gcc.db" >"$out/report.gcc"
"$vzsim" report --format csv "$out/clang.db" >"$out/report.clang"
if cmp -s "$out/report.gcc" "$out/report.clang" && [ -s "$out/report.gcc" ]; then
  echo "determinism: scenario CSV report identical ($(wc -l <"$out/report.gcc") lines)"
else
  echo "determinism: scenario CSV reports differ" >&2
  diff "$out/report.gcc" "$out/report.clang" | head -20 >&2 || true
  fail=1
fi
exit $fail
