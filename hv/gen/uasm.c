/*
 * hv/gen/uasm.c - the hand-written half of the micro-assembler: the context and its
 * sticky error, operand checks used by the generated emitters, labels, relocations,
 * pseudo-instructions, 64-bit constants and the delay-slot / CP0-hazard lint.
 *
 * The emitters themselves are generated from sim/isa/mips64r6.def by
 * tools/gen_uasm.py (uasm_emit.c in the build directory); they call the uasm__*
 * helpers below, so every encoding rule that is not a field range lives in one place:
 * the table. Limits: see hv/gen/uasm.h.
 */
#include "hv/gen/uasm.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/gen/uasm_impl.h"

/* ------------------------------------------------------------------ errors */

static const char *const errnames[] = {
    [UASM_OK] = "UASM_OK",
    [UASM_E_RANGE] = "UASM_E_RANGE",
    [UASM_E_CONSTRAINT] = "UASM_E_CONSTRAINT",
    [UASM_E_ENCODING] = "UASM_E_ENCODING",
    [UASM_E_FULL] = "UASM_E_FULL",
    [UASM_E_BRANCH] = "UASM_E_BRANCH",
    [UASM_E_LABEL] = "UASM_E_LABEL",
    [UASM_E_NOMEM] = "UASM_E_NOMEM",
    [UASM_E_ARG] = "UASM_E_ARG",
    [UASM_E_SLOT] = "UASM_E_SLOT",
    [UASM_E_HAZARD] = "UASM_E_HAZARD",
};

const char *uasm_errname(int code)
{
    if (code < 0 || (size_t)code >= sizeof errnames / sizeof errnames[0] || !errnames[code])
        return "UASM_E_?";
    return errnames[code];
}

/* Record the first error (later ones are dropped: the first is the cause). */
static int failv(uasm *a, int code, const char *fmt, va_list ap)
{
    if (a->err)
        return a->err;
    a->err = code;
    vsnprintf(a->msg, sizeof a->msg, fmt, ap);
    return code;
}

static int fail(uasm *a, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(uasm *a, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(a, code, fmt, ap);
    va_end(ap);
    return a->err;
}

/* "addiu" for VZ_I_ADDIU: the emitter's suffix. */
static const char *emname(vz_insn_id row, char *buf, size_t n)
{
    const char *s = (unsigned)row < VZ_I_COUNT ? vz_insn_table[row].name : "?";
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    buf[i] = 0;
    return buf;
}

/* Error naming the emitter of row and the address of the word being emitted at. */
static int rowfailv(uasm *a, int code, vz_insn_id row, uint64_t at, const char *fmt, va_list ap)
{
    if (a->err)
        return a->err;
    char nm[40], detail[192];
    vsnprintf(detail, sizeof detail, fmt, ap);
    return fail(a, code, "uasm_i_%s at 0x%016" PRIx64 ": %s", emname(row, nm, sizeof nm), at,
                detail);
}

static int rowfail(uasm *a, int code, vz_insn_id row, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int rowfail(uasm *a, int code, vz_insn_id row, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rowfailv(a, code, row, uasm_pc(a), fmt, ap);
    va_end(ap);
    return a->err;
}

int uasm_error(const uasm *a) { return a->err; }
const char *uasm_errmsg(const uasm *a) { return a->msg; }

/* ------------------------------------------------------------------ context */

int uasm_init(uasm *a, uint32_t *buf, size_t cap_words, uint64_t base)
{
    memset(a, 0, sizeof *a);
    a->buf = buf;
    a->base = base;
    if (!buf && cap_words)
        return fail(a, UASM_E_ARG, "uasm_init: NULL buffer of %zu words", cap_words);
    if (base & 3)
        return fail(a, UASM_E_ARG, "uasm_init: base 0x%016" PRIx64 " is not 4-byte aligned",
                    base);
    /* the last address, base + 4 * cap, must be representable: no wrap */
    if (cap_words > (UINT64_MAX - base) / 4)
        return fail(a, UASM_E_ARG, "uasm_init: %zu words at 0x%016" PRIx64 " wrap around 2^64",
                    cap_words, base);
    a->cap = cap_words;
    return 0;
}

void uasm_free(uasm *a)
{
    for (size_t i = 0; i < a->nlabels; i++)
        free(a->labels[i].name);
    free(a->labels);
    free(a->relocs);
    a->labels = NULL;
    a->relocs = NULL;
    a->nlabels = a->labels_cap = a->nrelocs = a->relocs_cap = 0;
}

uint64_t uasm_pc(const uasm *a) { return a->base + 4 * (uint64_t)a->n; }
size_t uasm_count(const uasm *a) { return a->n; }

int uasm_org(uasm *a, uint64_t addr)
{
    if (a->err)
        return a->err;
    uint64_t pc = uasm_pc(a);
    if (addr & 3)
        return fail(a, UASM_E_ARG, "uasm_org: 0x%016" PRIx64 " is not 4-byte aligned", addr);
    if (addr < pc)
        return fail(a, UASM_E_ARG,
                    "uasm_org: 0x%016" PRIx64 " is below the cursor 0x%016" PRIx64
                    " (the code before it overran its space)", addr, pc);
    if ((addr - a->base) / 4 > a->cap)
        return fail(a, UASM_E_FULL,
                    "uasm_org: 0x%016" PRIx64 " is past the buffer's end 0x%016" PRIx64, addr,
                    a->base + 4 * (uint64_t)a->cap);
    while (uasm_pc(a) < addr)
        a->buf[a->n++] = 0; /* NOP (SLL $0,$0,0) */
    return 0;
}

int uasm_check_limit(uasm *a, uint64_t limit, const char *what)
{
    if (a->err)
        return a->err;
    if (uasm_pc(a) > limit)
        return fail(a, UASM_E_ARG,
                    "%s ends at 0x%016" PRIx64 ", past its limit 0x%016" PRIx64 " by %" PRIu64
                    " bytes", what ? what : "code", uasm_pc(a), limit, uasm_pc(a) - limit);
    return 0;
}

/* ------------------------------------------------------- checks for emitters */

int uasm__check_u(uasm *a, vz_insn_id row, const char *what, uint64_t v, uint64_t lo,
                  uint64_t hi)
{
    if (v >= lo && v <= hi)
        return 1;
    rowfail(a, UASM_E_RANGE, row, "%s = %" PRIu64 " (0x%" PRIx64 ") out of range %" PRIu64
            "..%" PRIu64, what, v, v, lo, hi);
    return 0;
}

int uasm__check_s(uasm *a, vz_insn_id row, const char *what, int64_t v, int64_t lo,
                  int64_t hi, int64_t align)
{
    if (v < lo || v > hi) {
        rowfail(a, UASM_E_RANGE, row, "%s = %" PRId64 " out of range %" PRId64 "..%" PRId64,
                what, v, lo, hi);
        return 0;
    }
    if (align > 1 && v % align) {
        rowfail(a, UASM_E_RANGE, row, "%s = %" PRId64 " is not a multiple of %" PRId64, what,
                v, align);
        return 0;
    }
    return 1;
}

int uasm__check_jtarget(uasm *a, vz_insn_id row, uint64_t target)
{
    uint64_t region = (uasm_pc(a) + 4) & ~(uint64_t)0x0fffffff;
    if (target & 3) {
        rowfail(a, UASM_E_RANGE, row, "target 0x%016" PRIx64 " is not 4-byte aligned", target);
        return 0;
    }
    if ((target & ~(uint64_t)0x0fffffff) != region) {
        rowfail(a, UASM_E_RANGE, row,
                "target 0x%016" PRIx64 " is outside the 256 MiB region 0x%016" PRIx64
                " of PC + 4", target, region);
        return 0;
    }
    return 1;
}

uint64_t uasm__j26_placeholder(const uasm *a)
{
    uint64_t pc = uasm_pc(a), region = (pc + 4) & ~(uint64_t)0x0fffffff;
    return (pc & ~(uint64_t)0x0fffffff) == region ? pc : region;
}

int uasm__check(uasm *a, int ok, int code, vz_insn_id row, const char *fmt, ...)
{
    if (ok)
        return 1;
    va_list ap;
    va_start(ap, fmt);
    rowfailv(a, code, row, uasm_pc(a), fmt, ap);
    va_end(ap);
    return 0;
}

int uasm__check_label(uasm *a, vz_insn_id row, uasm_label l)
{
    if (l.id >= 1 && l.id <= a->nlabels)
        return 1;
    rowfail(a, UASM_E_LABEL, row, "invalid label (id %" PRIu32 ")", l.id);
    return 0;
}

static const char *cons_text(vz_constraint c)
{
    switch (c) {
    case VZ_C_NONE:        return "none";
    case VZ_C_RS_NZ:       return "rs != 0";
    case VZ_C_RT_NZ:       return "rt != 0";
    case VZ_C_RS_EQ_RT_NZ: return "rs == rt != 0";
    case VZ_C_RS_NE_RT_NZ: return "rs != rt, both != 0";
    case VZ_C_RS_GE_RT:    return "rs >= rt";
    case VZ_C_RS_LT_RT_NZ: return "0 < rs < rt";
    }
    return "?";
}

/* Does word w (decoded as d) stand for row? The decoder may return a more specific row
 * that is a special case of it (SLL $0,$0,0 decodes as NOP, whose alias_of is SLL). */
static int decodes_as(uint32_t w, vz_insn_id row, vz_insn_id *got)
{
    vz_insn_id d = vz_decode(w);
    *got = d;
    return d == row || (d != VZ_I_INVALID && vz_insn_table[d].alias_of == row);
}

int uasm__emit(uasm *a, vz_insn_id row, uint32_t w)
{
    if (a->err)
        return a->err;
    const vz_insn_info *r = &vz_insn_table[row];
    if (!vz_constraint_holds(r->cons, w))
        return rowfail(a, UASM_E_CONSTRAINT, row,
                       "register constraint \"%s\" not met (rs = %u, rt = %u)",
                       cons_text(r->cons), vz_f_rs(w), vz_f_rt(w));
    vz_insn_id got;
    if (!decodes_as(w, row, &got))
        return rowfail(a, UASM_E_ENCODING, row, "word 0x%08" PRIx32 " decodes as %s, not %s", w,
                       vz_insn_table[got].name, r->name);
    if (a->n >= a->cap)
        return rowfail(a, UASM_E_FULL, row, "buffer full (%zu words, ends at 0x%016" PRIx64 ")",
                       a->cap, a->base + 4 * (uint64_t)a->cap);
    a->buf[a->n++] = w;
    return 0;
}

/* ------------------------------------------------------------------ labels */

/* Grow *arr (elements of size sz) to hold one more than *n. */
static int grow(uasm *a, void **arr, size_t *cap, size_t n, size_t sz, const char *what)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    if (nc > UINT32_MAX - 1 || nc > SIZE_MAX / sz)
        return fail(a, UASM_E_NOMEM, "too many %s (%zu)", what, n);
    void *p = realloc(*arr, nc * sz);
    if (!p)
        return fail(a, UASM_E_NOMEM, "out of memory growing %s to %zu", what, nc);
    *arr = p;
    *cap = nc;
    return 0;
}

uasm_label uasm_new_label(uasm *a, const char *name)
{
    uasm_label none = { 0 };
    if (a->err)
        return none;
    if (!name) {
        fail(a, UASM_E_LABEL, "uasm_new_label: NULL name");
        return none;
    }
    for (size_t i = 0; i < a->nlabels; i++)
        if (strcmp(a->labels[i].name, name) == 0) {
            fail(a, UASM_E_LABEL, "uasm_new_label: duplicate label name '%s'", name);
            return none;
        }
    if (grow(a, (void **)&a->labels, &a->labels_cap, a->nlabels, sizeof *a->labels, "labels"))
        return none;
    size_t len = strlen(name);
    char *copy = malloc(len + 1);
    if (!copy) {
        fail(a, UASM_E_NOMEM, "out of memory copying label name '%s'", name);
        return none;
    }
    memcpy(copy, name, len + 1);
    a->labels[a->nlabels] = (uasm_label_slot){ copy, 0, 0 };
    a->nlabels++;
    uasm_label l = { (uint32_t)a->nlabels };
    return l;
}

int uasm_bind_at(uasm *a, uasm_label l, uint64_t addr)
{
    if (a->err)
        return a->err;
    if (l.id < 1 || l.id > a->nlabels)
        return fail(a, UASM_E_LABEL, "uasm_bind: invalid label (id %" PRIu32 ")", l.id);
    uasm_label_slot *s = &a->labels[l.id - 1];
    if (s->bound)
        return fail(a, UASM_E_LABEL,
                    "label '%s' bound twice (at 0x%016" PRIx64 " and 0x%016" PRIx64 ")", s->name,
                    s->addr, addr);
    if (addr & 3)
        return fail(a, UASM_E_LABEL, "label '%s' bound at 0x%016" PRIx64
                    ", which is not 4-byte aligned", s->name, addr);
    s->addr = addr;
    s->bound = 1;
    return 0;
}

int uasm_bind(uasm *a, uasm_label l) { return uasm_bind_at(a, l, uasm_pc(a)); }

int uasm_label_addr(const uasm *a, uasm_label l, uint64_t *addr)
{
    if (l.id < 1 || l.id > a->nlabels || !a->labels[l.id - 1].bound)
        return UASM_E_LABEL;
    *addr = a->labels[l.id - 1].addr;
    return 0;
}

int uasm__add_reloc(uasm *a, vz_insn_id row, int kind, uasm_label l)
{
    if (a->err)
        return a->err;
    if (grow(a, (void **)&a->relocs, &a->relocs_cap, a->nrelocs, sizeof *a->relocs,
             "relocations"))
        return a->err;
    a->relocs[a->nrelocs++] = (uasm_reloc){ a->n - 1, l.id, (uint16_t)row, (uint8_t)kind };
    return 0;
}

/* Field layout of each relocation kind. */
struct rkind { unsigned bits, shift; int scale; };
static const struct rkind rkinds[] = {
    [UASM_R_B16] = { 16, 2, 4 },  [UASM_R_B21] = { 21, 2, 4 }, [UASM_R_B26] = { 26, 2, 4 },
    [UASM_R_PC19] = { 19, 2, 4 }, [UASM_R_PC18] = { 18, 3, 8 }, [UASM_R_J26] = { 26, 2, 4 },
};

static int resolve_one(uasm *a, const uasm_reloc *r)
{
    const uasm_label_slot *s = &a->labels[r->label - 1];
    uint64_t pc = a->base + 4 * (uint64_t)r->index;
    vz_insn_id row = (vz_insn_id)r->row;
    char nm[40];
    emname(row, nm, sizeof nm);
    if (!s->bound)
        return fail(a, UASM_E_LABEL, "label '%s' used by uasm_il_%s at 0x%016" PRIx64
                    " is never bound", s->name, nm, pc);
    const struct rkind *k = &rkinds[r->kind];
    uint64_t target = s->addr, mask = ((uint64_t)1 << k->bits) - 1, field;
    if (target & (uint64_t)(k->scale - 1))
        return fail(a, UASM_E_BRANCH, "uasm_il_%s at 0x%016" PRIx64 ": target 0x%016" PRIx64
                    " of label '%s' is not %d-byte aligned", nm, pc, target, s->name, k->scale);
    if (r->kind == UASM_R_J26) {
        uint64_t region = (pc + 4) & ~(uint64_t)0x0fffffff;
        if ((target & ~(uint64_t)0x0fffffff) != region)
            return fail(a, UASM_E_BRANCH, "uasm_il_%s at 0x%016" PRIx64 ": target 0x%016" PRIx64
                        " of label '%s' is outside the 256 MiB region 0x%016" PRIx64, nm, pc,
                        target, s->name, region);
        field = (target >> 2) & mask;
    } else {
        uint64_t ref = r->kind == UASM_R_PC19 ? pc
                     : r->kind == UASM_R_PC18 ? (pc & ~(uint64_t)7) : pc + 4;
        /* two's complement difference; exact because |range| < 2^63 is checked below */
        uint64_t d = target - ref;
        int64_t off = d >> 63 ? -(int64_t)(~d) - 1 : (int64_t)d;
        int64_t lo = -((int64_t)1 << (k->bits - 1)) * k->scale;
        int64_t hi = (((int64_t)1 << (k->bits - 1)) - 1) * k->scale;
        if (off < lo || off > hi)
            return fail(a, UASM_E_BRANCH, "uasm_il_%s at 0x%016" PRIx64 ": label '%s' at 0x%016"
                        PRIx64 " is out of range (offset %" PRId64 ", range %" PRId64 "..%" PRId64
                        ")", nm, pc, s->name, target, off, lo, hi);
        field = (d >> k->shift) & mask;
    }
    uint32_t w = (a->buf[r->index] & ~(uint32_t)mask) | (uint32_t)field;
    vz_insn_id got;
    if (!decodes_as(w, row, &got))
        return fail(a, UASM_E_ENCODING, "uasm_il_%s at 0x%016" PRIx64 ": patched word 0x%08"
                    PRIx32 " decodes as %s", nm, pc, w, vz_insn_table[got].name);
    a->buf[r->index] = w;
    return 0;
}

int uasm_resolve(uasm *a)
{
    if (a->err)
        return a->err;
    for (size_t i = 0; i < a->nrelocs; i++)
        if (resolve_one(a, &a->relocs[i]))
            return a->err;
    return 0;
}

/* --------------------------------------------------------- pseudo-instructions */

int uasm_i_move(uasm *a, unsigned rd, unsigned rs) { return uasm_i_daddu(a, rd, rs, 0); }
int uasm_i_jr(uasm *a, unsigned rs) { return uasm_i_jalr(a, 0, rs); }
int uasm_i_jr_hb(uasm *a, unsigned rs) { return uasm_i_jalr_hb(a, 0, rs); }
int uasm_i_jrc(uasm *a, unsigned rt) { return uasm_i_jic(a, rt, 0); }
int uasm_i_jalrc(uasm *a, unsigned rt) { return uasm_i_jialc(a, rt, 0); }
int uasm_i_b(uasm *a, int64_t off) { return uasm_i_beq(a, 0, 0, off); }
int uasm_i_beqz(uasm *a, unsigned rs, int64_t off) { return uasm_i_beq(a, rs, 0, off); }
int uasm_i_bnez(uasm *a, unsigned rs, int64_t off) { return uasm_i_bne(a, rs, 0, off); }
int uasm_il_b(uasm *a, uasm_label l) { return uasm_il_beq(a, 0, 0, l); }
int uasm_il_beqz(uasm *a, unsigned rs, uasm_label l) { return uasm_il_beq(a, rs, 0, l); }
int uasm_il_bnez(uasm *a, unsigned rs, uasm_label l) { return uasm_il_bne(a, rs, 0, l); }

/* ------------------------------------------------------------ 64-bit constants
 *
 * A constant is built in rt alone: a first instruction from $0 (ADDIU: sign-extended
 * 16 bits, ORI: zero-extended 16 bits, LUI: sign-extended 32 bits with a zero low
 * half), then instructions that read and write rt. The search works backwards: for
 * the value v, each candidate last instruction gives the value x it must be applied
 * to (ORI: v with the low half cleared; DAHI: v minus the chunk that clears bits
 * 47:32; DSLL: v shifted right by its trailing zeros; DROTR: v rotated left; ...),
 * and x is searched one level shallower. Iterative deepening to 3 levels returns a
 * shortest sequence among these candidates; otherwise LUI, ORI, DAHI, DATI always
 * work (4). tests/hv checks that every value produced by a random 2-instruction
 * sequence of these instructions comes back in at most 2 (docs/uasm.md).
 */
enum li_op {
    LI_ADDIU0, LI_ORI0, LI_LUI0, LI_ORI, LI_DADDIU, LI_DAUI, LI_DAHI, LI_DATI,
    LI_DSLL, LI_DSRL, LI_DSRA, LI_DROTR,
};
typedef struct li_step { uint8_t op; uint16_t imm; } li_step;

#define LI_MAX_CANDS 96

static int64_t sext(uint64_t v, unsigned bits)
{
    uint64_t m = (uint64_t)1 << (bits - 1);
    v &= (m << 1) - 1;
    return (int64_t)((v ^ m) - m);
}

static int li_first(uint64_t v, li_step *s)
{
    int64_t sv = (int64_t)v;
    if (sv >= -32768 && sv <= 32767) {
        *s = (li_step){ LI_ADDIU0, (uint16_t)v };
        return 1;
    }
    if (v <= 0xffff) {
        *s = (li_step){ LI_ORI0, (uint16_t)v };
        return 1;
    }
    if ((v & 0xffff) == 0 && (uint64_t)sext(v, 32) == v) {
        *s = (li_step){ LI_LUI0, (uint16_t)(v >> 16) };
        return 1;
    }
    return 0;
}

static unsigned ctz64(uint64_t v) { return v ? (unsigned)__builtin_ctzll(v) : 64; }
static unsigned clz64(uint64_t v) { return v ? (unsigned)__builtin_clzll(v) : 64; }

/* Candidate last steps for v: steps[i] applied to xs[i] gives v. */
static int li_cands(uint64_t v, li_step *steps, uint64_t *xs)
{
    int n = 0;
#define CAND(o, i, x) (steps[n] = (li_step){ (o), (uint16_t)(i) }, xs[n++] = (x))
    if (v & 0xffff)
        CAND(LI_ORI, v & 0xffff, v & ~(uint64_t)0xffff);
    if (v & 0xffff)
        CAND(LI_DADDIU, v & 0xffff, v - (uint64_t)sext(v, 16));
    /* DAUI: x + sext32(i << 16) */
    uint64_t xd[3] = { v - (uint64_t)sext(v & 0xffff0000u, 32), (uint64_t)sext(v, 16), v & 0xffff };
    for (int j = 0; j < 3; j++) {
        uint64_t d = v - xd[j];
        if (d && (d & 0xffff) == 0 && (uint64_t)sext(d, 32) == d)
            CAND(LI_DAUI, d >> 16, xd[j]);
    }
    /* DAHI: x + sext48(i << 32) */
    uint64_t xh[3] = { v - (uint64_t)sext(v & 0xffff00000000ull, 48), (uint64_t)sext(v, 32),
                       v & 0xffffffffu };
    for (int j = 0; j < 3; j++) {
        uint64_t d = v - xh[j];
        if (d && (d & 0xffffffffu) == 0 && (uint64_t)sext(d, 48) == d)
            CAND(LI_DAHI, d >> 32, xh[j]);
    }
    /* DATI: x + (i << 48) */
    uint64_t xt[2] = { v & 0xffffffffffffull, (uint64_t)sext(v, 48) };
    for (int j = 0; j < 2; j++) {
        uint64_t d = v - xt[j];
        if (d && (d & 0xffffffffffffull) == 0)
            CAND(LI_DATI, d >> 48, xt[j]);
    }
    unsigned k = ctz64(v);
    if (k >= 1 && k <= 63) {
        CAND(LI_DSLL, k, v >> k);
        CAND(LI_DSLL, k, (uint64_t)((int64_t)v >> k));
    }
    k = clz64(v);
    if (k >= 1 && k <= 63) {
        uint64_t ones = ((uint64_t)1 << k) - 1;
        CAND(LI_DSRL, k, v << k);
        CAND(LI_DSRL, k, (v << k) | ones);
    }
    k = clz64((v >> 63) ? ~v : v);   /* leading copies of the sign bit */
    if (k >= 2 && k <= 64) {
        k--;                          /* redundant sign bits */
        uint64_t ones = ((uint64_t)1 << k) - 1;
        CAND(LI_DSRA, k, v << k);
        CAND(LI_DSRA, k, (v << k) | ones);
    }
    for (k = 1; k < 64; k++)
        CAND(LI_DROTR, k, (v << k) | (v >> (64 - k)));
#undef CAND
    return n;
}

/* A sequence of exactly depth steps that builds v, written to plan[0 .. depth). */
static int li_search(uint64_t v, int depth, li_step *plan)
{
    if (depth == 1)
        return li_first(v, &plan[0]);
    li_step steps[LI_MAX_CANDS];
    uint64_t xs[LI_MAX_CANDS];
    int n = li_cands(v, steps, xs);
    for (int i = 0; i < n; i++)
        if (li_search(xs[i], depth - 1, plan)) {
            plan[depth - 1] = steps[i];
            return 1;
        }
    return 0;
}

static int li_plan(uint64_t v, li_step plan[4])
{
    for (int d = 1; d <= 3; d++)
        if (li_search(v, d, plan))
            return d;
    /* LUI, ORI, DAHI, DATI: x1 = sext32(v), then the chunks that fix bits 63:32 */
    uint64_t x1 = (uint64_t)sext(v, 32);
    uint64_t rem = v - x1;
    uint16_t hi = (uint16_t)(rem >> 32);
    rem -= (uint64_t)sext((uint64_t)hi << 32, 48);
    plan[0] = (li_step){ LI_LUI0, (uint16_t)(v >> 16) };
    plan[1] = (li_step){ LI_ORI, (uint16_t)v };
    plan[2] = (li_step){ LI_DAHI, hi };
    plan[3] = (li_step){ LI_DATI, (uint16_t)(rem >> 48) };
    return 4;
}

unsigned uasm_li64_len(uint64_t value)
{
    li_step plan[4];
    return (unsigned)li_plan(value, plan);
}

static int li_emit(uasm *a, unsigned rt, li_step s)
{
    unsigned k = s.imm;
    switch ((enum li_op)s.op) {
    case LI_ADDIU0: return uasm_i_addiu(a, rt, 0, sext(s.imm, 16));
    case LI_ORI0:   return uasm_i_ori(a, rt, 0, s.imm);
    case LI_LUI0:   return uasm_i_lui(a, rt, s.imm);
    case LI_ORI:    return uasm_i_ori(a, rt, rt, s.imm);
    case LI_DADDIU: return uasm_i_daddiu(a, rt, rt, sext(s.imm, 16));
    case LI_DAUI:   return uasm_i_daui(a, rt, rt, s.imm);
    case LI_DAHI:   return uasm_i_dahi(a, rt, s.imm);
    case LI_DATI:   return uasm_i_dati(a, rt, s.imm);
    case LI_DSLL:   return k < 32 ? uasm_i_dsll(a, rt, rt, k) : uasm_i_dsll32(a, rt, rt, k - 32);
    case LI_DSRL:   return k < 32 ? uasm_i_dsrl(a, rt, rt, k) : uasm_i_dsrl32(a, rt, rt, k - 32);
    case LI_DSRA:   return k < 32 ? uasm_i_dsra(a, rt, rt, k) : uasm_i_dsra32(a, rt, rt, k - 32);
    case LI_DROTR:  return k < 32 ? uasm_i_drotr(a, rt, rt, k) : uasm_i_drotr32(a, rt, rt, k - 32);
    }
    return fail(a, UASM_E_ARG, "uasm_li64: internal: bad step %u", s.op);
}

int uasm_li64(uasm *a, unsigned rt, uint64_t value)
{
    if (a->err)
        return a->err;
    if (rt < 1 || rt > 31)
        return fail(a, UASM_E_RANGE, "uasm_li64 at 0x%016" PRIx64 ": rt = %u out of range 1..31",
                    uasm_pc(a), rt);
    li_step plan[4];
    int n = li_plan(value, plan);
    /* all or nothing: the whole sequence must fit */
    if (a->cap - a->n < (size_t)n)
        return fail(a, UASM_E_FULL, "uasm_li64 at 0x%016" PRIx64 ": buffer full (%d words "
                    "needed, %zu left)", uasm_pc(a), n, a->cap - a->n);
    for (int i = 0; i < n; i++)
        if (li_emit(a, rt, plan[i]))
            return a->err;
    return 0;
}

int uasm_la(uasm *a, unsigned rt, uint64_t addr) { return uasm_li64(a, rt, addr); }

int uasm_la_mostly(uasm *a, unsigned rt, uint64_t addr, int64_t *lo)
{
    if (a->err)
        return a->err;
    int64_t l = sext(addr, 16);
    if (uasm_li64(a, rt, addr - (uint64_t)l))
        return a->err;
    *lo = l;
    return 0;
}

/* ------------------------------------------------------------------ lint */

static const char *slot_name(uint32_t flags)
{
    return (flags & VZ_F_DS) ? "delay slot" : "forbidden slot";
}

int uasm_check_slots(uasm *a)
{
    if (a->err)
        return a->err;
    size_t bad = 0;
    char first[200] = "";
    for (size_t i = 0; i < a->n; i++) {
        vz_insn_id id = vz_decode(a->buf[i]);
        uint32_t f = vz_insn_table[id].flags;
        if (!(f & (VZ_F_DS | VZ_F_CB)))
            continue;
        uint64_t pc = a->base + 4 * (uint64_t)i;
        if (i + 1 == a->n) {
            if (!(f & VZ_F_DS))
                continue;  /* a forbidden slot past the end is whatever follows: not ours */
            if (!bad++)
                snprintf(first, sizeof first, "%s at 0x%016" PRIx64 " has no delay slot "
                         "(it is the last word)", vz_insn_table[id].mnemonic, pc);
            continue;
        }
        vz_insn_id s = vz_decode(a->buf[i + 1]);
        if (vz_insn_table[s].flags & (VZ_F_CTI | VZ_F_NOSLOT)) {
            if (!bad++)
                snprintf(first, sizeof first, "%s at 0x%016" PRIx64 " has %s in its %s",
                         vz_insn_table[id].mnemonic, pc, vz_insn_table[s].mnemonic,
                         slot_name(f));
        }
    }
    if (bad)
        return fail(a, UASM_E_SLOT, "uasm_check_slots: %zu finding%s; first: %s", bad,
                    bad == 1 ? "" : "s", first);
    return 0;
}

/* CP0 registers (reg, sel) read by the TLB instructions. */
struct cp0rs { unsigned char reg, sel; };
static const struct cp0rs tlb_root_reads[] = {
    { 0, 0 }, { 2, 0 }, { 3, 0 }, { 5, 0 }, { 5, 1 }, { 6, 0 }, { 10, 0 }, { 10, 4 },
};
static const struct cp0rs tlb_guest_reads[] = {   /* guest context (written by MTGC0) */
    { 0, 0 }, { 2, 0 }, { 3, 0 }, { 5, 0 }, { 5, 1 }, { 6, 0 }, { 10, 0 },
};

int uasm_check_hazards(uasm *a)
{
    if (a->err)
        return a->err;
    /* index + 1 of the pending (un-EHB'd) writer of each root / guest CP0 register */
    size_t root[32][8], guest[32][8];
    memset(root, 0, sizeof root);
    memset(guest, 0, sizeof guest);
    size_t bad = 0, forget_at = (size_t)-1;
    char first[220] = "";
#define FINDING(w, what)                                                                   \
    do {                                                                                   \
        if (!bad++)                                                                        \
            snprintf(first, sizeof first, "%s at 0x%016" PRIx64 " uses CP0 %s$%u,%u written " \
                     "by %s at 0x%016" PRIx64 " without an EHB in between",                 \
                     vz_insn_table[id].mnemonic, pc, what, r_, s_,                         \
                     vz_insn_table[vz_decode(a->buf[(w) - 1])].mnemonic,                   \
                     a->base + 4 * (uint64_t)((w) - 1));                                   \
    } while (0)
    for (size_t i = 0; i < a->n; i++) {
        if (i == forget_at) {
            memset(root, 0, sizeof root);
            memset(guest, 0, sizeof guest);
        }
        uint32_t w = a->buf[i];
        vz_insn_id id = vz_decode(w);
        uint64_t pc = a->base + 4 * (uint64_t)i;
        unsigned rd = vz_f_rd(w), sel = w & 7, r_, s_;
        switch (id) {
        case VZ_I_EHB:
        case VZ_I_ERET:
        case VZ_I_ERETNC:
        case VZ_I_JALR_HB:
            memset(root, 0, sizeof root);
            memset(guest, 0, sizeof guest);
            break;
        case VZ_I_MTC0:
        case VZ_I_DMTC0:
            root[rd][sel] = i + 1;
            break;
        case VZ_I_MTGC0:
        case VZ_I_DMTGC0:
            guest[rd][sel] = i + 1;
            break;
        case VZ_I_DI:
        case VZ_I_EI:
            r_ = 12, s_ = 0;
            if (root[12][0])
                FINDING(root[12][0], "");
            root[12][0] = i + 1;
            break;
        case VZ_I_MFC0:
        case VZ_I_DMFC0:
            r_ = rd, s_ = sel;
            if (root[rd][sel])
                FINDING(root[rd][sel], "");
            break;
        case VZ_I_MFGC0:
        case VZ_I_DMFGC0:
            r_ = rd, s_ = sel;
            if (guest[rd][sel])
                FINDING(guest[rd][sel], "guest ");
            break;
        case VZ_I_TLBR: case VZ_I_TLBWI: case VZ_I_TLBWR: case VZ_I_TLBP:
        case VZ_I_TLBINV: case VZ_I_TLBINVF:
            for (size_t j = 0; j < sizeof tlb_root_reads / sizeof tlb_root_reads[0]; j++) {
                r_ = tlb_root_reads[j].reg, s_ = tlb_root_reads[j].sel;
                if (root[r_][s_])
                    FINDING(root[r_][s_], "");
            }
            break;
        case VZ_I_TLBGR: case VZ_I_TLBGWI: case VZ_I_TLBGWR: case VZ_I_TLBGP:
        case VZ_I_TLBGINV: case VZ_I_TLBGINVF:
            for (size_t j = 0; j < sizeof tlb_guest_reads / sizeof tlb_guest_reads[0]; j++) {
                r_ = tlb_guest_reads[j].reg, s_ = tlb_guest_reads[j].sel;
                if (guest[r_][s_])
                    FINDING(guest[r_][s_], "guest ");
            }
            r_ = 10, s_ = 4;   /* GuestCtl1.RID/ID select the guest TLB context */
            if (root[10][4])
                FINDING(root[10][4], "");
            break;
        case VZ_I_RDHWR:
            r_ = 7, s_ = 0;    /* HWREna */
            if (root[7][0])
                FINDING(root[7][0], "");
            break;
        default:
            break;
        }
        /* after an unconditional jump (and its delay slot) the next word is reached
         * only through a label: forget the pending writes there */
        int uncond = id == VZ_I_J || id == VZ_I_BC || id == VZ_I_JIC ||
                     (id == VZ_I_JALR && rd == 0) ||
                     (id == VZ_I_BEQ && vz_f_rs(w) == vz_f_rt(w)) ||
                     (id == VZ_I_BGEZ && vz_f_rs(w) == 0);
        if (uncond)
            forget_at = i + 1 + ((vz_insn_table[id].flags & VZ_F_DS) ? 1 : 0);
    }
#undef FINDING
    if (bad)
        return fail(a, UASM_E_HAZARD, "uasm_check_hazards: %zu finding%s; first: %s", bad,
                    bad == 1 ? "" : "s", first);
    return 0;
}

int uasm_finish(uasm *a)
{
    if (uasm_resolve(a) || uasm_check_slots(a) || uasm_check_hazards(a))
        return a->err;
    return 0;
}
