#!/bin/sh
# scripts/test.sh - install what is missing, build everything with AddressSanitizer
# and UndefinedBehaviorSanitizer, and run every test (GoogleTest suites, the
# binutils and QEMU oracle comparisons). Prints ctest's summary; exits non-zero
# on any failure. Usage: scripts/test.sh [extra ctest arguments]
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
JOBS=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVZSIM_SANITIZE=ON \
      -DVZSIM_GUESTS=ON -DVZSIM_TESTS=ON
cmake --build build-asan -j "$JOBS"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build-asan -j "$JOBS" --output-on-failure --timeout 600 "$@"
