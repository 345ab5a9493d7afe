#!/bin/sh
# scripts/run.sh - install what is missing, build vzsim (optimised) and run the main
# job with its defaults: the exit scenarios (guests entered and left through the
# generated entry/exit code, with per-exit instruction counts), then the demo
# program on the bare core next to QEMU's boston board as the reference.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
JOBS=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVZSIM_GUESTS=ON -DVZSIM_TESTS=OFF
cmake --build build -j "$JOBS"
echo "== vzsim scenarios"
build/tools/vzsim scenarios "$@"
echo "== vzsim run --stats build/guests/demo.elf"
build/tools/vzsim run --stats build/guests/demo.elf
echo "== the same ELF on QEMU (qemu-system-mips64el -M boston -cpu I6400 -semihosting)"
qemu-system-mips64el -M boston -cpu I6400 -display none -nographic -semihosting \
    -kernel build/guests/demo.elf
