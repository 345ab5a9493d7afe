/* CP0 registers: which bits software can write and what reads back.
 *
 * For every CP0 register the core has, writes all zeros, all ones and two
 * alternating patterns (with MTC0 and, for 64-bit registers, DMTC0), reads
 * the value back with MFC0 and DMFC0, and restores the original value in
 * the same asm block.  Registers whose value depends on time (Count,
 * Random) are checked for writability or range only.  Config/PRId values
 * differ between vzsim's I6400 and QEMU's on purpose (vzsim has VZ, a
 * 64-entry TLB, no FPU, no CM, no MSA): see the known-differences file. */
#include "priv.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* write v with MTC0 (w32) or DMTC0, read back with DMFC0, restore */
#define WR_RD(reg, sel, w32, v)                                                \
  ({                                                                           \
    uint64_t o_, r_;                                                           \
    if (w32)                                                                   \
      __asm__ volatile("dmfc0 %0, $" STR(reg) ", " STR(sel) "\n\t"             \
                       "mtc0 %2, $" STR(reg) ", " STR(sel) "\n\tehb\n\t"       \
                       "dmfc0 %1, $" STR(reg) ", " STR(sel) "\n\t"             \
                       "dmtc0 %0, $" STR(reg) ", " STR(sel) "\n\tehb"          \
                       : "=&r"(o_), "=&r"(r_)                                  \
                       : "r"(v)                                                \
                       : "memory");                                            \
    else                                                                       \
      __asm__ volatile("dmfc0 %0, $" STR(reg) ", " STR(sel) "\n\t"             \
                       "dmtc0 %2, $" STR(reg) ", " STR(sel) "\n\tehb\n\t"      \
                       "dmfc0 %1, $" STR(reg) ", " STR(sel) "\n\t"             \
                       "dmtc0 %0, $" STR(reg) ", " STR(sel) "\n\tehb"          \
                       : "=&r"(o_), "=&r"(r_)                                  \
                       : "r"(v)                                                \
                       : "memory");                                            \
    r_;                                                                        \
  })

static const uint64_t PAT[] = {
  0x0000000000000000ull, 0xffffffffffffffffull, 0x5555555555555555ull,
  0xaaaaaaaaaaaaaaaaull,
};

static unsigned checks;

/* mask: bits of the value shown (FR, time-dependent bits hidden) */
#define REG(name, reg, sel, is64, mask)                                        \
  do {                                                                         \
    uint64_t m_ = (mask);                                                      \
    printf("%-10s (%2d,%d) read   %016llx\n", name, reg, sel,                  \
           ULL(DMFC0(reg, sel) & m_));                                         \
    for (unsigned i_ = 0; i_ < N_ELEMS(PAT); i_++) {                           \
      uint64_t r32_ = WR_RD(reg, sel, 1, PAT[i_]);                             \
      printf("%-10s mtc0  %016llx -> %016llx\n", name, ULL(PAT[i_]),           \
             ULL(r32_ & m_));                                                  \
      checks++;                                                                \
      if (is64) {                                                              \
        uint64_t r64_ = WR_RD(reg, sel, 0, PAT[i_]);                           \
        printf("%-10s dmtc0 %016llx -> %016llx\n", name, ULL(PAT[i_]),         \
               ULL(r64_ & m_));                                                \
        checks++;                                                              \
      }                                                                        \
    }                                                                          \
    /* MFC0 of a 64-bit register: the low word sign-extended */                \
    printf("%-10s mfc0 after restore %016llx\n", name, ULL(MFC0(reg, sel) & m_)); \
  } while (0)

#define ALL ~0ull

/* one value written with MTC0, read back (no restore needed) */
static void one(const char *what, uint64_t got)
{
  printf("%-36s %016llx\n", what, ULL(got));
  checks++;
}

static void tlb_regs(unsigned n)
{
  printf("# Index: writes >= the TLB size are ignored; P (31) is writable in R6\n");
  MTC0(0, 0, 3);
  one("index = 3", MFC0(0, 0));
  MTC0(0, 0, n - 1);
  one("index = n-1 (minus n-1)", MFC0(0, 0) - (n - 1));
  MTC0(0, 0, 5);
  MTC0(0, 0, 0xffffffffu);
  one("index 5, write ffffffff", MFC0(0, 0));
  MTC0(0, 0, 5);
  MTC0(0, 0, 64);
  one("index 5, write 64", MFC0(0, 0));
  MTC0(0, 0, 0x80000006u);
  one("index = 80000006", MFC0(0, 0));
  MTC0(0, 0, 7);
  one("then index = 7", MFC0(0, 0));
  MTC0(0, 0, 0);

  printf("# Random: removed in Release 6 (reads 0, writes ignored)\n");
  for (unsigned w = 0; w < 12; w += 5) {
    MTC0(6, 0, w);
    one("random with wired = w", MFC0(1, 0));
    MTC0(1, 0, 0x1234);
    one("random after a write", DMFC0(1, 0));
  }
  MTC0(6, 0, 0);

  printf("# Wired: R6 ignores writes >= the TLB size\n");
  MTC0(6, 0, 4);
  one("wired = 4", MFC0(6, 0));
  MTC0(6, 0, 0xffffffffu);
  one("wired 4, write ffffffff", MFC0(6, 0));
  MTC0(6, 0, 64);
  one("wired 4, write 64", MFC0(6, 0));
  MTC0(6, 0, n - 1);
  one("wired = n-1 (minus n-1)", MFC0(6, 0) - (n - 1));
  MTC0(6, 0, 0);
  one("wired = 0", MFC0(6, 0));

  printf("# PageMask: only the page sizes the TLB has (4K..256M, even counts of ones)\n");
  static const uint32_t pm[] = {
    0x00000000u, 0x00001800u, 0x00002000u, 0x00006000u, 0x0000e000u, 0x0001e000u,
    0x0007e000u, 0x001fe000u, 0x007fe000u, 0x01ffe000u, 0x07ffe000u, 0x1fffe000u,
    0x7fffe000u, 0x60000000u, 0x00016000u, 0xffffffffu, 0x55555555u, 0x1ffff800u,
  };
  for (unsigned i = 0; i < N_ELEMS(pm); i++) {
    char what[40];
    MTC0(5, 0, pm[i]);
    snprintf(what, sizeof what, "pagemask %08x", pm[i]);
    one(what, MFC0(5, 0));
  }
  MTC0(5, 0, 0);
}

static void count_compare(void)
{
  printf("# Count: writable (value read back close to the one written)\n");
  uint64_t c0;
  __asm__ volatile("li %0, 0x12345678\n\tmtc0 %0, $9\n\tehb\n\tmfc0 %0, $9" : "=&r"(c0));
  one("count - 0x12345678 < 2^30", ((uint32_t)c0 - 0x12345678u) < (1u << 30));
  __asm__ volatile("li %0, -16\n\tmtc0 %0, $9\n\tehb\n\tmfc0 %0, $9" : "=&r"(c0));
  one("count -16: near, sign-extended", ((uint32_t)c0 + 16u) < (1u << 30) &&
                                           c0 == (uint64_t)(int64_t)(int32_t)c0);
  /* Cause.DC = 1 stops Count: then a write reads back exactly */
  MTC0(13, 0, CA_DC);
  MTC0(9, 0, 0xabcdef01u);
  for (volatile int i = 0; i < 100; i++)
    ;
  one("count with Cause.DC=1", MFC0(9, 0));
  MTC0(9, 0, 0xfffffffeu);
  one("count 0xfffffffe, DC=1 (mfc0)", MFC0(9, 0));
  one("count 0xfffffffe, DC=1 (dmfc0)", DMFC0(9, 0));
  MTC0(13, 0, 0);
  MTC0(9, 0, 0);
  c0 = MFC0(9, 0);
  for (volatile int i = 0; i < 2000; i++)
    ;
  one("count runs again after DC=0", MFC0(9, 0) != c0 && c0 < (1u << 30));
  MTC0(11, 0, 0xffffffffu);
  one("compare = ffffffff (mfc0)", MFC0(11, 0));
  one("compare = ffffffff (dmfc0)", DMFC0(11, 0));
  MTC0(11, 0, 0x5a5a5a5au);
  one("compare = 5a5a5a5a", MFC0(11, 0));
}

static void ebase(void)
{
  printf("# EBase: 29:12 and WG writable; 63:30 only by a write with WG = 1\n");
  uint64_t old = DMFC0(15, 1);
  static const uint64_t v[] = {
    0x0000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull & ~0x800ull,
    0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull, 0xffffffffa0123000ull,
    0x9800000000345800ull, 0x9800000000345000ull, 0x0000000000002800ull,
    0xffffffff80000000ull, 0xffffffff80000800ull,
  };
  for (unsigned i = 0; i < N_ELEMS(v); i++) {
    char what[40];
    uint64_t r;
    __asm__ volatile("dmtc0 %1, $15, 1\n\tehb\n\tdmfc0 %0, $15, 1\n\t"
                     "dmtc0 %2, $15, 1\n\tehb"
                     : "=&r"(r) : "r"(v[i]), "r"(old | 0x800));
    snprintf(what, sizeof what, "dmtc0 ebase %016llx", ULL(v[i]));
    one(what, r);
    __asm__ volatile("mtc0 %1, $15, 1\n\tehb\n\tdmfc0 %0, $15, 1\n\t"
                     "dmtc0 %2, $15, 1\n\tehb"
                     : "=&r"(r) : "r"(v[i]), "r"(old | 0x800));
    snprintf(what, sizeof what, "mtc0  ebase %016llx", ULL(v[i]));
    one(what, r);
  }
  DMTC0(15, 1, old);
  one("ebase restored", DMFC0(15, 1));
}

static void lladdr(void)
{
  printf("# LLAddr: read-only; LL loads it\n");
  static volatile uint64_t word __attribute__((aligned(8)));
  uint64_t v;
  __asm__ volatile("lld %0, 0(%1)" : "=r"(v) : "r"(&word) : "memory");
  one("lladdr after lld == PA", DMFC0(17, 0) == PHYS(&word));
  MTC0(17, 0, 0x1230);
  one("lladdr after write == PA", DMFC0(17, 0) == PHYS(&word));
}

int main(void)
{
  priv_init();
  unsigned n = (unsigned)((MFC0(16, 1) >> 25) & 63) + 1;
  printf("# identification (Config differs on purpose: vzsim has VZ, no FPU, no CM)\n");
  printf("prid    %08llx\n", ULL(MFC0(15, 0)));
  printf("config0 %08llx\n", ULL(MFC0(16, 0)));
  printf("config1 %08llx\n", ULL(MFC0(16, 1)));
  printf("config2 %08llx\n", ULL(MFC0(16, 2)));
  printf("config3 %08llx\n", ULL(MFC0(16, 3)));
  printf("config4 %08llx\n", ULL(MFC0(16, 4)));
  printf("config5 %08llx\n", ULL(MFC0(16, 5)));

  printf("# read/write patterns\n");
  REG("EntryLo0", 2, 0, 1, ALL);
  REG("EntryLo1", 3, 0, 1, ALL);
  REG("Context", 4, 0, 1, ALL);
  REG("UserLocal", 4, 2, 1, ALL);
  REG("PageGrain", 5, 1, 0, ALL);
  REG("HWREna", 7, 0, 0, ALL);
  REG("BadVAddr", 8, 0, 1, ALL);
  REG("BadInstr", 8, 1, 0, ALL);
  REG("BadInstrP", 8, 2, 0, ALL);
  REG("EntryHi", 10, 0, 1, ALL);
  /* Status: FR differs (QEMU models an FPU) */
  REG("Status", 12, 0, 0, ~(uint64_t)ST_FR);
  REG("IntCtl", 12, 1, 0, ALL);
  REG("SRSCtl", 12, 2, 0, ALL);
  /* Cause: TI and IP7..2 follow the timer (time-dependent) */
  REG("Cause", 13, 0, 0, ~(uint64_t)0x4000fc00u);
  REG("EPC", 14, 0, 1, ALL);
  REG("PRId", 15, 0, 0, ALL);
  REG("Config0", 16, 0, 0, ALL);
  REG("Config1", 16, 1, 0, ALL);
  REG("Config2", 16, 2, 0, ALL);
  REG("Config3", 16, 3, 0, ALL);
  REG("Config4", 16, 4, 0, ALL);
  REG("Config5", 16, 5, 0, ALL);
  REG("XContext", 20, 0, 1, ALL);
  REG("ErrorEPC", 30, 0, 1, ALL);
  REG("KScratch1", 31, 2, 1, ALL);
  REG("KScratch2", 31, 3, 1, ALL);
  REG("KScratch3", 31, 4, 1, ALL);
  REG("KScratch4", 31, 5, 1, ALL);
  REG("KScratch5", 31, 6, 1, ALL);
  REG("KScratch6", 31, 7, 1, ALL);
  tlb_regs(n);
  count_compare();
  ebase();
  lladdr();
  printf("# checks: %u\n", checks);
  return 0;
}
