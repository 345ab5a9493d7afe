// tests/isa/table_util.h - set relations between rows of mips64r6.def, computed from
// the table alone (never from vz_decode), for the table and encoding tests.
//
// A row denotes the set of words w with (w & mask) == match whose rs/rt fields satisfy
// its constraint. Constraints read only rs (25:21) and rt (20:16), so every question
// below reduces to the 1024 (rs, rt) pairs.
#ifndef VZSIM_TESTS_ISA_TABLE_UTIL_H
#define VZSIM_TESTS_ISA_TABLE_UTIL_H

#include <cstdint>
#include <random>
#include <vector>

#include "sim/isa/isa.h"

namespace vzt {

inline const vz_insn_info &row(int id) { return vz_insn_table[id]; }

inline bool row_matches(int id, uint32_t w)
{
    const vz_insn_info &r = row(id);
    return (w & r.mask) == r.match && vz_constraint_holds(r.cons, w);
}

// Calls f(word) for one representative word per (rs, rt) pair that the mask allows;
// the other free bits are taken from fill. Stops early when f returns false.
template <class F> void for_each_rsrt(uint32_t mask, uint32_t match, uint32_t fill, F f)
{
    const uint32_t rsrt = 0x03ff0000u;
    for (uint32_t v = 0; v < 1024; v++) {
        uint32_t bits = v << 16;
        if ((bits & mask & rsrt) != (match & rsrt))
            continue;
        uint32_t w = (match & mask) | (bits & ~mask & rsrt) | (fill & ~mask & ~rsrt);
        if (!f(w))
            return;
    }
}

// Do rows a and b have a word in common?
inline bool rows_overlap(int a, int b)
{
    const vz_insn_info &ra = row(a), &rb = row(b);
    uint32_t common = ra.mask & rb.mask;
    if ((ra.match & common) != (rb.match & common))
        return false;
    bool any = false;
    for_each_rsrt(ra.mask | rb.mask, ra.match | rb.match, 0, [&](uint32_t w) {
        any = vz_constraint_holds(ra.cons, w) && vz_constraint_holds(rb.cons, w);
        return !any;
    });
    return any;
}

// Is every word of row inner also a word of row outer?
inline bool row_contains(int outer, int inner)
{
    const vz_insn_info &ro = row(outer), &ri = row(inner);
    if ((ro.mask & ~ri.mask) != 0 || (ri.match & ro.mask) != ro.match)
        return false;
    bool all = true;
    for_each_rsrt(ri.mask, ri.match, 0, [&](uint32_t w) {
        if (vz_constraint_holds(ri.cons, w) && !vz_constraint_holds(ro.cons, w))
            all = false;
        return all;
    });
    return all;
}

// The row that owns word w according to the table: among the matching non-alias rows,
// the one contained in all the others (rows may only overlap by nesting, which the
// table test checks). VZ_I_INVALID when no row matches; -1 when the matching rows do
// not form a chain (an ambiguity the table test reports).
inline int table_owner(uint32_t w)
{
    std::vector<int> m;
    for (int id = 1; id < VZ_I_COUNT; id++)
        if (!(row(id).flags & VZ_F_ALIAS) && row_matches(id, w))
            m.push_back(id);
    if (m.empty())
        return VZ_I_INVALID;
    for (int c : m) {
        bool inner = true;
        for (int o : m)
            if (o != c && !row_contains(o, c))
                inner = false;
        if (inner)
            return c;
    }
    return -1;
}

// Random word of row id whose table owner is id itself (not a more specific row nested
// in it), with register fields biased towards 0, 1, 31 and equal rs/rt so that
// constraint boundaries are hit. Returns false after many failed attempts.
inline bool random_word_of(int id, std::mt19937_64 &rng, uint32_t *out)
{
    const vz_insn_info &r = row(id);
    auto reg = [&]() -> uint32_t {
        switch (rng() % 6) {
        case 0: return 0;
        case 1: return 1;
        case 2: return 31;
        default: return (uint32_t)(rng() % 32);
        }
    };
    for (int tries = 0; tries < 10000; tries++) {
        uint32_t rs = reg(), rt = (rng() % 4 == 0) ? rs : reg();
        uint32_t w = (uint32_t)rng();
        w = (w & ~0x03ff0000u) | rs << 21 | rt << 16;
        w = (w & ~r.mask) | r.match;
        if (vz_constraint_holds(r.cons, w) && table_owner(w) == id) {
            *out = w;
            return true;
        }
    }
    return false;
}

}  // namespace vzt

#endif
