/*
 * sim/core/vz.c - the Virtualization Module: the guest CP0 context, what a guest's
 * privileged instructions do (run in the guest context, exit to root, or raise a
 * guest exception), root's access to the guest context (MFGC0/MTGC0, TLBG*), the
 * GuestID rules of the TLB instructions and guest interrupts.
 *
 * Spec: MIPS Architecture for Programmers Vol. IV-i, Virtualization Module
 * (MD00846), through shared/docs/vz-facts.md; every rule below names its section
 * there. Where vz-facts marks a fact [M] (unconfirmed), the choice made here is
 * stated next to the code and in docs/vz.md.
 * Limits: non-EIC interrupt mode; no DRG, no root ASID dealias (RAD = 0); the guest
 * TLB is separate from the root TLB (real I6400 shares one physical array and Linux
 * partitions it; the architected behaviour is the same).
 */
#include "sim/core/cpu_internal.h"

#include <string.h>

#define ST_IE  (1u << 0)
#define ST_EXL (1u << 1)
#define ST_ERL (1u << 2)
#define ST_CU0 (1u << 28)
#define CA_TI  (1u << 30)

static void guest_write_api(vz_cpu *c, vz_cp0_id id, uint64_t v);

/* ---------------- guest context ---------------- */

/* Guest reset state (vz-facts §5.2, what Linux KVM gives a new vCPU): Status
 * BEV|ERL, EBase 0xffffffff80000000, PageGrain RIE|XIE|IEC; the guest's Config
 * registers are root's with Config3.VZ = 0 (the guest has no VZ) and
 * Config1.MMUSize-1 from the guest TLB. */
void vz_guest_reset(vz_cpu *c)
{
    for (int i = 0; i < VZ_CP0_COUNT_; i++)
        c->gcp0[i] = vz_cp0_in_guest((vz_cp0_id)i) ? c->cp0[i] : 0;
    c->gcp0[VZ_CP0_STATUS] = 0x00400004u;
    c->gcp0[VZ_CP0_EBASE] = 0xffffffff80000000ull;
    c->gcp0[VZ_CP0_PAGEGRAIN] = 0xc8000000u;
    c->gcp0[VZ_CP0_CAUSE] = 0;
    c->gcp0[VZ_CP0_CONFIG3] &= ~(uint64_t)(1u << 23);
    c->gcp0[VZ_CP0_CONFIG1] = (c->gcp0[VZ_CP0_CONFIG1] & ~(uint64_t)(63u << 25)) |
                              ((uint64_t)(c->gtlb.n - 1) << 25);
    c->grand_seed = 1;
    c->grand_prev = 0;
}

/* Guest.Count = Root.Count + GTOffset, read-only for the guest (vz-facts §2.7). */
uint64_t vz_guest_count(const vz_cpu *c)
{
    return (uint32_t)(vz_cpu_count(c) + (uint32_t)c->cp0[VZ_CP0_GTOFFSET]);
}

unsigned vz_guest_random(vz_cpu *c)
{
    return vz_random_pick(&c->grand_seed, &c->grand_prev, c->gtlb.n,
                          (unsigned)(c->gcp0[VZ_CP0_WIRED] & 0xffff));
}

uint64_t vz_cpu_get_guest_cp0(const vz_cpu *c, vz_cp0_id id)
{
    if ((unsigned)id >= VZ_CP0_COUNT_ || !vz_cp0_in_guest(id))
        return 0;
    if (id == VZ_CP0_COUNT)
        return vz_guest_count(c);
    return c->gcp0[id];
}

int vz_cpu_in_guest(const vz_cpu *c)
{
    return c->guest;
}

void vz_cpu_set_guest_cp0(vz_cpu *c, vz_cp0_id id, uint64_t v)
{
    if ((unsigned)id >= VZ_CP0_COUNT_ || !vz_cp0_in_guest(id))
        return;
    guest_write_api(c, id, v);
}

int vz_cpu_root_tlb_invalidate(vz_cpu *c, uint64_t va, unsigned asid, unsigned guestid)
{
    int n = 0;
    for (;;) {
        int i = vz_tlb_lookup(&c->tlb, va, (uint8_t)asid, (uint16_t)guestid);
        if (i < 0)
            break;
        c->tlb.e[i].invalid = 1;
        n++;
    }
    if (n)
        vz_cpu_flush_stlb(c);
    return n;
}

int vz_cpu_read_tlb(const vz_cpu *c, int guest, unsigned i, uint64_t *entryhi,
                    uint64_t *pagemask, uint64_t *lo0, uint64_t *lo1, unsigned *guestid)
{
    const vz_tlb *t = guest ? &c->gtlb : &c->tlb;
    if (i >= t->n)
        return -1;
    uint16_t gid;
    vz_tlb_read(t, i, entryhi, pagemask, lo0, lo1, &gid);
    *guestid = gid;
    return 0;
}

/* ---------------- TLB instructions ---------------- */

static void tlb_read_into(vz_tlb *t, uint64_t *cp0, unsigned idx, uint16_t *gid)
{
    uint64_t hi, pm, l0, l1;
    vz_tlb_read(t, idx, &hi, &pm, &l0, &l1, gid);
    cp0[VZ_CP0_ENTRYHI] = hi;
    cp0[VZ_CP0_PAGEMASK] = pm;
    cp0[VZ_CP0_ENTRYLO0] = l0;
    cp0[VZ_CP0_ENTRYLO1] = l1;
}

/* One TLB operation on TLB t with CP0 image cp0 and GuestID gid. For TLBR/TLBGR in
 * root mode the entry's GuestID is loaded into GuestCtl1.RID (vz-facts §2.4, §4.2). */
static void tlb_op(vz_cpu *c, vz_tlb *t, uint64_t *cp0, unsigned op, uint16_t gid,
                   unsigned random_idx, int load_rid)
{
    unsigned idx;
    switch (op) {
    case VZ_I_TLBR:
    case VZ_I_TLBGR: {
        uint16_t egid;
        idx = (unsigned)(cp0[VZ_CP0_INDEX] & 0x7fffffff) % t->n;
        tlb_read_into(t, cp0, idx, &egid);
        if (load_rid && !t->e[idx].invalid)
            c->cp0[VZ_CP0_GUESTCTL1] = (c->cp0[VZ_CP0_GUESTCTL1] & ~(uint64_t)0xff0000) |
                                       ((uint64_t)(egid & 0xff) << 16);
        break;
    }
    case VZ_I_TLBWI:
    case VZ_I_TLBGWI:
    case VZ_I_TLBWR:
    case VZ_I_TLBGWR:
        idx = (op == VZ_I_TLBWI || op == VZ_I_TLBGWI)
                  ? (unsigned)(cp0[VZ_CP0_INDEX] & 0x7fffffff) % t->n
                  : random_idx;
        vz_tlb_write(t, idx, cp0[VZ_CP0_ENTRYHI], cp0[VZ_CP0_PAGEMASK],
                     cp0[VZ_CP0_ENTRYLO0], cp0[VZ_CP0_ENTRYLO1], gid);
        break;
    case VZ_I_TLBP:
    case VZ_I_TLBGP: {
        int i = vz_tlb_probe(t, cp0[VZ_CP0_ENTRYHI], gid);
        if (i < 0)
            cp0[VZ_CP0_INDEX] |= 0x80000000u;   /* P; low bits kept (QEMU) */
        else
            cp0[VZ_CP0_INDEX] = (uint64_t)i;
        return;                                  /* translation unchanged */
    }
    case VZ_I_TLBINV:
    case VZ_I_TLBGINV:
        vz_tlb_inv(t, (uint8_t)(cp0[VZ_CP0_ENTRYHI] & VZ_EH_ASID), gid);
        break;
    case VZ_I_TLBINVF:
    case VZ_I_TLBGINVF:
        vz_tlb_invf(t, gid);
        break;
    default:
        return;
    }
    vz_cpu_flush_stlb(c);
}

/* TLBR/TLBWI/TLBWR/TLBP/TLBINV/TLBINVF and the TLBG* forms. CP0 usability has been
 * checked by the caller.
 * Root mode: the plain forms act on the root TLB with GuestID = GuestCtl1.RID
 * (vz-facts §6.2); TLBG* act on the guest TLB with the guest CP0 registers and
 * GuestID = RID (§4.2).
 * Guest mode: TLBG* do not exist for the guest (Guest.Config3.VZ = 0): Reserved
 * Instruction in the guest (or GRR). The plain forms act on the guest TLB with the
 * guest's registers and GuestID = GuestCtl1.ID when GuestCtl0.AT = 3 (guest MMU
 * under guest control); with AT = 1 (root-controlled guest MMU) they exit with
 * GPSI. [M] vz-facts §10 #17: the manuals were not available to confirm AT = 1. */
int vz_tlb_instruction(vz_cpu *c, unsigned id, uint64_t pc, int slot)
{
    int g_form = id == VZ_I_TLBGR || id == VZ_I_TLBGWI || id == VZ_I_TLBGWR ||
                 id == VZ_I_TLBGP || id == VZ_I_TLBGINV || id == VZ_I_TLBGINVF;
    if (c->guest) {
        if (g_form) {
            vz_cpu_exception(c, pc, VZ_EXC_RI, slot, 0, 0, 0);
            return -1;
        }
        if (((vz_gc0(c) & GC0_AT) >> 26) != 3) {
            vz_cpu_guest_exit(c, pc, slot, GEXC_GPSI);
            return -1;
        }
        tlb_op(c, &c->gtlb, c->gcp0, id, vz_guest_id(c),
               id == VZ_I_TLBWR ? vz_guest_random(c) : 0, 0);
        return 0;
    }
    if (g_form)
        tlb_op(c, &c->gtlb, c->gcp0, id, vz_root_id(c),
               id == VZ_I_TLBGWR ? vz_guest_random(c) : 0, 1);
    else
        tlb_op(c, &c->tlb, c->cp0, id, vz_root_id(c),
               id == VZ_I_TLBWR ? vz_cpu_random(c) : 0, 1);
    return 0;
}

/* ---------------- guest CP0 moves ---------------- */

/* Guest Config fields the guest may write when GuestCtl0.CF = 1 (vz-facts §5.3):
 * Config.K0, Config5.K/CV/SBRI; the rest of the Config registers are read-only to
 * the guest. */
static uint64_t guest_config_mask(vz_cp0_id id)
{
    switch (id) {
    case VZ_CP0_CONFIG:  return 0x7;
    case VZ_CP0_CONFIG5: return (1u << 30) | (1u << 29) | (1u << 6);
    default:             return 0;
    }
}

/* Guest Status fields whose change by the guest is a software field change
 * (GSFC) that root must complete: CU1, CU2, CU3, RE, FR, MX. GuestCtl0.SFC1/SFC2
 * let the guest change CU1/CU2 itself. [M] vz-facts §10 #3 and §3.4 (Linux handles
 * FR and CU1 changes in its GSFC handler); this set is vzsim's choice. */
static uint32_t gsfc_status_fields(uint32_t gc0)
{
    uint32_t f = (1u << 29) | (1u << 30) | (1u << 31) | (1u << 25) | (1u << 26) | (1u << 24);
    if (gc0 & GC0_SFC1)
        f &= ~(1u << 29);
    if (gc0 & GC0_SFC2)
        f &= ~(1u << 30);
    return f;
}

/* Write v to guest register id as a guest MTC0 or a root MTGC0 would, with the
 * side effects on the guest timer, interrupts and translation. */
static void guest_write(vz_cpu *c, vz_cp0_id id, uint64_t v, int is64)
{
    uint64_t nv = vz_cp0_write_value(c, c->gcp0, id, v, is64, c->gtlb.n);
    switch (id) {
    case VZ_CP0_COUNT:
        return;                      /* read-only: Root.Count + GTOffset */
    case VZ_CP0_RANDOM:
        return;
    case VZ_CP0_COMPARE:
        c->gcp0[id] = nv;
        c->gcp0[VZ_CP0_CAUSE] &= ~(uint64_t)CA_TI;
        vz_cpu_timer_update(c, 0);
        c->irq_check = 1, c->stop_at = 0;
        return;
    case VZ_CP0_WIRED:
        c->grand_prev = 0;
        break;
    default:
        break;
    }
    c->gcp0[id] = nv;
    if (id == VZ_CP0_STATUS || id == VZ_CP0_ENTRYHI)
        vz_cpu_update_mode(c);
    if (id == VZ_CP0_STATUS || id == VZ_CP0_CAUSE)
        c->irq_check = 1, c->stop_at = 0;
}

static void guest_write_api(vz_cpu *c, vz_cp0_id id, uint64_t v)
{
    guest_write(c, id, v, vz_cp0_bits(id) == 64);
}

static uint64_t guest_read(vz_cpu *c, vz_cp0_id id)
{
    if (id == VZ_CP0_COUNT)
        return vz_guest_count(c);
    if (id == VZ_CP0_RANDOM)
        return vz_guest_random(c);
    return c->gcp0[id];
}

int vz_guest_cp0_move(vz_cpu *c, unsigned insn, uint32_t w, uint64_t rtval, uint64_t *val,
                      uint64_t pc, int slot)
{
    uint32_t gc0 = vz_gc0(c);
    unsigned reg = vz_f_rd(w), sel = w & 7;
    int id = c->cp0_index[reg][sel];
    int is_write = insn == VZ_I_MTC0 || insn == VZ_I_DMTC0;
    int is64 = insn == VZ_I_DMTC0 || insn == VZ_I_DMFC0;
    /* GuestCtl0.CP0 = 0: every guest CP0 access exits (vz-facts §3.3 [M], §10 #2) */
    if (!(gc0 & GC0_CP0))
        goto gpsi;
    /* registers outside the guest context (PRId, SRSCtl, the VZ registers,
     * unimplemented ones) are emulated by root (§5.1, §3.3) */
    if (id < 0 || !vz_cp0_in_guest((vz_cp0_id)id))
        goto gpsi;
    /* the guest timer is the root's unless GuestCtl0.GT; Count is never written
     * by the guest (§2.2 GT, §2.7, §3.3) */
    if ((id == VZ_CP0_COUNT || id == VZ_CP0_COMPARE) && !(gc0 & GC0_GT))
        goto gpsi;
    if (id == VZ_CP0_COUNT && is_write)
        goto gpsi;
    if (!is_write) {
        uint64_t v = guest_read(c, (vz_cp0_id)id);
        if (!is64 && (id == VZ_CP0_ENTRYLO0 || id == VZ_CP0_ENTRYLO1))
            v = (v & 0x3fffffffu) | ((v >> 62) << 30);
        *val = is64 ? v : (uint64_t)(int64_t)(int32_t)v;
        return 1;
    }
    uint64_t v = is64 ? rtval : (uint64_t)(int64_t)(int32_t)rtval;
    if (id >= VZ_CP0_CONFIG && id <= VZ_CP0_CONFIG5) {
        /* Config writes: GPSI unless GuestCtl0.CF (§2.2 CF, §3.3) */
        if (!(gc0 & GC0_CF))
            goto gpsi;
        uint64_t m = guest_config_mask((vz_cp0_id)id);
        c->gcp0[id] = (c->gcp0[id] & ~m) | (v & m);
        return 0;
    }
    if (id == VZ_CP0_STATUS && ((v ^ c->gcp0[id]) & gsfc_status_fields(gc0))) {
        vz_cpu_guest_exit(c, pc, slot, GEXC_GSFC);   /* the MTC0 is not performed */
        return -1;
    }
    guest_write(c, (vz_cp0_id)id, v, is64);
    return 0;
gpsi:
    vz_cpu_guest_exit(c, pc, slot, GEXC_GPSI);
    return -1;
}

/* MFGC0/MTGC0 from root (vz-facts §4.2): the guest register (reg, sel); writes to
 * registers the guest context does not have are ignored and reads return 0; a
 * write to Guest.Count is UNDEFINED and ignored here. Root may write any field of
 * the guest's Config registers that is writable at all (Config.K0, Config5). */
int vz_root_gcp0_move(vz_cpu *c, unsigned insn, uint32_t w, uint64_t rtval, uint64_t *val)
{
    unsigned reg = vz_f_rd(w), sel = w & 7;
    int id = c->cp0_index[reg][sel];
    int present = id >= 0 && vz_cp0_in_guest((vz_cp0_id)id);
    if (insn == VZ_I_MFGC0 || insn == VZ_I_DMFGC0) {
        uint64_t v = present ? guest_read(c, (vz_cp0_id)id) : 0;
        if (insn == VZ_I_MFGC0) {
            if (id == VZ_CP0_ENTRYLO0 || id == VZ_CP0_ENTRYLO1)
                v = (v & 0x3fffffffu) | ((v >> 62) << 30);
            v = (uint64_t)(int64_t)(int32_t)v;
        }
        *val = v;
        return 1;
    }
    if (!present)
        return 0;
    int is64 = insn == VZ_I_DMTGC0;
    uint64_t v = is64 ? rtval : (uint64_t)(int64_t)(int32_t)rtval;
    if (id >= VZ_CP0_CONFIG && id <= VZ_CP0_CONFIG5) {
        uint64_t m = guest_config_mask((vz_cp0_id)id);
        c->gcp0[id] = (c->gcp0[id] & ~m) | (v & m);
        return 0;
    }
    guest_write(c, (vz_cp0_id)id, v, is64);
    return 0;
}

/* ---------------- guest interrupts ---------------- */

/* Guest.Cause.IP7..IP2 = GuestCtl2.VIP (bit 10+n asserts IP[n+2]) | root lines
 * passed through by GuestCtl0.PIP (bit 10+n routes Root IP[n+2]) | the guest timer
 * on IP7 (vz-facts §2.2 PIP, §2.5). IP1..IP0 are the guest's own software bits.
 * GuestCtl2.HC (hardware clear) is stored; vzsim never clears VIP bits by itself
 * ([M] vz-facts §10 #8: the clearing event is not documented). */
int vz_guest_check_interrupt(vz_cpu *c)
{
    uint32_t vip = (uint32_t)c->cp0[VZ_CP0_GUESTCTL2] & 0xfc00u;
    uint32_t pip = vz_gc0(c) & 0x3fc00u;
    uint32_t passed = c->ext_irq & (pip & 0xfc00u);
    uint32_t gcause = (uint32_t)c->gcp0[VZ_CP0_CAUSE];
    uint32_t ip = vip | passed | ((gcause & CA_TI) ? 0x8000u : 0);
    gcause = (gcause & ~0xfc00u) | ip;
    c->gcp0[VZ_CP0_CAUSE] = (uint64_t)(int64_t)(int32_t)gcause;
    uint32_t gst = (uint32_t)c->gcp0[VZ_CP0_STATUS];
    if (!(gst & ST_IE) || (gst & (ST_EXL | ST_ERL)) || !(gcause & gst & 0xff00u))
        return 0;
    vz_cpu_exception(c, c->pc, VZ_EXC_INT, c->slot == 1, 0, 0, 0);
    return 1;
}
