#!/bin/sh
# scripts/run.sh - install what is missing, build vzsim (optimised) and run the main
# job with its defaults: the demo program on the simulated MIPS64r6 core, then the
# same program under QEMU's boston board as the reference, so the two outputs can
# be compared by eye. Extra arguments are passed to `vzsim run`.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
JOBS=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVZSIM_GUESTS=ON -DVZSIM_TESTS=OFF
cmake --build build -j "$JOBS"
echo "== vzsim run --stats build/guests/demo.elf"
build/tools/vzsim run --stats "$@" build/guests/demo.elf
echo "== the same ELF on QEMU (qemu-system-mips64el -M boston -cpu I6400 -semihosting)"
qemu-system-mips64el -M boston -cpu I6400 -display none -nographic -semihosting \
    -kernel build/guests/demo.elf
