/* Upper-immediate adds: LUI AUI DAUI DAHI DATI. */
#include "common.h"

#define T_LUI(imm)                                                           \
  do {                                                                       \
    uint64_t r_;                                                             \
    __asm__ volatile("lui %0, %1" : "=r"(r_) : "i"(imm));                    \
    printf("lui      %#06x -> %016llx\n", imm, ULL(r_));                     \
  } while (0)

/* DAHI/DATI add to their single register operand. */
#define T_DAXI(insn, imm)                                                    \
  do {                                                                       \
    for (size_t i_ = 0; i_ < N_ELEMS(V64); i_++) {                           \
      uint64_t r_ = V64[i_];                                                 \
      __asm__ volatile(insn " %0, %0, %1" : "+r"(r_) : "i"(imm));            \
      printf("%-8s %016llx,%#06x -> %016llx\n", insn, ULL(V64[i_]), imm,     \
             ULL(r_));                                                       \
    }                                                                        \
  } while (0)

#define IMMS(X, insn)                                                        \
  X(insn, 0);                                                                \
  X(insn, 1);                                                                \
  X(insn, 0x7fff);                                                           \
  X(insn, 0x8000);                                                           \
  X(insn, 0xffff);                                                           \
  X(insn, 0x1234)

#define T_AUI(insn, imm) TEST_RRI(insn, V64, imm)

int main(void)
{
  printf("# lui\n");
  T_LUI(0);
  T_LUI(1);
  T_LUI(0x7fff);
  T_LUI(0x8000);
  T_LUI(0xffff);
  T_LUI(0x1234);
  printf("# aui daui\n");
  IMMS(T_AUI, "aui");
  IMMS(T_AUI, "daui");
  printf("# dahi dati\n");
  IMMS(T_DAXI, "dahi");
  IMMS(T_DAXI, "dati");
  printf("# done\n");
  return 0;
}
