/* Exceptions raised by integer instructions, caught by the trap hook:
 * SYSCALL BREAK TEQ TNE TGE TGEU TLT TLTU SIGRIE, ADD/SUB/DADD/DSUB
 * overflow, encodings removed in R6 (Reserved Instruction), control
 * transfers in delay and forbidden slots, exceptions in delay and forbidden
 * slots (Cause.BD, EPC), misaligned instruction fetch, and data addresses
 * that are unmapped or outside the enabled segments.
 *
 * Each line shows ExcCode, Cause.BD, EPC, BadVAddr (address errors and TLB
 * exceptions only), BadInstr and the vector offset from EBase. */
#include "common.h"

/* Run `text` with the hook armed and trap_resume pointing just past it (so
 * exceptions in delay slots and at bad PCs resume there).  Operand %0 is a
 * scratch register, %1 the address of trap_resume; extra inputs start at
 * %2.  Labels 9 and above are reserved. */
#define EXPECT(name, text, ...)                                              \
  do {                                                                       \
    uint64_t t_;                                                             \
    trap_expect();                                                           \
    __asm__ volatile(".set push\n\t.set noreorder\n\t.set noat\n\t"         \
                     "lapc %0, 9f\n\tsd %0, 0(%1)\n\t" text "\n\tnop\n"      \
                     "9:\n\t.set pop"                                        \
                     : "=&r"(t_)                                             \
                     : "r"(&trap_resume)__VA_ARGS__                          \
                     : "memory", "$1", "$31");                               \
    trap_resume = 0;                                                         \
    rt_exc_hook = NULL;                                                      \
    trap_report(name);                                                       \
  } while (0)

/* An encoding given as a word. */
#define EXPECT_WORD(name, word) EXPECT(name " " #word, ".word " #word)

static const uint64_t TA[] = {
  0x0000000000000001ull, 0xffffffffffffffffull, 0x000000007fffffffull,
  0xffffffff80000000ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
  0x0000000100000000ull,
};

#define T_TRAP(insn)                                                         \
  do {                                                                       \
    for (size_t i_ = 0; i_ < N_ELEMS(TA); i_++)                              \
      for (size_t j_ = 0; j_ < N_ELEMS(TA); j_++) {                          \
        char what_[64];                                                      \
        snprintf(what_, sizeof what_, "%s %llx,%llx", insn, ULL(TA[i_]),     \
                 ULL(TA[j_]));                                               \
        EXPECT(what_, insn " %2, %3, 0x155", , "r"(TA[i_]), "r"(TA[j_]));    \
      }                                                                      \
  } while (0)

/* Overflowing add/sub: the destination keeps its old value. */
#define T_OV(insn, a, b)                                                     \
  do {                                                                       \
    uint64_t d_ = 0x5555555555555555ull;                                     \
    trap_expect();                                                           \
    __asm__ volatile(insn " %0, %1, %2" : "+r"(d_) : "r"(a), "r"(b));        \
    rt_exc_hook = NULL;                                                      \
    trap_report(insn " " #a " " #b);                                         \
    printf("  rd after: %016llx\n", ULL(d_));                                \
  } while (0)

static void simple(void)
{
  printf("# syscall break sigrie\n");
  EXPECT("syscall", "syscall");
  EXPECT("syscall 0xfffff", "syscall 0xfffff");
  EXPECT("break", "break");
  EXPECT("break 7", "break 7");
  EXPECT("break 0x3ff,0x3ff", "break 0x3ff, 0x3ff");
  EXPECT("sigrie 0", "sigrie 0");
  EXPECT("sigrie 0xffff", "sigrie 0xffff");

  printf("# conditional traps (code 0x155)\n");
  T_TRAP("teq");
  T_TRAP("tne");
  T_TRAP("tge");
  T_TRAP("tgeu");
  T_TRAP("tlt");
  T_TRAP("tltu");
  EXPECT("teq $0,$0 code 0", "teq $0, $0");

  printf("# overflow\n");
  T_OV("add", 0x7fffffffull, 1ull);
  T_OV("add", 0xffffffff80000000ull, 0xffffffffffffffffull);
  T_OV("add", 0x7ffffffeull, 1ull);
  T_OV("sub", 0xffffffff80000000ull, 1ull);
  T_OV("sub", 0ull, 0xffffffff80000000ull);
  T_OV("dadd", 0x7fffffffffffffffull, 1ull);
  T_OV("dadd", 0x8000000000000000ull, 0x8000000000000000ull);
  T_OV("dsub", 0x8000000000000000ull, 1ull);
  T_OV("dsub", 0ull, 0x8000000000000000ull);
  T_OV("dsub", 0xffffffffffffffffull, 0x8000000000000000ull);
}

static void reserved(void)
{
  printf("# encodings removed in R6\n");
  EXPECT_WORD("lwl", 0x88000000);
  EXPECT_WORD("lwr", 0x98000000);
  EXPECT_WORD("swl", 0xa8000000);
  EXPECT_WORD("swr", 0xb8000000);
  EXPECT_WORD("ldl", 0x68000000);
  EXPECT_WORD("ldr", 0x6c000000);
  EXPECT_WORD("sdl", 0xb0000000);
  EXPECT_WORD("sdr", 0xb4000000);
  EXPECT_WORD("ll(pre-R6)", 0xc0000000);
  EXPECT_WORD("lld(pre-R6)", 0xd0000000);
  EXPECT_WORD("sc(pre-R6)", 0xe0000000);
  EXPECT_WORD("scd(pre-R6)", 0xf0000000);
  EXPECT_WORD("pref(pre-R6)", 0xcc000000);
  EXPECT_WORD("cache(pre-R6)", 0xbc000000);
  EXPECT_WORD("beql", 0x50000000);
  EXPECT_WORD("bnel", 0x54000000);
  EXPECT_WORD("blezl-rt0", 0x58000000);
  EXPECT_WORD("bgtzl-rt0", 0x5c000000);
  EXPECT_WORD("bltzl", 0x04020000);
  EXPECT_WORD("bgezl", 0x04030000);
  EXPECT_WORD("bltzall", 0x04120000);
  EXPECT_WORD("bgezall", 0x04130000);
  EXPECT_WORD("bltzal-rs1", 0x04300000);
  EXPECT_WORD("bgezal-rs1", 0x04310000);
  EXPECT_WORD("tgei", 0x04080000);
  EXPECT_WORD("tnei", 0x040e0000);
  EXPECT_WORD("movci", 0x00000001);
  EXPECT_WORD("jr-pre-R6", 0x00000008);
  EXPECT_WORD("movz", 0x0000000a);
  EXPECT_WORD("movn", 0x0000000b);
  EXPECT_WORD("mfhi", 0x00000010);
  EXPECT_WORD("mthi", 0x00000011);
  EXPECT_WORD("mflo", 0x00000012);
  EXPECT_WORD("mtlo", 0x00000013);
  EXPECT_WORD("mult", 0x00000018);
  EXPECT_WORD("multu", 0x00000019);
  EXPECT_WORD("div-pre-R6", 0x0000001a);
  EXPECT_WORD("divu-pre-R6", 0x0000001b);
  EXPECT_WORD("dmult", 0x0000001c);
  EXPECT_WORD("ddivu-pre-R6", 0x0000001f);
  EXPECT_WORD("special-28", 0x00000028);
  EXPECT_WORD("special-39", 0x00000039);
  EXPECT_WORD("special2-mul", 0x70000002);
  EXPECT_WORD("special2-clz", 0x70000020);
  EXPECT_WORD("special2-madd", 0x70000000);
  EXPECT_WORD("pop26-rt0", 0x58200000);
  EXPECT_WORD("pop27-rt0", 0x5c200000);
  EXPECT_WORD("daui-rs0", 0x74010001);
  EXPECT_WORD("pcrel-reserved", 0xec3c0000);
  EXPECT_WORD("pcrel-reserved2", 0xec3d0000);
  EXPECT_WORD("cop1x", 0x4c000000);
}

/* Control transfers where R6 forbids them, and exceptions in slots. */
NOINLINE static void slots(void)
{
  uint64_t one = 1;
  printf("# slots\n");
  EXPECT("b in delay slot", "beq $0, $0, 9f\n\tb 9f");
  EXPECT("bc in delay slot", "beq $0, $0, 9f\n\tbc 9f");
  /* QEMU translates BNE rx,rx / BGTZ $0 / BLTZ $0 (never taken) as NOPs,
   * so the next instruction is not in a delay slot there. */
  EXPECT("jal after bne $0,$0", "bne $0, $0, 9f\n\tjal 9f");
  EXPECT("jal after bne rx,rx", "bne %2, %2, 9f\n\tjal 9f", , "r"(one));
  EXPECT("jal in bne slot (not taken)", "bne %2, $0, 9f\n\tjal 9f", , "r"(0));
  EXPECT("b after bgtz $0", "bgtz $0, 9f\n\tb 9f");
  EXPECT("b after bltz $0", "bltz $0, 9f\n\tb 9f");
  EXPECT("b after blez $0", "blez $0, 9f\n\tb 9f");
  EXPECT("jr in delay slot", "lapc $1, 9f\n\tbeq $0, $0, 9f\n\tjr $1");
  EXPECT("nal in delay slot", "beq $0, $0, 9f\n\tnal");
  EXPECT("pause in delay slot", "beq $0, $0, 9f\n\tpause");
  EXPECT("bc in forbidden slot", "bltzc %2, 9f\n\tbc 9f", , "r"(one));
  EXPECT("b in forbidden slot", "beqzc %2, 9f\n\tb 9f", , "r"(one));
  EXPECT("jic in forbidden slot", "lapc $1, 9f\n\tbeqc %2, $1, 9f\n\tjic $1, 0", ,
         "r"(one));
  EXPECT("teq in delay slot (taken)", "beq $0, $0, 9f\n\tteq $0, $0");
  EXPECT("teq after bne $0,$0", "bne $0, $0, 9f\n\tteq $0, $0");
  EXPECT("teq in delay slot (not taken)", "beq %2, $0, 9f\n\tteq $0, $0", , "r"(one));
  EXPECT("syscall in jal slot", "jal 9f\n\tsyscall 1");
  EXPECT("teq in forbidden slot", "beqzc %2, 9f\n\tteq $0, $0", , "r"(one));
  EXPECT("syscall after bc", "bc 1f\n\tnop\n1:\tsyscall 2");
}

NOINLINE static void addresses(void)
{
  printf("# bad fetch and data addresses\n");
  EXPECT("jic to pc+2", "lapc $1, 9f\n\tjic $1, 2");
  EXPECT("jr to pc+1", "lapc $1, 9f\n\tdaddiu $1, $1, 1\n\tjr $1\n\tnop");
  EXPECT("jialc to pc+3", "lapc $1, 9f\n\tjialc $1, 3");
  EXPECT("lw from 0", "lw $1, 0($0)");
  EXPECT("sw to 0x1000", "li $1, 0x1000\n\tsw $0, 0($1)");
  EXPECT("ld from 0x7ffffff8", "li $1, 0x7ffffff8\n\tld $1, 0($1)");
  EXPECT("lb from xuseg 1<<32", "dli $1, 0x100000000\n\tlb $1, 0($1)");
  EXPECT("lb from xkphys", "dli $1, 0x9000000000100000\n\tlb $1, 0($1)");
  EXPECT("sd to xkphys", "dli $1, 0x9800000000100000\n\tsd $0, 0($1)");
  EXPECT("lw from xkseg", "dli $1, 0xc000000000000000\n\tlw $1, 0($1)");
  EXPECT("lw from kseg2", "li $1, 0xc0000000\n\tlw $1, 0($1)");
  EXPECT("sw to kseg3", "li $1, 0xe0000000\n\tsw $0, 0($1)");
  EXPECT("lw from 1<<62", "dli $1, 0x4000000000000000\n\tlw $1, 0($1)");
}

int main(void)
{
  simple();
  reserved();
  slots();
  addresses();
  printf("# done\n");
  return 0;
}
