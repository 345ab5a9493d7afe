// tests/isa/compare.h - compare vzsim's disassembler with GNU objdump word by word and
// classify every word (see docs/isa.md, "The objdump comparison").
#ifndef VZSIM_TESTS_ISA_COMPARE_H
#define VZSIM_TESTS_ISA_COMPARE_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/isa/isa.h"

namespace vzt {

// One objdump -M setting and the vz_disasm options that must reproduce it.
struct Mode {
    const char *name;
    const char *m_opts;
    vz_disasm_opts opts;
};
extern const Mode kModes[];
extern const size_t kNumModes;

struct Comparison {
    uint64_t words = 0;
    uint64_t equal = 0;       // implemented row, identical text
    uint64_t both_word = 0;   // no row at all in vzsim, objdump prints .word
    // Reserved in vzsim (a REMOVED or UNIMPL row): per row, words that objdump decodes
    // as some instruction / that objdump prints as .word.
    std::map<vz_insn_id, uint64_t> reserved_decoded, reserved_word;
    // Known objdump quirks (docs/isa.md), per quirk name.
    std::map<std::string, uint64_t> quirks;
    uint64_t failures = 0;
    std::vector<std::string> first_failures;   // at most max_reported, formatted
    std::string error;                         // objdump could not be run
};

// Classify one word. Returns nullptr when acceptable (and counts it in *c), else a
// short reason (and counts a failure).
const char *classify(uint32_t w, uint64_t pc, const std::string &objdump_text,
                     const vz_disasm_opts &opts, Comparison *c, std::string *vz_text);

// Disassemble words (at vma, vma+4, ...) with objdump in the given mode and classify each.
Comparison compare_with_objdump(const std::vector<uint32_t> &words, const Mode &mode,
                                size_t max_reported = 50, uint64_t vma = 0);

// Human-readable summary (counts, reserved rows, quirks, first failures).
std::string summary(const Comparison &c, const Mode &mode);

}  // namespace vzt

#endif
