/*
 * sim/tlb/tlb.c - joint TLB (see tlb.h). Lookup is a linear scan: the core's soft
 * TLB caches translations, so this runs only on soft-TLB misses.
 */
#include "sim/tlb/tlb.h"

#include <string.h>

void vz_tlb_init(vz_tlb *t, unsigned n)
{
    /* The PRA leaves the TLB's reset contents undefined; like QEMU, every entry is
     * all zeros: VPN2 0, ASID 0, not global, both pages invalid. So VA 0..0x1fff
     * (ASID 0) hits an invalid entry (TLB invalid, general vector) and the first
     * of the identical entries is the one that matches. */
    memset(t, 0, sizeof *t);
    t->n = n < 1 ? 1 : n > VZ_TLB_MAX ? VZ_TLB_MAX : n;
}

static int match(const vz_tlb_entry *e, uint64_t vhi, uint8_t asid, uint16_t guestid)
{
    return !e->invalid && e->guestid == guestid && (e->g || e->asid == asid) &&
           ((vhi ^ e->hi) & ~e->mask) == 0;
}

int vz_tlb_lookup(const vz_tlb *t, uint64_t va, uint8_t asid, uint16_t guestid)
{
    uint64_t vhi = va & (VZ_EH_R | VZ_EH_VPN2);
    for (unsigned i = 0; i < t->n; i++)
        if (match(&t->e[i], vhi, asid, guestid))
            return (int)i;
    return -1;
}

int vz_tlb_probe(const vz_tlb *t, uint64_t entryhi, uint16_t guestid)
{
    uint64_t vhi = entryhi & (VZ_EH_R | VZ_EH_VPN2);
    uint8_t asid = (uint8_t)(entryhi & VZ_EH_ASID);
    for (unsigned i = 0; i < t->n; i++) {
        const vz_tlb_entry *e = &t->e[i];
        /* TLBP compares VPN2 under the entry's mask (and the probe's own mask, so
         * that overlapping large pages are found) */
        if (!e->invalid && e->guestid == guestid && (e->g || e->asid == asid) &&
            ((vhi ^ e->hi) & ~e->mask) == 0)
            return (int)i;
    }
    return -1;
}

void vz_tlb_write(vz_tlb *t, unsigned i, uint64_t entryhi, uint64_t pagemask, uint64_t lo0,
                  uint64_t lo1, uint16_t guestid)
{
    vz_tlb_entry *e = &t->e[i % t->n];
    e->mask = pagemask & VZ_PM_MASK;
    /* VPN2 is kept whole (the bits under the mask are not compared, and TLBR
     * returns them); the PFN is aligned to the page size. The PRA leaves both
     * implementation dependent; this is QEMU's r4k_fill_tlb. */
    e->hi = entryhi & (VZ_EH_R | VZ_EH_VPN2);
    e->asid = (uint8_t)(entryhi & VZ_EH_ASID);
    e->g = (uint8_t)(lo0 & lo1 & VZ_EL_G);
    uint64_t pfn_low = (e->mask >> 13) << 6;
    e->lo[0] = lo0 & ~VZ_EL_G & ~pfn_low;
    e->lo[1] = lo1 & ~VZ_EL_G & ~pfn_low;
    e->guestid = guestid;
    e->invalid = (entryhi & VZ_EH_EHINV) != 0;
}

void vz_tlb_read(const vz_tlb *t, unsigned i, uint64_t *entryhi, uint64_t *pagemask,
                 uint64_t *lo0, uint64_t *lo1, uint16_t *guestid)
{
    const vz_tlb_entry *e = &t->e[i % t->n];
    if (e->invalid) {
        /* an invalidated entry reads back with EHINV set and everything else 0 */
        *entryhi = VZ_EH_EHINV;
        *pagemask = 0;
        *lo0 = *lo1 = 0;
        *guestid = e->guestid;
        return;
    }
    *entryhi = e->hi | e->asid;
    *pagemask = e->mask;
    *lo0 = e->lo[0] | e->g;
    *lo1 = e->lo[1] | e->g;
    *guestid = e->guestid;
}

void vz_tlb_inv(vz_tlb *t, uint8_t asid, uint16_t guestid)
{
    for (unsigned i = 0; i < t->n; i++) {
        vz_tlb_entry *e = &t->e[i];
        if (!e->g && e->asid == asid && e->guestid == guestid)
            e->invalid = 1;
    }
}

void vz_tlb_invf(vz_tlb *t, uint16_t guestid)
{
    for (unsigned i = 0; i < t->n; i++)
        if (t->e[i].guestid == guestid)
            t->e[i].invalid = 1;
}
