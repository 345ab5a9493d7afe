/* EPC, Cause.BD, BadInstr and BadInstrP for exceptions in delay slots and
 * forbidden slots.
 *
 * An exception on the instruction in the delay slot of a branch or jump
 * (taken or not) reports EPC = the branch, Cause.BD = 1, BadInstr = the
 * faulting word and BadInstrP = the branch word; resuming at EPC re-executes
 * the branch.  For the forbidden slot of a compact branch vzsim reports EPC
 * = the branch and BD = 1 like QEMU (docs/decisions.md).  Also: faults on
 * the fetch of a jump target (EPC = target, BD = 0), an interrupt raised by
 * the slot instruction (taken after the branch completes), an exception in
 * a slot while EXL = 1 (EPC and BD unchanged), and a misaligned fetch
 * repeated at the same address (BadVAddr). */
#include "priv.h"

static unsigned checks;

#define KUSEG_MISS 0x10000ull
#define VA_CLEAN 0x21000ull

static void sw_ack(struct rt_frame *f)
{
  (void)f;
  MTC0(13, 0, MFC0(13, 0) & ~(uint64_t)(CA_IP(0) | CA_IP(1)));
}

/* %0 = 0, %1 = 0, %2 = -1, %3 = 1, %4 = unmapped address, %5 = clean page,
 * %6 = 0x7fff0000 (overflows when added to itself); label 1 follows. */
/* two zeros in different registers (BNE rx,rx would be a different case) */
static volatile uint64_t vzero;

#define RUN(name, text)                                                        \
  do {                                                                         \
    uint64_t z0_ = vzero, z1_ = vzero;                                         \
    exc_arm();                                                                 \
    __asm__ volatile(".set push\n\t.set noreorder\n\t.set noat\n\t" text       \
                     "\n\tnop\n\tnop\n1:\n\t.set pop"                          \
                     :                                                         \
                     : "r"(z0_), "r"(z1_), "r"(-1ll), "r"(1ull),               \
                       "r"(KUSEG_MISS), "r"(VA_CLEAN), "r"(0x7fff0000ull)      \
                     : "memory", "$2", "$3", "$31");                           \
    exc_show(name, P_BADV | P_INSTR);                                          \
    checks++;                                                                  \
  } while (0)

#define SLOT_INSNS(X)                                                          \
  X("syscall", "syscall 3")                                                    \
  X("teq", "teq $0, $0, 5")                                                    \
  X("sigrie", "sigrie 7")                                                      \
  X("mfc1", ".word 0x44020000")                                                \
  X("add ov", "add $2, %6, %6")                                                \
  X("lw miss", "lw $2, 0(%4)")                                                 \
  X("sw clean", "sw $0, 4(%5)")                                                \
  X("ll misal", "ll $2, 2(%5)")                                                \
  X("break", "break 9")

#define BR(bname, branch)                                                      \
  do {                                                                         \
    printf("# delay slot of %s\n", bname);                                     \
    SLOT_INSNS(BR1)                                                            \
  } while (0)
#define BR1(iname, insn) RUN(iname " in slot", BRANCH "\n\t" insn);

static void delay_slots(void)
{
#define BRANCH "beq %0, %1, 1f"
  BR("beq taken", BRANCH);
#undef BRANCH
#define BRANCH "bne %0, %1, 1f"
  BR("bne not taken", BRANCH);
#undef BRANCH
#define BRANCH "bltz %2, 1f"
  BR("bltz taken", BRANCH);
#undef BRANCH
#define BRANCH "bgez %2, 1f"
  BR("bgez not taken", BRANCH);
#undef BRANCH
#define BRANCH "blez %3, 1f"
  BR("blez not taken", BRANCH);
#undef BRANCH
#define BRANCH "bgtz %3, 1f"
  BR("bgtz taken", BRANCH);
#undef BRANCH
#define BRANCH "j 1f"
  BR("j", BRANCH);
#undef BRANCH
#define BRANCH "jal 1f"
  BR("jal", BRANCH);
#undef BRANCH
#define BRANCH "bal 1f"
  BR("bal", BRANCH);
#undef BRANCH
#define BRANCH "nal"
  BR("nal", BRANCH);
#undef BRANCH
#define BRANCH "lapc $3, 1f\n\tjr $3"
  BR("jr", BRANCH);
#undef BRANCH
#define BRANCH "lapc $3, 1f\n\tjalr $3"
  BR("jalr", BRANCH);
#undef BRANCH
#define BRANCH "lapc $3, 1f\n\tjalr.hb $2, $3"
  BR("jalr.hb rd", BRANCH);
#undef BRANCH
}

#define FS_INSNS(X)                                                            \
  X("syscall", "syscall 4")                                                    \
  X("sigrie", "sigrie 8")                                                      \
  X("lw miss", "lw $2, 8(%4)")                                                 \
  X("add ov", "add $2, %6, %6")

#define FS(bname, branch)                                                      \
  do {                                                                         \
    printf("# forbidden slot of %s (not taken)\n", bname);                     \
    FS_INSNS(FS1)                                                              \
  } while (0)
#define FS1(iname, insn) RUN(iname " in fslot", BRANCH "\n\t" insn);

static void forbidden_slots(void)
{
#define BRANCH "beqzc %3, 1f"
  FS("beqzc", BRANCH);
#undef BRANCH
#define BRANCH "bnezc %0, 1f"
  FS("bnezc", BRANCH);
#undef BRANCH
#define BRANCH "beqc %2, %3, 1f"
  FS("beqc", BRANCH);
#undef BRANCH
#define BRANCH "bnec %0, %1, 1f"
  FS("bnec", BRANCH);
#undef BRANCH
#define BRANCH "bltc %3, %2, 1f"
  FS("bltc", BRANCH);
#undef BRANCH
#define BRANCH "bgeuc %3, %2, 1f"
  FS("bgeuc", BRANCH);
#undef BRANCH
#define BRANCH "blezc %3, 1f"
  FS("blezc", BRANCH);
#undef BRANCH
#define BRANCH "bgtzc %2, 1f"
  FS("bgtzc", BRANCH);
#undef BRANCH
#define BRANCH "bovc %0, %3, 1f"
  FS("bovc", BRANCH);
#undef BRANCH
#define BRANCH "bnvc %6, %6, 1f"
  FS("bnvc", BRANCH);
#undef BRANCH
#define BRANCH "bgezalc %2, 1f"
  FS("bgezalc", BRANCH);
#undef BRANCH
}

/* A fault on the fetch of a jump target: EPC = the target, BD = 0, and the
 * link register already written. */
static void target_faults(void)
{
  printf("# faults fetching the target of a jump\n");
  static const struct { const char *name; uint64_t target; } tf[] = {
    { "jalr to kuseg miss", 0x0000000000018000ull },
    { "jalr to misaligned", 0xffffffff80100002ull },
    { "jalr to xkseg, KX=0", 0xc000000000000000ull },
    { "jalr to no device", 0xffffffffb6400000ull },
  };
  for (unsigned i = 0; i < N_ELEMS(tf); i++) {
    uint64_t ra, here;
    exc_arm();
    __asm__ volatile(".set push\n\t.set noreorder\n\t"
                     "lapc %1, 2f\n\tjalr %2\n\tnop\n2:\n\tmove %0, $31\n\t.set pop"
                     : "=r"(ra), "=&r"(here) : "r"(tf[i].target) : "memory", "$31");
    exc_show(tf[i].name, P_BADV | P_INSTR);
    printf("  ra = return point: %u\n", ra == here);
    checks += 2;
  }
  exc_arm();
  uint64_t t = 0x0000000000018000ull;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "jialc %0, 0\n\tnop\n\t.set pop" :: "r"(t) : "memory", "$31");
  exc_show("jialc to kuseg miss", P_BADV | P_INSTR);
  checks++;
}

/* An interrupt made pending by the delay-slot instruction is taken once the
 * branch has completed: EPC = the branch target, BD = 0. */
static void slot_interrupt(void)
{
  printf("# interrupt raised by a delay-slot instruction\n");
  priv_irq_ack = sw_ack;
  uint64_t st = MFC0(12, 0);
  MTC0(12, 0, st | ST_IM(0) | ST_IE);
  exc_arm();
  uint64_t target;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "lapc %0, 1f\n\t"
                   "b 1f\n\tmtc0 %1, $13\n\tnop\n\tnop\n1:\n\tnop\n\t.set pop"
                   : "=&r"(target) : "r"(CA_IP(0)) : "memory");
  MTC0(12, 0, st);
  exc_show("mtc0 Cause.IP0 in slot", 0);
  printf("  epc = branch target: %u\n", exc_n && exc_log[0].epc == target);
  checks += 2;
}

/* With EXL = 1 an exception in a delay slot keeps EPC and BD. */
static void slot_exl(void)
{
  printf("# exception in a delay slot with EXL = 1\n");
  exc_arm();
  uint64_t t;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "lapc %0, 1f\n\tsd %0, 0(%1)\n\tdmtc0 %2, $14\n\t"
                   "mfc0 %0, $12\n\tori %0, %0, 2\n\tmtc0 %0, $12\n\tehb\n\t"
                   "b 1f\n\tsyscall 2\n\tnop\n1:\n\t.set pop"
                   : "=&r"(t) : "r"(&priv_resume), "r"(0x1000ull) : "memory");
  exc_show("EXL=1 syscall in slot", P_INSTR);
  checks++;
}

/* A misaligned fetch at an address that was already fetched once. */
static void misaligned_twice(void)
{
  printf("# misaligned fetch, twice at the same address\n");
  for (int i = 0; i < 2; i++) {
    exc_arm();
    __asm__ volatile(".set push\n\t.set noreorder\n\t"
                     "dmtc0 $0, $8\n\tjalr %0\n\tnop\n\t.set pop"
                     :: "r"(0xffffffff80100006ull) : "memory", "$31");
    /* BadVAddr is read-only: dmtc0 above is ignored; print what the
     * exception left in it */
    exc_show(i ? "second time" : "first time", P_BADV);
    checks++;
  }
}

int main(void)
{
  priv_init();
  uint64_t pd = PHYS(priv_udata);
  tlb_set(0, 0x20000, 0, ELO(pd, ELO_V), ELO(pd + 4096, ELO_V));   /* clean pages */
  delay_slots();
  forbidden_slots();
  target_faults();
  slot_interrupt();
  slot_exl();
  misaligned_twice();
  printf("# checks: %u\n", checks);
  return 0;
}
