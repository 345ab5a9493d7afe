/* ERET, ERETNC, EHB, DI/EI and other privileged instructions.
 *
 *  - ERET returns to EPC and clears EXL; with ERL = 1 it returns to
 *    ErrorEPC and clears ERL only; the Status it leaves (KSU selects the
 *    mode entered); ERET to a misaligned address (AdEL on the fetch);
 *  - the LL bit: ERET clears it (a following SC fails), ERETNC keeps it;
 *  - DI/EI return the old Status and change only IE;
 *  - ERET/ERETNC/DERET/WAIT/DI/TLBP/CACHE/MFC0 in user mode: Coprocessor
 *    Unusable (CE = 0), also with Status.CU0 = 1 (Release 6);
 *  - RDHWR in user mode gated by HWREna;
 *  - ERET in a delay slot: Reserved Instruction. */
#include "priv.h"

static unsigned checks;
static volatile uint64_t word __attribute__((aligned(8)));

static void show(const char *what, uint64_t v)
{
  printf("%-44s %016llx\n", what, ULL(v));
  checks++;
}

/* Enter label 1 by ERET (or ERETNC) with Status = st; returns Status seen
 * at the label. */
#define ERET_TO(insn, st_in, st_out)                                          \
  __asm__ volatile(".set push\n\t.set noreorder\n\t"                          \
                   "lapc $8, 1f\n\tdmtc0 $8, $14\n\tdmtc0 $8, $30\n\t"        \
                   "mtc0 %1, $12\n\tehb\n\t" insn "\n\tnop\n1:\n\t"           \
                   "mfc0 %0, $12\n\t.set pop"                                 \
                   : "=r"(st_out) : "r"(st_in) : "memory", "$8")

static void eret_basic(void)
{
  printf("# ERET / ERETNC\n");
  uint64_t st = MFC0(12, 0), out;
  ERET_TO("eret", st | ST_EXL, out);
  show("eret, EXL=1: Status after", out & ~(uint64_t)ST_FR);
  ERET_TO("eret", st | ST_ERL, out);
  show("eret, ERL=1: Status after", out & ~(uint64_t)ST_FR);
  ERET_TO("eret", st | ST_ERL | ST_EXL, out);
  show("eret, ERL=1 EXL=1: Status after", out & ~(uint64_t)ST_FR);
  MTC0(12, 0, st);
  ERET_TO("eretnc", st | ST_EXL | ST_IM(3) | ST_KX, out);
  show("eretnc, EXL=1 IM3 KX: Status after", out & ~(uint64_t)ST_FR);
  MTC0(12, 0, st);

  /* ERL = 1: ERET uses ErrorEPC, not EPC */
  uint64_t where;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "lapc $8, 1f\n\tdmtc0 $8, $30\n\tlapc $8, 2f\n\tdmtc0 $8, $14\n\t"
                   "mtc0 %1, $12\n\tehb\n\teret\n\tnop\n"
                   "1:\n\tli %0, 1\n\tb 3f\n\tnop\n"
                   "2:\n\tli %0, 2\n3:\n\t.set pop"
                   : "=&r"(where) : "r"(st | ST_ERL | ST_EXL) : "memory", "$8");
  MTC0(12, 0, st);
  show("eret with ERL=1 EXL=1 goes to (1 ErrorEPC, 2 EPC)", where);

  /* to a misaligned address */
  exc_arm();
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "lapc $8, 1f\n\tsd $8, 0(%1)\n\tdaddiu $8, $8, 2\n\tdmtc0 $8, $14\n\t"
                   "mtc0 %0, $12\n\tehb\n\teret\n\tnop\n1:\n\t.set pop"
                   :: "r"(st | ST_EXL), "r"(&priv_resume) : "memory", "$8");
  exc_show("eret to a misaligned EPC", P_BADV);
  checks++;
}

static void llbit(void)
{
  printf("# the LL bit across ERET / ERETNC\n");
  uint64_t st = MFC0(12, 0);
  static const char *const names[] = { "eret", "eretnc", "none" };
  for (int k = 0; k < 3; k++) {
    uint64_t ok = 0, v;
    word = 0x1111;
    if (k == 0)
      __asm__ volatile(".set push\n\t.set noreorder\n\t"
                       "ll %1, 0(%2)\n\tlapc $8, 1f\n\tdmtc0 $8, $14\n\t"
                       "mtc0 %3, $12\n\tehb\n\teret\n\tnop\n1:\n\t"
                       "li %0, 0x2222\n\tsc %0, 0(%2)\n\t.set pop"
                       : "=&r"(ok), "=&r"(v) : "r"(&word), "r"(st | ST_EXL) : "memory", "$8");
    else if (k == 1)
      __asm__ volatile(".set push\n\t.set noreorder\n\t"
                       "ll %1, 0(%2)\n\tlapc $8, 1f\n\tdmtc0 $8, $14\n\t"
                       "mtc0 %3, $12\n\tehb\n\teretnc\n\tnop\n1:\n\t"
                       "li %0, 0x2222\n\tsc %0, 0(%2)\n\t.set pop"
                       : "=&r"(ok), "=&r"(v) : "r"(&word), "r"(st | ST_EXL) : "memory", "$8");
    else
      __asm__ volatile(".set push\n\t.set noreorder\n\t"
                       "ll %1, 0(%2)\n\tlapc $8, 1f\n\tdmtc0 $8, $14\n\t"
                       "mtc0 %3, $12\n\tehb\n\tnop\n1:\n\t"
                       "li %0, 0x2222\n\tsc %0, 0(%2)\n\t.set pop"
                       : "=&r"(ok), "=&r"(v) : "r"(&word), "r"(st) : "memory", "$8");
    MTC0(12, 0, st);
    printf("ll; %-6s; sc: sc result %llu, memory %llx\n", names[k], ULL(ok), ULL(word));
    checks++;
  }
  /* LLAddr: the physical address of the LL; ERET clears only the LL bit */
  uint64_t v0;
  __asm__ volatile("ll %0, 0(%1)" : "=r"(v0) : "r"(&word) : "memory");
  show("LLAddr after ll == PA", DMFC0(17, 0) == PHYS(&word));
  uint64_t st_out;
  ERET_TO("eret", st | ST_EXL, st_out);
  MTC0(12, 0, st);
  show("LLAddr after ll; eret", DMFC0(17, 0) == PHYS(&word) ? 0xaaaa : DMFC0(17, 0));
  (void)st_out;
  /* an exception between LL and SC returns by ERET: the SC fails */
  word = 0x3333;
  exc_arm();
  uint64_t ok, v;
  __asm__ volatile(".set push\n\t.set noreorder\n\t"
                   "ll %1, 0(%2)\n\tsyscall 1\n\tli %0, 0x4444\n\tsc %0, 0(%2)\n\t.set pop"
                   : "=&r"(ok), "=&r"(v) : "r"(&word) : "memory");
  printf("ll; syscall (handler erets); sc: sc result %llu, memory %llx\n", ULL(ok), ULL(word));
  checks++;
}

static void di_ei(void)
{
  printf("# DI / EI\n");
  uint64_t st = MFC0(12, 0), old;
  MTC0(12, 0, st | ST_IE | ST_IM(5));
  __asm__ volatile("di %0\n\tehb" : "=r"(old) :: "memory");
  show("di: old Status (IE=1)", old & ~(uint64_t)ST_FR);
  show("di: Status after", MFC0(12, 0) & ~(uint64_t)ST_FR);
  __asm__ volatile("ei %0\n\tehb" : "=r"(old) :: "memory");
  show("ei: old Status (IE=0)", old & ~(uint64_t)ST_FR);
  show("ei: Status after", MFC0(12, 0) & ~(uint64_t)ST_FR);
  __asm__ volatile("di\n\tehb" ::: "memory");
  show("di $0: Status after", MFC0(12, 0) & ~(uint64_t)ST_FR);
  MTC0(12, 0, st);
  __asm__ volatile("ehb\n\tssnop\n\tehb" ::: "memory");
  show("ehb/ssnop run", 1);
}

static void user_priv(void)
{
  printf("# privileged instructions in user mode\n");
  priv_map_user();
  static const struct { const char *name; char *fn; } u[] = {
    { "mfc0 status", pu_mfc0_status }, { "di", pu_di }, { "cache", pu_cache },
    { "eret", pu_eret }, { "tlbp", pu_tlbp }, { "wait", pu_wait }, { "syscall", pu_syscall },
  };
  for (unsigned cu = 0; cu < 2; cu++)
    for (unsigned i = 0; i < N_ELEMS(u); i++) {
      char label[48];
      exc_arm();
      priv_run(UVA(u[i].fn), PRIV_UDATA_VA, 0,
               priv_kstatus() | ST_KSU_U | (cu ? ST_CU0 : 0));
      snprintf(label, sizeof label, "user CU0=%u %s", cu, u[i].name);
      exc_show(label, P_INSTR);
      checks++;
    }
  /* supervisor mode too */
  exc_arm();
  priv_run(UVA(pu_mfc0_status), 0, 0, priv_kstatus() | ST_KSU_S | ST_CU0);
  exc_show("super CU0=1 mfc0 status", P_INSTR);
  checks++;
}

static void rdhwr_user(void)
{
  printf("# RDHWR in user mode: HWREna\n");
  DMTC0(4, 2, 0x1234567890abcdefull);   /* UserLocal */
  static const unsigned en[] = { 0, 1u << 29, 1u << 2, 0x2000000fu };
  for (unsigned i = 0; i < N_ELEMS(en); i++) {
    MTC0(7, 0, en[i]);
    exc_arm();
    uint64_t ul = priv_run(UVA(pu_rdhwr_ul), 0, 0, priv_kstatus() | ST_KSU_U);
    char label[48];
    snprintf(label, sizeof label, "hwrena=%08x rdhwr $29", en[i]);
    if (exc_n)
      exc_show(label, 0);
    else
      printf("%s: %016llx\n", label, ULL(ul));
    exc_arm();
    priv_run(UVA(pu_rdhwr_cc), 0, 0, priv_kstatus() | ST_KSU_U);
    snprintf(label, sizeof label, "hwrena=%08x rdhwr $2", en[i]);
    if (exc_n)
      exc_show(label, 0);
    else
      printf("%s: allowed\n", label);
    checks += 2;
  }
  MTC0(7, 0, 0);
}

static void slot_eret(void)
{
  printf("# ERET in a delay slot, DERET outside debug mode\n");
  exc_arm();
  __asm__ volatile(".set push\n\t.set noreorder\n\tb 1f\n\teret\n\tnop\n1:\n\t.set pop" ::: "memory");
  exc_show("eret in delay slot", P_INSTR);
  exc_arm();
  __asm__ volatile("deret" ::: "memory");
  exc_show("deret (not in debug mode)", P_INSTR);
  checks += 2;
}

int main(void)
{
  priv_init();
  eret_basic();
  llbit();
  di_ei();
  user_priv();
  rdhwr_user();
  slot_eret();
  printf("# checks: %u\n", checks);
  return 0;
}
