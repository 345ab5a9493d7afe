// tests/isa/isa_table_test.cc - invariants of the instruction table (mips64r6.def) and
// of the decoder built from it: no unlisted overlaps (and no stale allow-list entries),
// aliases inside their rows, decoder capacity, decoder == table, operand tokens known.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "tests/isa/table_util.h"

namespace {

using vzt::row;

// Non-alias rows that may overlap: (outer, inner), inner entirely inside outer. The
// decoder picks the more specific inner row. Rows flagged VZ_F_GROUP (the reserved
// remainder of an encoding group: C0, COP1, COP2) may contain any row and need no
// entry here; instead each must contain at least one row.
const std::pair<vz_insn_id, vz_insn_id> kAllowedOverlaps[] = {
    {VZ_I_SLL, VZ_I_NOP},    // sll $0,$0,0
    {VZ_I_SLL, VZ_I_SSNOP},  // sll $0,$0,1
    {VZ_I_SLL, VZ_I_EHB},    // sll $0,$0,3
    {VZ_I_SLL, VZ_I_PAUSE},  // sll $0,$0,5
};

std::string desc(int id)
{
    char b[160];
    const vz_insn_info &r = row(id);
    std::snprintf(b, sizeof b, "%s (match %08x mask %08x cons %d)", r.name, r.match, r.mask,
                  (int)r.cons);
    return b;
}

TEST(IsaTable, RowsAreWellFormed)
{
    EXPECT_STREQ(row(VZ_I_INVALID).name, "INVALID");
    for (int id = 1; id < VZ_I_COUNT; id++) {
        const vz_insn_info &r = row(id);
        SCOPED_TRACE(desc(id));
        EXPECT_TRUE(r.mnemonic && r.mnemonic[0]);
        EXPECT_EQ(r.match & ~r.mask, 0u) << "match has bits outside the mask";
        EXPECT_EQ(r.mask & 0xfc000000u, 0xfc000000u)
            << "the decoder indexes rows by major opcode: the mask must fix bits 31:26";
        EXPECT_NE(r.alias_of, id);
        if (r.flags & VZ_F_ALIAS) {
            EXPECT_NE(r.alias_of, VZ_I_INVALID) << "an ALIAS row needs alias_of";
        }
        if (r.flags & (VZ_F_DISFORM | VZ_F_NAONLY)) {
            EXPECT_TRUE(r.flags & VZ_F_ALIAS) << "DISFORM/NAONLY qualify ALIAS rows";
        }
        if (r.flags & (VZ_F_GROUP | VZ_F_CPU1 | VZ_F_CPU2)) {
            EXPECT_TRUE(r.flags & (VZ_F_REMOVED | VZ_F_UNIMPL))
                << "GROUP/CPU1/CPU2 describe reserved rows";
        }
        if (r.flags & (VZ_F_CPU1 | VZ_F_CPU2)) {
            EXPECT_TRUE(r.flags & VZ_F_UNIMPL);
        }
        if (r.flags & (VZ_F_REMOVED | VZ_F_UNIMPL)) {
            EXPECT_FALSE(r.flags & VZ_F_ALIAS);
            EXPECT_EQ(r.alias_of, VZ_I_INVALID);
        }
        EXPECT_EQ(vz_insn_implemented((vz_insn_id)id),
                  !(r.flags & (VZ_F_REMOVED | VZ_F_UNIMPL | VZ_F_ALIAS)));
    }
}

TEST(IsaTable, NoOverlapsExceptAllowListedOrGroups)
{
    std::set<std::pair<int, int>> allowed, used;
    for (auto &p : kAllowedOverlaps)
        allowed.insert({p.first, p.second});
    std::set<int> groups_used;
    int overlaps = 0;
    for (int a = 1; a < VZ_I_COUNT; a++) {
        if (row(a).flags & VZ_F_ALIAS)
            continue;
        for (int b = a + 1; b < VZ_I_COUNT; b++) {
            if ((row(b).flags & VZ_F_ALIAS) || !vzt::rows_overlap(a, b))
                continue;
            overlaps++;
            bool ok = false;
            const int pairs[2][2] = {{a, b}, {b, a}};
            for (const auto &pr : pairs) {
                int o = pr[0], i = pr[1];
                if (!vzt::row_contains(o, i))
                    continue;
                if (row(o).flags & VZ_F_GROUP) {
                    groups_used.insert(o);
                    ok = true;
                } else if (allowed.count({o, i})) {
                    used.insert({o, i});
                    ok = true;
                }
            }
            EXPECT_TRUE(ok) << "rows overlap without an allow-list entry or a GROUP row "
                               "around them:\n  "
                            << desc(a) << "\n  " << desc(b);
        }
    }
    for (auto &p : allowed)
        EXPECT_TRUE(used.count(p)) << "stale allow-list entry: " << row(p.second).name
                                   << " is no longer inside " << row(p.first).name;
    for (int id = 1; id < VZ_I_COUNT; id++) {
        if (row(id).flags & VZ_F_GROUP) {
            EXPECT_TRUE(groups_used.count(id))
                << "GROUP row " << row(id).name << " contains no other row: drop the flag";
        }
    }
    EXPECT_GT(overlaps, 0);
}

TEST(IsaTable, AliasesLieInsideTheirRows)
{
    for (int id = 1; id < VZ_I_COUNT; id++) {
        const vz_insn_info &r = row(id);
        if (r.alias_of == VZ_I_INVALID)
            continue;
        SCOPED_TRACE(desc(id));
        EXPECT_TRUE(vzt::row_contains(r.alias_of, id))
            << "not inside its alias_of row " << desc(r.alias_of);
        EXPECT_TRUE(vz_insn_implemented(r.alias_of))
            << "alias_of must be an implemented, non-alias row";
    }
}

TEST(IsaTable, DecoderCapacity)
{
    int exec[64] = {0}, alias[64] = {0};
    for (int id = 1; id < VZ_I_COUNT; id++) {
        unsigned op = row(id).match >> 26;
        if (row(id).flags & VZ_F_ALIAS)
            alias[op]++;
        else
            exec[op]++;
    }
    int most = 0;
    for (int op = 0; op < 64; op++) {
        EXPECT_LE(exec[op], VZ_DECODE_MAX_ROWS_PER_OP) << "major opcode " << op;
        EXPECT_LE(alias[op], VZ_DECODE_MAX_ROWS_PER_OP) << "major opcode " << op;
        most = std::max(most, std::max(exec[op], alias[op]));
    }
    std::printf("largest per-opcode row list: %d of %d\n", most, VZ_DECODE_MAX_ROWS_PER_OP);
}

// The decoder (sorted per-opcode lists) must pick the row that the table alone says
// owns the word: checked on every row's own words and on random words.
TEST(IsaTable, DecoderAgreesWithTable)
{
    std::mt19937_64 rng(20240601);
    std::vector<uint32_t> words;
    for (int id = 1; id < VZ_I_COUNT; id++) {
        if (row(id).flags & VZ_F_ALIAS)
            continue;
        uint32_t w;
        for (int k = 0; k < 16; k++)
            if (vzt::random_word_of(id, rng, &w))
                words.push_back(w);
        ASSERT_TRUE(vzt::random_word_of(id, rng, &w))
            << "no word is owned by row " << desc(id) << " (hidden by nested rows?)";
    }
    for (int i = 0; i < 200000; i++)
        words.push_back((uint32_t)rng());
    int bad = 0;
    for (uint32_t w : words) {
        int owner = vzt::table_owner(w);
        ASSERT_NE(owner, -1) << std::hex << w << ": matching rows are not nested";
        if (vz_decode(w) != owner && bad++ < 20)
            ADD_FAILURE() << std::hex << w << ": decoder " << row(vz_decode(w)).name
                          << ", table " << row(owner).name;
    }
    EXPECT_EQ(bad, 0);
}

// Every operand token of every row is known to the disassembler, in every mode, and
// alias rows are chosen for their words.
TEST(IsaTable, OperandTokensKnown)
{
    std::mt19937_64 rng(7);
    const vz_disasm_opts modes[] = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {1, 1, 1}};
    for (int id = 1; id < VZ_I_COUNT; id++) {
        const vz_insn_info &r = row(id);
        SCOPED_TRACE(desc(id));
        for (int k = 0; k < 8; k++) {
            uint32_t w = ((uint32_t)rng() & ~r.mask) | r.match;
            if (!vz_constraint_holds(r.cons, w))
                continue;
            for (const vz_disasm_opts &o : modes) {
                char buf[160];
                int n = vz_disasm(w, 0x1000, &o, buf, sizeof buf);
                EXPECT_EQ((size_t)n, std::strlen(buf));
                EXPECT_EQ(std::strstr(buf, "<?"), nullptr) << buf;
            }
        }
    }
}

// vz_disasm never writes past n and always terminates the string.
TEST(IsaTable, DisasmRespectsBufferSize)
{
    const vz_disasm_opts o = {0, 0, 0};
    const uint32_t words[] = {0x0000000d, 0x7c4218fb, 0x40026001, 0x1000ffff, 0x12345678};
    for (uint32_t w : words) {
        char full[160];
        int n = vz_disasm(w, 0, &o, full, sizeof full);
        for (size_t cap = 0; cap < 24; cap++) {
            char buf[32];
            std::memset(buf, 'X', sizeof buf);
            EXPECT_EQ(vz_disasm(w, 0, &o, buf, cap), n);
            if (cap) {
                EXPECT_EQ(std::strncmp(buf, full, cap - 1), 0);
                EXPECT_EQ(std::strlen(buf), std::min((size_t)n, cap - 1));
            }
            for (size_t i = cap; i < sizeof buf; i++)
                EXPECT_EQ(buf[i], 'X') << "wrote past the buffer";
        }
    }
}

}  // namespace
