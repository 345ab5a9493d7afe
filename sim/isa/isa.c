/*
 * sim/isa/isa.c - the instruction table instantiated from mips64r6.def, and the
 * decoder derived from it.
 *
 * The decoder keeps, per major opcode, the rows of that opcode ordered from the most
 * to the least specific (mask bits, then register constraint). The index is built
 * once (pthread_once) and is read-only afterwards, so cores in several threads share
 * it safely. Decoding a word walks only its major opcode's list (at most a few dozen
 * rows); the executor caches decoded words, so this is not on the hot path.
 */
#include "sim/isa/isa.h"

#include <pthread.h>
#include <stdlib.h>

const vz_insn_info vz_insn_table[VZ_I_COUNT] = {
    [VZ_I_INVALID] = { "INVALID", ".word", 0, 0, "", VZ_OC_RESERVED, 0, VZ_C_NONE,
                       VZ_I_INVALID },
#define INSN(id, mn, mt, mk, ops, cls, fl, cons, alias) \
    [VZ_I_##id] = { #id, mn, mt, mk, ops, VZ_OC_##cls, fl, VZ_C_##cons, VZ_I_##alias },
#define VZ_I_NONE VZ_I_INVALID
#include "sim/isa/mips64r6.def"
#undef INSN
#undef VZ_I_NONE
};

int vz_constraint_holds(vz_constraint c, uint32_t w)
{
    unsigned rs = vz_f_rs(w), rt = vz_f_rt(w);
    switch (c) {
    case VZ_C_NONE:        return 1;
    case VZ_C_RS_NZ:       return rs != 0;
    case VZ_C_RT_NZ:       return rt != 0;
    case VZ_C_RS_EQ_RT_NZ: return rs == rt && rt != 0;
    case VZ_C_RS_NE_RT_NZ: return rs != rt && rs != 0 && rt != 0;
    case VZ_C_RS_GE_RT:    return rs >= rt;
    case VZ_C_RS_LT_RT_NZ: return rs != 0 && rs < rt;
    }
    return 0;
}

/* Rows per major opcode, most specific first. Exec rows and alias rows separately. */
#define MAX_PER_OP VZ_DECODE_MAX_ROWS_PER_OP
_Static_assert(VZ_I_COUNT <= 65535, "row identifiers are stored in uint16_t");
_Static_assert(MAX_PER_OP <= 255, "per-opcode row counts are stored in uint8_t");
struct op_index {
    uint16_t exec[64][MAX_PER_OP];
    uint8_t nexec[64];
    uint16_t alias[64][MAX_PER_OP];
    uint8_t nalias[64];
};

static struct op_index g_index;   /* written once under pthread_once, then read-only */
static pthread_once_t g_index_once = PTHREAD_ONCE_INIT;

static int specificity(const vz_insn_info *r)
{
    return __builtin_popcount(r->mask) * 2 + (r->cons != VZ_C_NONE);
}

static void insert_sorted(uint16_t *list, uint8_t *n, uint16_t id)
{
    int s = specificity(&vz_insn_table[id]);
    int i = *n;
    if (i >= MAX_PER_OP)
        abort(); /* table invariant, checked by tests/isa: raise MAX_PER_OP */
    while (i > 0 && specificity(&vz_insn_table[list[i - 1]]) < s) {
        list[i] = list[i - 1];
        i--;
    }
    list[i] = id;
    (*n)++;
}

static void build_index(void)
{
    for (int id = 1; id < VZ_I_COUNT; id++) {
        const vz_insn_info *r = &vz_insn_table[id];
        unsigned op = r->match >> 26;
        if (r->flags & VZ_F_ALIAS)
            insert_sorted(g_index.alias[op], &g_index.nalias[op], (uint16_t)id);
        else
            insert_sorted(g_index.exec[op], &g_index.nexec[op], (uint16_t)id);
    }
}

static const struct op_index *index_get(void)
{
    pthread_once(&g_index_once, build_index);
    return &g_index;
}

/* First row of list (most specific first) that matches w, whose flags include one of
 * need_any (when non-zero) and none of forbid. */
static vz_insn_id scan(const uint16_t *list, unsigned n, uint32_t w, uint32_t need_any,
                       uint32_t forbid)
{
    for (unsigned i = 0; i < n; i++) {
        const vz_insn_info *r = &vz_insn_table[list[i]];
        if ((w & r->mask) == r->match && (!need_any || (r->flags & need_any)) &&
            !(r->flags & forbid) && vz_constraint_holds(r->cons, w))
            return (vz_insn_id)list[i];
    }
    return VZ_I_INVALID;
}

vz_insn_id vz_decode(uint32_t w)
{
    const struct op_index *x = index_get();
    unsigned op = w >> 26;
    return scan(x->exec[op], x->nexec[op], w, 0, 0);
}

vz_insn_id vz_decode_disasm(uint32_t w, int aliases)
{
    const struct op_index *x = index_get();
    unsigned op = w >> 26;
    vz_insn_id id = aliases ? scan(x->alias[op], x->nalias[op], w, 0, VZ_F_NAONLY)
                            : scan(x->alias[op], x->nalias[op], w, VZ_F_DISFORM | VZ_F_NAONLY, 0);
    if (id != VZ_I_INVALID)
        return id;
    return scan(x->exec[op], x->nexec[op], w, 0, 0);
}
