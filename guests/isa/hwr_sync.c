/* RDHWR with HWREna set, and the barrier / hint instructions that have no
 * architectural result in this model: SYNC (several stypes), SYNCI, PAUSE,
 * EHB, SSNOP, NOP, PREF (hints 24..31 are reserved in R6), JR.HB.
 * RDHWR $2 (the cycle counter) is only
 * checked for running forwards, never printed: its rate differs between
 * simulators. */
#include "common.h"

#define RDHWR(n)                                                             \
  ({                                                                         \
    uint64_t v_;                                                             \
    __asm__ volatile("rdhwr %0, $" #n : "=r"(v_));                           \
    v_;                                                                      \
  })

static uint8_t line[256] __attribute__((aligned(64)));

int main(void)
{
  printf("# rdhwr\n");
  MTC0(7, 0, 0x2000000fu); /* HWREna: CPUNum SYNCI_Step CC CCRes UL */
  DMTC0(4, 2, 0x0123456789abcdefull); /* UserLocal */
  printf("hwrena   -> %08llx\n", ULL(MFC0(7, 0)));
  printf("rdhwr 0  -> %016llx (CPUNum)\n", ULL(RDHWR(0)));
  printf("rdhwr 1  -> %016llx (SYNCI_Step)\n", ULL(RDHWR(1)));
  printf("rdhwr 3  -> %016llx (CCRes)\n", ULL(RDHWR(3)));
  printf("rdhwr 29 -> %016llx (UserLocal)\n", ULL(RDHWR(29)));
  DMTC0(4, 2, 0xffffffff80000000ull);
  printf("rdhwr 29 -> %016llx (UserLocal)\n", ULL(RDHWR(29)));
  uint64_t c0 = RDHWR(2);
  for (volatile int i = 0; i < 1000; i++) {
  }
  uint64_t c1 = RDHWR(2);
  printf("rdhwr 2  -> %s\n", (uint32_t)(c1 - c0) < 0x80000000u ? "monotonic" : "BACKWARDS");
  printf("cc is sign-extended 32-bit -> %d\n", (uint64_t)(int64_t)(int32_t)c1 == c1);

  /* Kernel mode may read every implemented HWR even with HWREna = 0. */
  MTC0(7, 0, 0);
  printf("hwrena   -> %08llx\n", ULL(MFC0(7, 0)));
  printf("rdhwr 0  -> %016llx (HWREna=0, kernel)\n", ULL(RDHWR(0)));
  printf("rdhwr 29 -> %016llx (HWREna=0, kernel)\n", ULL(RDHWR(29)));

  trap_expect();
  uint64_t v = 0x77;
  __asm__ volatile("rdhwr %0, $5" : "+r"(v));
  trap_report("rdhwr 5");
  __asm__ volatile("rdhwr %0, $30" : "+r"(v));
  trap_report("rdhwr 30");
  rt_exc_hook = NULL;
  printf("after    -> %016llx\n", ULL(v));

  printf("# barriers and hints\n");
  uint64_t r = 0;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "sync\n\tsync 4\n\tsync 0x10\n\tsync 0x11\n\tsync 0x12\n\t"
                   "sync 0x13\n\tsync 1\n\t"
                   "addiu %0, %0, 1\n\t"
                   "synci 0(%1)\n\tsynci 64(%1)\n\tsynci -64(%1)\n\t"
                   "addiu %0, %0, 1\n\t"
                   "pause\n\tehb\n\tssnop\n\tnop\n\t"
                   "addiu %0, %0, 1\n\t"
                   "pref 0, 0(%1)\n\tpref 1, 64(%1)\n\tpref 4, -4(%1)\n\t"
                   "pref 23, 1(%1)\n\tpref 6, 255(%1)\n\tpref 5, -256(%1)\n\t"
                   "addiu %0, %0, 1\n\t"
                   ".set pop"
                   : "+r"(r)
                   : "r"(line + 128)
                   : "memory");
  printf("executed -> %llu\n", ULL(r));

  /* R6 reserves PREF hints 24..31. */
  trap_expect();
  __asm__ volatile("pref 24, 0(%0)" ::"r"(line) : "memory");
  trap_report("pref 24");
  __asm__ volatile("pref 31, 8(%0)" ::"r"(line) : "memory");
  trap_report("pref 31");
  rt_exc_hook = NULL;

  /* Self-modifying code made visible with SYNCI + SYNC + JR.HB. */
  static uint32_t code[4] __attribute__((aligned(16)));
  code[0] = 0x24020011; /* addiu v0, zero, 0x11 */
  code[1] = 0x03e00009; /* jr ra */
  code[2] = 0x00000000; /* nop */
  for (int pass = 0; pass < 2; pass++) {
    uint64_t res;
    __asm__ volatile(".set push\n\t.set noreorder\n\t"
                     "synci 0(%1)\n\tsync\n\t"
                     "lapc $31, 1f\n\tjr.hb %1\n\tnop\n"
                     "1:\tmove %0, $2\n\t.set pop"
                     : "=r"(res)
                     : "r"(code)
                     : "$2", "$31", "memory");
    printf("smc pass %d -> %016llx\n", pass, ULL(res));
    code[0] = 0x2402ff22; /* addiu v0, zero, -0xde */
  }
  printf("# done\n");
  return 0;
}
