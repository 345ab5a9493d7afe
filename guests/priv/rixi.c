/* Read-inhibit / execute-inhibit and PageGrain.
 *
 *  - PageGrain: RIE, XIE and IEC read 1 and ignore writes on the I6400
 *    (RI/XI are mandatory in R6, and the inhibit exceptions have their own
 *    codes TLBRI/TLBXI); ELPA is writable;
 *  - EntryLo RI/XI through MTC0 (GPR bits 31:30) and DMTC0 (63:62);
 *  - loads, stores and fetches, in kernel and user mode, on pages with every
 *    combination of V, D, RI, XI: TLBRI for a load from an RI page, TLBXI
 *    for a fetch from an XI page, TLBL when the page is invalid (V = 0 wins),
 *    Mod for a store to a clean page, stores and fetches unaffected by RI;
 *    BadVAddr, BadInstr after each; a load after a store to an RI page;
 *  - PageGrain.ELPA: EntryLo PFN width and the xkphys limit (36 or 48 bits). */
#include "priv.h"

static unsigned checks;

static uint8_t tpage[8192] __attribute__((aligned(8192)));
#define TVA 0x600000ull
#define RET_WORD 0x03ffffccu   /* syscall 0xfffff: back to the kernel */

static void pagegrain(void)
{
  printf("# PageGrain\n");
  static const uint32_t w[] = { 0x00000000u, 0xffffffffu, 0x20000000u, 0xc8000000u };
  for (unsigned i = 0; i < N_ELEMS(w); i++) {
    MTC0(5, 1, w[i]);
    printf("pagegrain write %08x -> %08llx\n", w[i], ULL(MFC0(5, 1) & 0xffffffffu));
    checks++;
  }
  MTC0(5, 1, 0);
  printf("# EntryLo RI/XI: MTC0 takes them from bits 31:30, MFC0 returns them there\n");
  static const uint64_t v[] = { 0x80000002ull, 0x40000002ull, 0xc0000000ull,
                                0x8000000000000002ull, 0x4000000000000002ull };
  for (unsigned i = 0; i < N_ELEMS(v); i++) {
    uint64_t a, b, c;
    __asm__ volatile("mtc0 %3, $2\n\tehb\n\tdmfc0 %0, $2\n\tmfc0 %1, $2\n\t"
                     "dmtc0 %3, $2\n\tehb\n\tdmfc0 %2, $2"
                     : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(v[i]));
    printf("entrylo0 %016llx: mtc0 -> %016llx (mfc0 %016llx), dmtc0 -> %016llx\n", ULL(v[i]),
           ULL(a), ULL(b), ULL(c));
    checks += 3;
  }
}

static const struct { const char *name; uint64_t flags; } attrs[] = {
  { "V D", ELO_V | ELO_D },
  { "V D RI", ELO_V | ELO_D | ELO_RI },
  { "V D XI", ELO_V | ELO_D | ELO_XI },
  { "V D RI XI", ELO_V | ELO_D | ELO_RI | ELO_XI },
  { "V RI", ELO_V | ELO_RI },
  { "RI XI (V=0)", ELO_D | ELO_RI | ELO_XI },
  { "V", ELO_V },
};

static void matrix(void)
{
  printf("# access matrix\n");
  priv_map_user();
  uint64_t pa = PHYS(tpage), v0;
  for (unsigned m = 0; m < 2; m++) {
    uint32_t ksu = m ? ST_KSU_U : ST_KSU_K;
    for (unsigned a = 0; a < N_ELEMS(attrs); a++) {
      uint32_t ret = RET_WORD;
      memcpy(tpage, &ret, 4);
      *(volatile uint64_t *)(tpage + 8) = 0x1234;
      tlb_set(0, TVA, 0, ELO(pa, attrs[a].flags | ELO_G), ELO(pa + 4096, attrs[a].flags | ELO_G));
      static const char *const op[] = { "load", "store", "fetch" };
      for (unsigned o = 0; o < 3; o++) {
        char label[64];
        exc_arm();
        uint64_t r = 0;
        if (o == 0)
          r = priv_run(UVA(pu_lw), TVA + 8, 0, priv_kstatus() | ksu);
        else if (o == 1)
          priv_run(UVA(pu_sw), TVA + 8, 0x5678, priv_kstatus() | ksu);
        else
          priv_run(UVA(pu_fetch), TVA, 0, priv_kstatus() | ksu);
        snprintf(label, sizeof label, "%s %-12s %-5s", m ? "user  " : "kernel", attrs[a].name,
                 op[o]);
        exc_show(label, P_BADV | P_INSTR);
        if (o == 0)
          printf("  loaded %llx\n", ULL(exc_n ? 0 : r));
        if (o == 1)
          printf("  memory %llx\n", ULL(*(volatile uint64_t *)(tpage + 8)));
        checks++;
      }
    }
  }
  /* a store to an RI page, then a load from it: still TLBRI */
  tlb_set(0, TVA, 0, ELO(pa, ELO_V | ELO_D | ELO_RI | ELO_G), ELO(pa + 4096, ELO_V | ELO_G));
  exc_arm();
  v0 = 0;
  __asm__ volatile("sw $0, 24(%1)\n\tlw %0, 8(%1)" : "+r"(v0) : "r"(TVA) : "memory");
  exc_show("kernel sw then lw, RI page", P_BADV | P_INSTR);
  exc_arm();
  __asm__ volatile("lw %0, 16(%1)" : "+r"(v0) : "r"(TVA) : "memory");
  exc_show("kernel lw again, RI page", P_BADV | P_INSTR);
  checks += 2;
  /* LL from an RI page, SC to it */
  tlb_set(0, TVA, 0, ELO(pa, ELO_V | ELO_D | ELO_RI | ELO_G), ELO(pa + 4096, ELO_V | ELO_G));
  exc_arm();
  uint64_t v = 0;
  __asm__ volatile("ll %0, 8(%1)" : "+r"(v) : "r"(TVA) : "memory");
  exc_show("kernel ll from RI page", P_BADV | P_INSTR);
  exc_arm();
  v = 9;
  __asm__ volatile("sc %0, 16(%1)" : "+r"(v) : "r"(TVA) : "memory");
  exc_show("kernel sc to RI page (no link)", P_BADV);
  printf("  sc result %llu\n", ULL(v));
  checks += 2;
}

static void elpa(void)
{
  printf("# PageGrain.ELPA: physical address width 36 or 48 bits\n");
  uint64_t st = MFC0(12, 0);
  for (unsigned e = 0; e < 2; e++) {
    MTC0(5, 1, e ? 0x20000000u : 0);
    uint64_t lo;
    __asm__ volatile("dmtc0 %1, $2\n\tehb\n\tdmfc0 %0, $2" : "=r"(lo) : "r"(~0ull >> 2));
    printf("elpa=%u: dmtc0 entrylo0 3fff..ff -> %016llx\n", e, ULL(lo));
    static const uint64_t xa[] = {
      0x9000000f00000000ull, 0x9000001000000000ull, 0x9000ffff00000000ull,
      0x9001000000000000ull,
    };
    MTC0(12, 0, st | ST_KX);
    for (unsigned i = 0; i < N_ELEMS(xa); i++) {
      char label[64];
      exc_arm();
      uint64_t r;
      __asm__ volatile("ld %0, 8(%1)" : "=r"(r) : "r"(xa[i] - 8) : "memory");
      snprintf(label, sizeof label, "elpa=%u ld %016llx", e, ULL(xa[i]));
      exc_show(label, P_BADV | P_TLB);
      checks++;
    }
    MTC0(12, 0, st);
    /* a mapped page whose PFN is above 36 bits */
    tlb_set(1, 0x700000, 0, ELO(0x100000000000ull, ELO_V | ELO_G), ELO(0, ELO_G));
    uint64_t hi, pm, l0, l1;
    tlb_get(1, &hi, &pm, &l0, &l1);
    exc_arm();
    uint64_t r;
    __asm__ volatile("ld %0, 0(%1)" : "=r"(r) : "r"(0x700000ull) : "memory");
    char label[64];
    snprintf(label, sizeof label, "elpa=%u ld via PFN 2^44 (lo0 %llx)", e, ULL(l0));
    exc_show(label, P_BADV);
    checks += 2;
  }
  MTC0(5, 1, 0);
}

int main(void)
{
  priv_init();
  pagegrain();
  matrix();
  elpa();
  printf("# checks: %u\n", checks);
  return 0;
}
