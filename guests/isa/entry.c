/* Entry state as the reset code recorded it, and the runtime's own setup.
 * QEMU boston enters with Status = 0x04400004, a0 = -2, a1 = device tree
 * address (just after the image), t9 = entry point; its bootloader also
 * leaves values in k1 and ra.  k0 is the runtime's scratch register at
 * entry and is not recorded. */
#include "common.h"

extern char _start[], _end[], __vectors_start[];

int main(void)
{
  static const char *const names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "a4", "a5", "a6",
    "a7", "t0", "t1", "t2", "t3", "s0", "s1", "s2", "s3", "s4", "s5",
    "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
  };
  printf("# entry registers\n");
  for (int i = 0; i < 32; i++) {
    if (i == 26)
      printf("r%-2d %-4s = (not recorded)\n", i, names[i]);
    else
      printf("r%-2d %-4s = %016llx\n", i, names[i], ULL(rt_entry_gpr[i]));
  }
  printf("status   = %08llx\n", ULL(rt_entry_status));
  printf("# image\n");
  printf("_start   = %016llx\n", ULL((uintptr_t)_start));
  printf("_end     = %016llx\n", ULL((uintptr_t)_end));
  printf("a1-_end  = %lld\n", (long long)(rt_entry_gpr[5] - (uintptr_t)_end));
  printf("t9==_start -> %d\n", rt_entry_gpr[25] == (uintptr_t)_start);
  printf("# after runtime setup\n");
  printf("status   = %08llx\n", ULL(MFC0(12, 0)));
  printf("ebase    = %016llx (vectors %016llx)\n", ULL(DMFC0(15, 1)),
         ULL((uintptr_t)__vectors_start));
  printf("# done\n");
  return 0;
}
