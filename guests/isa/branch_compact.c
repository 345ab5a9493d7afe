/* Compact branches (no delay slot):
 * BC BALC BEQZC BNEZC JIC JIALC BEQC BNEC BLTC BGEC BLTUC BGEUC
 * BLTZC BGEZC BLEZC BGTZC BEQZALC BNEZALC BLEZALC BGEZALC BGTZALC BLTZALC
 * BOVC BNVC.
 * Each test starts with r = 0; the forbidden slot adds 1 (it runs only when
 * the branch is not taken) and the next instruction adds 2, so r = 0 means
 * taken and r = 3 not taken.  The ...ALC forms link even when not taken;
 * the link is printed as an offset from the branch. */
#include "common.h"

#define CB2 BRANCH_T2
#define CB1 BRANCH_T1

/* Linking form: result * 0x1000 + (ra - pc of the branch). */
#define CBL(insn)                                                            \
  NOINLINE static uint64_t t_##insn(uint64_t a)                              \
  {                                                                          \
    uint64_t r, ra, pc;                                                      \
    __asm__ volatile(".set push\n\t.set noreorder\n\t"                      \
                     "move %0, $0\n\tmove $31, $0\n\tlapc %2, 2f\n"          \
                     "2:\t" #insn " %3, 1f\n\t"                              \
                     "addiu %0, %0, 1\n\t"                                   \
                     "addiu %0, %0, 2\n"                                     \
                     "1:\tmove %1, $31\n\t.set pop"                          \
                     : "=&r"(r), "=&r"(ra), "=&r"(pc)                        \
                     : "r"(a)                                                \
                     : "$31");                                               \
    return r * 0x1000 + (ra - pc);                                           \
  }

CB2(beqc)
CB2(bnec)
CB2(bltc)
CB2(bgec)
CB2(bltuc)
CB2(bgeuc)
CB2(bovc)
CB2(bnvc)
CB1(beqzc)
CB1(bnezc)
CB1(blezc)
CB1(bgezc)
CB1(bgtzc)
CB1(bltzc)
CBL(beqzalc)
CBL(bnezalc)
CBL(blezalc)
CBL(bgezalc)
CBL(bgtzalc)
CBL(bltzalc)

NOINLINE static void uncond(void)
{
  uint64_t r, ra, pc, t;

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tbc 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r));
  printf("bc       -> %llu\n", ULL(r));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %2, 2f\n"
                   "2:\tbalc 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\tmove %1, $31\n\t.set pop"
                   : "=&r"(r), "=&r"(ra), "=&r"(pc) : : "$31");
  printf("balc     -> %llu ra=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  /* JIC/JIALC: target = rt + sign-extended 16-bit offset, no shift. */
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %1, 1f\n\tdaddiu %1, %1, 8\n"
                   "\tjic %1, -8\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r), "=&r"(t));
  printf("jic -8   -> %llu\n", ULL(r));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %1, 1f\n\tdaddiu %1, %1, -0x7ffc\n"
                   "\tjic %1, 0x7ffc\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r), "=&r"(t));
  printf("jic 7ffc -> %llu\n", ULL(r));

  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc %1, 1f\n\tlapc %3, 2f\n"
                   "2:\tjialc %1, 0\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\tmove %2, $31\n\t.set pop"
                   : "=&r"(r), "=&r"(t), "=&r"(ra), "=&r"(pc) : : "$31");
  printf("jialc    -> %llu ra=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  /* JIALC through $31 itself: the target is read before the link. */
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tlapc $31, 1f\n\tlapc %2, 2f\n"
                   "2:\tjialc $31, 0\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\tmove %1, $31\n\t.set pop"
                   : "=&r"(r), "=&r"(ra), "=&r"(pc) : : "$31");
  printf("jialc ra -> %llu ra=%016llx (pc%+lld)\n", ULL(r), ULL(ra), (long long)(ra - pc));

  /* Compact branches with $0 operands. */
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tbovc $0, $0, 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r));
  printf("bovc $0,$0 -> %llu\n", ULL(r));
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tbnvc $0, $0, 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r));
  printf("bnvc $0,$0 -> %llu\n", ULL(r));

  /* Backward compact loop. */
  uint64_t n = 7, acc = 0;
  __asm__ volatile(".set push\n\t.set noreorder\n"
                   "1:\taddiu %1, %1, 5\n\taddiu %0, %0, -1\n\tbnezc %0, 1b\n"
                   "\t.set pop" : "+r"(n), "+r"(acc));
  printf("loop     -> n=%llu acc=%llu\n", ULL(n), ULL(acc));
}

/* Offsets beyond the 16-bit range: BEQZC (21 bits) and BC (26 bits). */
NOINLINE static void far(void)
{
  uint64_t r, z = 0;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tbeqzc %1, 1f\n\taddiu %0, %0, 1\n"
                   "\t.space 0x30000\n"
                   "1:\tbc 2f\n"
                   "\t.space 0x30000\n"
                   "\taddiu %0, %0, 2\n"
                   "2:\taddiu %0, %0, 4\n\t.set pop" : "=&r"(r) : "r"(z));
  printf("far beqzc/bc -> %llu\n", ULL(r));
}

/* BOVC/BNVC as a same-register pair: overflow of a + a. */
NOINLINE static uint64_t t_bovc_same(uint64_t a)
{
  uint64_t r;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "move %0, $0\n\tbovc %1, %1, 1f\n\taddiu %0, %0, 1\n\taddiu %0, %0, 2\n"
                   "1:\n\t.set pop" : "=&r"(r) : "r"(a));
  return r;
}

int main(void)
{
  printf("# two-register compact branches (0 taken, 3 not taken)\n");
  for (size_t i = 0; i < N_ELEMS(BV); i++)
    for (size_t j = 0; j < N_ELEMS(BV); j++)
      printf("beqc/bnec/bltc/bgec/bltuc/bgeuc %016llx %016llx -> %llu %llu %llu %llu %llu %llu\n",
             ULL(BV[i]), ULL(BV[j]), ULL(t_beqc(BV[i], BV[j])), ULL(t_bnec(BV[i], BV[j])),
             ULL(t_bltc(BV[i], BV[j])), ULL(t_bgec(BV[i], BV[j])),
             ULL(t_bltuc(BV[i], BV[j])), ULL(t_bgeuc(BV[i], BV[j])));
  printf("# overflow branches\n");
  for (size_t i = 0; i < N_ELEMS(V32X); i++)
    for (size_t j = 0; j < N_ELEMS(V32X); j++)
      printf("bovc/bnvc %016llx %016llx -> %llu %llu\n", ULL(V32X[i]), ULL(V32X[j]),
             ULL(t_bovc(V32X[i], V32X[j])), ULL(t_bnvc(V32X[i], V32X[j])));
  for (size_t i = 0; i < N_ELEMS(V32X); i++)
    printf("bovc same %016llx -> %llu\n", ULL(V32X[i]), ULL(t_bovc_same(V32X[i])));
  printf("# one-register compact branches\n");
  for (size_t i = 0; i < N_ELEMS(V64); i++)
    printf("beqzc/bnezc/blezc/bgezc/bgtzc/bltzc %016llx -> %llu %llu %llu %llu %llu %llu\n",
           ULL(V64[i]), ULL(t_beqzc(V64[i])), ULL(t_bnezc(V64[i])), ULL(t_blezc(V64[i])),
           ULL(t_bgezc(V64[i])), ULL(t_bgtzc(V64[i])), ULL(t_bltzc(V64[i])));
  printf("# compact branch-and-link (result*0x1000 + link offset)\n");
  for (size_t i = 0; i < N_ELEMS(V64); i++)
    printf("beqzalc/bnezalc/blezalc/bgezalc/bgtzalc/bltzalc %016llx -> %llx %llx %llx %llx %llx %llx\n",
           ULL(V64[i]), ULL(t_beqzalc(V64[i])), ULL(t_bnezalc(V64[i])),
           ULL(t_blezalc(V64[i])), ULL(t_bgezalc(V64[i])), ULL(t_bgtzalc(V64[i])),
           ULL(t_bltzalc(V64[i])));
  printf("# unconditional\n");
  uncond();
  far();
  printf("# done\n");
  return 0;
}
