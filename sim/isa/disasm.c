/*
 * sim/isa/disasm.c - disassembler driven by the operand tokens of mips64r6.def.
 *
 * Output equals GNU objdump's (binutils 2.40, -m mips:isa64r6, raw binary input,
 * so branch targets print as 0x… addresses without symbols) for every word vzsim
 * implements; tests/isa compares the two on random words. Words that match no
 * implemented row print as objdump prints unknown words: ".word\t0x%08x".
 */
#include "sim/isa/isa.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const gpr64[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
    "a4",   "a5", "a6", "a7", "t0", "t1", "t2", "t3",
    "s0",   "s1", "s2", "s3", "s4", "s5", "s6", "s7",
    "t8",   "t9", "k0", "k1", "gp", "sp", "s8", "ra",
};
static const char *const gprnum[32] = {
    "$0",  "$1",  "$2",  "$3",  "$4",  "$5",  "$6",  "$7",
    "$8",  "$9",  "$10", "$11", "$12", "$13", "$14", "$15",
    "$16", "$17", "$18", "$19", "$20", "$21", "$22", "$23",
    "$24", "$25", "$26", "$27", "$28", "$29", "$30", "$31",
};

const char *vz_gpr_name(unsigned r, int numeric)
{
    return (numeric ? gprnum : gpr64)[r & 31];
}

/* CP0 names as objdump prints them for MIPS64 R6 (binutils mips_cp0_names and
 * mips_cp0sel_names for mips3264r2). */
struct cp0name { unsigned char reg, sel; const char *name; };
static const struct cp0name cp0names[] = {
    {0, 0, "c0_index"}, {1, 0, "c0_random"}, {2, 0, "c0_entrylo0"}, {3, 0, "c0_entrylo1"},
    {4, 0, "c0_context"}, {4, 2, "c0_userlocal"}, {5, 0, "c0_pagemask"},
    {5, 1, "c0_pagegrain"}, {6, 0, "c0_wired"}, {7, 0, "c0_hwrena"},
    {8, 0, "c0_badvaddr"}, {9, 0, "c0_count"}, {10, 0, "c0_entryhi"},
    {11, 0, "c0_compare"}, {12, 0, "c0_status"}, {12, 1, "c0_intctl"},
    {12, 2, "c0_srsctl"}, {12, 3, "c0_srsmap"}, {13, 0, "c0_cause"}, {14, 0, "c0_epc"},
    {15, 0, "c0_prid"}, {15, 1, "c0_ebase"}, {16, 0, "c0_config"},
    {16, 1, "c0_config1"}, {16, 2, "c0_config2"}, {16, 3, "c0_config3"},
    {17, 0, "c0_lladdr"}, {18, 0, "c0_watchlo"}, {18, 1, "c0_watchlo,1"},
    {18, 2, "c0_watchlo,2"}, {18, 3, "c0_watchlo,3"}, {18, 4, "c0_watchlo,4"},
    {18, 5, "c0_watchlo,5"}, {18, 6, "c0_watchlo,6"}, {18, 7, "c0_watchlo,7"},
    {19, 0, "c0_watchhi"}, {19, 1, "c0_watchhi,1"}, {19, 2, "c0_watchhi,2"},
    {19, 3, "c0_watchhi,3"}, {19, 4, "c0_watchhi,4"}, {19, 5, "c0_watchhi,5"},
    {19, 6, "c0_watchhi,6"}, {19, 7, "c0_watchhi,7"}, {20, 0, "c0_xcontext"},
    {23, 0, "c0_debug"}, {24, 0, "c0_depc"}, {25, 0, "c0_perfcnt"},
    {25, 1, "c0_perfcnt,1"}, {25, 2, "c0_perfcnt,2"}, {25, 3, "c0_perfcnt,3"},
    {25, 4, "c0_perfcnt,4"}, {25, 5, "c0_perfcnt,5"}, {25, 6, "c0_perfcnt,6"},
    {25, 7, "c0_perfcnt,7"}, {26, 0, "c0_errctl"}, {27, 0, "c0_cacheerr"},
    {27, 1, "c0_cacheerr,1"}, {27, 2, "c0_cacheerr,2"}, {27, 3, "c0_cacheerr,3"},
    {28, 0, "c0_taglo"}, {28, 1, "c0_datalo"}, {28, 2, "c0_taglo1"},
    {28, 3, "c0_datalo1"}, {28, 4, "c0_taglo2"}, {28, 5, "c0_datalo2"},
    {28, 6, "c0_taglo3"}, {28, 7, "c0_datalo3"}, {29, 0, "c0_taghi"},
    {29, 1, "c0_datahi"}, {29, 2, "c0_taghi1"}, {29, 3, "c0_datahi1"},
    {29, 4, "c0_taghi2"}, {29, 5, "c0_datahi2"}, {29, 6, "c0_taghi3"},
    {29, 7, "c0_datahi3"}, {30, 0, "c0_errorepc"}, {31, 0, "c0_desave"},
};

const char *vz_cp0_name(unsigned reg, unsigned sel)
{
    for (size_t i = 0; i < sizeof cp0names / sizeof cp0names[0]; i++)
        if (cp0names[i].reg == reg && cp0names[i].sel == sel)
            return cp0names[i].name;
    return NULL;
}

static const char *const hwr_names[32] = {
    "hwr_cpunum", "hwr_synci_step", "hwr_cc", "hwr_ccres",
};

struct out { char *buf; size_t n, len; };

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->n ? o->n - o->len : 0;
    int k = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->len += (size_t)k;
}

static void put_hex(struct out *o, uint64_t v)
{
    put(o, "0x%" PRIx64, v);
}

/* Emit one operand token; returns 0 when the token printed nothing (an optional
 * operand that is absent), so that the caller can drop its separator. */
static int operand(struct out *o, const char *tok, size_t tl, uint32_t w, uint64_t pc,
                   const vz_disasm_opts *opt)
{
    int num = opt->numeric_gprs;
#define IS(s) (tl == sizeof(s) - 1 && memcmp(tok, s, tl) == 0)
    size_t start = o->len;
    if (IS("rd"))
        put(o, "%s", vz_gpr_name(vz_f_rd(w), num));
    else if (IS("rs"))
        put(o, "%s", vz_gpr_name(vz_f_rs(w), num));
    else if (IS("rt"))
        put(o, "%s", vz_gpr_name(vz_f_rt(w), num));
    else if (IS("rt?")) {
        if (vz_f_rt(w))
            put(o, "%s", vz_gpr_name(vz_f_rt(w), num));
    } else if (IS("simm"))
        put(o, "%d", (int)(int16_t)w);
    else if (IS("uimm"))
        put_hex(o, w & 0xffff);
    else if (IS("simm(rs)"))
        put(o, "%d(%s)", (int)(int16_t)w, vz_gpr_name(vz_f_rs(w), num));
    else if (IS("off9(rs)")) {
        int off = (int)((w >> 7) & 0x1ff);
        if (off & 0x100)
            off -= 0x200;
        put(o, "%d(%s)", off, vz_gpr_name(vz_f_rs(w), num));
    } else if (IS("sa"))
        put_hex(o, vz_f_sa(w));
    else if (IS("lsa"))
        put_hex(o, ((w >> 6) & 3) + 1);
    else if (IS("bp2"))
        put(o, "%u", (w >> 6) & 3);
    else if (IS("bp3"))
        put(o, "%u", (w >> 6) & 7);
    else if (IS("pos"))
        put_hex(o, vz_f_sa(w));
    else if (IS("posu"))
        put_hex(o, vz_f_sa(w) + 32);
    else if (IS("size"))
        put_hex(o, vz_f_rd(w) + 1);
    else if (IS("sizem"))
        put_hex(o, vz_f_rd(w) + 33);
    else if (IS("isize"))
        put_hex(o, vz_f_rd(w) + 1 - vz_f_sa(w));
    else if (IS("isizem"))
        put_hex(o, vz_f_rd(w) + 33 - vz_f_sa(w));
    else if (IS("b16"))
        put_hex(o, pc + 4 + (uint64_t)((int64_t)(int16_t)w << 2));
    else if (IS("b21")) {
        int64_t off = (int64_t)((w & 0x1fffff) ^ 0x100000) - 0x100000;
        put_hex(o, pc + 4 + (uint64_t)(off * 4));
    } else if (IS("b26")) {
        int64_t off = (int64_t)((w & 0x3ffffff) ^ 0x2000000) - 0x2000000;
        put_hex(o, pc + 4 + (uint64_t)(off * 4));
    } else if (IS("j26"))
        put_hex(o, ((pc + 4) & ~(uint64_t)0x0fffffff) | ((uint64_t)(w & 0x3ffffff) << 2));
    else if (IS("pc19")) {
        int64_t off = (int64_t)((w & 0x7ffff) ^ 0x40000) - 0x40000;
        put_hex(o, pc + (uint64_t)(off * 4));
    } else if (IS("pc18")) {
        int64_t off = (int64_t)((w & 0x3ffff) ^ 0x20000) - 0x20000;
        put_hex(o, (pc & ~(uint64_t)7) + (uint64_t)(off * 8));
    } else if (IS("cop0")) {
        const char *nm = vz_cp0_name(vz_f_rd(w), w & 7);
        if (nm)
            put(o, "%s", nm);
        else
            put(o, "$%u,%u", vz_f_rd(w), w & 7);
    } else if (IS("hwr")) {
        unsigned r = vz_f_rd(w), sel = (w >> 6) & 7;
        if (r < 32 && hwr_names[r])
            put(o, "%s", hwr_names[r]);
        else
            put(o, "$%u", r);
        if (sel)
            put(o, ",%u", sel);
    } else if (IS("op"))
        put_hex(o, vz_f_rt(w));
    else if (IS("code20")) {
        if ((w >> 6) & 0xfffff)
            put_hex(o, (w >> 6) & 0xfffff);
    } else if (IS("brk")) {
        unsigned c1 = (w >> 16) & 0x3ff, c2 = (w >> 6) & 0x3ff;
        if (c1 || c2)
            put_hex(o, c1);
        if (c2)
            put(o, ",0x%x", c2);
    } else if (IS("tcode")) {
        if ((w >> 6) & 0x3ff)
            put_hex(o, (w >> 6) & 0x3ff);
    } else if (IS("wcode")) {
        if ((w >> 6) & 0x7ffff)
            put_hex(o, (w >> 6) & 0x7ffff);
    } else if (IS("hcode")) {
        if ((w >> 11) & 0x3ff)
            put_hex(o, (w >> 11) & 0x3ff);
    } else if (IS("stype")) {
        if (vz_f_sa(w))
            put_hex(o, vz_f_sa(w));
    } else
        put(o, "<?%.*s>", (int)tl, tok);
#undef IS
    return o->len != start;
}

int vz_disasm(uint32_t w, uint64_t pc, const vz_disasm_opts *opts, char *buf, size_t n)
{
    static const vz_disasm_opts defaults = { 0, 0 };
    const vz_disasm_opts *opt = opts ? opts : &defaults;
    struct out o = { buf, n, 0 };
    if (n)
        buf[0] = 0;
    vz_insn_id id = vz_decode_disasm(w, !opt->no_aliases);
    if (!vz_insn_implemented(id) && !(vz_insn_table[id].flags & VZ_F_ALIAS)) {
        put(&o, ".word\t0x%x", w);
        return (int)o.len;
    }
    const vz_insn_info *r = &vz_insn_table[id];
    if (opt->no_aliases && r->alias_of != VZ_I_INVALID && !(r->flags & VZ_F_DISFORM))
        r = &vz_insn_table[r->alias_of];
    put(&o, "%s", r->mnemonic);
    const char *p = r->operands;
    int first = 1;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t tl = e ? (size_t)(e - p) : strlen(p);
        size_t mark = o.len;
        put(&o, first ? "\t" : ",");
        if (!operand(&o, p, tl, w, pc, opt) || o.len == mark + 1) {
            o.len = mark;          /* optional operand absent: drop the separator */
            if (n)
                buf[mark < n ? mark : n - 1] = 0;
        } else {
            first = 0;
        }
        p += tl;
        if (*p == ',')
            p++;
    }
    return (int)o.len;
}
