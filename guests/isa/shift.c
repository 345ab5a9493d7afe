/* Shifts and rotates, 32- and 64-bit, immediate and variable:
 * SLL SRL SRA ROTR SLLV SRLV SRAV ROTRV
 * DSLL DSRL DSRA DROTR DSLL32 DSRL32 DSRA32 DROTR32 DSLLV DSRLV DSRAV DROTRV.
 * NOP, SSNOP and EHB are SLL encodings; hwr_sync.c runs those. */
#include "common.h"

/* Variable shift amounts: only the low 5 (or 6) bits count. */
static const uint64_t AMT[] = {
  0, 1, 4, 15, 16, 31, 32, 33, 63, 64, 0xffffffffffffffffull, 0x123456789abcdef5ull,
};

#define SA32_SET(insn, tab)                                                  \
  do {                                                                       \
    TEST_RRI(insn, tab, 0);                                                  \
    TEST_RRI(insn, tab, 1);                                                  \
    TEST_RRI(insn, tab, 7);                                                  \
    TEST_RRI(insn, tab, 8);                                                  \
    TEST_RRI(insn, tab, 15);                                                 \
    TEST_RRI(insn, tab, 16);                                                 \
    TEST_RRI(insn, tab, 31);                                                 \
  } while (0)

#define SA64_SET(insn, tab)                                                  \
  do {                                                                       \
    TEST_RRI(insn, tab, 0);                                                  \
    TEST_RRI(insn, tab, 1);                                                  \
    TEST_RRI(insn, tab, 16);                                                 \
    TEST_RRI(insn, tab, 31);                                                 \
  } while (0)

/* The value is rt (the first source), the amount rs: SLLV rd, rt, rs. */
#define TEST_VAR(insn, tv)                                                   \
  do {                                                                       \
    for (size_t i_ = 0; i_ < N_ELEMS(tv); i_++)                              \
      for (size_t j_ = 0; j_ < N_ELEMS(AMT); j_++)                           \
        show2(insn, tv[i_], AMT[j_], ASM_RRR(insn, tv[i_], AMT[j_]));        \
  } while (0)

int main(void)
{
  printf("# 32-bit immediate shifts\n");
  SA32_SET("sll", V32X);
  SA32_SET("srl", V32X);
  SA32_SET("sra", V32X);
  SA32_SET("rotr", V32X);
  printf("# 32-bit variable shifts\n");
  TEST_VAR("sllv", V32X);
  TEST_VAR("srlv", V32X);
  TEST_VAR("srav", V32X);
  TEST_VAR("rotrv", V32X);
  printf("# 64-bit immediate shifts\n");
  SA64_SET("dsll", V64);
  SA64_SET("dsrl", V64);
  SA64_SET("dsra", V64);
  SA64_SET("drotr", V64);
  SA64_SET("dsll32", V64);
  SA64_SET("dsrl32", V64);
  SA64_SET("dsra32", V64);
  SA64_SET("drotr32", V64);
  printf("# 64-bit variable shifts\n");
  TEST_VAR("dsllv", V64);
  TEST_VAR("dsrlv", V64);
  TEST_VAR("dsrav", V64);
  TEST_VAR("drotrv", V64);
  printf("# done\n");
  return 0;
}
