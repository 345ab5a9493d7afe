/*
 * sim/core/cpu.c - lifecycle, CP0 access, exceptions, address translation and the
 * slow paths of one MIPS64r6 core (the hot loop and the semantics are in exec.c).
 *
 * Address translation (MIPS64 PRA ch. 4): xkphys (kernel, KX=1) and kseg0/kseg1
 * (kernel) are unmapped; kuseg below 2 GiB is unmapped while Status.ERL=1; all
 * other segments go through the TLB, with the access rights of the mode (user:
 * useg/xuseg with UX; supervisor: also suseg/sseg/xsseg with SX; kernel: all, the
 * 64-bit ones with KX). PABITS = SEGBITS = 48.
 */
#include "sim/core/cpu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST_IE  (1u << 0)
#define ST_EXL (1u << 1)
#define ST_ERL (1u << 2)
#define ST_KSU (3u << 3)
#define ST_UX  (1u << 5)
#define ST_SX  (1u << 6)
#define ST_KX  (1u << 7)
#define ST_BEV (1u << 22)
#define ST_CU0 (1u << 28)
#define CA_BD  (1u << 31)
#define CA_TI  (1u << 30)
#define CA_IV  (1u << 23)
#define CA_DC  (1u << 27)
#define ST_PX  (1u << 23)
#define PG_ELPA (1u << 29)

#define CTX_R 1
#define CTX_RG 3
static const struct { int reg, sel, bits; uint64_t mask, reset; int ctx; } cp0_desc[] = {
#define CP0(id, name, reg, sel, bits, mask, reset, ctx) { reg, sel, bits, mask, reset, CTX_##ctx },
#include "sim/cp0/cp0regs.def"
#undef CP0
};

int vz_cp0_in_guest(vz_cp0_id id) { return (cp0_desc[id].ctx & 2) != 0; }
int vz_cp0_bits(vz_cp0_id id) { return cp0_desc[id].bits; }

static void cp0_reset(vz_cpu *c)
{
    memset(c->cp0_index, -1, sizeof c->cp0_index);
    for (int i = 0; i < VZ_CP0_COUNT_; i++) {
        c->cp0[i] = cp0_desc[i].reset;
        c->cp0_index[cp0_desc[i].reg][cp0_desc[i].sel] = (int8_t)i;
    }
}

vz_cpu *vz_cpu_create(vz_mem *mem, const vz_cpu_config *cfg)
{
    vz_cpu *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->mem = mem;
    cp0_reset(c);
    unsigned n = cfg && cfg->tlb_entries ? cfg->tlb_entries : 64;
    if (n > 64)
        n = 64;
    vz_tlb_init(&c->tlb, n);
    /* Config1.MMUSize-1 tells the truth about the TLB */
    c->cp0[VZ_CP0_CONFIG1] = (c->cp0[VZ_CP0_CONFIG1] & ~(uint64_t)(63u << 25)) |
                             ((uint64_t)(n - 1) << 25);
    c->rand_seed = 1;
    c->rand_prev = 0;
    vz_tlb_init(&c->gtlb, cfg && cfg->guest_tlb_entries ? cfg->guest_tlb_entries : 64);
    vz_guest_reset(c);
    c->cx = c->cp0;
    c->pc = 0xffffffffbfc00000ull;
    c->lladdr = 1;
    c->stop = VZ_STOP_NONE;
    vz_cpu_flush_stlb(c);
    vz_cpu_update_mode(c);
    if (cfg && cfg->semihosting) {
        vz_uhi_config uc;
        memset(&uc, 0, sizeof uc);
        uc.argc = cfg->argc;
        uc.argv = (const char *const *)cfg->argv;
        uc.in = stdin;
        uc.out = cfg->uhi_stdout ? (FILE *)cfg->uhi_stdout : stdout;
        uc.err = cfg->uhi_stderr ? (FILE *)cfg->uhi_stderr : stderr;
        uc.allow_host_files = 1;
        c->uhi = vz_uhi_create(&uc);
        if (!c->uhi) {
            free(c);
            return NULL;
        }
        c->semihosting = 1;
    }
    return c;
}

void vz_cpu_destroy(vz_cpu *c)
{
    if (!c)
        return;
    for (int b = 0; b < DPAGE_BUCKETS; b++) {
        dpage *p = c->dpages[b];
        while (p) {
            dpage *n = p->next;
            free(p);
            p = n;
        }
    }
    if (c->uhi)
        vz_uhi_destroy(c->uhi);
    free(c);
}

/* ---------------- mode, soft TLB, decoded pages ---------------- */

/* Recompute the mode after anything that may change it (Status, GuestCtl0.GM,
 * EntryHi.ASID, exceptions, ERET): guest mode is GuestCtl0.GM = 1 with Root.EXL =
 * Root.ERL = 0 (vz-facts §1.1; Debug.DM does not exist here); the kernel flag and
 * the active CP0 context follow from it. Flushes the soft TLBs. */
void vz_cpu_update_mode(vz_cpu *c)
{
    uint32_t rst = (uint32_t)c->cp0[VZ_CP0_STATUS];
    c->guest = (vz_gc0(c) & GC0_GM) && !(rst & (ST_EXL | ST_ERL));
    c->cx = c->guest ? c->gcp0 : c->cp0;
    uint32_t st = (uint32_t)c->cx[VZ_CP0_STATUS];
    uint8_t k = (st & (ST_EXL | ST_ERL)) || !(st & ST_KSU);
    int super = !k && ((st & ST_KSU) >> 3) == 1;
    c->kernel = k;
    /* 64-bit operations: always in kernel and (as QEMU does) supervisor mode, in
     * user mode with Status.UX or PX; otherwise they raise Reserved Instruction.
     * Address wrap (R6): with the mode's 64-bit addressing off (KX, SX, UX),
     * load/store addresses are the sign-extended low 32 bits of base + offset. */
    c->no64 = !k && !super && !(st & (ST_UX | ST_PX));
    c->awrap = !(st & (k ? ST_KX : super ? ST_SX : ST_UX));
    vz_cpu_flush_stlb(c);
    c->irq_check = 1, c->stop_at = 0;
}

void vz_cpu_flush_stlb(vz_cpu *c)
{
    uint64_t gen = (c->stlb_gen >> STLB_GEN_SHIFT) + 1;
    if (gen >= ((uint64_t)1 << (64 - STLB_GEN_SHIFT))) {
        /* generations exhausted: clear for real and start again at 1 */
        memset(c->stlb, 0, sizeof c->stlb);
        memset(c->itlb, 0, sizeof c->itlb);
        gen = 1;
    }
    c->stlb_gen = gen << STLB_GEN_SHIFT;
}

dpage *vz_cpu_dpage_find(vz_cpu *c, uint64_t pa_page)
{
    for (dpage *p = c->dpages[(pa_page >> DPAGE_SHIFT) % DPAGE_BUCKETS]; p; p = p->next)
        if (p->pa == pa_page)
            return p;
    return NULL;
}

dpage *vz_cpu_dpage_get(vz_cpu *c, uint64_t pa_page, const uint8_t *host)
{
    dpage *p = vz_cpu_dpage_find(c, pa_page);
    if (p)
        return p;
    p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->pa = pa_page;
    p->host = host;
    unsigned b = (unsigned)((pa_page >> DPAGE_SHIFT) % DPAGE_BUCKETS);
    p->next = c->dpages[b];
    c->dpages[b] = p;
    /* stores to this page must now take the slow path, which keeps it coherent */
    for (int i = 0; i < STLB_SIZE; i++)
        if (c->stlb[ACC_STORE][i].vpage != 0 && c->stlb[ACC_STORE][i].pa == pa_page)
            c->stlb[ACC_STORE][i].vpage = 0;
    return p;
}

void vz_cpu_code_written(vz_cpu *c, uint64_t pa, unsigned size)
{
    uint64_t first = pa & ~(uint64_t)3, last = (pa + size - 1) & ~(uint64_t)3;
    for (uint64_t a = first; a <= last; a += 4) {
        dpage *p = vz_cpu_dpage_find(c, a & ~(uint64_t)((1u << DPAGE_SHIFT) - 1));
        if (p)
            p->insn[(a >> 2) & (DPAGE_WORDS - 1)].id = 0;
    }
}

void vz_cpu_forget_mem(vz_cpu *c, uint64_t pa, uint64_t len)
{
    vz_cpu_flush_stlb(c);          /* every fast-path entry (data and fetch) */
    if (!len)
        return;
    for (int b = 0; b < DPAGE_BUCKETS; b++) {
        dpage **pp = &c->dpages[b];
        while (*pp) {
            dpage *p = *pp;
            if (p->host && p->pa + (1u << DPAGE_SHIFT) > pa && p->pa < pa + len) {
                *pp = p->next;     /* its host bytes are going away */
                free(p);
            } else {
                pp = &p->next;
            }
        }
    }
}

void vz_cpu_invalidate_code(vz_cpu *c, uint64_t pa, uint64_t len)
{
    if (!len)
        return;
    uint64_t first = pa & ~(uint64_t)((1u << DPAGE_SHIFT) - 1);
    for (uint64_t a = first; a < pa + len; a += 1u << DPAGE_SHIFT) {
        dpage *p = vz_cpu_dpage_find(c, a);
        if (p)
            for (unsigned i = 0; i < DPAGE_WORDS; i++)
                p->insn[i].id = 0;
        if (a + (1u << DPAGE_SHIFT) < a)
            break;
    }
}

/* ---------------- address translation ---------------- */

#define PAMASK ((((uint64_t)1) << 48) - 1)
#define PAMASK36 ((((uint64_t)1) << 36) - 1)   /* PABITS while PageGrain.ELPA = 0 */
#define SEGMASK ((((uint64_t)1) << 48) - 1)

/* A mapped access through TLB t with the ASID and PageGrain of context cp0 and
 * GuestID gid: refill (no match), invalid (V = 0), XI/RI (TLBXI/TLBRI with
 * PageGrain.IEC, else TLBL), modified (store with D = 0), or the physical address.
 * Shared by both translation stages. */
static int tlb_map(const vz_tlb *t, const uint64_t *cp0, uint16_t gid, uint64_t va, int acc,
                   uint64_t *pa, int *exc, int *refill)
{
    int tlbexc = acc == ACC_STORE ? VZ_EXC_TLBS : VZ_EXC_TLBL;
    uint8_t asid = (uint8_t)(cp0[VZ_CP0_ENTRYHI] & VZ_EH_ASID);
    int i = vz_tlb_lookup(t, va, asid, gid);
    if (i < 0) {
        *exc = tlbexc;
        *refill = 1;
        return -1;
    }
    const vz_tlb_entry *e = &t->e[i];
    uint64_t lo = e->lo[vz_tlb_odd(e->mask, va)];
    if (!(lo & VZ_EL_V)) {
        *exc = tlbexc;                 /* TLB invalid: general vector */
        return -1;
    }
    uint32_t pg = (uint32_t)cp0[VZ_CP0_PAGEGRAIN];
    int iec = (pg >> 27) & 1;
    if (acc == ACC_FETCH && (lo & VZ_EL_XI) && (pg & (1u << 30))) {
        *exc = iec ? VZ_EXC_TLBXI : VZ_EXC_TLBL;
        return -1;
    }
    if (acc == ACC_LOAD && (lo & VZ_EL_RI) && (pg & (1u << 31))) {
        *exc = iec ? VZ_EXC_TLBRI : VZ_EXC_TLBL;
        return -1;
    }
    if (acc == ACC_STORE && !(lo & VZ_EL_D)) {
        *exc = VZ_EXC_MOD;
        return -1;
    }
    *pa = vz_tlb_pa(lo, e->mask, va);
    return 0;
}

/* One translation stage with the segments and TLB of context cp0 (root, or the
 * guest's for a GVA). */
static int xlate_stage(const uint64_t *cp0, int kernel, const vz_tlb *tlb, uint16_t gid,
                       uint64_t va, int acc, uint64_t *pa, int *exc, int *refill)
{
    uint32_t st = (uint32_t)cp0[VZ_CP0_STATUS];
    int err = acc == ACC_STORE ? VZ_EXC_ADES : VZ_EXC_ADEL;
    *refill = 0;
    int super = !kernel && ((st & ST_KSU) >> 3) == 1;
    if (va < 0x80000000ull) {
        /* useg / kuseg */
        if (kernel && (st & ST_ERL)) {
            *pa = va;
            return 0;
        }
        goto mapped;
    }
    if (va <= SEGMASK) {
        /* xuseg above 2 GiB: Status.UX enables the 64-bit user segment in every
         * mode (QEMU's get_physical_address; R6 makes UX imply SX and KX) */
        if (!(st & ST_UX))
            goto adderr;
        goto mapped;
    }
    if (va < 0x4000000000000000ull)
        goto adderr;
    if (va < 0x8000000000000000ull) {
        /* xsseg: supervisor or kernel mode with Status.SX */
        if (!(kernel || super) || !(st & ST_SX) || (va & 0x3fffffffffffffffull) > SEGMASK)
            goto adderr;
        goto mapped;
    }
    if (va < 0xc000000000000000ull) {
        /* xkphys: kernel with KX; the address must fit PABITS, 36 bits unless
         * PageGrain.ELPA = 1 (Config3.LPA), then 48 */
        uint64_t pam = (cp0[VZ_CP0_PAGEGRAIN] & PG_ELPA) ? PAMASK : PAMASK36;
        if (!kernel || !(st & ST_KX) || (va & 0x07ffffffffffffffull) > pam)
            goto adderr;
        *pa = va & pam;
        return 0;
    }
    if (va < 0xffffffff80000000ull) {
        /* xkseg: kernel with KX, up to 0xc000ffff7fffffff (the top 2 GiB of the
         * region are the compatibility segments) */
        if (!kernel || !(st & ST_KX) ||
            (va & 0x3fffffffffffffffull) > (SEGMASK & ~0x80000000ull))
            goto adderr;
        goto mapped;
    }
    if (va < 0xffffffffc0000000ull) {
        /* kseg0, kseg1 */
        if (!kernel)
            goto adderr;
        *pa = va & 0x1fffffffull;
        return 0;
    }
    if (va < 0xffffffffe0000000ull) {
        /* ksseg */
        if (!(kernel || super))
            goto adderr;
        goto mapped;
    }
    /* kseg3 */
    if (!kernel)
        goto adderr;
mapped:
    return tlb_map(tlb, cp0, gid, va, acc, pa, exc, refill);
adderr:
    *exc = err;
    return -1;
}

/* Root stage of a guest access: GPA -> RPA through the root TLB with GuestID =
 * GuestCtl1.ID. Every GPA is mapped (vz-facts §6.1), whatever guest segment
 * produced it. The ASID compare uses Root.EntryHi.ASID like any root lookup
 * (vz-facts §10 #16 leaves open whether hardware ignores it; entries written by a
 * root refill handler carry that ASID, so both readings agree for them). */
static int xlate_gpa(const vz_cpu *c, uint64_t gpa, int acc, uint64_t *pa, int *exc,
                     int *refill)
{
    *refill = 0;
    if (gpa > PAMASK) {
        *exc = acc == ACC_STORE ? VZ_EXC_ADES : VZ_EXC_ADEL;
        return -1;
    }
    return tlb_map(&c->tlb, c->cp0, vz_guest_id(c), gpa, acc, pa, exc, refill);
}

int vz_cpu_translate(vz_cpu *c, uint64_t va, int acc, uint64_t *pa, xlate_fault *f)
{
    f->root = 0;
    f->badva = va;
    if (!c->guest)
        return xlate_stage(c->cp0, c->kernel, &c->tlb, 0, va, acc, pa, &f->exc, &f->refill);
    uint64_t gpa;
    if (xlate_stage(c->gcp0, c->kernel, &c->gtlb, vz_guest_id(c), va, acc, &gpa, &f->exc,
                    &f->refill) != 0)
        return -1;
    if (xlate_gpa(c, gpa, acc, pa, &f->exc, &f->refill) != 0) {
        f->root = 1;
        f->badva = gpa;
        return -1;
    }
    return 0;
}

/* Context.BadVPN2 = VA[31:13]; XContext.R = VA[63:62] at 40:39 and BadVPN2 =
 * VA[47:13] at 38:4; EntryHi takes R and VPN2 (ASID and EHINV kept). */
static void mmu_fault_regs(uint64_t *cp0, uint64_t badva)
{
    uint64_t vpn2 = badva >> 13;
    cp0[VZ_CP0_CONTEXT] = (cp0[VZ_CP0_CONTEXT] & 0xffffffffff800000ull) | ((vpn2 & 0x7ffff) << 4);
    cp0[VZ_CP0_XCONTEXT] = (cp0[VZ_CP0_XCONTEXT] & 0xfffffe0000000000ull) |
                           (((badva >> 62) & 3) << 39) | ((vpn2 & 0x7ffffffffull) << 4);
    cp0[VZ_CP0_ENTRYHI] = (cp0[VZ_CP0_ENTRYHI] & (VZ_EH_ASID | VZ_EH_EHINV)) |
                          (badva & (VZ_EH_R | VZ_EH_VPN2));
}

void vz_cpu_fault(vz_cpu *c, uint64_t pc, int slot, const xlate_fault *f)
{
    if (f->root) {
        vz_cpu_root_exception(c, pc, f->exc, slot, f->badva, 1, f->refill, GEXC_GPA);
        return;
    }
    /* An address error found by translation (segment not accessible in this mode)
     * also loads Context, XContext and EntryHi, which the PRA leaves UNPREDICTABLE
     * for address errors: QEMU's raise_mmu_exception does it for every
     * translation failure. */
    if (f->exc == VZ_EXC_ADEL || f->exc == VZ_EXC_ADES)
        mmu_fault_regs(c->cx, f->badva);
    vz_cpu_exception(c, pc, f->exc, slot, f->badva, 1, f->refill);
}

/* ---------------- exceptions ---------------- */

/* Enter an exception in context cp0 (the root's or the guest's). fetch_word reads
 * the instruction words for BadInstr/BadInstrP through the current translation, so
 * it runs before any mode change. guest_refill_kx: a root refill raised by a guest
 * access uses Root.Status.KX to choose the XTLB vector (vz-facts §6.1). */
static void enter_exception(vz_cpu *c, uint64_t *cp0, uint64_t pc, int code, int slot,
                            uint64_t badva, int has_badva, int refill, int guest_refill_kx)
{
    uint32_t st = (uint32_t)cp0[VZ_CP0_STATUS];
    uint32_t cause = (uint32_t)cp0[VZ_CP0_CAUSE];
    int exl_before = (st & ST_EXL) != 0;
    c->last_exc = (int8_t)code;
    if (!exl_before) {
        if (slot) {
            cp0[VZ_CP0_EPC] = pc - 4;
            cause |= CA_BD;
        } else {
            cp0[VZ_CP0_EPC] = pc;
            cause &= ~CA_BD;
        }
    }
    cause = (cause & ~0x7cu) | ((uint32_t)code << 2);
    cp0[VZ_CP0_CAUSE] = (uint64_t)(int64_t)(int32_t)cause;
    if (has_badva) {
        cp0[VZ_CP0_BADVADDR] = badva;
        if (code == VZ_EXC_TLBL || code == VZ_EXC_TLBS || code == VZ_EXC_MOD ||
            code == VZ_EXC_TLBRI || code == VZ_EXC_TLBXI)
            mmu_fault_regs(cp0, badva);
    }
    /* BadInstr / BadInstrP: the faulting word and, in a delay slot, the branch;
     * only when EXL was 0 (like EPC), not for interrupts, bus errors, or when the
     * fetch itself failed (QEMU's set_badinstr_registers conditions) */
    if (!exl_before && code != VZ_EXC_INT && code != VZ_EXC_IBE && code != VZ_EXC_DBE &&
        !(has_badva && badva == pc &&
          (code == VZ_EXC_ADEL || code == VZ_EXC_TLBL || code == VZ_EXC_TLBXI))) {
        uint64_t ppa, v;
        xlate_fault f;
        if (vz_cpu_translate(c, pc, ACC_FETCH, &ppa, &f) == 0 &&
            vz_mem_load(c->mem, ppa, 4, &v) == 0) {
            cp0[VZ_CP0_BADINSTR] = (uint32_t)v;
            if (slot && vz_cpu_translate(c, pc - 4, ACC_FETCH, &ppa, &f) == 0 &&
                vz_mem_load(c->mem, ppa, 4, &v) == 0)
                cp0[VZ_CP0_BADINSTRP] = (uint32_t)v;
        }
    }
    cp0[VZ_CP0_STATUS] = st | ST_EXL;
    uint64_t base;
    if (st & ST_BEV)
        base = 0xffffffffbfc00200ull;
    else
        base = cp0[VZ_CP0_EBASE] & ~(uint64_t)0xfff;
    uint64_t off = 0x180;
    if (refill && !exl_before) {
        /* XTLB refill (0x080) when the address is in a 64-bit segment that the
         * matching Status bit enables: VA[63:62] = 0 and UX, 1 and SX, 3 and KX */
        unsigned r = (unsigned)(badva >> 62);
        int x = (r == 0 && (st & ST_UX)) || (r == 1 && (st & ST_SX)) || (r == 3 && (st & ST_KX));
        if (guest_refill_kx)
            x = (st & ST_KX) != 0;
        off = x ? 0x080 : 0x000;
    } else if (code == VZ_EXC_INT && (cause & CA_IV)) {
        off = 0x200;
        /* vectored interrupts (Config3.VInt): IntCtl.VS spacing, vector = the
         * highest pending and unmasked IP line */
        uint32_t vs = ((uint32_t)cp0[VZ_CP0_INTCTL] >> 5) & 31;
        if (vs && !(st & ST_BEV)) {
            uint32_t pend = (cause & st & 0xff00u) >> 8;
            unsigned v = 31 - (unsigned)__builtin_clz(pend ? pend : 1);
            off = 0x200 + (uint64_t)v * vs * 32;
        }
    }
    c->pc = base + off;
    c->slot = 0;
}

void vz_cpu_root_exception(vz_cpu *c, uint64_t pc, int code, int slot, uint64_t badva,
                           int has_badva, int refill, int gexc)
{
    int from_guest = c->guest;
    enter_exception(c, c->cp0, pc, code, slot, badva, has_badva, refill, from_guest && refill);
    if (from_guest && gexc >= 0)
        c->cp0[VZ_CP0_GUESTCTL0] = (c->cp0[VZ_CP0_GUESTCTL0] & ~(uint64_t)0x7c) |
                                   ((uint64_t)gexc << 2);
    vz_cpu_update_mode(c);
    if (c->exc_fn)
        c->exc_fn(c->exc_opaque, code, c->cp0[VZ_CP0_EPC], c->pc);
}

void vz_cpu_guest_exit(vz_cpu *c, uint64_t pc, int slot, int gexc)
{
    vz_cpu_root_exception(c, pc, VZ_EXC_GE, slot, 0, 0, 0, gexc);
}

void vz_cpu_exception(vz_cpu *c, uint64_t pc, int code, int slot, uint64_t badva,
                      int has_badva, int refill)
{
    if (!c->guest) {
        vz_cpu_root_exception(c, pc, code, slot, badva, has_badva, refill, -1);
        return;
    }
    /* GuestCtl0.RI: a guest Reserved Instruction exits to root as GE/GRR */
    if (code == VZ_EXC_RI && (vz_gc0(c) & GC0_RI)) {
        vz_cpu_guest_exit(c, pc, slot, GEXC_GRR);
        return;
    }
    enter_exception(c, c->gcp0, pc, code, slot, badva, has_badva, refill, 0);
    vz_cpu_update_mode(c);
    if (c->exc_fn)
        c->exc_fn(c->exc_opaque, code, c->gcp0[VZ_CP0_EPC], c->pc);
    /* GuestCtl0.MC: the hardware change of Guest.Status.EXL exits to root as GHFC,
     * resuming at the guest vector (vz-facts §3.2, §3.4); GuestCtl0Ext.FCD
     * suppresses it */
    if ((vz_gc0(c) & GC0_MC) && !(c->cp0[VZ_CP0_GUESTCTL0EXT] & GC0X_FCD))
        vz_cpu_guest_exit(c, c->pc, 0, GEXC_GHFC);
}

/* ---------------- CP0 ---------------- */

uint64_t vz_cpu_count(const vz_cpu *c)
{
    if (c->cp0[VZ_CP0_CAUSE] & CA_DC)
        return (uint32_t)c->cp0[VZ_CP0_COUNT];     /* Cause.DC = 1: Count stopped */
    return (uint32_t)(c->cp0[VZ_CP0_COUNT] + ((c->insns - c->count_stamp) >> 1));
}

/* Count increments once every two executed instructions in functional mode (a
 * core issuing one instruction per cycle with Count at half the clock, as on
 * I6400; RDHWR CCRes reads 2); the timing model replaces instructions with cycles.
 * When Count reaches Compare, Cause.TI is set (IP7: IntCtl.IPTI = 7); likewise the
 * guest timer when Root.Count + GTOffset reaches Guest.Compare (vz-facts §2.7).
 * run_until makes the run loop stop at the instruction where the nearer happens. */
void vz_cpu_timer_update(vz_cpu *c, int at_event)
{
    if (c->cp0[VZ_CP0_CAUSE] & CA_DC) {
        /* Count stopped: no timer event until Cause.DC is cleared */
        c->run_until = UINT64_MAX;
        return;
    }
    uint64_t elapsed = c->insns - c->count_stamp;
    uint32_t count = (uint32_t)(c->cp0[VZ_CP0_COUNT] + (elapsed >> 1));
    uint64_t dist = (uint32_t)((uint32_t)c->cp0[VZ_CP0_COMPARE] - count);
    uint32_t gcount = count + (uint32_t)c->cp0[VZ_CP0_GTOFFSET];
    uint64_t gdist = (uint32_t)((uint32_t)c->gcp0[VZ_CP0_COMPARE] - gcount);
    /* equal now: TI is raised by the tick that makes them equal, not by a write of
     * Count, Compare or GTOffset that happens to make them equal (QEMU) */
    if (dist == 0) {
        if (at_event) {
            c->cp0[VZ_CP0_CAUSE] |= CA_TI;
            c->irq_check = 1, c->stop_at = 0;
        }
        dist = (uint64_t)1 << 32;   /* the next match is a full wrap later */
    }
    if (gdist == 0) {
        if (at_event) {
            c->gcp0[VZ_CP0_CAUSE] |= CA_TI;
            c->irq_check = 1, c->stop_at = 0;
        }
        gdist = (uint64_t)1 << 32;
    }
    if (gdist < dist)
        dist = gdist;
    /* the tick at which Count next advances by dist */
    c->run_until = c->count_stamp + 2 * (((elapsed >> 1)) + dist);
    if (c->run_until < c->stop_at)
        c->stop_at = c->run_until;
}

uint64_t vz_cpu_mfc0(vz_cpu *c, vz_cp0_id id)
{
    if (id == VZ_CP0_COUNT)
        return vz_cpu_count(c);
    if (id == VZ_CP0_RANDOM)
        return 0;      /* Release 6 removed Random (QEMU: reads 0 on R6 cores) */
    return c->cp0[id];
}

/* The value a software write leaves in register id of context cp0 (root or
 * guest): the writable mask plus the per-register rules. No side effects. */
uint64_t vz_cp0_write_value(vz_cpu *c, uint64_t *cp0, vz_cp0_id id, uint64_t v, int is64,
                            unsigned tlb_n)
{
    uint64_t mask = cp0_desc[id].mask;
    if (cp0_desc[id].bits == 32)
        v = (uint64_t)(int64_t)(int32_t)v, mask = (uint64_t)(int64_t)(int32_t)mask;
    uint64_t old = cp0[id];
    uint64_t nv = (old & ~mask) | (v & mask);
    switch (id) {
    case VZ_CP0_COUNT:
    case VZ_CP0_COMPARE:
    case VZ_CP0_GTOFFSET:
        return (uint32_t)v;
    case VZ_CP0_EBASE: {
        /* bits 29:12 and WG (11) are always writable; bits 63:30 only by a value
         * that has WG set (PRA; QEMU's helper_mtc0_ebase) */
        uint64_t m = 0x3ffff000ull | 0x800ull;
        if (v & 0x800)
            m |= 0xffffffffc0000000ull;
        return (old & ~m) | (v & m);
    }
    case VZ_CP0_ENTRYLO0:
    case VZ_CP0_ENTRYLO1: {
        /* The PFN is as wide as the physical address: 36 bits (PFN 29:6) while
         * PageGrain.ELPA = 0, 48 bits (41:6) with ELPA = 1. RI/XI (63:62) where
         * PageGrain enables them. MTC0 writes bits 29:0 and takes RI/XI from GPR
         * bits 31:30 (QEMU's helper_mtc0_entrylo / helper_dmtc0_entrylo). */
        uint32_t pg = (uint32_t)cp0[VZ_CP0_PAGEGRAIN];
        uint64_t rxi = (is64 ? v >> 62 : ((uint32_t)v >> 30)) & 3 & (pg >> 30);
        uint64_t m = is64 && (pg & PG_ELPA) ? 0x3ffffffffffull : 0x3fffffffull;
        return (v & m) | (rxi << 62);
    }
    case VZ_CP0_INDEX: {
        /* R6: software can set P (31); writing 0 does not clear it (only a TLBP
         * that matches does), and an index beyond the TLB leaves Index
         * unchanged (UNDEFINED in the PRA): QEMU's helper_mtc0_index */
        uint32_t idx = (uint32_t)v & 0x7fffffffu;
        if (idx >= tlb_n)
            return old;
        return (((uint32_t)old | (uint32_t)v) & 0x80000000u) | idx;
    }
    case VZ_CP0_PAGEMASK: {
        /* only the page sizes the TLB has (4 KiB, 16 KiB, ... 256 MiB: masks of an
         * even number of contiguous ones in 28:13) are kept; anything else reads
         * as 4 KiB (QEMU's compute_pagemask) */
        uint64_t pm = v & VZ_PM_MASK;
        uint64_t m = pm >> 13;
        if ((m & (m + 1)) != 0 || (__builtin_popcountll(m) & 1))
            pm = 0;
        return pm;
    }
    case VZ_CP0_STATUS: {
        /* R6: KX = 0 forces SX = 0 and SX = 0 forces UX = 0; KSU = 3 (reserved)
         * leaves KSU unchanged; SR and NMI (bits 20, 19) can only be cleared
         * (QEMU's cpu_mips_store_status) */
        uint32_t w = (uint32_t)v, o = (uint32_t)old;
        uint32_t ksux = w & ST_KX;
        ksux |= (ksux >> 1) & w;
        ksux |= (ksux >> 1) & w;
        w = (w & ~(uint32_t)(ST_KX | ST_SX | ST_UX)) | ksux;
        uint32_t m = (uint32_t)cp0_desc[id].mask;
        if (((w & ST_KSU) >> 3) == 3)
            m &= ~ST_KSU;
        uint32_t r = (o & ~m) | (w & m);
        return (r & ~0x180000u) | (o & w & 0x180000u);
    }
    case VZ_CP0_ENTRYHI:
        /* a write with R = 2 (xkphys, not mapped) leaves R unchanged (QEMU) */
        if ((v >> 62) == 2)
            nv = (nv & ~VZ_EH_R) | (old & VZ_EH_R);
        return nv;
    case VZ_CP0_CAUSE:
        return (nv & ~(uint64_t)0x400000) | (old & v & 0x400000);   /* WP clear-only */
    case VZ_CP0_WIRED:
        /* R6: a value >= the number of entries is ignored (QEMU's
         * helper_mtc0_wired); Limit (31:16) reads 0 */
        return v < tlb_n ? (uint32_t)v : old;
    default:
        return nv;
    }
}

void vz_cpu_mtc0(vz_cpu *c, vz_cp0_id id, uint64_t v, int is64)
{
    uint64_t nv = vz_cp0_write_value(c, c->cp0, id, v, is64, c->tlb.n);
    switch (id) {
    case VZ_CP0_COUNT:
        c->cp0[id] = nv;
        c->count_stamp = c->insns;
        vz_cpu_timer_update(c, 0);
        return;
    case VZ_CP0_COMPARE:
        c->cp0[id] = nv;
        c->cp0[VZ_CP0_CAUSE] &= ~(uint64_t)CA_TI;
        vz_cpu_timer_update(c, 0);
        c->irq_check = 1, c->stop_at = 0;
        return;
    case VZ_CP0_GTOFFSET:
        c->cp0[id] = nv;
        vz_cpu_timer_update(c, 0);
        return;
    case VZ_CP0_WIRED:
        /* writing Wired resets Random to the top (PRA) */
        c->rand_prev = 0;
        break;
    case VZ_CP0_CAUSE:
        if ((nv ^ c->cp0[id]) & CA_DC) {
            /* Cause.DC stops Count (keeping its value) or restarts it */
            if (nv & CA_DC)
                c->cp0[VZ_CP0_COUNT] = vz_cpu_count(c);
            c->count_stamp = c->insns;
            c->cp0[id] = nv;
            vz_cpu_timer_update(c, 0);
            c->irq_check = 1, c->stop_at = 0;
            return;
        }
        break;
    default:
        break;
    }
    c->cp0[id] = nv;
    if (id == VZ_CP0_STATUS || id == VZ_CP0_ENTRYHI || id == VZ_CP0_GUESTCTL0 ||
        id == VZ_CP0_GUESTCTL1 || id == VZ_CP0_PAGEGRAIN)
        vz_cpu_update_mode(c);
    if (id == VZ_CP0_CAUSE || id == VZ_CP0_STATUS || id == VZ_CP0_GUESTCTL2 ||
        id == VZ_CP0_GUESTCTL0)
        c->irq_check = 1, c->stop_at = 0;
}

/* Random: a value in [Wired, entries-1], from QEMU's generator (a linear
 * congruential sequence that never repeats the previous value) so that TLBWR
 * picks the same entries as QEMU for the same sequence of reads; each core has
 * its own sequence. */
unsigned vz_random_pick(uint32_t *seed, uint32_t *prev, unsigned n, unsigned wired)
{
    if (wired + 1 >= n)
        return n - 1;
    unsigned span = n - wired, idx;
    do {
        *seed = 1103515245u * *seed + 12345u;
        idx = (*seed >> 16) % span + wired;
    } while (idx == *prev);
    *prev = idx;
    return idx;
}

unsigned vz_cpu_random(vz_cpu *c)
{
    return vz_random_pick(&c->rand_seed, &c->rand_prev, c->tlb.n,
                          (unsigned)(c->cp0[VZ_CP0_WIRED] & 0xffff));
}

int vz_cpu_add_hostcall(vz_cpu *c, uint64_t pa, vz_hostcall_fn fn, void *opaque)
{
    size_t avail;
    if (!fn || (pa & 3) || c->nhostcalls >= VZ_MAX_HOSTCALLS || !vz_mem_probe(c->mem, pa, &avail))
        return -1;
    c->hostcalls[c->nhostcalls].pa = pa;
    c->hostcalls[c->nhostcalls].fn = fn;
    c->hostcalls[c->nhostcalls].opaque = opaque;
    c->nhostcalls++;
    vz_cpu_invalidate_code(c, pa, 4);   /* decoded again: now as the host call */
    return 0;
}

void vz_cpu_set_irq(vz_cpu *c, unsigned ip, int level)
{
    if (ip < 2 || ip > 7)
        return;
    uint32_t bit = 1u << (8 + ip);
    if (level)
        c->ext_irq |= bit;
    else
        c->ext_irq &= ~bit;
    c->irq_check = 1, c->stop_at = 0;
}

/* Pending, enabled and unmasked interrupt? Takes it and returns 1. Root
 * interrupts (Root.Cause.IP from the external lines, the timer and software)
 * are checked first in both modes: in guest mode one is an exit with ExcCode Int
 * (vz-facts §1.4). Then, in guest mode, the guest's own interrupts. */
int vz_cpu_check_interrupt(vz_cpu *c)
{
    c->irq_check = 0;
    uint32_t st = (uint32_t)c->cp0[VZ_CP0_STATUS];
    uint32_t cause = (uint32_t)c->cp0[VZ_CP0_CAUSE];
    cause = (cause & ~0xfc00u) | (c->ext_irq & 0xfc00u) | ((cause & CA_TI) ? 0x8000u : 0);
    c->cp0[VZ_CP0_CAUSE] = (c->cp0[VZ_CP0_CAUSE] & ~(uint64_t)0xfc00) | (cause & 0xfc00);
    if ((st & ST_IE) && !(st & (ST_EXL | ST_ERL)) && (cause & st & 0xff00u)) {
        vz_cpu_root_exception(c, c->pc, VZ_EXC_INT, c->slot == 1, 0, 0, 0, -1);
        return 1;
    }
    if (c->guest)
        return vz_guest_check_interrupt(c);
    return 0;
}

/* ---------------- accessors ---------------- */

vz_stop vz_cpu_step(vz_cpu *c)
{
    return vz_cpu_run(c, 1);
}

void vz_cpu_request_stop(vz_cpu *c)
{
    c->stop = VZ_STOP_HALT;
    c->stop_at = 0;
}

int vz_cpu_exit_code(const vz_cpu *c) { return c->exit_code; }
const char *vz_cpu_stop_message(const vz_cpu *c) { return c->stop_msg; }
uint64_t vz_cpu_insns(const vz_cpu *c) { return c->insns; }
uint64_t vz_cpu_get_pc(const vz_cpu *c) { return c->pc; }

void vz_cpu_set_pc(vz_cpu *c, uint64_t pc)
{
    c->pc = pc;
    c->slot = 0;
}

uint64_t vz_cpu_get_gpr(const vz_cpu *c, unsigned r) { return r < 32 ? c->gpr[r] : 0; }

void vz_cpu_set_gpr(vz_cpu *c, unsigned r, uint64_t v)
{
    if (r > 0 && r < 32)
        c->gpr[r] = v;
}

uint64_t vz_cpu_get_cp0(const vz_cpu *c, vz_cp0_id id)
{
    if ((unsigned)id >= VZ_CP0_COUNT_)
        return 0;
    return vz_cpu_mfc0((vz_cpu *)c, id);
}

void vz_cpu_set_cp0(vz_cpu *c, vz_cp0_id id, uint64_t v)
{
    if ((unsigned)id >= VZ_CP0_COUNT_)
        return;
    if (id == VZ_CP0_COUNT) {
        c->count_stamp = c->insns;
    }
    c->cp0[id] = v;
    vz_cpu_update_mode(c);
    vz_cpu_timer_update(c, 0);
    c->irq_check = 1, c->stop_at = 0;
}

static int virt_copy(vz_cpu *c, uint64_t va, void *buf, const void *src, size_t n)
{
    uint8_t *b = buf;
    const uint8_t *s = src;
    while (n) {
        uint64_t pa;
        xlate_fault f;
        if (vz_cpu_translate(c, va, b ? ACC_LOAD : ACC_STORE, &pa, &f) != 0)
            return -1;
        size_t avail;
        uint8_t *p = vz_mem_ptr(c->mem, pa, &avail);
        size_t k = 4096 - (va & 4095);
        if (k > n)
            k = n;
        if (!p) {
            /* memory behind a bus without a host pointer: its debug path */
            if (b ? vz_mem_read(c->mem, pa, b, k) != 0 : vz_mem_write(c->mem, pa, s, k) != 0)
                return -1;
            if (b) {
                b += k;
            } else {
                vz_cpu_invalidate_code(c, pa, k);
                s += k;
            }
            va += k;
            n -= k;
            continue;
        }
        if (k > avail)
            k = avail;
        if (b) {
            memcpy(b, p, k);
            b += k;
        } else {
            memcpy(p, s, k);
            vz_cpu_invalidate_code(c, pa, k);
            s += k;
        }
        va += k;
        n -= k;
    }
    return 0;
}

int vz_cpu_read_virt(vz_cpu *c, uint64_t va, void *buf, size_t n)
{
    return virt_copy(c, va, buf, NULL, n);
}

int vz_cpu_write_virt(vz_cpu *c, uint64_t va, const void *buf, size_t n)
{
    return virt_copy(c, va, NULL, buf, n);
}

void vz_cpu_set_retire_observer(vz_cpu *c, vz_retire_fn fn, void *opaque)
{
    c->retire_fn = fn;
    c->retire_opaque = opaque;
}

void vz_cpu_set_exception_observer(vz_cpu *c, vz_exception_fn fn, void *opaque)
{
    c->exc_fn = fn;
    c->exc_opaque = opaque;
}

/* ---------------- semihosting ---------------- */

static int uhi_read(void *ctx, uint64_t va, void *buf, size_t n)
{
    return vz_cpu_read_virt(ctx, va, buf, n);
}

static int uhi_write(void *ctx, uint64_t va, const void *buf, size_t n)
{
    return vz_cpu_write_virt(ctx, va, buf, n);
}

void vz_cpu_uhi(vz_cpu *c, uint64_t pc)
{
    vz_uhi_memops ops = { uhi_read, uhi_write, c };
    vz_uhi_result res;
    memset(&res, 0, sizeof res);
    vz_uhi_call(c->uhi, c->gpr, &ops, &res);
    c->gpr[0] = 0;
    if (res.action == VZ_UHI_EXITED) {
        c->exit_code = res.exit_code;
        c->stop = VZ_STOP_EXIT;
        c->stop_at = 0;
    } else if (res.action == VZ_UHI_ABORTED) {
        snprintf(c->stop_msg, sizeof c->stop_msg, "%s (pc 0x%016llx)", res.message,
                 (unsigned long long)pc);
        c->exit_code = 1;
        c->stop = VZ_STOP_ABORT;
        c->stop_at = 0;
    }
}
