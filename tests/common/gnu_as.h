// tests/common/gnu_as.h - assemble MIPS64r6 source with GNU as (the encoding oracle)
// and return the words of .text, so that tests never hand-encode instructions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vzsim_test {

// True when the cross binutils (scripts/setup.sh installs them) are on PATH.
bool have_cross_binutils();

// Assemble src with `.set noreorder` and `.set virt`, link it at address `at`
// (so that branches and jumps are resolved as in a real image) and return exactly
// the words of src (no section padding). Fails the current test (ADD_FAILURE) and
// returns an empty vector when as or ld reports an error, with their output.
std::vector<uint32_t> assemble(const std::string &src, uint64_t at = 0xffffffff80001000ull);

}  // namespace vzsim_test
