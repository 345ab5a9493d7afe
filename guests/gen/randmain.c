/* Driver for the generated random-instruction programs (see randprog.c).
 *
 * Fills the scratch buffer from the program's seed, runs rp_body(), then
 * prints every GPR as it was at the end of the body and an FNV-1a checksum
 * of the buffer.  Exit code 0. */
#include "rt.h"

extern uint8_t rp_scratch[4096];
extern uint64_t rp_regs[32];
extern const uint64_t rp_seed, rp_base_reg, rp_body_insns;
void rp_body(void);

int main(void)
{
  /* xorshift64 from the seed: the buffer starts with varied bytes. */
  uint64_t x = rp_seed * 0x9e3779b97f4a7c15ull + 0x5851f42d4c957f2dull;
  for (size_t i = 0; i < sizeof rp_scratch; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    for (int b = 0; b < 8; b++)
      rp_scratch[i + b] = (uint8_t)(x >> (8 * b));
  }
  printf("randprog seed=%llu insns=%llu base=$%llu\n", ULL(rp_seed), ULL(rp_body_insns),
         ULL(rp_base_reg));
  printf("mem-before fnv1a=%016llx\n", ULL(rt_fnv1a(rp_scratch, sizeof rp_scratch)));
  rp_body();
  for (int r = 1; r < 32; r++)
    printf("r%-2d=%016llx%s", r, ULL(rp_regs[r]), (r % 4 == 3) ? "\n" : " ");
  printf("\nmem fnv1a=%016llx\n", ULL(rt_fnv1a(rp_scratch, sizeof rp_scratch)));
  return 0;
}
