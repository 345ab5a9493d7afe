/* Branches and jumps with a delay slot:
 * BEQ BNE BLEZ BGTZ BLTZ BGEZ B J JAL JR JR.HB JALR JALR.HB BAL NAL.
 * Every test starts with r = 0; the delay slot adds 1 (it always runs), the
 * fall-through path adds 2, so r = 1 means taken and r = 3 not taken.  Link
 * values are printed as absolute addresses (the image is linked at a fixed
 * address) and as offsets from the branch. */
#include "common.h"

#define BR2 BRANCH_T2
#define BR1 BRANCH_T1

BR2(beq)
BR2(bne)
BR1(blez)
BR1(bgtz)
BR1(bltz)
BR1(bgez)

/* Unconditional forms, links and jumps through registers. */
NOINLINE static void uncond(void)
{
  uint64_t r, ra, pc;

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tb 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r));
  printf("b        -> %llu\n", ULL(r));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tj 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r));
  printf("j        -> %llu\n", ULL(r));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %2, 2f\n"
                   "2:\tjal 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\tmove %1, $31\n\t.set pop"
                   : "=&r"(r), "=&r"(ra), "=&r"(pc) : : "$31");
  printf("jal      -> %llu ra=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %2, 2f\n"
                   "2:\tbal 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\tmove %1, $31\n\t.set pop"
                   : "=&r"(r), "=&r"(ra), "=&r"(pc) : : "$31");
  printf("bal      -> %llu ra=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %2, 2f\n"
                   "2:\tnal\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "\tmove %1, $31\n\t.set pop"
                   : "=&r"(r), "=&r"(ra), "=&r"(pc) : : "$31");
  printf("nal      -> %llu ra=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  uint64_t t;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %1, 1f\n"
                   "\tjr %1\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r), "=&r"(t));
  printf("jr       -> %llu\n", ULL(r));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %1, 1f\n"
                   "\tjr.hb %1\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r), "=&r"(t));
  printf("jr.hb    -> %llu\n", ULL(r));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %1, 1f\n\tlapc %3, 2f\n"
                   "2:\tjalr %1\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\tmove %2, $31\n\t.set pop"
                   : "=&r"(r), "=&r"(t), "=&r"(ra), "=&r"(pc) : : "$31");
  printf("jalr     -> %llu ra=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %1, 1f\n\tlapc %3, 2f\n"
                   "2:\tjalr %2, %1\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop"
                   : "=&r"(r), "=&r"(t), "=&r"(ra), "=&r"(pc));
  printf("jalr rd  -> %llu rd=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %1, 1f\n\tlapc %3, 2f\n"
                   "2:\tjalr.hb %2, %1\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop"
                   : "=&r"(r), "=&r"(t), "=&r"(ra), "=&r"(pc));
  printf("jalr.hb  -> %llu rd=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  /* The delay slot reads the link register written by its branch. */
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "lapc %1, 2f\n"
                   "2:\tbal 1f\n\tmove %0, $31\n\tnop\n"
                   "1:\n\t.set pop"
                   : "=&r"(ra), "=&r"(pc) : : "$31");
  printf("bal slot reads ra -> %016llx (pc%+lld)\n", ULL(ra), (long long)(ra - pc));

  /* Backward branch: a counted loop. */
  uint64_t n = 10, acc = 0;
  __asm__ volatile(".set push\n\t.set noreorder\n"
                   "1:\taddiu %0, %0, -1\n\tbne %0, $0, 1b\n\taddiu %1, %1, 3\n"
                   "\t.set pop" : "+r"(n), "+r"(acc));
  printf("loop     -> n=%llu acc=%llu\n", ULL(n), ULL(acc));
}

/* A branch whose target is more than 32 KiB away (16-bit offset edges). */
NOINLINE static void far(void)
{
  uint64_t r;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tbeq $0, $0, 1f\n\taddiu %0, %0, 1\n"
                   "\t.space 0x1fff0\n"
                   "\taddiu %0, %0, 2\n"
                   "1:\tbne %0, $0, 2f\n\taddiu %0, %0, 4\n"
                   "\taddiu %0, %0, 8\n"
                   "2:\n\t.set pop" : "=&r"(r));
  printf("far beq/bne -> %llu\n", ULL(r));
}

int main(void)
{
  printf("# two-register conditions\n");
  for (size_t i = 0; i < N_ELEMS(BV); i++)
    for (size_t j = 0; j < N_ELEMS(BV); j++)
      printf("beq/bne %016llx %016llx -> %llu %llu\n", ULL(BV[i]), ULL(BV[j]),
             ULL(t_beq(BV[i], BV[j])), ULL(t_bne(BV[i], BV[j])));
  /* The same register on both sides. */
  uint64_t r;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tbeq %0, %0, 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r));
  printf("beq r,r  -> %llu\n", ULL(r));
  printf("# one-register conditions\n");
  for (size_t i = 0; i < N_ELEMS(V64); i++)
    printf("blez/bgtz/bltz/bgez %016llx -> %llu %llu %llu %llu\n", ULL(V64[i]),
           ULL(t_blez(V64[i])), ULL(t_bgtz(V64[i])), ULL(t_bltz(V64[i])),
           ULL(t_bgez(V64[i])));
  printf("# unconditional\n");
  uncond();
  far();
  printf("# done\n");
  return 0;
}
