/* R6 multiply and divide (no HI/LO):
 * MUL MUH MULU MUHU DIV MOD DIVU MODU (32-bit, sign-extended results)
 * DMUL DMUH DMULU DMUHU DDIV DMOD DDIVU DMODU (64-bit).
 * The tables include 0 (divide by zero: UNPREDICTABLE result, no trap),
 * INT_MIN / -1 and INT64_MIN / -1; QEMU's values are the reference. */
#include "common.h"

int main(void)
{
  printf("# 32-bit multiply\n");
  TEST_RRR("mul", V32X, V32X);
  TEST_RRR("muh", V32X, V32X);
  TEST_RRR("mulu", V32X, V32X);
  TEST_RRR("muhu", V32X, V32X);
  printf("# 32-bit divide\n");
  TEST_RRR("div", V32X, V32X);
  TEST_RRR("mod", V32X, V32X);
  TEST_RRR("divu", V32X, V32X);
  TEST_RRR("modu", V32X, V32X);
  printf("# 64-bit multiply\n");
  TEST_RRR("dmul", V64, V64);
  TEST_RRR("dmuh", V64, V64);
  TEST_RRR("dmulu", V64, V64);
  TEST_RRR("dmuhu", V64, V64);
  printf("# 64-bit divide\n");
  TEST_RRR("ddiv", V64, V64);
  TEST_RRR("dmod", V64, V64);
  TEST_RRR("ddivu", V64, V64);
  TEST_RRR("dmodu", V64, V64);

  /* Destination equal to a source. */
  uint64_t a = 0xffffffff80000000ull, b = 0xffffffffffffffffull;
  __asm__ volatile("div %0, %0, %1" : "+r"(a) : "r"(b));
  printf("div-in-place -> %016llx\n", ULL(a));
  a = 0x8000000000000000ull;
  __asm__ volatile("dmod %0, %0, %1" : "+r"(a) : "r"(b));
  printf("dmod-in-place -> %016llx\n", ULL(a));
  printf("# done\n");
  return 0;
}
