/* Bit-field extract and insert:
 * EXT INS DEXT DEXTM DEXTU DINS DINSM DINSU at edge positions and sizes. */
#include "common.h"

static const uint64_t INS_DST[] = {
  0x0000000000000000ull, 0xffffffffffffffffull, 0x123456789abcdef0ull,
  0xffffffff89abcdefull, 0x000000007fffffffull,
};
static const uint64_t INS_SRC[] = {
  0x0000000000000000ull, 0xffffffffffffffffull, 0x0123456789abcdefull,
  0xfedcba9876543210ull, 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull,
};

#define ASM_EXT(insn, a, pos, size)                                          \
  ({                                                                         \
    uint64_t r_;                                                             \
    __asm__ volatile(insn " %0, %1, %2, %3"                                  \
                     : "=r"(r_)                                              \
                     : "r"(a), "i"(pos), "i"(size));                         \
    r_;                                                                      \
  })
#define ASM_INS(insn, d, s, pos, size)                                       \
  ({                                                                         \
    uint64_t r_ = (d);                                                       \
    __asm__ volatile(insn " %0, %1, %2, %3"                                  \
                     : "+r"(r_)                                              \
                     : "r"(s), "i"(pos), "i"(size));                         \
    r_;                                                                      \
  })

#define T_EXT(insn, pos, size)                                               \
  do {                                                                       \
    for (size_t i_ = 0; i_ < N_ELEMS(V64); i_++)                             \
      printf("%-6s %2d,%2d %016llx -> %016llx\n", insn, pos, size,           \
             ULL(V64[i_]), ULL(ASM_EXT(insn, V64[i_], pos, size)));          \
  } while (0)

#define T_INS(insn, pos, size)                                               \
  do {                                                                       \
    for (size_t i_ = 0; i_ < N_ELEMS(INS_DST); i_++)                         \
      for (size_t j_ = 0; j_ < N_ELEMS(INS_SRC); j_++)                       \
        printf("%-6s %2d,%2d %016llx %016llx -> %016llx\n", insn, pos, size, \
               ULL(INS_DST[i_]), ULL(INS_SRC[j_]),                           \
               ULL(ASM_INS(insn, INS_DST[i_], INS_SRC[j_], pos, size)));     \
  } while (0)

int main(void)
{
  printf("# ext\n");
  T_EXT("ext", 0, 1);
  T_EXT("ext", 0, 8);
  T_EXT("ext", 0, 16);
  T_EXT("ext", 0, 31);
  T_EXT("ext", 0, 32);
  T_EXT("ext", 1, 31);
  T_EXT("ext", 4, 8);
  T_EXT("ext", 8, 16);
  T_EXT("ext", 15, 1);
  T_EXT("ext", 16, 16);
  T_EXT("ext", 24, 8);
  T_EXT("ext", 31, 1);
  printf("# dext dextm dextu\n");
  T_EXT("dext", 0, 1);
  T_EXT("dext", 0, 16);
  T_EXT("dext", 0, 32);
  T_EXT("dext", 4, 8);
  T_EXT("dext", 31, 1);
  T_EXT("dext", 31, 32);
  T_EXT("dextm", 0, 33);
  T_EXT("dextm", 0, 64);
  T_EXT("dextm", 4, 40);
  T_EXT("dextm", 31, 33);
  T_EXT("dextu", 32, 1);
  T_EXT("dextu", 32, 32);
  T_EXT("dextu", 36, 8);
  T_EXT("dextu", 40, 24);
  T_EXT("dextu", 63, 1);
  printf("# ins\n");
  T_INS("ins", 0, 1);
  T_INS("ins", 0, 16);
  T_INS("ins", 0, 32);
  T_INS("ins", 4, 8);
  T_INS("ins", 16, 16);
  T_INS("ins", 31, 1);
  T_INS("ins", 1, 31);
  printf("# dins dinsm dinsu\n");
  T_INS("dins", 0, 1);
  T_INS("dins", 0, 32);
  T_INS("dins", 4, 8);
  T_INS("dins", 31, 1);
  T_INS("dinsm", 0, 33);
  T_INS("dinsm", 0, 64);
  T_INS("dinsm", 4, 40);
  T_INS("dinsm", 31, 33);
  T_INS("dinsu", 32, 1);
  T_INS("dinsu", 32, 32);
  T_INS("dinsu", 36, 8);
  T_INS("dinsu", 63, 1);
  printf("# done\n");
  return 0;
}
