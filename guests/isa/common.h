/* Helpers shared by the instruction-group guest programs.
 *
 * Each program runs instructions through inline asm (so the exact encoding
 * is tested, not whatever GCC would pick) and prints every result as hex.
 * Operand tables hold the edge cases; 32-bit instructions also get a few
 * inputs that are not sign-extended 32-bit values (UNPREDICTABLE in the
 * architecture; vzsim follows QEMU there). */
#ifndef VZSIM_GUEST_ISA_COMMON_H
#define VZSIM_GUEST_ISA_COMMON_H

#include "rt.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define NOINLINE __attribute__((noinline, noclone))

/* Sign-extended 32-bit values. */
static const uint64_t V32[] = {
  0x0000000000000000ull, 0x0000000000000001ull, 0x0000000000000002ull,
  0x000000000000007full, 0x0000000000000080ull, 0x000000000000ffffull,
  0x0000000000007fffull, 0x0000000000008000ull, 0x0000000012345678ull,
  0x000000007ffffffeull, 0x000000007fffffffull, 0xffffffff80000000ull,
  0xffffffff80000001ull, 0xffffffff89abcdefull, 0xfffffffffffffffeull,
  0xffffffffffffffffull,
};

/* Values that are not sign-extended 32-bit values. */
static const uint64_t VX[] = {
  0x00000000ffffffffull, 0x0000000080000000ull, 0x123456789abcdef0ull,
  0x8000000000000000ull,
};

/* 64-bit operands: V32 plus 64-bit edges. */
static const uint64_t V64[] = {
  0x0000000000000000ull, 0x0000000000000001ull, 0x0000000000000002ull,
  0x000000000000007full, 0x0000000000008000ull, 0x000000007fffffffull,
  0xffffffff80000000ull, 0xffffffff89abcdefull, 0xfffffffffffffffeull,
  0xffffffffffffffffull, 0x0000000080000000ull, 0x00000000ffffffffull,
  0x0000000100000000ull, 0x00000001ffffffffull, 0x123456789abcdef0ull,
  0xfedcba9876543210ull, 0x7ffffffffffffffeull, 0x7fffffffffffffffull,
  0x8000000000000000ull, 0x8000000000000001ull,
};

/* V32 followed by VX, for 32-bit instructions. */
static const uint64_t V32X[] = {
  0x0000000000000000ull, 0x0000000000000001ull, 0x0000000000000002ull,
  0x000000000000007full, 0x0000000000000080ull, 0x000000000000ffffull,
  0x0000000000007fffull, 0x0000000000008000ull, 0x0000000012345678ull,
  0x000000007ffffffeull, 0x000000007fffffffull, 0xffffffff80000000ull,
  0xffffffff80000001ull, 0xffffffff89abcdefull, 0xfffffffffffffffeull,
  0xffffffffffffffffull,
  0x00000000ffffffffull, 0x0000000080000000ull, 0x123456789abcdef0ull,
  0x8000000000000000ull,
};

/* One-result instruction forms. */
#define ASM_RRR(insn, a, b)                                                 \
  ({                                                                        \
    uint64_t r_;                                                            \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b));       \
    r_;                                                                     \
  })
#define ASM_RR(insn, a)                                                     \
  ({                                                                        \
    uint64_t r_;                                                            \
    __asm__ volatile(insn " %0, %1" : "=r"(r_) : "r"(a));                   \
    r_;                                                                     \
  })
#define ASM_RRI(insn, a, imm)                                               \
  ({                                                                        \
    uint64_t r_;                                                            \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a), "i"(imm));     \
    r_;                                                                     \
  })
#define ASM_RRRI(insn, a, b, imm)                                           \
  ({                                                                        \
    uint64_t r_;                                                            \
    __asm__ volatile(insn " %0, %1, %2, %3"                                 \
                     : "=r"(r_)                                             \
                     : "r"(a), "r"(b), "i"(imm));                           \
    r_;                                                                     \
  })

static inline void show2(const char *name, uint64_t a, uint64_t b, uint64_t r)
{
  printf("%-8s %016llx %016llx -> %016llx\n", name, ULL(a), ULL(b), ULL(r));
}

static inline void show1(const char *name, uint64_t a, uint64_t r)
{
  printf("%-8s %016llx -> %016llx\n", name, ULL(a), ULL(r));
}

static inline void showi(const char *name, uint64_t a, long long imm, uint64_t r)
{
  printf("%-8s %016llx,%lld -> %016llx\n", name, ULL(a), imm, ULL(r));
}

/* Every pair from two tables through a register-register instruction. */
#define TEST_RRR(insn, ta, tb)                                              \
  do {                                                                      \
    for (size_t i_ = 0; i_ < N_ELEMS(ta); i_++)                             \
      for (size_t j_ = 0; j_ < N_ELEMS(tb); j_++)                           \
        show2(insn, ta[i_], tb[j_], ASM_RRR(insn, ta[i_], tb[j_]));         \
  } while (0)

#define TEST_RR(insn, ta)                                                   \
  do {                                                                      \
    for (size_t i_ = 0; i_ < N_ELEMS(ta); i_++)                             \
      show1(insn, ta[i_], ASM_RR(insn, ta[i_]));                            \
  } while (0)

#define TEST_RRI(insn, ta, imm)                                             \
  do {                                                                      \
    for (size_t i_ = 0; i_ < N_ELEMS(ta); i_++)                             \
      showi(insn, ta[i_], (long long)(imm), ASM_RRI(insn, ta[i_], imm));    \
  } while (0)

/* ---- catching expected exceptions --------------------------------------
 * trap_expect() installs a hook that records the exception and resumes at
 * EPC + 4, or at trap_resume when that is nonzero (needed for exceptions in
 * delay slots and for bad fetch addresses).  trap_report() prints what was
 * caught: ExcCode, BD, EPC, BadVAddr (only for codes that set it) and
 * BadInstr. */
extern volatile unsigned trap_count;
extern volatile uint64_t trap_resume;
extern struct rt_frame trap_last;

void trap_hook(struct rt_frame *f);
void trap_expect(void);
void trap_report(const char *what);

/* Operand values for the branch tests (branch_delay.c, branch_compact.c). */
static const uint64_t BV[] = {
  0x0000000000000000ull, 0x0000000000000001ull, 0xffffffffffffffffull,
  0x000000007fffffffull, 0xffffffff80000000ull, 0x0000000080000000ull,
  0x00000000ffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull,
  0x0000000100000000ull,
};

/* t_<insn>(a[, b]): r = 0, then the branch to 1f, then r += 1 (the delay or
 * forbidden slot), then r += 2 (the fall-through path); returns r. */
#define BRANCH_T2(insn)                                                      \
  NOINLINE static uint64_t t_##insn(uint64_t a, uint64_t b)                  \
  {                                                                          \
    uint64_t r;                                                              \
    __asm__ volatile(".set push\n\t.set noreorder\n\t"                      \
                     "move %0, $0\n\t" #insn " %1, %2, 1f\n\t"              \
                     "addiu %0, %0, 1\n\t"                                   \
                     "addiu %0, %0, 2\n"                                     \
                     "1:\n\t.set pop"                                        \
                     : "=&r"(r)                                              \
                     : "r"(a), "r"(b));                                      \
    return r;                                                                \
  }
#define BRANCH_T1(insn)                                                      \
  NOINLINE static uint64_t t_##insn(uint64_t a)                              \
  {                                                                          \
    uint64_t r;                                                              \
    __asm__ volatile(".set push\n\t.set noreorder\n\t"                      \
                     "move %0, $0\n\t" #insn " %1, 1f\n\t"                  \
                     "addiu %0, %0, 1\n\t"                                   \
                     "addiu %0, %0, 2\n"                                     \
                     "1:\n\t.set pop"                                        \
                     : "=&r"(r)                                              \
                     : "r"(a));                                              \
    return r;                                                                \
  }

#endif
