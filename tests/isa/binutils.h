// tests/isa/binutils.h - the GNU cross binutils (mipsisa64r6el-linux-gnuabi64-*) as
// test oracles: run objdump over raw words, assemble and link a source file.
//
// The tools are found on PATH (scripts/setup.sh installs them; docs/toolchain.md
// lists the package). Tests call binutils_available() first and GTEST_SKIP when it
// is false, so a machine without the cross tools skips instead of failing.
// Limits: POSIX only (popen/system); files go to a per-process temporary directory.
#ifndef VZSIM_TESTS_ISA_BINUTILS_H
#define VZSIM_TESTS_ISA_BINUTILS_H

#include <cstdint>
#include <string>
#include <vector>

namespace vzt {

// Prefix of the cross tools.
inline constexpr const char *kCross = "mipsisa64r6el-linux-gnuabi64-";

// Full path of a cross tool ("objdump", "as", "ld", "objcopy") or "" when absent.
std::string cross_tool(const std::string &name);

// True when objdump, as, ld and objcopy are all on PATH.
bool binutils_available();

// A fresh temporary directory for this process (created once, removed at exit).
const std::string &tmp_dir();

// Write words as raw little-endian bytes.
void write_words(const std::string &path, const std::vector<uint32_t> &words);
// Read a raw little-endian file as words (a trailing partial word is dropped).
std::vector<uint32_t> read_words(const std::string &path);

// Disassemble words (placed at address vma, vma+4, ...) with
//   objdump -D -z -b binary -m mips:isa64r6 -EL -M <m_opts> [--adjust-vma=<vma>]
// and return one text per word: "mnemonic\toperands" as objdump prints it after the
// hex column, trailing tabs and blanks removed. Returns an empty vector and sets
// *err on failure (including any line whose hex column is not the expected word).
std::vector<std::string> objdump_words(const std::vector<uint32_t> &words,
                                       const std::string &m_opts, std::string *err,
                                       uint64_t vma = 0);

// Assemble source (GNU as syntax) with
//   as -mips64r6 -mabi=64 -EL <extra_as_flags>, link it at text_addr with
//   ld --noinhibit-exec -Ttext=<text_addr> -e <text_addr> (this resolves branches to
//   absolute targets, docs/toolchain.md) and return the words of .text. Sets *err
//   (with the tools' messages) on failure and returns an empty vector.
std::vector<uint32_t> assemble(const std::string &source, const std::string &extra_as_flags,
                               std::string *err, uint64_t text_addr = 0);

}  // namespace vzt

#endif
