/* Driver for the generated random privileged programs (see privrand.c).
 *
 * Installs the vectors of guests/priv (priv_init: EBase, PageGrain with
 * RI/XI, TLBINVF), fills the 64 KiB arena at physical 0x800000 from the seed
 * with a `jr ra; nop` pair every 256 bytes, turns on 64-bit addressing
 * (Status.KX/SX/UX), runs pr_body() and prints one line per exception
 * (name, EPC, BadVAddr, EntryHi, Context, XContext, vector), then the
 * checksum of everything the body read, an FNV-1a hash of the arena and
 * every TLB entry.  Exit code 0. */
#include "priv.h"

extern void pr_body(void);
extern const uint64_t pr_seed, pr_ops, pr_result;

#define ARENA ((volatile uint8_t *)(uintptr_t)0xffffffff80800000ull)
#define ARENA_SIZE 0x10000u

static const char *const names[32] = {
  "Int", "Mod", "TLBL", "TLBS", "AdEL", "AdES", "IBE", "DBE", "Sys", "Bp", "RI", "CpU",
  "Ov", "Tr", "14", "FPE", "16", "17", "C2E", "TLBRI", "TLBXI", "21", "22", "WATCH",
  "MCheck", "25", "26", "GE", "28", "29", "30", "31",
};
static unsigned n_exc;

static void pr_hook(struct rt_frame *f)
{
  unsigned code = RT_CAUSE_EXCCODE(f->cause);
  printf("exc %-5s epc=%016llx bva=%016llx hi=%016llx ctx=%016llx xctx=%016llx vec=%03llx\n",
         names[code], ULL(f->epc), ULL(f->badvaddr), ULL(DMFC0(10, 0)), ULL(DMFC0(4, 0)),
         ULL(DMFC0(20, 0)), ULL(f->vector));
  if (++n_exc > 2000) {
    printf("too many exceptions\n");
    rt_exit(99);
  }
  int fetch = code == 6 || ((code == 2 || code == 4 || code == 20) &&
                            (f->badvaddr == f->epc || (f->epc & 3)));
  f->epc = fetch ? f->gpr[31] : f->epc + 4;
}

int main(void)
{
  priv_init();
  rt_exc_hook = pr_hook;
  uint64_t x = pr_seed * 0x9e3779b97f4a7c15ull + 0x5851f42d4c957f2dull;
  for (unsigned i = 0; i < ARENA_SIZE; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *(volatile uint64_t *)(ARENA + i) = i % 256 ? x : 0x03e00009u;   /* jr ra; nop */
  }
  DMTC0(4, 0, 0xa5a5a5a5a5a5a5a5ull);     /* PTEBase patterns: kept by exceptions */
  DMTC0(20, 0, 0x5a5a5a5a5a5a5a5aull);
  MTC0(12, 0, MFC0(12, 0) | ST_KX | ST_SX | ST_UX);
  printf("privrand seed=%llu ops=%llu\n", ULL(pr_seed), ULL(pr_ops));
  pr_body();
  printf("exceptions %u\n", n_exc);
  printf("checksum %016llx\n", ULL(pr_result));
  printf("arena fnv1a=%016llx\n", ULL(rt_fnv1a((const void *)ARENA, ARENA_SIZE)));
  for (unsigned i = 0; i < 16; i++) {
    uint64_t hi, pm, l0, l1;
    tlb_get(i, &hi, &pm, &l0, &l1);
    printf("tlb %2u hi=%016llx pm=%08llx lo0=%016llx lo1=%016llx\n", i, ULL(hi), ULL(pm),
           ULL(l0), ULL(l1));
  }
  return 0;
}
