// tests/isa/isa_encode_test.cc - encodings checked against GNU as.
//
// For every implemented row of mips64r6.def: draw words of that row from the table
// alone (match/mask/constraint, not vz_decode), print each with vzsim's disassembler
// in objdump's assembler-friendly mode (-M no-aliases,reg-names=numeric), assemble
// the listing with GNU as, link it (so PC-relative targets resolve) and check that
// (1) GNU as produces the very same word and (2) vz_decode maps it to the row it was
// drawn from. A word that GNU as rejects is dropped and listed: UNPREDICTABLE operand
// combinations (EXT/INS sizes past the register, BLTZALC $31) and, a GNU as limit,
// some forward branches to absolute targets near the end of the offset range. Every
// implemented row must keep at least one word.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/isa/binutils.h"
#include "tests/isa/table_util.h"

namespace {

using vzt::row;

constexpr uint64_t kBase = 0;   // link address of the listing
constexpr int kPerRow = 12;              // random words per implemented row

// Rows whose text does not determine the word: GNU as re-encodes the text to another
// word of the same row. NAL: the R6 manual says the offset field is ignored, and
// objdump (and so vzsim) prints just "nal".
bool lossy_text(int id)
{
    return id == VZ_I_NAL;
}

struct Instance {
    int id;
    uint32_t word;
    std::string text;
    bool rejected = false;
    std::string gas_message;
};

std::string listing(const std::vector<Instance> &v)
{
    std::ostringstream s;
    s << "\t.set noreorder\n\t.set noat\n\t.set nomacro\n\t.text\n";
    for (size_t i = 0; i < v.size(); i++) {
        // .org pins each instruction to its index: a macro that expanded into several
        // words would make the next .org move backwards, which GNU as rejects.
        s << "\t.org " << 4 * i << "\n";
        if (v[i].rejected) {
            char b[32];
            std::snprintf(b, sizeof b, "\t.word 0x%08x\n", v[i].word);
            s << b;
        } else {
            s << "\t" << v[i].text << "\n";
        }
    }
    return s.str();
}

TEST(IsaEncode, GnuAsAgreesWithTheTable)
{
    if (!vzt::binutils_available())
        GTEST_SKIP() << "cross binutils (" << vzt::kCross
                     << "as/ld/objcopy/objdump) not on PATH: run scripts/setup.sh";
    std::mt19937_64 rng(0x5eed);
    const vz_disasm_opts asm_mode = {1, 1, 1};   // -M no-aliases,reg-names=numeric
    std::vector<Instance> v;
    for (int id = 1; id < VZ_I_COUNT; id++) {
        if (!vz_insn_implemented((vz_insn_id)id))
            continue;
        int got = 0;
        for (int k = 0; k < 50 * kPerRow && got < kPerRow; k++) {
            uint32_t w;
            ASSERT_TRUE(vzt::random_word_of(id, rng, &w)) << row(id).name;
            // objdump's no-aliases "dli" for ORI rt,$0,imm is a GNU as macro: skip it.
            if (row(vz_decode_disasm(w, 0)).flags & VZ_F_NAONLY)
                continue;
            char text[160];
            vz_disasm(w, kBase + 4 * v.size(), &asm_mode, text, sizeof text);
            v.push_back({id, w, text, false, ""});
            got++;
        }
        ASSERT_GT(got, 0) << "no assemblable word drawn for " << row(id).name;
    }

    // Assemble; when GNU as rejects lines ("FILE.s:LINE: Error: ..."), replace those
    // by .word and assemble again.
    std::string err;
    std::vector<uint32_t> words;
    for (int pass = 0; pass < 3; pass++) {
        err.clear();
        words = vzt::assemble(listing(v), "-mvirt", &err, kBase);
        if (!words.empty())
            break;
        int rejected = 0;
        std::istringstream lines(err);
        std::string l;
        while (std::getline(lines, l)) {
            size_t at = l.find(".s:"), e = l.find(": Error: ");
            if (at == std::string::npos || e == std::string::npos || e < at)
                continue;
            long line = std::strtol(l.c_str() + at + 3, nullptr, 10);
            long idx = (line - 5) / 2;   // 4 header lines, then ".org" + instruction
            if (idx >= 0 && (size_t)idx < v.size() && !v[idx].rejected) {
                v[idx].rejected = true;
                v[idx].gas_message = l.substr(e + 9);
                rejected++;
            }
        }
        ASSERT_GT(rejected, 0) << "GNU as failed without line errors:\n" << err;
    }
    ASSERT_FALSE(words.empty()) << err;
    ASSERT_GE(words.size(), v.size());

    std::map<int, int> accepted, dropped;
    std::set<std::string> messages;
    int checked = 0;
    for (size_t i = 0; i < v.size(); i++) {
        const Instance &in = v[i];
        if (in.rejected) {
            dropped[in.id]++;
            messages.insert(std::string(row(in.id).name) + ": " + in.text + "  -- " +
                            in.gas_message);
            continue;
        }
        accepted[in.id]++;
        checked++;
        uint32_t got = words[i];
        EXPECT_EQ(vz_decode(got), in.id)
            << std::hex << "'" << in.text << "': GNU as gives " << got << ", which decodes to "
            << row(vz_decode(got)).name << ", not " << row(in.id).name;
        if (!lossy_text(in.id)) {
            EXPECT_EQ(got, in.word) << std::hex << "'" << in.text << "' (row " << row(in.id).name
                                    << "): GNU as encodes " << got << ", the table drew "
                                    << in.word;
        }
    }
    for (int id = 1; id < VZ_I_COUNT; id++) {
        if (vz_insn_implemented((vz_insn_id)id)) {
            EXPECT_GT(accepted[id], 0) << "GNU as rejected every instance of " << row(id).name;
        }
    }
    std::printf("%d words of %zu implemented rows assembled by GNU as and checked; %zu words "
                "that GNU as rejects were dropped:\n",
                checked, accepted.size(), v.size() - (size_t)checked);
    for (auto &m : messages)
        std::printf("  %s\n", m.c_str());
}

}  // namespace
