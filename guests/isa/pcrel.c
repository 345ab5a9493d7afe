/* PC-relative instructions: ADDIUPC (shown by objdump as LAPC), AUIPC,
 * ALUIPC, LWPC, LWUPC, LDPC.  Each line prints the PC of the instruction
 * (taken with LAPC of a label on it), the result, and the difference. */
#include "common.h"

static void show_pc(const char *what, uint64_t pc, uint64_t v)
{
  printf("%-24s pc=%016llx -> %016llx (pc%+lld)\n", what, ULL(pc), ULL(v),
         (long long)(v - pc));
}

/* Result of one PC-relative instruction, and its own address. */
#define PCREL(text)                                                          \
  do {                                                                       \
    uint64_t v_, pc_;                                                        \
    __asm__ volatile(".set push\n\t.set noreorder\n\t"                      \
                     "lapc %1, 1f\n"                                         \
                     "1:\t" text "\n\t"                                      \
                     ".set pop"                                              \
                     : "=r"(v_), "=&r"(pc_));                                \
    show_pc(text, pc_, v_);                                                  \
  } while (0)

/* Loads from data just before and just after the code (in .text) and from
 * .rodata, at both PC alignments for LDPC. */
NOINLINE static void pc_loads(void)
{
  uint64_t r[12];
  __asm__ volatile(
      ".set push\n\t.set noreorder\n\t"
      "bc 2f\n\t"
      ".align 3\n"
      "3:\t.dword 0x8877665544332211\n\t"
      ".word 0x89abcdef\n\t"
      ".word 0x7fff8001\n"
      "2:\tlwpc %0, 3b\n\t"
      "lwpc %1, 3b+8\n\t"
      "lwupc %2, 3b+8\n\t"
      "lwupc %3, 3b+12\n\t"
      "ldpc %4, 3b\n\t"
      "nop\n\t"
      "ldpc %5, 3b+8\n\t"
      "lwpc %6, 4f\n\t"
      "lwupc %7, 4f+4\n\t"
      "ldpc %8, 4f+8\n\t"
      "ldpc %9, 4f+16\n\t"
      "lwpc %10, 5f\n\t"
      "ldpc %11, 5f+8\n\t"
      "bc 6f\n\t"
      ".align 3\n"
      "4:\t.word 0xfedcba98\n\t"
      ".word 0x80000000\n\t"
      ".dword 0x0123456789abcdef\n\t"
      ".dword 0xffffffff00000000\n"
      "6:\n\t"
      ".pushsection .rodata\n\t"
      ".align 3\n"
      "5:\t.word 0xcafef00d\n\t"
      ".word 0\n\t"
      ".dword 0x8000000000000001\n\t"
      ".popsection\n\t"
      ".set pop"
      : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4]),
        "=&r"(r[5]), "=&r"(r[6]), "=&r"(r[7]), "=&r"(r[8]), "=&r"(r[9]),
        "=&r"(r[10]), "=&r"(r[11]));
  static const char *const what[12] = {
    "lwpc back+0", "lwpc back+8", "lwupc back+8", "lwupc back+12",
    "ldpc back+0", "ldpc back+8 (pc+4)", "lwpc fwd+0", "lwupc fwd+4",
    "ldpc fwd+8", "ldpc fwd+16", "lwpc rodata", "ldpc rodata+8",
  };
  for (int i = 0; i < 12; i++)
    printf("%-24s -> %016llx\n", what[i], ULL(r[i]));
}

/* LDPC at a PC that is 4 mod 8: the base is PC & ~7. */
NOINLINE static void ldpc_align(void)
{
  uint64_t a, b, pa, pb;
  __asm__ volatile(
      ".set push\n\t.set noreorder\n\t"
      ".align 3\n"
      "1:\tldpc %0, 3f\n\t"
      "lapc %2, 1b\n\t"
      "lapc %3, 2f\n"
      "2:\tldpc %1, 3f\n\t"
      "bc 4f\n\t"
      ".align 3\n"
      "3:\t.dword 0x1122334455667788\n"
      "4:\n\t"
      ".set pop"
      : "=&r"(a), "=&r"(b), "=&r"(pa), "=&r"(pb));
  printf("%-24s pc=%016llx -> %016llx\n", "ldpc at pc%8=0", ULL(pa), ULL(a));
  printf("%-24s pc=%016llx -> %016llx\n", "ldpc at pc%8=4", ULL(pb), ULL(b));
}

int main(void)
{
  printf("# addiupc\n");
  PCREL("addiupc %0, 0");
  PCREL("addiupc %0, 4");
  PCREL("addiupc %0, -4");
  PCREL("addiupc %0, 0x7fffc");
  PCREL("addiupc %0, 0xffffc");
  PCREL("addiupc %0, -0x100000");
  printf("# auipc aluipc\n");
  PCREL("auipc %0, 0");
  PCREL("auipc %0, 1");
  PCREL("auipc %0, 0x7fff");
  PCREL("auipc %0, 0x8000");
  PCREL("auipc %0, 0xffff");
  PCREL("aluipc %0, 0");
  PCREL("aluipc %0, 1");
  PCREL("aluipc %0, 0x7fff");
  PCREL("aluipc %0, 0x8000");
  PCREL("aluipc %0, 0xffff");
  printf("# pc-relative loads\n");
  pc_loads();
  ldpc_align();
  printf("# done\n");
  return 0;
}
