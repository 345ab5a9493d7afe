/* Integer arithmetic, logic and compares:
 * ADDU SUBU ADD SUB DADDU DSUBU DADD DSUB AND OR XOR NOR SLT SLTU
 * ADDIU DADDIU SLTI SLTIU ANDI ORI XORI.  ($0 as a source: zeroreg.c.)
 * ADD/SUB/DADD/DSUB overflow raises Ov (ExcCode 12) and leaves rd alone;
 * those lines print "overflow exc=12". */
#include "common.h"

/* Trapping forms: run under the trap hook, print the result or the trap. */
#define TEST_TRAP_RRR(insn, ta, tb)                                          \
  do {                                                                       \
    trap_expect();                                                           \
    for (size_t i_ = 0; i_ < N_ELEMS(ta); i_++)                              \
      for (size_t j_ = 0; j_ < N_ELEMS(tb); j_++) {                          \
        uint64_t r_ = ASM_RRR(insn, ta[i_], tb[j_]);                         \
        if (trap_count) {                                                    \
          printf("%-8s %016llx %016llx -> overflow exc=%u\n", insn,          \
                 ULL(ta[i_]), ULL(tb[j_]), RT_CAUSE_EXCCODE(trap_last.cause)); \
          trap_count = 0;                                                    \
        } else {                                                             \
          show2(insn, ta[i_], tb[j_], r_);                                   \
        }                                                                    \
      }                                                                      \
    rt_exc_hook = NULL;                                                      \
  } while (0)

#define SIMM_SET(insn, tab)                                                  \
  do {                                                                       \
    TEST_RRI(insn, tab, 0);                                                  \
    TEST_RRI(insn, tab, 1);                                                  \
    TEST_RRI(insn, tab, -1);                                                 \
    TEST_RRI(insn, tab, 0x7fff);                                             \
    TEST_RRI(insn, tab, -0x8000);                                            \
    TEST_RRI(insn, tab, 0x1234);                                             \
  } while (0)

#define UIMM_SET(insn, tab)                                                  \
  do {                                                                       \
    TEST_RRI(insn, tab, 0);                                                  \
    TEST_RRI(insn, tab, 1);                                                  \
    TEST_RRI(insn, tab, 0x7fff);                                             \
    TEST_RRI(insn, tab, 0x8000);                                             \
    TEST_RRI(insn, tab, 0xffff);                                             \
    TEST_RRI(insn, tab, 0x5a5a);                                             \
  } while (0)

int main(void)
{
  printf("# arith\n");
  TEST_RRR("addu", V32X, V32X);
  TEST_RRR("subu", V32X, V32X);
  TEST_TRAP_RRR("add", V32X, V32X);
  TEST_TRAP_RRR("sub", V32X, V32X);
  TEST_RRR("daddu", V64, V64);
  TEST_RRR("dsubu", V64, V64);
  TEST_TRAP_RRR("dadd", V64, V64);
  TEST_TRAP_RRR("dsub", V64, V64);

  printf("# logic\n");
  TEST_RRR("and", V64, V64);
  TEST_RRR("or", V64, V64);
  TEST_RRR("xor", V64, V64);
  TEST_RRR("nor", V64, V64);

  printf("# compare\n");
  TEST_RRR("slt", V64, V64);
  TEST_RRR("sltu", V64, V64);

  printf("# immediate\n");
  SIMM_SET("addiu", V32X);
  SIMM_SET("daddiu", V64);
  SIMM_SET("slti", V64);
  SIMM_SET("sltiu", V64);
  UIMM_SET("andi", V64);
  UIMM_SET("ori", V64);
  UIMM_SET("xori", V64);

  /* rd = $0: the write is discarded. */
  uint64_t z;
  __asm__ volatile("addu $0, %1, %1\n\tmove %0, $0" : "=r"(z) : "r"(V64[9]));
  printf("addu-to-zero -> %016llx\n", ULL(z));
  printf("# done\n");
  return 0;
}
