/* Exceptions and the vectors they take.
 *
 *  1. every exception kernel code can raise synchronously (Sys, Bp, RI,
 *     CpU CE=1/2, Ov, Tr, AdEL/AdES, TLB refill/XTLB refill/invalid/Mod,
 *     TLBRI/TLBXI, IBE/DBE) and software interrupts, with EBase on three
 *     pages of the vector region, at a kseg1 alias and at an xkphys alias
 *     (written with EBase.WG = 1), and a subset with Status.BEV = 1;
 *  2. Status.EXL already set: EPC and Cause.BD keep their values, a TLB
 *     miss goes to the general vector, BadVAddr is still written;
 *  3. TLB refill versus XTLB refill for each region and Status.KX/SX/UX
 *     (R6: with KX = 0 kernel addresses wrap at 32 bits);
 *  4. interrupts: Cause.IV, IntCtl.VS vectored interrupts (vector number =
 *     highest pending unmasked IP), IM masking, Status.IE/EXL/ERL.
 * Each line: exception name, Cause.BD, EPC, vector offset from EBase (or
 * "bev": taken through the boot-flash vectors), and for the interesting
 * ones BadVAddr and BadInstr/BadInstrP. */
#include "priv.h"

static unsigned checks;

#define T(text, ...)                                                         \
  __asm__ volatile(".set push\n\t.set noreorder\n\t.set noat\n\t" text      \
                   "\n\t.set pop" ::__VA_ARGS__                             \
                   : "memory", "$2", "$3", "$31")

/* data pages of the TLB cases: priv_udata (two pages) */
#define VA_INV 0x20000ull   /* even page invalid, odd page valid clean */
#define VA_RX 0x30000ull    /* even page RI, odd page XI */
#define KUSEG_MISS 0x10000ull
#define XKSEG_MISS 0xc000000000050000ull
#define XSSEG 0x4000000000060000ull
#define BAD_PA 0x16400000ull /* nothing at this physical address on boston */

static uint8_t code_xi[4096] __attribute__((aligned(4096)));

static void map_cases(void)
{
  uint64_t p0 = PHYS(priv_udata), p1 = p0 + 4096;
  tlb_set(0, VA_INV, 0, ELO(p0, 0), ELO(p1, ELO_V));
  /* the odd (XI) page holds `syscall 0xfffff` at offset 0 */
  tlb_set(1, VA_RX, 0, ELO(p0, ELO_V | ELO_D | ELO_RI), ELO(PHYS(code_xi), ELO_V | ELO_XI));
  uint32_t ret = 0x03ffffcc;
  memcpy(code_xi, &ret, 4);
}

static void sw_ack(struct rt_frame *f)
{
  (void)f;
  MTC0(13, 0, MFC0(13, 0) & ~(uint64_t)(CA_IP(0) | CA_IP(1)));
}

typedef void (*trig_fn)(void);

static void t_sys(void) { T("syscall 7"); }
static void t_bp(void) { T("break 3"); }
static void t_ri(void) { T("sigrie 0x12"); }
static void t_cpu1(void) { T(".word 0x44020000  # mfc1 $2, $f0"); }
static void t_cpu2(void) { T(".word 0x48020000  # mfc2 $2, $0"); }
static void t_ov(void)
{
  T("lui $2, 0x7fff\n\tadd $3, $2, $2");
}
static void t_tr(void) { T("teq $0, $0, 9"); }
static void t_adel_ll(void)
{
  T("ll $2, 1(%0)", "r"(priv_udata));
}
/* a new misaligned address each time: QEMU sets BadVAddr for a misaligned
 * fetch when it translates the code (slots.c shows the repeat) */
static unsigned misaligned_n;
static void t_adel_fetch(void)
{
  T("jalr %0\n\tnop", "r"((uint64_t)(uintptr_t)priv_udata + 2 + 8 * misaligned_n++));
}
static void t_tlbl(void) { T("lw $2, 0(%0)", "r"(KUSEG_MISS)); }
static void t_tlbs(void) { T("sw $0, 4(%0)", "r"(KUSEG_MISS)); }
static void t_tlbl_inv(void) { T("lw $2, 8(%0)", "r"(VA_INV)); }
static void t_tlbs_inv(void) { T("sw $0, 8(%0)", "r"(VA_INV)); }
static void t_mod(void) { T("sw $0, 12(%0)", "r"(VA_INV + 4096)); }
static void t_tlbri(void) { T("lw $2, 16(%0)", "r"(VA_RX)); }
static void t_tlbxi(void) { T("jalr %0\n\tnop", "r"(VA_RX + 4096)); }
static void t_dbe(void) { T("lw $2, 0(%0)", "r"(KSEG1(BAD_PA))); }
static void t_ibe(void) { T("jalr %0\n\tnop", "r"(KSEG1(BAD_PA))); }
static void t_int_sw0(void)
{
  uint64_t st = MFC0(12, 0);
  MTC0(12, 0, st | ST_IM(0) | ST_IE);
  MTC0(13, 0, MFC0(13, 0) | CA_IP(0));
  MTC0(12, 0, st);
}
static void t_int_sw1(void)
{
  uint64_t st = MFC0(12, 0);
  MTC0(12, 0, st | ST_IM(1) | ST_IE);
  MTC0(13, 0, MFC0(13, 0) | CA_IP(1));
  MTC0(12, 0, st);
}
/* with KX = 1 */
static void t_xtlb(void) { T("ld $2, 0(%0)", "r"(XKSEG_MISS)); }
static void t_ades_xsseg(void) { T("sd $0, 0(%0)", "r"(XSSEG)); }
static void t_adel_xkphys(void) { T("ld $2, 0(%0)", "r"(0x9000100000000000ull)); }
static void t_dbe_xkphys(void) { T("ld $2, 0(%0)", "r"(0x9000000100000000ull)); }

struct tcase {
  const char *name;
  trig_fn fn;
  int kx;   /* run with Status.KX = 1 */
  int bev;  /* also run with BEV = 1 */
};

static const struct tcase cases[] = {
  { "syscall", t_sys, 0, 1 },
  { "break", t_bp, 0, 0 },
  { "sigrie", t_ri, 0, 1 },
  { "mfc1 (CU1=0)", t_cpu1, 0, 0 },
  { "mfc2", t_cpu2, 0, 0 },
  { "add overflow", t_ov, 0, 0 },
  { "teq", t_tr, 0, 0 },
  { "ll misaligned", t_adel_ll, 0, 0 },
  { "fetch misaligned", t_adel_fetch, 0, 1 },
  { "lw kuseg miss", t_tlbl, 0, 1 },
  { "sw kuseg miss", t_tlbs, 0, 0 },
  { "lw invalid", t_tlbl_inv, 0, 1 },
  { "sw invalid", t_tlbs_inv, 0, 0 },
  { "sw clean page", t_mod, 0, 0 },
  { "lw RI page", t_tlbri, 0, 0 },
  { "fetch XI page", t_tlbxi, 0, 0 },
  { "lw no device", t_dbe, 0, 0 },
  { "fetch no device", t_ibe, 0, 0 },
  { "software int 0", t_int_sw0, 0, 1 },
  { "software int 1", t_int_sw1, 0, 0 },
  { "ld xkseg miss", t_xtlb, 1, 1 },
  { "sd xsseg SX=0", t_ades_xsseg, 1, 0 },
  { "ld xkphys > PABITS", t_adel_xkphys, 1, 0 },
  { "ld xkphys no device", t_dbe_xkphys, 1, 0 },
};

static void run_case(const char *where, const struct tcase *c)
{
  char label[64];
  uint64_t st = MFC0(12, 0);
  if (c->kx)
    MTC0(12, 0, st | ST_KX);
  exc_arm();
  c->fn();
  MTC0(12, 0, st);
  snprintf(label, sizeof label, "%-8s %-22s", where, c->name);
  exc_show(label, P_BADV | P_INSTR);
  checks++;
}

static void all_cases(const char *where, uint64_t ebase, int need_kx)
{
  uint64_t st = MFC0(12, 0);
  if (need_kx)
    MTC0(12, 0, st | ST_KX);
  priv_set_ebase(ebase);
  for (unsigned i = 0; i < N_ELEMS(cases); i++)
    run_case(where, &cases[i]);
  priv_set_ebase((uint64_t)(uintptr_t)priv_vec_base);
  MTC0(12, 0, st);
}

static void bev_cases(void)
{
  priv_bev_on();
  uint64_t st = MFC0(12, 0);
  for (unsigned i = 0; i < N_ELEMS(cases); i++) {
    if (!cases[i].bev)
      continue;
    MTC0(12, 0, st | ST_BEV);
    run_case("BEV=1", &cases[i]);
    printf("  status after: bev=%llu exl=%llu\n",
           ULL((exc_log[0].status >> 22) & 1), ULL((exc_log[0].status >> 1) & 1));
  }
  /* Cause.IV = 1 with BEV = 1: the interrupt vector, never vectored */
  MTC0(13, 0, CA_IV);
  MTC0(12, 1, 1u << 5);
  MTC0(12, 0, st | ST_BEV);
  run_case("BEV=1 IV=1 VS=1", &cases[18]);
  MTC0(12, 0, st);
  MTC0(13, 0, 0);
  MTC0(12, 1, 0);
}

/* ---- EXL already set -------------------------------------------------- */
#define EXL_MARK 0x0000001234567800ull

static void exl_nested(void)
{
  printf("# Status.EXL = 1 when the exception happens\n");
  static const struct { const char *name; int kind; } nc[] = {
    { "syscall", 0 }, { "lw kuseg miss", 1 }, { "sw clean page", 2 }, { "sw invalid", 3 },
  };
  for (unsigned i = 0; i < N_ELEMS(nc); i++) {
    exc_arm();
    uint64_t t;
    switch (nc[i].kind) {
    case 0:
      __asm__ volatile(".set push\n\t.set noreorder\n\t"
                       "lapc %0, 1f\n\tsd %0, 0(%1)\n\tdmtc0 %2, $14\n\t"
                       "mfc0 %0, $12\n\tori %0, %0, 2\n\tmtc0 %0, $12\n\tehb\n\t"
                       "syscall 1\n\tnop\n1:\n\t.set pop"
                       : "=&r"(t) : "r"(&priv_resume), "r"(EXL_MARK) : "memory");
      break;
    case 1:
      __asm__ volatile(".set push\n\t.set noreorder\n\t"
                       "lapc %0, 1f\n\tsd %0, 0(%1)\n\tdmtc0 %2, $14\n\t"
                       "mfc0 %0, $12\n\tori %0, %0, 2\n\tmtc0 %0, $12\n\tehb\n\t"
                       "lw %0, 0(%3)\n\tnop\n1:\n\t.set pop"
                       : "=&r"(t) : "r"(&priv_resume), "r"(EXL_MARK), "r"(KUSEG_MISS + 0x40)
                       : "memory");
      break;
    case 2:
      __asm__ volatile(".set push\n\t.set noreorder\n\t"
                       "lapc %0, 1f\n\tsd %0, 0(%1)\n\tdmtc0 %2, $14\n\t"
                       "mfc0 %0, $12\n\tori %0, %0, 2\n\tmtc0 %0, $12\n\tehb\n\t"
                       "sw $0, 0(%3)\n\tnop\n1:\n\t.set pop"
                       : "=&r"(t) : "r"(&priv_resume), "r"(EXL_MARK), "r"(VA_INV + 4096 + 0x80)
                       : "memory");
      break;
    default:
      __asm__ volatile(".set push\n\t.set noreorder\n\t"
                       "lapc %0, 1f\n\tsd %0, 0(%1)\n\tdmtc0 %2, $14\n\t"
                       "mfc0 %0, $12\n\tori %0, %0, 2\n\tmtc0 %0, $12\n\tehb\n\t"
                       "sw $0, 0(%3)\n\tnop\n1:\n\t.set pop"
                       : "=&r"(t) : "r"(&priv_resume), "r"(EXL_MARK), "r"(VA_INV + 0x90)
                       : "memory");
      break;
    }
    char label[40];
    snprintf(label, sizeof label, "EXL=1 %s", nc[i].name);
    exc_show(label, P_BADV | P_TLB);
    printf("  EXL after eret: %llu\n", ULL((MFC0(12, 0) >> 1) & 1));
    checks++;
  }
  /* an interrupt is not taken while EXL = 1, then is when EXL clears */
  exc_arm();
  priv_irq_ack = sw_ack;
  uint64_t st = MFC0(12, 0);
  MTC0(12, 0, st | ST_IM(0) | ST_IE | ST_EXL);
  MTC0(13, 0, CA_IP(0));
  unsigned before = exc_n;
  MTC0(12, 0, st | ST_IM(0) | ST_IE);
  unsigned after = exc_n;
  MTC0(12, 0, st);
  printf("sw int with EXL=1: taken %u, after EXL=0: taken %u\n", before, after);
  checks++;
  exc_show("int after EXL cleared", 0);
  /* and not while ERL = 1 */
  exc_arm();
  MTC0(12, 0, st | ST_IM(0) | ST_IE | ST_ERL);
  MTC0(13, 0, CA_IP(0));
  before = exc_n;
  MTC0(12, 0, st | ST_IM(0) | ST_IE);
  after = exc_n;
  MTC0(12, 0, st);
  printf("sw int with ERL=1: taken %u, after ERL=0: taken %u\n", before, after);
  checks++;
  priv_irq_ack = sw_ack;
}

/* ---- refill vector selection ------------------------------------------ */
static void refill_matrix(void)
{
  printf("# TLB refill (000) or XTLB refill (080): kernel accesses\n");
  static const uint64_t va[] = {
    0x0000000000070000ull, /* kuseg */
    0x0000000100070000ull, /* xkuseg (UX) */
    0x4000000000070000ull, /* xksseg (SX) */
    0xc000000000070000ull, /* xkseg (KX) */
    0xffffffffc0070000ull, /* ksseg */
    0xffffffffe0070000ull, /* kseg3 */
  };
  static const uint32_t ks[] = { 0, ST_KX, ST_KX | ST_SX, ST_KX | ST_SX | ST_UX };
  uint64_t st = MFC0(12, 0);
  for (unsigned k = 0; k < N_ELEMS(ks); k++)
    for (unsigned i = 0; i < N_ELEMS(va); i++) {
      char label[64];
      exc_arm();
      MTC0(12, 0, st | ks[k]);
      /* base + 8: with KX = 0 both wrap the address at 32 bits (segments.c
       * shows QEMU not wrapping a zero offset) */
      T("lw $2, 8(%0)", "r"(va[i] - 8));
      MTC0(12, 0, st);
      snprintf(label, sizeof label, "kx/sx/ux=%u%u%u %016llx", (ks[k] >> 7) & 1,
               (ks[k] >> 6) & 1, (ks[k] >> 5) & 1, ULL(va[i]));
      exc_show(label, P_BADV | P_TLB);
      checks++;
    }
  printf("# user mode: useg miss with UX = 0 / 1, supervisor: suseg, sseg, xsseg\n");
  priv_map_user();
  static const struct { uint32_t ksu, x; uint64_t va; } um[] = {
    { ST_KSU_U, 0, 0x70000 },
    { ST_KSU_U, ST_KX | ST_SX | ST_UX, 0x70000 },
    { ST_KSU_U, ST_KX | ST_SX | ST_UX, 0x0000000200070000ull },
    { ST_KSU_S, 0, 0x70000 },
    { ST_KSU_S, 0, 0xffffffffc0070000ull },
    { ST_KSU_S, ST_KX | ST_SX, 0x70000 },
    { ST_KSU_S, ST_KX | ST_SX, 0xffffffffc0070000ull },
    { ST_KSU_S, ST_KX | ST_SX, 0x4000000000070000ull },
    { ST_KSU_S, ST_KX | ST_SX | ST_UX, 0x0000000200070000ull },
  };
  for (unsigned i = 0; i < N_ELEMS(um); i++) {
    char label[64];
    exc_arm();
    priv_run(UVA(pu_lw), um[i].va, 0, priv_kstatus() | um[i].ksu | um[i].x);
    snprintf(label, sizeof label, "%s kx/sx/ux=%u%u%u %016llx",
             um[i].ksu == ST_KSU_U ? "user" : "super", (um[i].x >> 7) & 1,
             (um[i].x >> 6) & 1, (um[i].x >> 5) & 1, ULL(um[i].va));
    exc_show(label, P_BADV | P_TLB | P_ST);
    checks++;
  }
}

/* ---- interrupts --------------------------------------------------------- */
static void interrupts(void)
{
  printf("# software interrupts: IV, IntCtl.VS vectoring, masking\n");
  priv_irq_ack = sw_ack;
  uint64_t st = MFC0(12, 0);
  static const struct { uint32_t iv, vs, ip, im; } ic[] = {
    { 0, 0, CA_IP(0), ST_IM(0) },
    { 0, 1, CA_IP(1), ST_IM(1) },
    { CA_IV, 0, CA_IP(0), ST_IM(0) },
    { CA_IV, 1, CA_IP(0), ST_IM(0) },
    { CA_IV, 1, CA_IP(1), ST_IM(1) },
    { CA_IV, 2, CA_IP(1), ST_IM(1) },
    { CA_IV, 4, CA_IP(1), ST_IM(1) },
    { CA_IV, 8, CA_IP(1), ST_IM(1) },
    { CA_IV, 16, CA_IP(1), ST_IM(1) },
    { CA_IV, 1, CA_IP(0) | CA_IP(1), ST_IM(0) | ST_IM(1) },
    { CA_IV, 1, CA_IP(0) | CA_IP(1), ST_IM(0) },
    { CA_IV, 2, CA_IP(0) | CA_IP(1), ST_IM(1) },
    { CA_IV, 3, CA_IP(1), ST_IM(1) },
    { 0, 0, CA_IP(0), ST_IM(1) },
    { 0, 0, CA_IP(1), 0 },
  };
  for (unsigned i = 0; i < N_ELEMS(ic); i++) {
    char label[64];
    exc_arm();
    MTC0(12, 1, ic[i].vs << 5);
    MTC0(13, 0, ic[i].iv);
    MTC0(12, 0, st | ic[i].im | ST_IE);
    MTC0(13, 0, ic[i].iv | ic[i].ip);
    MTC0(12, 0, st);
    MTC0(13, 0, 0);
    MTC0(12, 1, 0);
    snprintf(label, sizeof label, "iv=%u vs=%02x ip=%02x im=%02x", ic[i].iv ? 1 : 0,
             ic[i].vs, (ic[i].ip >> 8) & 0xff, (ic[i].im >> 8) & 0xff);
    exc_show(label, P_IP);
    checks++;
  }
  /* EI / DI */
  exc_arm();
  MTC0(12, 0, st | ST_IM(0));
  MTC0(13, 0, CA_IP(0));
  uint64_t before = exc_n, old;
  __asm__ volatile("ei %0\n\tehb" : "=r"(old) :: "memory");
  uint64_t after = exc_n;
  printf("ei with IP0 pending: before %llu after %llu (old IE %llu)\n", ULL(before),
         ULL(after), ULL(old & 1));
  MTC0(13, 0, CA_IP(0));
  __asm__ volatile("di %0\n\tehb" : "=r"(old) :: "memory");
  printf("di: old IE %llu, taken %u\n", ULL(old & 1), exc_n);
  MTC0(13, 0, 0);
  MTC0(12, 0, st);
  checks += 2;
}

int main(void)
{
  priv_init();
  priv_irq_ack = sw_ack;
  map_cases();
  uint64_t base = (uint64_t)(uintptr_t)priv_vec_base;
  printf("# EBase on page 0 of the vector region\n");
  all_cases("page0", base, 0);
  printf("# EBase on page 2\n");
  all_cases("page2", base + 0x2000, 0);
  printf("# EBase at the kseg1 alias of page 1\n");
  all_cases("kseg1", KSEG1(PHYS(base) + 0x1000), 0);
  printf("# EBase at an xkphys alias of page 0 (EBase.WG = 1, Status.KX = 1)\n");
  all_cases("xkphys", XKPHYS(2, PHYS(base)), 1);
  printf("# Status.BEV = 1 (boot flash vectors)\n");
  bev_cases();
  exl_nested();
  refill_matrix();
  interrupts();
  printf("# checks: %u\n", checks);
  return 0;
}
