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

/* CP0 register names as objdump prints them for -m mips:isa64r6 (binutils'
 * mips_cp0_names_mips3264r2 for select 0 and mips_cp0sel_names_mips3264r2 for the
 * others; checked against objdump 2.40 for all 256 (reg, sel) pairs by tests/isa).
 * NULL: objdump prints the number ("$21" for select 0, "$3,1" otherwise). The MT ASE
 * and trace names are objdump's, even though vzsim's core has neither. */
static const char *const cp0_sel0[32] = {
    "c0_index",    "c0_random",   "c0_entrylo0", "c0_entrylo1",
    "c0_context",  "c0_pagemask", "c0_wired",    "c0_hwrena",
    "c0_badvaddr", "c0_count",    "c0_entryhi",  "c0_compare",
    "c0_status",   "c0_cause",    "c0_epc",      "c0_prid",
    "c0_config",   "c0_lladdr",   "c0_watchlo",  "c0_watchhi",
    "c0_xcontext", NULL,          NULL,          "c0_debug",
    "c0_depc",     "c0_perfcnt",  "c0_errctl",   "c0_cacheerr",
    "c0_taglo",    "c0_taghi",    "c0_errorepc", "c0_desave",
};

struct cp0name { unsigned char reg, sel; const char *name; };
static const struct cp0name cp0_seln[] = {
    {0, 1, "c0_mvpcontrol"},    {0, 2, "c0_mvpconf0"},      {0, 3, "c0_mvpconf1"},
    {1, 1, "c0_vpecontrol"},    {1, 2, "c0_vpeconf0"},      {1, 3, "c0_vpeconf1"},
    {1, 4, "c0_yqmask"},        {1, 5, "c0_vpeschedule"},   {1, 6, "c0_vpeschefback"},
    {2, 1, "c0_tcstatus"},      {2, 2, "c0_tcbind"},        {2, 3, "c0_tcrestart"},
    {2, 4, "c0_tchalt"},        {2, 5, "c0_tccontext"},     {2, 6, "c0_tcschedule"},
    {2, 7, "c0_tcschefback"},   {4, 1, "c0_contextconfig"}, {5, 1, "c0_pagegrain"},
    {6, 1, "c0_srsconf0"},      {6, 2, "c0_srsconf1"},      {6, 3, "c0_srsconf2"},
    {6, 4, "c0_srsconf3"},      {6, 5, "c0_srsconf4"},      {12, 1, "c0_intctl"},
    {12, 2, "c0_srsctl"},       {12, 3, "c0_srsmap"},       {15, 1, "c0_ebase"},
    {16, 1, "c0_config1"},      {16, 2, "c0_config2"},      {16, 3, "c0_config3"},
    {18, 1, "c0_watchlo,1"},    {18, 2, "c0_watchlo,2"},    {18, 3, "c0_watchlo,3"},
    {18, 4, "c0_watchlo,4"},    {18, 5, "c0_watchlo,5"},    {18, 6, "c0_watchlo,6"},
    {18, 7, "c0_watchlo,7"},    {19, 1, "c0_watchhi,1"},    {19, 2, "c0_watchhi,2"},
    {19, 3, "c0_watchhi,3"},    {19, 4, "c0_watchhi,4"},    {19, 5, "c0_watchhi,5"},
    {19, 6, "c0_watchhi,6"},    {19, 7, "c0_watchhi,7"},    {23, 1, "c0_tracecontrol"},
    {23, 2, "c0_tracecontrol2"}, {23, 3, "c0_usertracedata"}, {23, 4, "c0_tracebpc"},
    {25, 1, "c0_perfcnt,1"},    {25, 2, "c0_perfcnt,2"},    {25, 3, "c0_perfcnt,3"},
    {25, 4, "c0_perfcnt,4"},    {25, 5, "c0_perfcnt,5"},    {25, 6, "c0_perfcnt,6"},
    {25, 7, "c0_perfcnt,7"},    {27, 1, "c0_cacheerr,1"},   {27, 2, "c0_cacheerr,2"},
    {27, 3, "c0_cacheerr,3"},   {28, 1, "c0_datalo"},       {28, 2, "c0_taglo1"},
    {28, 3, "c0_datalo1"},      {28, 4, "c0_taglo2"},       {28, 5, "c0_datalo2"},
    {28, 6, "c0_taglo3"},       {28, 7, "c0_datalo3"},      {29, 1, "c0_datahi"},
    {29, 2, "c0_taghi1"},       {29, 3, "c0_datahi1"},      {29, 4, "c0_taghi2"},
    {29, 5, "c0_datahi2"},      {29, 6, "c0_taghi3"},       {29, 7, "c0_datahi3"},
};

const char *vz_cp0_name(unsigned reg, unsigned sel)
{
    if (reg > 31 || sel > 7)
        return NULL;
    if (sel == 0)
        return cp0_sel0[reg];
    for (size_t i = 0; i < sizeof cp0_seln / sizeof cp0_seln[0]; i++)
        if (cp0_seln[i].reg == reg && cp0_seln[i].sel == sel)
            return cp0_seln[i].name;
    return NULL;
}

/* RDHWR register names (binutils mips_hwr_names_mips3264r2); others print "$n". */
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
        put_hex(o, pc + 4 + (uint64_t)((int64_t)(int16_t)w * 4));
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
        unsigned r = vz_f_rd(w), sel = w & 7;
        const char *nm = opt->numeric_cp0 ? NULL : vz_cp0_name(r, sel);
        if (nm)
            put(o, "%s", nm);
        else if (sel)
            put(o, "$%u,%u", r, sel);
        else
            put(o, "$%u", r);
    } else if (IS("hwr")) {
        unsigned r = vz_f_rd(w), sel = (w >> 6) & 7;
        if (!opt->numeric_cp0 && hwr_names[r])
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
    static const vz_disasm_opts defaults = { 0, 0, 0 };
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
    if (opt->no_aliases && r->alias_of != VZ_I_INVALID &&
        !(r->flags & (VZ_F_DISFORM | VZ_F_NAONLY)))
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
