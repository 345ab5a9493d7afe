/* Exception dispatch and program exit. */
#include "rt.h"

rt_exc_hook_t rt_exc_hook;
struct rt_frame rt_exc_frame; /* filled by rt_exc_common in start.S */

void rt_exc_dispatch(struct rt_frame *f);

/* Called by start.S with EXL=1 on the exception stack.  Returning resumes
 * at f->epc with the GPRs in f. */
void rt_exc_dispatch(struct rt_frame *f)
{
  if (rt_exc_hook != NULL) {
    rt_exc_hook(f);
    return;
  }
  unsigned code = RT_CAUSE_EXCCODE(f->cause);
  printf("EXCEPTION code=%u epc=%016llx badvaddr=%016llx\n", code, ULL(f->epc),
         ULL(f->badvaddr));
  uhi_exit(128 + (long)code);
}

_Noreturn void rt_exit(int code)
{
  uhi_exit(code);
}
