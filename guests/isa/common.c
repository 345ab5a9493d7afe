/* Exception-catching helpers for the instruction-group programs. */
#include "common.h"

volatile unsigned trap_count;
volatile uint64_t trap_resume;
struct rt_frame trap_last;

void trap_hook(struct rt_frame *f)
{
  trap_last = *f;
  trap_count++;
  if (trap_resume != 0) {
    f->epc = trap_resume;
    trap_resume = 0;
  } else {
    f->epc += 4;
  }
}

void trap_expect(void)
{
  trap_count = 0;
  rt_exc_hook = trap_hook;
}

void trap_report(const char *what)
{
  if (trap_count == 0) {
    printf("%-24s no exception\n", what);
    return;
  }
  unsigned code = RT_CAUSE_EXCCODE(trap_last.cause);
  printf("%-24s exc=%u bd=%u epc=%016llx", what, code, RT_CAUSE_BD(trap_last.cause),
         ULL(trap_last.epc));
  if (code >= 1 && code <= 5)
    printf(" badvaddr=%016llx", ULL(trap_last.badvaddr));
  printf(" badinstr=%08llx vec=%03llx\n", ULL(trap_last.badinstr & 0xffffffffu),
         ULL(trap_last.vector));
  trap_count = 0;
}
