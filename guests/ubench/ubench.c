/* guests/ubench/ubench.c - bare-metal timing microbenchmarks (ubench.h): sets up
 * the pointer chains and the TLB entries, then runs every kernel with UB_N1 (twice, warm-
 * up), UB_N1 and UB_N2 iterations. The cycles come from the host harness, which
 * notes when each marker retires (tests/timing/ubench_test.cc). */
#include "rt.h"
#include "ubench.h"

typedef void kernel(long n, uint64_t start);
kernel ub_load_use_4, ub_load_use_8, ub_l1_4, ub_l1_8, ub_l2_4, ub_l2_8, ub_mem_4,
    ub_mem_8, ub_uncached_4, ub_uncached_8, ub_mul_4, ub_mul_8, ub_div_2, ub_div_4,
    ub_jr_toggle, ub_b_direct, ub_utlb_4, ub_utlb_8, ub_syscall, ub_nop;

#define KSEG0(pa) (0xffffffff80000000ull | (uint64_t)(pa))
#define KSEG1(pa) (0xffffffffa0000000ull | (uint64_t)(pa))

/* A circular chain of n words at base + i * stride (cached through kseg0 unless
 * uncached): word i holds the address of word i + 1. Returns the first address. */
static uint64_t chain(uint64_t pa, uint64_t stride, unsigned n, int uncached)
{
  for (unsigned i = 0; i < n; i++) {
    uint64_t next = pa + ((i + 1) % n) * stride;
    uint64_t va = uncached ? KSEG1(pa + i * stride) : KSEG0(pa + i * stride);
    *(volatile uint64_t *)va = uncached ? KSEG1(next) : KSEG0(next);
  }
  return uncached ? KSEG1(pa) : KSEG0(pa);
}

/* UB_PAGES 4 KiB pages at UB_VA_PAGES -> UB_PA_PAGES (wired TLB entries 0..7, one
 * even/odd pair each); page i holds its chain word at offset 64 * i, so that the
 * words fall in different cache sets. Returns the first virtual address. */
static uint64_t pages(void)
{
  for (unsigned j = 0; j < UB_PAGES / 2; j++) {
    uint64_t pa = UB_PA_PAGES + j * 8192ull;
    DMTC0(0, 0, j);                                           /* Index */
    DMTC0(5, 0, 0);                                           /* PageMask: 4 KiB */
    DMTC0(10, 0, UB_VA_PAGES + j * 8192ull);                  /* EntryHi, ASID 0 */
    DMTC0(2, 0, ((pa >> 12) << 6) | (3u << 3) | 7);           /* EntryLo0: C3 D V G */
    DMTC0(3, 0, (((pa + 4096) >> 12) << 6) | (3u << 3) | 7);  /* EntryLo1 */
    __asm__ volatile("tlbwi\n\tehb" ::: "memory");
  }
  MTC0(6, 0, UB_PAGES / 2);                                   /* Wired */
  for (unsigned i = 0; i < UB_PAGES; i++) {
    unsigned n = (i + 1) % UB_PAGES;
    *(volatile uint64_t *)KSEG0(UB_PA_PAGES + i * 4096ull + 64 * i) =
        UB_VA_PAGES + n * 4096ull + 64 * n;
  }
  return UB_VA_PAGES;
}

/* The four calls must reach the kernel by the same instructions (so that whatever
 * is still in flight at the begin marker - a divide, a load - is the same): no tail
 * call for the last one. */
static void __attribute__((noinline)) run4(kernel *k, uint64_t start)
{
  k(UB_N1, start);   /* warm-up */
  k(UB_N1, start);   /* warm-up: the same global branch history as the next two */
  k(UB_N1, start);
  k(UB_N2, start);
  __asm__ volatile("" ::: "memory");
}

int main(void)
{
  uint64_t line = chain(UB_PA_LINE, 0, 1, 0);
  run4(ub_load_use_4, line);
  run4(ub_load_use_8, line);
  uint64_t l1 = chain(UB_PA_L1, 64, 64, 0);
  run4(ub_l1_4, l1);
  run4(ub_l1_8, l1);
  uint64_t l2 = chain(UB_PA_L2, 64 * 1024, 8, 0);
  run4(ub_l2_4, l2);
  run4(ub_l2_8, l2);
  uint64_t mem = chain(UB_PA_MEM, 128 * 1024, 16, 0);
  run4(ub_mem_4, mem);
  run4(ub_mem_8, mem);
  uint64_t unc = chain(UB_PA_UNCACHED, 0, 1, 1);
  run4(ub_uncached_4, unc);
  run4(ub_uncached_8, unc);
  run4(ub_mul_4, 1);
  run4(ub_mul_8, 1);
  run4(ub_div_2, 12345);
  run4(ub_div_4, 12345);
  run4(ub_jr_toggle, 0);
  run4(ub_b_direct, 0);
  uint64_t pg = pages();
  run4(ub_utlb_4, pg);
  run4(ub_utlb_8, pg);
  run4(ub_syscall, 0);
  run4(ub_nop, 0);
  printf("ubench: %d kernels x 4 runs\n", UB_COUNT);
  return 0;
}
