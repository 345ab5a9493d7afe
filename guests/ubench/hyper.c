/* guests/ubench/hyper.c - a guest of the embedded hypervisor (hv/entry/host.h):
 * hypercall NOPs between markers (ubench.h), UB_N1 (twice, warm-up), UB_N1 and UB_N2 of
 * them, so that the harness measures one guest exit + re-entry round trip. */
#include "rt.h"
#include "ubench.h"
#include "../vz/hvcall.h"

#define MARK(x) __asm__ volatile("ori $0, $0, %0" ::"i"(UB_MARK_BASE + (x)) : "memory")

static void __attribute__((noinline)) hypercalls(long n)
{
  MARK(2 * UB_HYPERCALL);
  for (long i = 0; i < n; i++)
    hvcall(HC_NOP, i, 0);
  MARK(2 * UB_HYPERCALL + 1);
}

int main(void)
{
  hypercalls(UB_N1);   /* warm-up */
  hypercalls(UB_N1);   /* warm-up */
  hypercalls(UB_N1);
  hypercalls(UB_N2);
  __asm__ volatile("" ::: "memory");   /* the same call sequence as the others */
  printf("ubench hyper: 4 runs\n");
  return 0;
}
