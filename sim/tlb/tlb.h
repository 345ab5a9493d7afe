/*
 * sim/tlb/tlb.h - a MIPS64 R6 joint TLB (VTLB) with GuestID tags.
 *
 * Spec: MIPS64 PRA (Vol. III) ch. 4 "Virtual memory" and 9 (EntryHi, EntryLo,
 * PageMask, Index, Random, Wired); VZ module for the GuestID tag (vz-facts §6).
 * Entries hold a pair of pages (even/odd) of any size from 4 KiB (PageMask 0) up to
 * 256 MiB. Matching: VPN2 under the entry's mask, the region bits R, and either the
 * global bit or the ASID, and the GuestID; entries marked EHINV never match.
 * Limits: no FTLB (Config0.MT = 1), 8-bit ASIDs, SEGBITS = PABITS = 48. Pure data
 * structure: the core decides which ASID/GuestID to use and which exception to raise.
 */
#ifndef VZSIM_TLB_H
#define VZSIM_TLB_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VZ_TLB_MAX 1024

/* EntryHi/EntryLo/PageMask fields (MIPS64, SEGBITS = PABITS = 48) */
#define VZ_EH_R       0xc000000000000000ull
#define VZ_EH_VPN2    0x0000ffffffffe000ull
#define VZ_EH_EHINV   0x0000000000000400ull
#define VZ_EH_ASID    0x00000000000000ffull
#define VZ_EL_RI      (1ull << 63)
#define VZ_EL_XI      (1ull << 62)
#define VZ_EL_PFN     0x000003ffffffffc0ull   /* PFN 41:6 = PA 47:12 */
#define VZ_EL_C       0x38ull
#define VZ_EL_D       0x4ull
#define VZ_EL_V       0x2ull
#define VZ_EL_G       0x1ull
#define VZ_PM_MASK    0x000000001fffe000ull   /* 4 KiB .. 256 MiB pages (I6400's VTLB, QEMU) */

typedef struct vz_tlb_entry {
    uint64_t hi;        /* R | VPN2 as written (bits under mask not compared) */
    uint64_t mask;      /* PageMask bits */
    uint64_t lo[2];     /* EntryLo0/1 without G, PFN aligned to the page size */
    uint16_t guestid;
    uint8_t asid;
    uint8_t g;
    uint8_t invalid;    /* EHINV */
} vz_tlb_entry;

typedef struct vz_tlb {
    unsigned n;
    vz_tlb_entry e[VZ_TLB_MAX];
} vz_tlb;

/* Reset: every entry all zeros (QEMU's reset state; see tlb.c). n is clamped to
 * [1, VZ_TLB_MAX]. */
void vz_tlb_init(vz_tlb *t, unsigned n);

/* Index of the entry that maps va for (asid, guestid), or -1. */
int vz_tlb_lookup(const vz_tlb *t, uint64_t va, uint8_t asid, uint16_t guestid);

/* Which page of the pair va falls in (0 even, 1 odd), and the page's size. */
static inline uint64_t vz_tlb_page_size(uint64_t mask)
{
    return ((mask | 0x1fffull) + 1) >> 1;
}
static inline int vz_tlb_odd(uint64_t mask, uint64_t va)
{
    return (va & vz_tlb_page_size(mask)) != 0;
}
/* Physical address of va through EntryLo lo of a page of size for mask. */
static inline uint64_t vz_tlb_pa(uint64_t lo, uint64_t mask, uint64_t va)
{
    uint64_t size = vz_tlb_page_size(mask);
    uint64_t base = ((lo & VZ_EL_PFN) >> 6) << 12;
    return (base & ~(size - 1)) | (va & (size - 1));
}

/* TLBP: the index of the entry matching EntryHi (VPN2, R, ASID) and guestid, or -1. */
int vz_tlb_probe(const vz_tlb *t, uint64_t entryhi, uint16_t guestid);

/* TLBWI/TLBWR: write entry i from the CP0 image. */
void vz_tlb_write(vz_tlb *t, unsigned i, uint64_t entryhi, uint64_t pagemask,
                  uint64_t lo0, uint64_t lo1, uint16_t guestid);

/* TLBR: read entry i into the CP0 image (G reported in both EntryLo). */
void vz_tlb_read(const vz_tlb *t, unsigned i, uint64_t *entryhi, uint64_t *pagemask,
                 uint64_t *lo0, uint64_t *lo1, uint16_t *guestid);

/* TLBINV: invalidate the non-global entries of asid (and guestid). TLBINVF: all of
 * guestid's entries. Wired entries are not protected (PRA). */
void vz_tlb_inv(vz_tlb *t, uint8_t asid, uint16_t guestid);
void vz_tlb_invf(vz_tlb *t, uint16_t guestid);

#ifdef __cplusplus
}
#endif
#endif
