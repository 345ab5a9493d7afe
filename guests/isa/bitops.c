/* Bit manipulation and selects:
 * BITSWAP DBITSWAP WSBH DSBH DSHD SEB SEH CLZ CLO DCLZ DCLO
 * ALIGN DALIGN LSA DLSA SELEQZ SELNEZ. */
#include "common.h"

static const uint64_t UN[] = {
  0x0000000000000000ull, 0x0000000000000001ull, 0x0000000000000080ull,
  0x0000000000008000ull, 0x000000000000807full, 0x0000000012345678ull,
  0x000000007fffffffull, 0xffffffff80000000ull, 0xffffffff89abcdefull,
  0xffffffffffffffffull, 0xfffffffffffffffeull, 0x00000000ffffffffull,
  0x0000000080000000ull, 0x0000000100000000ull, 0x00000000000ff000ull,
  0x0001000000000000ull, 0x123456789abcdef0ull, 0x7fffffffffffffffull,
  0x8000000000000000ull, 0xfffffffeffffffffull, 0x00ffffffffffffffull,
};

static const uint64_t PAIR[] = {
  0x0000000000000000ull, 0xffffffffffffffffull, 0x0000000012345678ull,
  0xffffffff89abcdefull, 0x0123456789abcdefull, 0xfedcba9876543210ull,
  0x00000000ffffffffull, 0x7fffffffffffffffull,
};

static const uint64_t COND[] = {
  0x0000000000000000ull, 0x0000000000000001ull, 0xffffffffffffffffull,
  0x0000000100000000ull, 0x8000000000000000ull,
};

#define T_PAIRI(insn, tab, imm)                                              \
  do {                                                                       \
    for (size_t i_ = 0; i_ < N_ELEMS(tab); i_++)                             \
      for (size_t j_ = 0; j_ < N_ELEMS(tab); j_++)                           \
        printf("%-8s %d %016llx %016llx -> %016llx\n", insn, imm,            \
               ULL(tab[i_]), ULL(tab[j_]),                                   \
               ULL(ASM_RRRI(insn, tab[i_], tab[j_], imm)));                  \
  } while (0)

int main(void)
{
  printf("# unary\n");
  TEST_RR("bitswap", UN);
  TEST_RR("dbitswap", UN);
  TEST_RR("wsbh", UN);
  TEST_RR("dsbh", UN);
  TEST_RR("dshd", UN);
  TEST_RR("seb", UN);
  TEST_RR("seh", UN);
  TEST_RR("clz", UN);
  TEST_RR("clo", UN);
  TEST_RR("dclz", UN);
  TEST_RR("dclo", UN);

  printf("# align dalign (rd, rs, rt, bp)\n");
  T_PAIRI("align", PAIR, 0);
  T_PAIRI("align", PAIR, 1);
  T_PAIRI("align", PAIR, 2);
  T_PAIRI("align", PAIR, 3);
  T_PAIRI("dalign", PAIR, 0);
  T_PAIRI("dalign", PAIR, 1);
  T_PAIRI("dalign", PAIR, 3);
  T_PAIRI("dalign", PAIR, 4);
  T_PAIRI("dalign", PAIR, 7);

  printf("# lsa dlsa (rd, rs, rt, sa)\n");
  T_PAIRI("lsa", PAIR, 1);
  T_PAIRI("lsa", PAIR, 2);
  T_PAIRI("lsa", PAIR, 3);
  T_PAIRI("lsa", PAIR, 4);
  T_PAIRI("dlsa", PAIR, 1);
  T_PAIRI("dlsa", PAIR, 2);
  T_PAIRI("dlsa", PAIR, 3);
  T_PAIRI("dlsa", PAIR, 4);

  printf("# seleqz selnez (rd, rs, rt)\n");
  TEST_RRR("seleqz", PAIR, COND);
  TEST_RRR("selnez", PAIR, COND);
  printf("# done\n");
  return 0;
}
