# Benchmark guest programs. Included from guests/CMakeLists.txt so that they are
# built with the same cross toolchain, flags and runtime as every other guest.
foreach(p alu crc32 memwalk interp startup)
  vzsim_guest(bench_${p} ${CMAKE_SOURCE_DIR}/bench/progs/${p}.c)
endforeach()
