/*
 * sim/core/exec.c - fetch, decoded-instruction cache and the semantics of every
 * implemented MIPS64r6 instruction, with the fast and the tracing run loops built
 * from the same step function.
 *
 * Conventions: 32-bit operations use the low 32 bits of their inputs and write the
 * result sign-extended (what QEMU does where the architecture calls inputs that are
 * not sign-extended UNPREDICTABLE). Every UNPREDICTABLE case follows QEMU 7.2's
 * target/mips and is named where it is handled ("QEMU:" comments). Exceptions go
 * through vz_cpu_exception; nothing a guest does can stop the host other than UHI
 * exit/assert, SDBBP without semihosting and the instruction limit.
 *
 * Delay slots: c->slot says what the instruction being executed is (0 normal, 1 in a
 * delay slot whose successor is c->btarget, 2 in a forbidden slot). A control
 * transfer in either slot raises Reserved Instruction (R6). Exceptions in either
 * slot report EPC = the branch and Cause.BD = 1 (QEMU's behaviour for forbidden
 * slots; the R6 manuals do not settle it, see docs/decisions.md).
 */
#include "sim/core/cpu_internal.h"

#include <stdio.h>
#include <string.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ALWAYS_INLINE inline __attribute__((always_inline))

static inline uint64_t sx32(uint64_t v) { return (uint64_t)(int64_t)(int32_t)(uint32_t)v; }
static inline uint64_t sx16(uint64_t v) { return (uint64_t)(int64_t)(int16_t)(uint16_t)v; }

/* ---------------- memory slow paths ---------------- */

/* Translate and access one datum the slow way. Returns 0, or -1 after raising the
 * exception (the caller then abandons the instruction). */
static int data_slow(vz_cpu *c, uint64_t va, unsigned size, int acc, uint64_t *val,
                     uint64_t pc, int slot)
{
    uint64_t pa;
    xlate_fault f;
    uint64_t off = va & 4095;
    if (off + size > 4096) {
        /* misaligned access crossing a page: byte by byte (R6 permits misaligned
         * ordinary loads/stores; QEMU performs them) */
        uint64_t v = acc == ACC_STORE ? *val : 0;
        for (unsigned i = 0; i < size; i++) {
            uint64_t b = (v >> (8 * i)) & 0xff;
            if (data_slow(c, va + i, 1, acc, &b, pc, slot) != 0)
                return -1;
            if (acc != ACC_STORE)
                v |= b << (8 * i);
        }
        if (acc != ACC_STORE)
            *val = v;
        return 0;
    }
    if (vz_cpu_translate(c, va, acc, &pa, &f) != 0) {
        vz_cpu_fault(c, pc, slot, &f);
        return -1;
    }
    size_t avail;
    if (acc == ACC_STORE && vz_mem_is_rom(c->mem, pa)) {
        c->last_pa = pa;       /* a store to ROM (boston's boot flash) is ignored */
        return 0;
    }
    uint8_t *host = vz_mem_ptr(c->mem, pa & ~(uint64_t)4095, &avail);
    if (host && avail >= 4096) {
        stlb_entry *e = &c->stlb[acc][(va >> 12) & (STLB_SIZE - 1)];
        /* only a page that really holds decoded code is kept off the fast path
         * (a hash-bucket test would also slow down every page sharing a bucket) */
        int code_page = acc == ACC_STORE && vz_cpu_dpage_find(c, pa & ~(uint64_t)4095);
        c->last_pa = pa;
        if (code_page) {
            /* keep decoded instructions coherent: no fast path for this page */
            vz_cpu_code_written(c, pa, size);
        } else {
            e->vpage = vz_stlb_key(c, va);
            e->host = host;
            e->pa = pa & ~(uint64_t)4095;
        }
        if (acc == ACC_STORE) {
            memcpy(host + off, val, size);
        } else {
            uint64_t v = 0;
            memcpy(&v, host + off, size);
            *val = v;
        }
        return 0;
    }
    c->last_pa = pa;
    int r = acc == ACC_STORE ? vz_mem_store(c->mem, pa, size, *val)
                             : vz_mem_load(c->mem, pa, size, val);
    if (r == 0 && acc == ACC_STORE && vz_cpu_dpage_find(c, pa & ~(uint64_t)4095))
        vz_cpu_code_written(c, pa, size);   /* code behind a bus (no host pointer) */
    if (r != 0) {
        /* nothing at that physical address: a bus error, always a root
         * exception (vz-facts §10 #14 leaves guest routing open; root is the
         * one that mapped the address) */
        vz_cpu_root_exception(c, pc, VZ_EXC_DBE, slot, 0, 0, 0, -1);
        return -1;
    }
    return 0;
}

/* Effective address: with the mode's 64-bit addressing off (Status.KX/SX/UX = 0)
 * R6 wraps address arithmetic at 32 bits (QEMU's MIPS_HFLAG_AWRAP). */
#define EA(c, va) ((c)->awrap ? sx32(va) : (va))

static ALWAYS_INLINE int load(vz_cpu *c, uint64_t va, unsigned size, uint64_t *val,
                              uint64_t pc, int slot, const int trace)
{
    va = EA(c, va);
    stlb_entry *e = &c->stlb[ACC_LOAD][(va >> 12) & (STLB_SIZE - 1)];
    if (likely(e->vpage == vz_stlb_key(c, va) && (va & 4095) + size <= 4096)) {
        if (trace)
            c->last_pa = e->pa | (va & 4095);
        uint64_t v = 0;
        memcpy(&v, e->host + (va & 4095), size);
        *val = v;
        return 0;
    }
    return data_slow(c, va, size, ACC_LOAD, val, pc, slot);
}

static ALWAYS_INLINE int store(vz_cpu *c, uint64_t va, unsigned size, uint64_t val,
                               uint64_t pc, int slot, const int trace)
{
    va = EA(c, va);
    stlb_entry *e = &c->stlb[ACC_STORE][(va >> 12) & (STLB_SIZE - 1)];
    if (likely(e->vpage == vz_stlb_key(c, va) && (va & 4095) + size <= 4096)) {
        if (trace)
            c->last_pa = e->pa | (va & 4095);
        memcpy(e->host + (va & 4095), &val, size);
        return 0;
    }
    return data_slow(c, va, size, ACC_STORE, &val, pc, slot);
}

/* Instruction fetch slow path: translate pc, find or create its decoded page and
 * install it in the fetch cache. NULL after raising the exception. */
static dpage *fetch_slow(vz_cpu *c, uint64_t pc, int slot)
{
    uint64_t pa;
    xlate_fault f;
    if (vz_cpu_translate(c, pc, ACC_FETCH, &pa, &f) != 0) {
        vz_cpu_fault(c, pc, slot, &f);
        return NULL;
    }
    size_t avail;
    uint64_t pa_page = pa & ~(uint64_t)4095;
    uint8_t *host = vz_mem_ptr(c->mem, pa_page, &avail);
    uint64_t probe;
    dpage *p = NULL;
    if (host && avail >= 4096)
        p = vz_cpu_dpage_get(c, pa_page, host);
    else if (!host && !vz_mem_region_name(c->mem, pa) && vz_mem_load(c->mem, pa, 4, &probe) == 0)
        p = vz_cpu_dpage_get(c, pa_page, NULL);   /* memory behind a bus, no host pointer:
                                                      words read when first decoded */
    if (!p) {
        vz_cpu_root_exception(c, pc, VZ_EXC_IBE, slot, 0, 0, 0, -1);
        return NULL;
    }
    c->itlb[(pc >> 12) & (STLB_SIZE - 1)].vpage = vz_stlb_key(c, pc);
    c->itlb[(pc >> 12) & (STLB_SIZE - 1)].page = p;
    return p;
}

/* ---------------- helpers for semantics ---------------- */

static inline uint32_t bitswap8(uint32_t v)
{
    v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
    v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
    v = ((v >> 4) & 0x0f0f0f0fu) | ((v & 0x0f0f0f0fu) << 4);
    return v;
}

static inline uint64_t dbitswap8(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
    return v;
}

static inline int clz32(uint32_t v) { return v ? __builtin_clz(v) : 32; }
static inline int clz64(uint64_t v) { return v ? __builtin_clzll(v) : 64; }

static inline uint64_t extract64(uint64_t v, unsigned pos, unsigned len)
{
    return len >= 64 ? v >> pos : (v >> pos) & ((1ull << len) - 1);
}

static inline uint64_t deposit64(uint64_t v, unsigned pos, unsigned len, uint64_t f)
{
    uint64_t m = len >= 64 ? ~0ull : ((1ull << len) - 1);
    return (v & ~(m << pos)) | ((f & m) << pos);
}

/* BOVC/BNVC overflow: an input that is not a sign-extended word counts as
 * overflow, otherwise signed 32-bit addition overflow (QEMU). */
static inline int add32_overflows(uint64_t a, uint64_t b)
{
    if (sx32(a) != a || sx32(b) != b)
        return 1;
    int64_t s = (int64_t)(int32_t)a + (int64_t)(int32_t)b;
    return s != (int32_t)s;
}

/* RDHWR (QEMU: allowed in kernel mode or when HWREna has the register's bit),
 * from the current context: in guest mode the guest's HWREna, EBase, UserLocal
 * and Count. Returns 0, -1 for Reserved Instruction, 1 for a GPSI exit (CC while
 * GuestCtl0.GT = 0: the guest timer is root's; vz-facts §3.3). */
static int rdhwr(vz_cpu *c, unsigned reg, unsigned sel, uint64_t *v)
{
    const uint64_t *cx = c->cx;
    if (sel != 0)
        return -1;
    if (!c->kernel && !((cx[VZ_CP0_HWRENA] >> reg) & 1))
        return -1;
    switch (reg) {
    case 0: *v = cx[VZ_CP0_EBASE] & 0x3ff; return 0;          /* CPUNum */
    case 1: *v = 32; return 0;  /* SYNCI_Step: 32 (QEMU's I6400; any step <= the line works) */
    case 2:                                                     /* CC */
        if (c->guest && !(vz_gc0(c) & GC0_GT))
            return 1;
        *v = sx32(c->guest ? vz_guest_count(c) : vz_cpu_count(c));
        return 0;
    case 3: *v = 2; return 0;                                   /* CCRes: Count every 2 */
    case 5: *v = (cx[VZ_CP0_CONFIG5] >> 13) & 1; return 0;     /* XNP (R6) */
    case 29:                                                    /* ULR */
        *v = cx[VZ_CP0_USERLOCAL];
        return 0;
    default:
        return -1;
    }
}

/* MIPS64 instructions that are 64-bit operations: Reserved Instruction in user
 * mode unless Status.UX or PX is set (QEMU's check_mips_64 list). */
static int op64(unsigned id)
{
    switch (id) {
    case VZ_I_DADD: case VZ_I_DADDU: case VZ_I_DSUB: case VZ_I_DSUBU: case VZ_I_DADDIU:
    case VZ_I_DAUI: case VZ_I_DAHI: case VZ_I_DATI:
    case VZ_I_DSLL: case VZ_I_DSRL: case VZ_I_DSRA: case VZ_I_DROTR:
    case VZ_I_DSLL32: case VZ_I_DSRL32: case VZ_I_DSRA32: case VZ_I_DROTR32:
    case VZ_I_DSLLV: case VZ_I_DSRLV: case VZ_I_DSRAV: case VZ_I_DROTRV:
    case VZ_I_DMUL: case VZ_I_DMUH: case VZ_I_DMULU: case VZ_I_DMUHU:
    case VZ_I_DDIV: case VZ_I_DMOD: case VZ_I_DDIVU: case VZ_I_DMODU:
    case VZ_I_DCLZ: case VZ_I_DCLO: case VZ_I_DLSA: case VZ_I_DALIGN:
    case VZ_I_DBITSWAP: case VZ_I_DSBH: case VZ_I_DSHD:
    case VZ_I_DEXT: case VZ_I_DEXTM: case VZ_I_DEXTU:
    case VZ_I_DINS: case VZ_I_DINSM: case VZ_I_DINSU:
    case VZ_I_LD: case VZ_I_SD: case VZ_I_LWU: case VZ_I_LLD: case VZ_I_SCD:
    case VZ_I_LDPC: case VZ_I_LWUPC:
        return 1;
    default:
        return 0;
    }
}

/* ---------------- one instruction ---------------- */

#define RS (c->gpr[vz_f_rs(w)])
#define RT (c->gpr[vz_f_rt(w)])
#define IMM (vz_f_simm16(w))
#define UIMM ((uint64_t)(w & 0xffff))
#define SA (vz_f_sa(w))
#define SET(r, v)                                         \
    do {                                                  \
        unsigned r_ = (r);                                \
        uint64_t v_ = (v);                                \
        c->gpr[r_] = v_;                                  \
        if (trace) {                                      \
            c->ri.gpr_written = (uint8_t)r_;              \
            c->ri.gpr_value = r_ ? v_ : 0;                \
        }                                                 \
    } while (0)
#define SETD(v) SET(vz_f_rd(w), (v))
#define SETT(v) SET(vz_f_rt(w), (v))
#define EXC(code)                                                      \
    do {                                                               \
        vz_cpu_exception(c, pc, (code), slot != 0, 0, 0, 0);           \
        if (trace) c->ri.exception = (int8_t)(code);                   \
        goto out;                                                      \
    } while (0)
#define EXC_ADDR(code, va)                                             \
    do {                                                               \
        vz_cpu_exception(c, pc, (code), slot != 0, (va), 1, 0);        \
        if (trace) c->ri.exception = (int8_t)(code);                   \
        goto out;                                                      \
    } while (0)
#define MEMTRACE(va, sz, wr)                                           \
    do {                                                               \
        if (trace) {                                                   \
            c->ri.mem_addr = (va);                                     \
            c->ri.mem_size = (uint8_t)(sz);                            \
            c->ri.mem_write = (uint8_t)(wr);                           \
        }                                                              \
    } while (0)
#define LOAD(va, sz, dst)                                              \
    do {                                                               \
        MEMTRACE(va, sz, 0);                                           \
        if (load(c, (va), (sz), &(dst), pc, slot != 0, trace)) {       \
            if (trace) c->ri.exception = c->last_exc;                 \
            goto out;                                                  \
        }                                                              \
    } while (0)
#define STORE(va, sz, val)                                             \
    do {                                                               \
        MEMTRACE(va, sz, 1);                                           \
        if (store(c, (va), (sz), (val), pc, slot != 0, trace)) {       \
            if (trace) c->ri.exception = c->last_exc;                 \
            goto out;                                                  \
        }                                                              \
    } while (0)
/* delayed branch: the slot instruction runs next, then target (or fall-through) */
#define DELAYED(cond, target)                                          \
    do {                                                               \
        int t_ = (cond);                                               \
        c->btarget = t_ ? (target) : pc + 8;                           \
        c->slot = 1;                                                   \
        if (trace) c->ri.taken = (uint8_t)t_;                          \
    } while (0)
/* conditional compact branch: taken jumps now, otherwise a forbidden slot follows */
#define COMPACT(cond, target)                                          \
    do {                                                               \
        if (cond) {                                                    \
            next = (target);                                           \
            if (trace) c->ri.taken = 1;                                \
        } else {                                                       \
            c->slot = 2;                                               \
        }                                                              \
    } while (0)
#define B16 (pc + 4 + (uint64_t)(IMM * 4))
#define B21 (pc + 4 + (uint64_t)(((int64_t)((w & 0x1fffff) ^ 0x100000) - 0x100000) * 4))
#define B26 (pc + 4 + (uint64_t)(((int64_t)((w & 0x3ffffff) ^ 0x2000000) - 0x2000000) * 4))
#define OFF9 ((int64_t)((((w >> 7) & 0x1ff) ^ 0x100)) - 0x100)
/* CP0 usable in the current context (kernel mode or Status.CU0), else
 * Coprocessor Unusable (CE = 0) in that context; in guest mode then the root layer:
 * GuestCtl0.CP0 = 0 makes every guest CP0 instruction exit with GPSI (onion model,
 * vz-facts §1.3; [M] §10 #2). */
#define REQUIRE_CP0()                                                  \
    do {                                                               \
        REQUIRE_CP0_CTX();                                             \
        if (c->guest && !(vz_gc0(c) & GC0_CP0))                        \
            EXIT(GEXC_GPSI);                                           \
    } while (0)
#define REQUIRE_CP0_CTX()                                              \
    do {                                                               \
        if (!c->kernel) {                                              \
            c->cx[VZ_CP0_CAUSE] &= ~(uint64_t)(3u << 28);              \
            EXC(VZ_EXC_CPU);                                           \
        }                                                              \
    } while (0)
/* guest exit (GE) with GExcCode g; the instruction is not performed */
#define EXIT(g)                                                        \
    do {                                                               \
        vz_cpu_guest_exit(c, pc, slot != 0, (g));                      \
        if (trace) c->ri.exception = VZ_EXC_GE;                        \
        goto out;                                                      \
    } while (0)

static ALWAYS_INLINE void step(vz_cpu *c, const int trace)
{
    uint64_t pc = c->pc;
    unsigned slot = c->slot;
    c->slot = 0;
    c->insns++;
    if (trace) {
        memset(&c->ri, 0, sizeof c->ri);
        c->ri.pc = pc;
        c->ri.exception = -1;
        c->ri.in_slot = (uint8_t)slot;
        c->ri.guest = c->guest;
    }
    if (unlikely(pc & 3)) {
        vz_cpu_exception(c, pc, VZ_EXC_ADEL, slot != 0, pc, 1, 0);
        if (trace) c->ri.exception = VZ_EXC_ADEL;
        return;
    }
    dpage *dp;
    unsigned ix = (unsigned)(pc >> 12) & (STLB_SIZE - 1);
    if (likely(c->itlb[ix].vpage == vz_stlb_key(c, pc))) {
        dp = c->itlb[ix].page;
    } else {
        dp = fetch_slow(c, pc, slot != 0);
        if (!dp) {
            if (trace) c->ri.exception = c->last_exc;
            return;
        }
    }
    dinsn *d = &dp->insn[(pc >> 2) & (DPAGE_WORDS - 1)];
    if (unlikely(!d->id)) {
        uint32_t word;
        if (likely(dp->host != NULL)) {
            memcpy(&word, dp->host + (pc & 4095), 4);
        } else {
            uint64_t v;
            if (vz_mem_load(c->mem, dp->pa | (pc & 4095), 4, &v) != 0) {
                vz_cpu_root_exception(c, pc, VZ_EXC_IBE, slot != 0, 0, 0, 0, -1);
                if (trace) c->ri.exception = c->last_exc;
                return;
            }
            word = (uint32_t)v;
        }
        vz_insn_id id = vz_decode(word);
        d->word = word;
        d->id = (uint16_t)(id == VZ_I_INVALID ? VZ_I_COUNT : id);
        uint64_t pa = dp->pa | (pc & 4095);
        for (unsigned i = 0; i < c->nhostcalls; i++)
            if (c->hostcalls[i].pa == pa) {
                d->id = DINSN_HOSTCALL;
                d->aux = (uint16_t)i;
            }
    }
    if (unlikely(d->id == DINSN_HOSTCALL) && !c->guest) {
        /* a native host function instead of an instruction (not counted) */
        c->insns--;
        c->slot = (uint8_t)slot;
        if (c->hostcalls[d->aux].fn(c, c->hostcalls[d->aux].opaque)) {
            c->stop = VZ_STOP_HOSTCALL;
            c->stop_at = 0;
        }
        if (trace) {
            c->ri.exception = -2;   /* marks a host call for observers */
            c->ri.word = 0;
        }
        c->gpr[0] = 0;
        return;
    }
    const uint32_t w = d->word;
    uint64_t next = pc + 4;
    if (trace) {
        c->ri.word = w;
        c->ri.id = d->id >= VZ_I_COUNT ? 0 : d->id;
    }
    if (unlikely(slot) && d->id < VZ_I_COUNT &&
        (vz_insn_table[d->id].flags & (VZ_F_CTI | VZ_F_NOSLOT)))
        EXC(VZ_EXC_RI);
    if (unlikely(c->no64) && op64(d->id))
        EXC(VZ_EXC_RI);     /* 64-bit operation in user mode with UX = PX = 0 */

    switch ((vz_insn_id)d->id) {
    /* ---- no-ops and hints ---- */
    case VZ_I_NOP: case VZ_I_SSNOP: case VZ_I_EHB: case VZ_I_PAUSE:
    case VZ_I_SYNC:
        break;
    case VZ_I_PREF:
        /* R6: hints 24..31 are reserved and raise RI (as QEMU does) */
        if (vz_f_rt(w) >= 24)
            EXC(VZ_EXC_RI);
        break;
    case VZ_I_SYNCI:
        /* decoded instructions are kept coherent on every store; nothing to do.
         * SYNCI still translates its address like a load (QEMU: no check). */
        break;
    case VZ_I_CACHE:
        REQUIRE_CP0();
        /* guest CACHE: Index-type ops (op bits 20:18 = 0..3) need
         * GuestCtl0Ext.CGI, Hit-type ops (4..7) GuestCtl0.CG (vz-facts §2.2, §2.3,
         * §3.3) */
        if (c->guest) {
            unsigned type = (vz_f_rt(w) >> 2) & 7;
            if (type < 4 ? !(c->cp0[VZ_CP0_GUESTCTL0EXT] & GC0X_CGI) : !(vz_gc0(c) & GC0_CG))
                EXIT(GEXC_GPSI);
        }
        break;

    /* ---- shifts ---- */
    case VZ_I_SLL:    SETD(sx32((uint32_t)RT << SA)); break;
    case VZ_I_SRL:    SETD(sx32((uint32_t)RT >> SA)); break;
    case VZ_I_ROTR: { uint32_t x = (uint32_t)RT; unsigned s = SA;
                      SETD(sx32(s ? (x >> s) | (x << (32 - s)) : x)); break; }
    /* SRA/SRAV shift the whole register (QEMU); for a sign-extended word, the
     * architected input, this equals the 32-bit shift */
    case VZ_I_SRA:    SETD((uint64_t)((int64_t)RT >> SA)); break;
    case VZ_I_SLLV:   SETD(sx32((uint32_t)RT << (RS & 31))); break;
    case VZ_I_SRLV:   SETD(sx32((uint32_t)RT >> (RS & 31))); break;
    case VZ_I_ROTRV: { uint32_t x = (uint32_t)RT; unsigned s = RS & 31;
                       SETD(sx32(s ? (x >> s) | (x << (32 - s)) : x)); break; }
    case VZ_I_SRAV:   SETD((uint64_t)((int64_t)RT >> (RS & 31))); break;
    case VZ_I_DSLLV:  SETD(RT << (RS & 63)); break;
    case VZ_I_DSRLV:  SETD(RT >> (RS & 63)); break;
    case VZ_I_DROTRV: { unsigned s = RS & 63; uint64_t x = RT;
                        SETD(s ? (x >> s) | (x << (64 - s)) : x); break; }
    case VZ_I_DSRAV:  SETD((uint64_t)((int64_t)RT >> (RS & 63))); break;
    case VZ_I_DSLL:   SETD(RT << SA); break;
    case VZ_I_DSRL:   SETD(RT >> SA); break;
    case VZ_I_DROTR: { unsigned s = SA; uint64_t x = RT;
                       SETD(s ? (x >> s) | (x << (64 - s)) : x); break; }
    case VZ_I_DSRA:   SETD((uint64_t)((int64_t)RT >> SA)); break;
    case VZ_I_DSLL32: SETD(RT << (SA + 32)); break;
    case VZ_I_DSRL32: SETD(RT >> (SA + 32)); break;
    case VZ_I_DROTR32: { unsigned s = SA + 32; uint64_t x = RT;
                         SETD((x >> s) | (x << (64 - s))); break; }
    case VZ_I_DSRA32: SETD((uint64_t)((int64_t)RT >> (SA + 32))); break;

    /* ---- ALU ---- */
    case VZ_I_LSA:  SETD(sx32((RS << (((w >> 6) & 3) + 1)) + RT)); break;
    case VZ_I_DLSA: SETD((RS << (((w >> 6) & 3) + 1)) + RT); break;
    case VZ_I_ADD: {
        /* QEMU: r = sext32(rs + rt); overflow iff ((r ^ rt) & ~(rs ^ rt)) < 0 */
        uint64_t a = RS, b = RT, r = sx32(a + b);
        if ((int64_t)((r ^ b) & ~(a ^ b)) < 0)
            EXC(VZ_EXC_OV);
        SETD(r);
        break;
    }
    /* ADDU/SUBU with $0 as the second (ADDU: either) operand copy the other
     * register whole: QEMU moves instead of adding (a non-sign-extended input is
     * UNPREDICTABLE in the architecture) */
    case VZ_I_ADDU:
        if (vz_f_rt(w) == 0)
            SETD(RS);
        else if (vz_f_rs(w) == 0)
            SETD(RT);
        else
            SETD(sx32(RS + RT));
        break;
    case VZ_I_SUB: {
        /* QEMU: r = sext32(rs - rt); overflow iff ((rs ^ rt) & (r ^ rs)) < 0 */
        uint64_t a = RS, b = RT, r = sx32(a - b);
        if ((int64_t)((a ^ b) & (r ^ a)) < 0)
            EXC(VZ_EXC_OV);
        SETD(r);
        break;
    }
    case VZ_I_SUBU: SETD(vz_f_rt(w) == 0 ? RS : sx32(RS - RT)); break;
    case VZ_I_AND:  SETD(RS & RT); break;
    case VZ_I_OR:   SETD(RS | RT); break;
    case VZ_I_XOR:  SETD(RS ^ RT); break;
    case VZ_I_NOR:  SETD(~(RS | RT)); break;
    case VZ_I_SLT:  SETD((int64_t)RS < (int64_t)RT); break;
    case VZ_I_SLTU: SETD(RS < RT); break;
    case VZ_I_DADD: {
        uint64_t a = RS, b = RT, r = a + b;
        if ((int64_t)((r ^ a) & (r ^ b)) < 0)
            EXC(VZ_EXC_OV);
        SETD(r);
        break;
    }
    case VZ_I_DADDU: SETD(RS + RT); break;
    case VZ_I_DSUB: {
        uint64_t a = RS, b = RT, r = a - b;
        if ((int64_t)((a ^ b) & (a ^ r)) < 0)
            EXC(VZ_EXC_OV);
        SETD(r);
        break;
    }
    case VZ_I_DSUBU:  SETD(RS - RT); break;
    case VZ_I_SELEQZ: SETD(RT == 0 ? RS : 0); break;
    case VZ_I_SELNEZ: SETD(RT != 0 ? RS : 0); break;
    case VZ_I_CLZ:  SETD((uint64_t)clz32((uint32_t)RS)); break;
    case VZ_I_CLO:  SETD((uint64_t)clz32(~(uint32_t)RS)); break;
    case VZ_I_DCLZ: SETD((uint64_t)clz64(RS)); break;
    case VZ_I_DCLO: SETD((uint64_t)clz64(~RS)); break;
    case VZ_I_ADDIU:  SETT(sx32(RS + (uint64_t)IMM)); break;
    case VZ_I_DADDIU: SETT(RS + (uint64_t)IMM); break;
    case VZ_I_SLTI:   SETT((int64_t)RS < IMM); break;
    case VZ_I_SLTIU:  SETT(RS < (uint64_t)IMM); break;
    case VZ_I_ANDI:   SETT(RS & UIMM); break;
    case VZ_I_ORI:    SETT(RS | UIMM); break;
    case VZ_I_XORI:   SETT(RS ^ UIMM); break;
    case VZ_I_LUI:    SETT(sx32(UIMM << 16)); break;
    case VZ_I_AUI:    SETT(sx32(RS + (UIMM << 16))); break;
    case VZ_I_DAUI:   SETT(RS + (uint64_t)((int64_t)IMM * 65536)); break;
    case VZ_I_DAHI:   c->gpr[vz_f_rs(w)] = RS + ((uint64_t)IMM << 32);
                      if (trace) { c->ri.gpr_written = (uint8_t)vz_f_rs(w);
                                   c->ri.gpr_value = c->gpr[vz_f_rs(w)]; }
                      break;
    case VZ_I_DATI:   c->gpr[vz_f_rs(w)] = RS + (UIMM << 48);
                      if (trace) { c->ri.gpr_written = (uint8_t)vz_f_rs(w);
                                   c->ri.gpr_value = c->gpr[vz_f_rs(w)]; }
                      break;

    /* ---- multiply / divide (R6). Division by zero and INT_MIN / -1 are
     * UNPREDICTABLE; QEMU divides by 1 instead, so the quotient is the dividend
     * and the remainder 0. ---- */
    case VZ_I_MUL:  SETD(sx32((uint32_t)RS * (uint32_t)RT)); break;
    case VZ_I_MUH:  SETD(sx32((uint64_t)((int64_t)(int32_t)RS * (int64_t)(int32_t)RT) >> 32)); break;
    case VZ_I_MULU: SETD(sx32((uint32_t)RS * (uint32_t)RT)); break;
    case VZ_I_MUHU: SETD(sx32(((uint64_t)(uint32_t)RS * (uint32_t)RT) >> 32)); break;
    case VZ_I_DMUL: SETD(RS * RT); break;
    case VZ_I_DMUH: SETD((uint64_t)(((__int128)(int64_t)RS * (int64_t)RT) >> 64)); break;
    case VZ_I_DMULU: SETD(RS * RT); break;
    case VZ_I_DMUHU: SETD((uint64_t)(((unsigned __int128)RS * RT) >> 64)); break;
    case VZ_I_DIV: case VZ_I_MOD: {
        int64_t a = (int32_t)RS, b = (int32_t)RT;
        if (b == 0 || (a == INT32_MIN && b == -1))
            b = 1;
        SETD(sx32((uint64_t)(d->id == VZ_I_DIV ? a / b : a % b)));
        break;
    }
    case VZ_I_DIVU: case VZ_I_MODU: {
        uint64_t a = (uint32_t)RS, b = (uint32_t)RT;
        if (b == 0)
            b = 1;
        SETD(sx32(d->id == VZ_I_DIVU ? a / b : a % b));
        break;
    }
    case VZ_I_DDIV: case VZ_I_DMOD: {
        int64_t a = (int64_t)RS, b = (int64_t)RT;
        if (b == 0 || (a == INT64_MIN && b == -1))
            b = 1;
        SETD((uint64_t)(d->id == VZ_I_DDIV ? a / b : a % b));
        break;
    }
    case VZ_I_DDIVU: case VZ_I_DMODU: {
        uint64_t a = RS, b = RT;
        if (b == 0)
            b = 1;
        SETD(d->id == VZ_I_DDIVU ? a / b : a % b);
        break;
    }

    /* ---- bit manipulation ---- */
    case VZ_I_BITSWAP:  SETD(sx32(bitswap8((uint32_t)RT))); break;
    case VZ_I_DBITSWAP: SETD(dbitswap8(RT)); break;
    case VZ_I_WSBH: { uint32_t x = (uint32_t)RT;
                      SETD(sx32(((x & 0x00ff00ffu) << 8) | ((x >> 8) & 0x00ff00ffu))); break; }
    case VZ_I_DSBH: { uint64_t x = RT;
                      SETD(((x & 0x00ff00ff00ff00ffull) << 8) | ((x >> 8) & 0x00ff00ff00ff00ffull));
                      break; }
    case VZ_I_DSHD: { uint64_t x = RT;
                      x = ((x & 0x0000ffff0000ffffull) << 16) | ((x >> 16) & 0x0000ffff0000ffffull);
                      SETD((x << 32) | (x >> 32)); break; }
    case VZ_I_SEB: SETD((uint64_t)(int64_t)(int8_t)RT); break;
    case VZ_I_SEH: SETD(sx16(RT)); break;
    case VZ_I_ALIGN: {
        unsigned bp = (w >> 6) & 3;
        if (bp == 0)
            SETD(sx32(RT));
        else
            SETD(sx32(((uint32_t)RT << (8 * bp)) | ((uint32_t)RS >> (32 - 8 * bp))));
        break;
    }
    case VZ_I_DALIGN: {
        unsigned bp = (w >> 6) & 7;
        if (bp == 0)
            SETD(RT);
        else
            SETD((RT << (8 * bp)) | (RS >> (64 - 8 * bp)));
        break;
    }
    /* bit fields: pos/size combinations the manual calls UNPREDICTABLE raise RI
     * (QEMU's gen_bitops) */
    case VZ_I_EXT: {
        unsigned lsb = SA, msbd = vz_f_rd(w);
        if (lsb + msbd > 31)
            EXC(VZ_EXC_RI);
        SETT(msbd == 31 ? sx32(RS) : extract64(RS, lsb, msbd + 1));
        break;
    }
    case VZ_I_DEXT: case VZ_I_DEXTM: case VZ_I_DEXTU: {
        unsigned lsb = SA, msbd = vz_f_rd(w);
        if (d->id == VZ_I_DEXTM) msbd += 32;
        if (d->id == VZ_I_DEXTU) lsb += 32;
        if (lsb + msbd > 63)
            EXC(VZ_EXC_RI);
        SETT(extract64(RS, lsb, msbd + 1));
        break;
    }
    case VZ_I_INS: {
        unsigned lsb = SA, msb = vz_f_rd(w);
        if (lsb > msb)
            EXC(VZ_EXC_RI);
        SETT(sx32(deposit64(RT, lsb, msb - lsb + 1, RS)));
        break;
    }
    case VZ_I_DINS: case VZ_I_DINSM: case VZ_I_DINSU: {
        unsigned lsb = SA, msb = vz_f_rd(w);
        if (d->id == VZ_I_DINSM) msb += 32;
        if (d->id == VZ_I_DINSU) { lsb += 32; msb += 32; }
        if (lsb > msb)
            EXC(VZ_EXC_RI);
        SETT(deposit64(RT, lsb, msb - lsb + 1, RS));
        break;
    }

    /* ---- PC-relative ---- */
    case VZ_I_ADDIUPC: {
        int64_t off = (int64_t)((w & 0x7ffff) ^ 0x40000) - 0x40000;
        SET(vz_f_rs(w), pc + (uint64_t)(off * 4));
        break;
    }
    case VZ_I_LWPC: case VZ_I_LWUPC: {
        int64_t off = (int64_t)((w & 0x7ffff) ^ 0x40000) - 0x40000;
        uint64_t va = EA(c, pc + (uint64_t)(off * 4)), v;
        if (va & 3)
            EXC_ADDR(VZ_EXC_ADEL, va);
        LOAD(va, 4, v);
        SET(vz_f_rs(w), d->id == VZ_I_LWPC ? sx32(v) : (uint32_t)v);
        break;
    }
    case VZ_I_LDPC: {
        int64_t off = (int64_t)((w & 0x3ffff) ^ 0x20000) - 0x20000;
        uint64_t va = EA(c, (pc & ~(uint64_t)7) + (uint64_t)(off * 8)), v;
        LOAD(va, 8, v);
        SET(vz_f_rs(w), v);
        break;
    }
    case VZ_I_AUIPC:  SET(vz_f_rs(w), pc + (uint64_t)(IMM * 65536)); break;
    case VZ_I_ALUIPC: SET(vz_f_rs(w), ~(uint64_t)0xffff & (pc + (uint64_t)(IMM * 65536))); break;

    /* ---- loads and stores (misaligned allowed, as in QEMU's R6 model) ---- */
    case VZ_I_LB:  { uint64_t v; LOAD(RS + (uint64_t)IMM, 1, v); SETT((uint64_t)(int64_t)(int8_t)v); break; }
    case VZ_I_LBU: { uint64_t v; LOAD(RS + (uint64_t)IMM, 1, v); SETT(v); break; }
    case VZ_I_LH:  { uint64_t v; LOAD(RS + (uint64_t)IMM, 2, v); SETT(sx16(v)); break; }
    case VZ_I_LHU: { uint64_t v; LOAD(RS + (uint64_t)IMM, 2, v); SETT(v); break; }
    case VZ_I_LW:  { uint64_t v; LOAD(RS + (uint64_t)IMM, 4, v); SETT(sx32(v)); break; }
    case VZ_I_LWU: { uint64_t v; LOAD(RS + (uint64_t)IMM, 4, v); SETT(v); break; }
    case VZ_I_LD:  { uint64_t v; LOAD(RS + (uint64_t)IMM, 8, v); SETT(v); break; }
    case VZ_I_SB:  STORE(RS + (uint64_t)IMM, 1, RT); break;
    case VZ_I_SH:  STORE(RS + (uint64_t)IMM, 2, RT); break;
    case VZ_I_SW:  STORE(RS + (uint64_t)IMM, 4, RT); break;
    case VZ_I_SD:  STORE(RS + (uint64_t)IMM, 8, RT); break;
    /* LL/SC: the link holds the address and the value loaded; SC succeeds when the
     * address matches and memory still holds that value (QEMU's cmpxchg model). */
    case VZ_I_LL: case VZ_I_LLD: {
        unsigned sz = d->id == VZ_I_LL ? 4 : 8;
        uint64_t va = EA(c, RS + (uint64_t)OFF9), v;
        if (va & (sz - 1))
            EXC_ADDR(VZ_EXC_ADEL, va);
        LOAD(va, sz, v);
        if (sz == 4)
            v = sx32(v);
        c->lladdr = va;
        c->llval = v;
        c->llbit = 1;
        {
            uint64_t pa;
            xlate_fault f;
            if (vz_cpu_translate(c, va, ACC_LOAD, &pa, &f) == 0)
                c->cx[VZ_CP0_LLADDR] = pa;   /* the physical address (QEMU's I6400) */
        }
        SETT(v);
        break;
    }
    case VZ_I_SC: case VZ_I_SCD: {
        unsigned sz = d->id == VZ_I_SC ? 4 : 8;
        uint64_t va = EA(c, RS + (uint64_t)OFF9), cur;
        if (va & (sz - 1))
            EXC_ADDR(VZ_EXC_ADES, va);
        int ok = 0;
        if (c->llbit && va == c->lladdr) {
            LOAD(va, sz, cur);
            if (sz == 4)
                cur = sx32(cur);
            if (cur == c->llval) {
                STORE(va, sz, RT);
                ok = 1;
            }
        } else {
            /* a failing SC still checks its address like a store */
            uint64_t pa;
            xlate_fault f;
            if (vz_cpu_translate(c, va, ACC_STORE, &pa, &f) != 0) {
                vz_cpu_fault(c, pc, slot != 0, &f);
                if (trace) c->ri.exception = c->last_exc;
                goto out;
            }
        }
        c->llbit = 0;
        SETT((uint64_t)ok);
        break;
    }

    /* ---- delayed branches and jumps ---- */
    case VZ_I_BEQ:  DELAYED(RS == RT, B16); break;
    case VZ_I_BNE:  DELAYED(RS != RT, B16); break;
    case VZ_I_BLEZ: DELAYED((int64_t)RS <= 0, B16); break;
    case VZ_I_BGTZ: DELAYED((int64_t)RS > 0, B16); break;
    case VZ_I_BLTZ: DELAYED((int64_t)RS < 0, B16); break;
    case VZ_I_BGEZ: DELAYED((int64_t)RS >= 0, B16); break;
    case VZ_I_BAL:  SET(31, pc + 8); DELAYED(1, B16); break;
    case VZ_I_NAL:  SET(31, pc + 8); DELAYED(0, 0); break;
    case VZ_I_J:    DELAYED(1, ((pc + 4) & ~(uint64_t)0x0fffffff) | ((uint64_t)(w & 0x3ffffff) << 2)); break;
    case VZ_I_JAL:  SET(31, pc + 8);
                    DELAYED(1, ((pc + 4) & ~(uint64_t)0x0fffffff) | ((uint64_t)(w & 0x3ffffff) << 2));
                    break;
    case VZ_I_JALR: case VZ_I_JALR_HB: {
        uint64_t t = RS;        /* read before the link is written (rd may equal rs) */
        SETD(pc + 8);
        DELAYED(1, t);
        break;
    }

    /* ---- compact branches ---- */
    case VZ_I_BC:
        next = B26;
        if (trace)
            c->ri.taken = 1;
        break;
    case VZ_I_BALC:
        SET(31, pc + 4);
        next = B26;
        if (trace)
            c->ri.taken = 1;
        break;
    case VZ_I_JIC:
        next = RT + (uint64_t)IMM;
        if (trace)
            c->ri.taken = 1;
        break;
    case VZ_I_JIALC: {
        uint64_t t = RT + (uint64_t)IMM;
        SET(31, pc + 4);
        next = t;
        if (trace)
            c->ri.taken = 1;
        break;
    }
    case VZ_I_BEQZC: COMPACT(RS == 0, B21); break;
    case VZ_I_BNEZC: COMPACT(RS != 0, B21); break;
    case VZ_I_BLEZC: COMPACT((int64_t)RT <= 0, B16); break;
    case VZ_I_BGEZC: COMPACT((int64_t)RT >= 0, B16); break;
    case VZ_I_BGTZC: COMPACT((int64_t)RT > 0, B16); break;
    case VZ_I_BLTZC: COMPACT((int64_t)RT < 0, B16); break;
    case VZ_I_BGEC:  COMPACT((int64_t)RS >= (int64_t)RT, B16); break;
    case VZ_I_BLTC:  COMPACT((int64_t)RS < (int64_t)RT, B16); break;
    case VZ_I_BGEUC: COMPACT(RS >= RT, B16); break;
    case VZ_I_BLTUC: COMPACT(RS < RT, B16); break;
    case VZ_I_BEQC:  COMPACT(RS == RT, B16); break;
    case VZ_I_BNEC:  COMPACT(RS != RT, B16); break;
    case VZ_I_BOVC:  COMPACT(add32_overflows(RS, RT), B16); break;
    case VZ_I_BNVC:  COMPACT(!add32_overflows(RS, RT), B16); break;
    /* the ...ALC forms write the link even when not taken (QEMU) */
    case VZ_I_BLEZALC: { int t = (int64_t)RT <= 0; SET(31, pc + 4); COMPACT(t, B16); break; }
    case VZ_I_BGEZALC: { int t = (int64_t)RT >= 0; SET(31, pc + 4); COMPACT(t, B16); break; }
    case VZ_I_BGTZALC: { int t = (int64_t)RT > 0;  SET(31, pc + 4); COMPACT(t, B16); break; }
    case VZ_I_BLTZALC: { int t = (int64_t)RT < 0;  SET(31, pc + 4); COMPACT(t, B16); break; }
    case VZ_I_BEQZALC: { int t = RT == 0;          SET(31, pc + 4); COMPACT(t, B16); break; }
    case VZ_I_BNEZALC: { int t = RT != 0;          SET(31, pc + 4); COMPACT(t, B16); break; }

    /* ---- traps and system calls ---- */
    case VZ_I_TGE:  if ((int64_t)RS >= (int64_t)RT) EXC(VZ_EXC_TR); break;
    case VZ_I_TGEU: if (RS >= RT) EXC(VZ_EXC_TR); break;
    case VZ_I_TLT:  if ((int64_t)RS < (int64_t)RT) EXC(VZ_EXC_TR); break;
    case VZ_I_TLTU: if (RS < RT) EXC(VZ_EXC_TR); break;
    case VZ_I_TEQ:  if (RS == RT) EXC(VZ_EXC_TR); break;
    case VZ_I_TNE:  if (RS != RT) EXC(VZ_EXC_TR); break;
    case VZ_I_SYSCALL: EXC(VZ_EXC_SYS);
    case VZ_I_BREAK:   EXC(VZ_EXC_BP);
    case VZ_I_SIGRIE:  EXC(VZ_EXC_RI);
    case VZ_I_SDBBP:
        if (c->semihosting && ((w >> 6) & 0xfffff) == 1) {
            vz_cpu_uhi(c, pc);
            if (trace && c->gpr[2]) {
                c->ri.gpr_written = 2;
                c->ri.gpr_value = c->gpr[2];
            }
            break;
        }
        /* EJTAG debug mode is not modelled: with no debugger attached, stop. */
        c->stop = VZ_STOP_BREAK;
        c->stop_at = 0;
        snprintf(c->stop_msg, sizeof c->stop_msg,
                 "SDBBP code %u at pc 0x%016llx (EJTAG debug mode is not modelled)",
                 (w >> 6) & 0xfffff, (unsigned long long)pc);
        next = pc;
        break;
    case VZ_I_RDHWR: {
        uint64_t v;
        int r = rdhwr(c, vz_f_rd(w), (w >> 6) & 7, &v);
        if (r > 0)
            EXIT(GEXC_GPSI);
        if (r < 0)
            EXC(VZ_EXC_RI);
        SETT(v);
        break;
    }

    /* ---- CP0 ---- */
    case VZ_I_MFC0: case VZ_I_DMFC0: case VZ_I_MTC0: case VZ_I_DMTC0: {
        REQUIRE_CP0();
        if (c->guest) {
            uint64_t v;
            int r = vz_guest_cp0_move(c, d->id, w, RT, &v, pc, slot != 0);
            if (r < 0) {
                if (trace) c->ri.exception = VZ_EXC_GE;
                goto out;
            }
            if (r > 0)
                SETT(v);
            break;
        }
        int id = c->cp0_index[vz_f_rd(w)][w & 7];
        if (d->id == VZ_I_MTC0 || d->id == VZ_I_DMTC0) {
            if (id >= 0)
                vz_cpu_mtc0(c, (vz_cp0_id)id, RT, d->id == VZ_I_DMTC0);
            break;
        }
        uint64_t v = id < 0 ? 0 : vz_cpu_mfc0(c, (vz_cp0_id)id);
        if (d->id == VZ_I_MFC0 && (id == VZ_CP0_ENTRYLO0 || id == VZ_CP0_ENTRYLO1))
            v = (v & 0x3fffffffu) | ((v >> 62) << 30);   /* RI/XI in bits 31:30 */
        /* MFC0 returns the low word sign-extended; DMFC0 of a 32-bit register
         * too (QEMU keeps them as signed words) */
        SETT(d->id == VZ_I_MFC0 || (id >= 0 && vz_cp0_bits((vz_cp0_id)id) == 32) ? sx32(v) : v);
        break;
    }
    case VZ_I_DI: case VZ_I_EI: {
        REQUIRE_CP0();
        uint64_t st = c->cx[VZ_CP0_STATUS];
        SETT(sx32(st));
        c->cx[VZ_CP0_STATUS] = d->id == VZ_I_EI ? (st | 1) : (st & ~(uint64_t)1);
        c->irq_check = 1, c->stop_at = 0;
        break;
    }
    case VZ_I_RDPGPR: case VZ_I_WRPGPR:
        /* one shadow set (SRSCtl.HSS = 0): the previous set is the current one */
        REQUIRE_CP0();
        SETD(RT);
        break;
    case VZ_I_ERET: case VZ_I_ERETNC: {
        REQUIRE_CP0();
        /* in guest mode the guest's own ERET (guest Status/EPC); in root mode an
         * ERET with GuestCtl0.GM = 1 enters guest mode (vz-facts §1.2) */
        int was_guest = c->guest;
        uint64_t *cx = c->cx;
        uint64_t st = cx[VZ_CP0_STATUS];
        if (st & 4) {
            next = cx[VZ_CP0_ERROREPC];
            cx[VZ_CP0_STATUS] = st & ~(uint64_t)4;
        } else {
            next = cx[VZ_CP0_EPC];
            cx[VZ_CP0_STATUS] = st & ~(uint64_t)2;
        }
        if (d->id == VZ_I_ERET) {
            c->llbit = 0;
            c->lladdr = 1;
        }
        vz_cpu_update_mode(c);
        if (trace) c->ri.taken = 1;
        /* GuestCtl0.MC: the guest's change of its own EXL/ERL by ERET is a mode
         * change that exits to root as GHFC, resuming at the ERET target
         * (vz-facts §3.4 "trace guest mode changes"; [D]) */
        if (was_guest && (vz_gc0(c) & GC0_MC) && !(c->cp0[VZ_CP0_GUESTCTL0EXT] & GC0X_FCD)) {
            c->pc = next;
            vz_cpu_guest_exit(c, next, 0, GEXC_GHFC);
            if (trace) c->ri.exception = VZ_EXC_GE;
            goto out;
        }
        break;
    }
    case VZ_I_WAIT:
        REQUIRE_CP0();
        if (c->guest)
            EXIT(GEXC_GPSI);     /* root emulates the guest's idle (vz-facts §3.3) */
        /* Sleep until an interrupt is pending. With only the timer as a source in
         * functional mode, skip ahead to the Count = Compare match. */
        {
            uint32_t st = (uint32_t)c->cp0[VZ_CP0_STATUS];
            if (!(c->cp0[VZ_CP0_CAUSE] & st & 0xff00u) && !(c->ext_irq & st & 0xfc00u)) {
                if (!(st & 0x8000u) || !(st & 1)) {
                    c->stop = VZ_STOP_ABORT;
                    c->stop_at = 0;
                    snprintf(c->stop_msg, sizeof c->stop_msg,
                             "WAIT at pc 0x%016llx with no enabled interrupt source: "
                             "the core would sleep forever",
                             (unsigned long long)pc);
                    next = pc + 4;
                    break;
                }
                uint32_t dist = (uint32_t)c->cp0[VZ_CP0_COMPARE] - (uint32_t)vz_cpu_count(c);
                /* time passes while the core sleeps: two executed-instruction
                 * ticks per Count increment */
                c->count_stamp -= 2 * (uint64_t)dist;
                vz_cpu_timer_update(c, 1);
            }
        }
        break;

    case VZ_I_TLBR: case VZ_I_TLBWI: case VZ_I_TLBINV: case VZ_I_TLBINVF:
    case VZ_I_TLBWR: case VZ_I_TLBP:
        REQUIRE_CP0();
        if (vz_tlb_instruction(c, d->id, pc, slot != 0) != 0) {
            if (trace) c->ri.exception = c->last_exc;
            goto out;
        }
        break;

    /* Root-only VZ instructions. In guest mode the guest context has no VZ
     * (Guest.Config3.VZ = 0): Reserved Instruction in the guest after its own CP0
     * usability check (vz-facts §4.2), or a GRR exit when GuestCtl0.RI = 1. */
    case VZ_I_TLBGR: case VZ_I_TLBGWI:
    case VZ_I_TLBGINV: case VZ_I_TLBGINVF: case VZ_I_TLBGWR: case VZ_I_TLBGP:
        REQUIRE_CP0_CTX();
        if (c->guest)
            EXC(VZ_EXC_RI);
        vz_tlb_instruction(c, d->id, pc, slot != 0);
        break;
    case VZ_I_MFGC0: case VZ_I_DMFGC0: case VZ_I_MTGC0: case VZ_I_DMTGC0: {
        REQUIRE_CP0_CTX();
        if (c->guest)
            EXC(VZ_EXC_RI);
        uint64_t v;
        if (vz_root_gcp0_move(c, d->id, w, RT, &v))
            SETT(v);
        break;
    }
    /* HYPCALL (vz-facts §4.2): in guest kernel mode an exit with GExcCode HC and
     * EPC = the HYPCALL; in guest user mode Coprocessor Unusable in the guest, as
     * for any COP0-space instruction ([M] §10 #12); in root mode there is no
     * hypervisor to call: Reserved Instruction ([M] §10 #12). */
    case VZ_I_HYPCALL:
        if (!c->guest)
            EXC(VZ_EXC_RI);
        REQUIRE_CP0_CTX();
        EXIT(GEXC_HC);

    default: {
        const vz_insn_info *r = &vz_insn_table[d->id >= VZ_I_COUNT ? 0 : d->id];
        if (r->flags & (VZ_F_CPU1 | VZ_F_CPU2)) {
            c->cx[VZ_CP0_CAUSE] = (c->cx[VZ_CP0_CAUSE] & ~(uint64_t)(3u << 28)) |
                                  ((uint64_t)((r->flags & VZ_F_CPU1) ? 1 : 2) << 28);
            EXC(VZ_EXC_CPU);
        }
        EXC(VZ_EXC_RI);
    }
    }
    c->gpr[0] = 0;
    if (slot == 1)
        next = c->btarget;
    c->pc = next;
out:
    c->gpr[0] = 0;
}

/* ---------------- run loops ---------------- */

static vz_stop run_loop(vz_cpu *c, uint64_t end, const int trace)
{
    for (;;) {
        c->stop_at = end < c->run_until ? end : c->run_until;
        if (c->irq_check)
            c->stop_at = c->insns;
        if (trace) {
            while (c->insns < c->stop_at) {
                step(c, 1);
                if (c->ri.mem_size)
                    c->ri.mem_pa = c->last_pa;
                c->retire_fn(c->retire_opaque, &c->ri);
            }
        } else {
            while (c->insns < c->stop_at)
                step(c, 0);
        }
        if (c->stop != VZ_STOP_NONE)
            return c->stop;
        if (c->insns >= c->run_until)
            vz_cpu_timer_update(c, 1);
        if (c->irq_check)
            vz_cpu_check_interrupt(c);
        if (c->insns >= end)
            return VZ_STOP_LIMIT;
    }
}

vz_stop vz_cpu_run(vz_cpu *c, uint64_t limit)
{
    uint64_t end = limit ? c->insns + limit : UINT64_MAX;
    if (c->stop == VZ_STOP_EXIT || c->stop == VZ_STOP_ABORT)
        return c->stop;
    c->stop = VZ_STOP_NONE;
    if (c->run_until <= c->insns)
        vz_cpu_timer_update(c, 0);
    return c->retire_fn ? run_loop(c, end, 1) : run_loop(c, end, 0);
}
