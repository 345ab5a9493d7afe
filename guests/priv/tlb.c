/* The joint TLB and its instructions.
 *
 *  - TLBWI/TLBR round trips (EntryHi, PageMask, EntryLo0/1 with G, RI/XI,
 *    C, D, V; G = G0 AND G1; VPN2 and PFN bits below the page size; EHINV);
 *  - TLBP: hits, misses (Index.P), ASID and G, large pages, EHINV entries;
 *  - TLBINV (non-global entries of one ASID) and TLBINVF (all);
 *  - translation through every page size from 4 KiB to 256 MiB (even and
 *    odd page, the first address past the pair);
 *  - ASID matching and the global bit;
 *  - refill, invalid and modified exceptions with EntryHi, Context,
 *    XContext and BadVAddr after each (PTEBase fields kept);
 *  - Wired and TLBWR: with Wired = entries - 1 TLBWR always writes the last
 *    entry (the entry count comes from Config1), wired entries survive.
 * Only entries 0..15 are used by index (QEMU's I6400 has 16); Random values
 * and TLBWR-chosen indices are never printed. */
#include "priv.h"

static unsigned checks, n_tlb;

static uint64_t rd(uint64_t va)
{
  uint64_t v = 0xdeadull;
  __asm__ volatile("ld %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
  return v;
}

static void wr(uint64_t va, uint64_t v)
{
  __asm__ volatile("sd %0, 0(%1)" :: "r"(v), "r"(va) : "memory");
}

static void show_entry(const char *what, unsigned idx)
{
  uint64_t hi, pm, l0, l1;
  tlb_get(idx, &hi, &pm, &l0, &l1);
  printf("%-34s hi=%016llx pm=%08llx lo0=%016llx lo1=%016llx\n", what, ULL(hi), ULL(pm),
         ULL(l0), ULL(l1));
  checks++;
}

static void roundtrip(void)
{
  printf("# TLBWI / TLBR\n");
  static const struct { uint64_t hi, pm, l0, l1; } e[] = {
    { 0x0000000000002000ull, 0, ELO(0x1000, ELO_V | ELO_D | ELO_G), ELO(0x2000, ELO_V | ELO_G) },
    { 0x0000000012344005ull, 0, ELO(0x3000, ELO_V | ELO_G), ELO(0x4000, ELO_D) },
    { 0x00000000123460ffull, 0x6000, ELO(0x10000, ELO_V | ELO_RI), ELO(0x14000, ELO_V | ELO_XI) },
    { 0xc000123456780042ull, 0x1e000, 0x3fffffffull, 0x3fffffffull },
    { 0x4000000000010000ull | 0x17, 0x7e000, ELO(0x12345000, ELO_V), ELO(0x2345000, ELO_V) },
    { 0xffffffffe0006000ull, 0x1fe000, 0xffffffffffffffffull, 0 },
    { 0x0000fffffffff001ull, 0x1fffe000, ELO(0x10000000, ELO_G | ELO_V), ELO(0x20000000, ELO_V) },
    { 0x00000000400000a5ull, 0x7fe000, ELO(0x800000, ELO_V | ELO_D), ELO(0xc00000, ELO_V) },
    /* EHINV: the entry is invalid and reads back as EHINV only */
    { 0x0000000000003400ull | 0x33, 0x6000, ELO(0x5000, ELO_V), ELO(0x6000, ELO_V) },
  };
  for (unsigned i = 0; i < N_ELEMS(e); i++) {
    char what[40];
    tlb_set(i, e[i].hi, e[i].pm, e[i].l0, e[i].l1);
    snprintf(what, sizeof what, "entry %u", i);
    show_entry(what, i);
  }
  /* TLBR loads EntryHi (and with it the ASID in use): restored by tlb_get */
  MTC0(0, 0, 1);
  DMTC0(10, 0, 0x77);
  TLBR();
  printf("%-34s %016llx\n", "EntryHi after TLBR of entry 1", ULL(DMFC0(10, 0)));
  DMTC0(10, 0, 0);
  checks++;
}

static void probe(void)
{
  printf("# TLBP\n");
  tlb_reset();
  tlb_set(2, 0x0000000000040000ull | 5, 0, ELO(0x1000, ELO_V), ELO(0x2000, ELO_V));
  tlb_set(3, 0x0000000000040000ull | 6, 0, ELO(0x1000, ELO_V), ELO(0x2000, ELO_V));
  tlb_set(4, 0x0000000000050000ull, 0, ELO(0x1000, ELO_V | ELO_G), ELO(0x2000, ELO_V | ELO_G));
  tlb_set(5, 0x0000000001000000ull | 5, 0x1fe000, ELO(0, ELO_V), ELO(0x200000, ELO_V));
  tlb_set(6, 0xc000000000060000ull | 5, 0, ELO(0x1000, ELO_V), ELO(0x2000, ELO_V));
  tlb_set(7, 0x0000000000070000ull | 5 | 0x400, 0, ELO(0x1000, ELO_V), ELO(0x2000, ELO_V));
  static const struct { const char *what; uint64_t hi; } p[] = {
    { "40000 asid 5", 0x40000 | 5 },
    { "41000 asid 5 (odd page)", 0x41000 | 5 },
    { "40000 asid 6", 0x40000 | 6 },
    { "40000 asid 7", 0x40000 | 7 },
    { "50000 asid 9 (global)", 0x50000 | 9 },
    { "1000000 asid 5 (1M pages)", 0x1000000 | 5 },
    { "1180000 asid 5 (inside)", 0x1180000 | 5 },
    { "1200000 asid 5 (past)", 0x1200000 | 5 },
    { "c000000000060000 asid 5", 0xc000000000060000ull | 5 },
    { "4000000000060000 asid 5 (R)", 0x4000000000060000ull | 5 },
    { "70000 asid 5 (EHINV entry)", 0x70000 | 5 },
    { "42000 asid 5 (no entry)", 0x42000 | 5 },
  };
  for (unsigned i = 0; i < N_ELEMS(p); i++) {
    MTC0(0, 0, 12);                       /* low bits kept on a miss */
    DMTC0(10, 0, p[i].hi);
    TLBP();
    uint64_t idx = MFC0(0, 0);
    DMTC0(10, 0, 0);
    printf("tlbp %-30s index=%08llx\n", p[i].what, ULL(idx & 0xffffffffu));
    checks++;
  }
}

static void invalidate(void)
{
  printf("# TLBINV / TLBINVF\n");
  tlb_reset();
  for (unsigned i = 0; i < 6; i++)
    tlb_set(i, (0x100000ull + i * 0x2000) | (i & 1 ? 7 : 8), 0,
            ELO(0x1000, ELO_V | (i == 4 || i == 5 ? ELO_G : 0)),
            ELO(0x2000, ELO_V | (i == 4 || i == 5 ? ELO_G : 0)));
  DMTC0(10, 0, 7);
  TLBINV();
  DMTC0(10, 0, 0);
  for (unsigned i = 0; i < 6; i++) {
    char what[48];
    snprintf(what, sizeof what, "after tlbinv asid 7: entry %u", i);
    show_entry(what, i);
  }
  TLBINVF();
  show_entry("after tlbinvf: entry 0", 0);
  show_entry("after tlbinvf: entry 4 (global)", 4);
}

static void page_sizes(void)
{
  printf("# page sizes: even page at PA 0, odd page at PA size\n");
  static const uint32_t pm[] = {
    0x0, 0x6000, 0x1e000, 0x7e000, 0x1fe000, 0x7fe000, 0x1ffe000, 0x7ffe000, 0x1fffe000,
  };
  const uint64_t vbase = 0x40000000ull;
  for (unsigned i = 0; i < N_ELEMS(pm); i++) {
    uint64_t size = ((uint64_t)pm[i] + 0x2000) >> 1;
    tlb_reset();
    /* the odd page of a 256 MiB pair would be beyond boston's low DDR: invalid */
    uint64_t lo1 = size >= 0x10000000ull ? 0 : ELO(size, ELO_V | ELO_D);
    tlb_set(0, vbase, pm[i], ELO(0, ELO_V | ELO_D), lo1);
    /* even: the last doubleword of the first half of the page below 1 MiB,
     * odd: the middle of the odd page */
    uint64_t eo = (size / 2 < 0x80000 ? size / 2 : 0x80000) - 8;
    uint64_t oo = size + size / 2;
    volatile uint64_t *ke = (volatile uint64_t *)(uintptr_t)(0xffffffff80000000ull + eo);
    *ke = 0xe0000000ull | i;
    exc_arm();
    uint64_t ve = rd(vbase + eo);
    uint64_t vo = 0;
    if (lo1) {
      volatile uint64_t *ko = (volatile uint64_t *)(uintptr_t)(0xffffffff80000000ull + oo);
      *ko = 0x0d000000ull | i;
      vo = rd(vbase + oo);
    }
    uint64_t past = rd(vbase + 2 * size);
    printf("pagemask %08x size %9llx: even %llx odd %llx\n", pm[i], ULL(size), ULL(ve),
           ULL(vo));
    exc_show("past the pair", P_BADV | P_TLB);
    (void)past;
    checks += 3;
  }
}

static void asid(void)
{
  printf("# ASID and G\n");
  tlb_reset();
  uint64_t pd = PHYS(priv_udata);
  *(volatile uint64_t *)priv_udata = 0x1111;
  *(volatile uint64_t *)(priv_udata + 4096) = 0x2222;
  tlb_set(0, 0x80000 | 3, 0, ELO(pd, ELO_V), ELO(pd + 4096, ELO_V));
  tlb_set(1, 0x90000 | 3, 0, ELO(pd, ELO_V | ELO_G), ELO(pd + 4096, ELO_V | ELO_G));
  /* G only in EntryLo0: the entry is not global */
  tlb_set(2, 0xa0000 | 3, 0, ELO(pd, ELO_V | ELO_G), ELO(pd + 4096, ELO_V));
  static const unsigned as[] = { 3, 4, 0, 255 };
  for (unsigned i = 0; i < N_ELEMS(as); i++) {
    DMTC0(10, 0, as[i]);
    exc_arm();
    uint64_t a = rd(0x80000), b = rd(0x91000), c = rd(0xa0000);
    DMTC0(10, 0, 0);
    printf("asid %3u: non-global %llx, global %llx, G0 only %llx\n", as[i], ULL(a), ULL(b),
           ULL(c));
    exc_show("asid exceptions", P_BADV | P_TLB);
    checks += 3;
  }
}

static void faults(void)
{
  printf("# refill / invalid / modified: EntryHi, Context, XContext, BadVAddr\n");
  tlb_reset();
  uint64_t pd = PHYS(priv_udata);
  tlb_set(0, 0x200000 | 9, 0, ELO(pd, 0), ELO(pd + 4096, ELO_V));
  tlb_set(1, 0xc000000000300000ull | 9, 0, ELO(pd, ELO_V), ELO(pd + 4096, 0));
  DMTC0(4, 0, 0x5555555555555555ull);     /* PTEBase patterns, kept */
  DMTC0(20, 0, 0xaaaaaaaaaaaaaaaaull);
  uint64_t st = MFC0(12, 0);
  static const struct { const char *what; uint64_t va; int store; unsigned asid; } f[] = {
    { "load refill kuseg", 0x0000000012345678ull & ~7ull, 0, 9 },
    { "store refill kuseg", 0x000000007fffe008ull, 1, 9 },
    { "load invalid", 0x200010, 0, 9 },
    { "store modified", 0x201018, 1, 9 },
    { "load ok", 0x201020, 0, 9 },
    { "load refill other asid", 0x201020, 0, 10 },
    { "load xkseg ok", 0xc000000000300008ull, 0, 9 },
    { "load xkseg invalid", 0xc000000000301008ull, 0, 9 },
    { "store xkseg modified", 0xc000000000300010ull, 1, 9 },
    { "load xkseg refill", 0xc0000fffffffe000ull, 0, 9 },
    { "load xsseg refill", 0x40000abcdef12000ull, 0, 9 },
    { "load xuseg refill", 0x0000fedcba980000ull, 0, 9 },
    { "load ksseg refill", 0xffffffffc1234000ull, 0, 9 },
    { "load kseg3 refill", 0xfffffffff0000000ull, 0, 9 },
  };
  for (unsigned i = 0; i < N_ELEMS(f); i++) {
    exc_arm();
    DMTC0(10, 0, f[i].asid);
    MTC0(12, 0, st | ST_KX | ST_SX | ST_UX);
    if (f[i].store)
      wr(f[i].va, 1);
    else
      rd(f[i].va);
    MTC0(12, 0, st);
    DMTC0(10, 0, 0);
    exc_show(f[i].what, P_BADV | P_TLB);
    checks++;
  }
}

/* Wired = entries - 1: TLBWR can only write the last entry. */
static void wired(void)
{
  printf("# Wired and TLBWR\n");
  tlb_reset();
  uint64_t pd = PHYS(priv_udata);
  for (unsigned i = 0; i < 4; i++)
    tlb_set(i, 0x400000 + i * 0x2000, 0, ELO(pd, ELO_V | ELO_G), ELO(pd + 4096, ELO_V | ELO_G));
  MTC0(6, 0, n_tlb - 1);
  for (unsigned k = 0; k < 3; k++) {
    DMTC0(10, 0, 0x500000 + k * 0x2000);
    MTC0(5, 0, 0);
    DMTC0(2, 0, ELO(pd, ELO_V | ELO_G));
    DMTC0(3, 0, ELO(pd + 4096, ELO_V | ELO_G));
    TLBWR();
    TLBP();
    uint64_t idx = MFC0(0, 0);
    printf("tlbwr %llx: tlbp finds it at entries-1: %u\n", ULL(0x500000 + k * 0x2000),
           idx == n_tlb - 1);
    checks++;
  }
  DMTC0(10, 0, 0);
  /* the mappings TLBWR replaced are gone (read before any TLBR: QEMU keeps a
   * replaced entry as a hidden "shadow" until TLBR/TLBWI/ASID change) */
  for (unsigned k = 0; k < 2; k++) {
    exc_arm();
    uint64_t v = rd(0x500000 + k * 0x2000);
    printf("read tlbwr mapping %u after it was replaced: %llx\n", k, ULL(v));
    exc_show("tlbwr read", P_BADV);
    checks++;
  }
  for (unsigned i = 0; i < 4; i++) {
    char what[40];
    snprintf(what, sizeof what, "wired entry %u", i);
    show_entry(what, i);
  }
  exc_arm();
  uint64_t v = rd(0x500000);
  printf("read the first tlbwr mapping after a TLBR: %llx\n", ULL(v));
  exc_show("read after tlbr", P_BADV);
  checks++;
  MTC0(6, 0, 0);
}

int main(void)
{
  priv_init();
  n_tlb = (unsigned)((MFC0(16, 1) >> 25) & 63) + 1;
  roundtrip();
  probe();
  invalidate();
  page_sizes();
  asid();
  faults();
  wired();
  tlb_reset();
  printf("# checks: %u\n", checks);
  return 0;
}
