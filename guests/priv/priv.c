/* Privileged-test support: exception hook and log, EBase, TLB and mode
 * helpers (see priv.h). */
#include "priv.h"

volatile unsigned exc_n;
struct exc_rec exc_log[PRIV_LOG_MAX];
volatile uint64_t priv_resume;
void (*volatile priv_irq_ack)(struct rt_frame *f);
uint8_t priv_udata[8192] __attribute__((aligned(8192)));

#define PRIV_RET_WORD 0x03ffffccu /* syscall 0xfffff */

static void irq_ack_default(struct rt_frame *f)
{
  (void)f;
  MTC0(12, 0, MFC0(12, 0) & ~1ull);
}

static int fetch_fault(unsigned code, const struct rt_frame *f)
{
  /* a misaligned EPC can only come from a fetch (QEMU sets BadVAddr for a
   * misaligned fetch only when it translates the code, see slots.c) */
  return code == EXC_IBE ||
         ((code == EXC_ADEL || code == EXC_TLBL || code == EXC_TLBXI) &&
          (f->badvaddr == f->epc || (f->epc & 3)));
}

static void priv_hook(struct rt_frame *f)
{
  unsigned code = RT_CAUSE_EXCCODE(f->cause);
  if (code == EXC_SYS && (uint32_t)f->badinstr == PRIV_RET_WORD) {
    /* back to the kernel side of priv_run */
    MTC0(12, 0, MFC0(12, 0) & ~(uint64_t)ST_KSU_MASK);
    f->epc = (uint64_t)(uintptr_t)priv_kreturn;
    return;
  }
  if (exc_n < PRIV_LOG_MAX) {
    struct exc_rec *r = &exc_log[exc_n];
    r->cause = f->cause;
    r->cause_raw = MFC0(13, 0);
    r->epc = f->epc;
    r->badvaddr = f->badvaddr;
    r->status = f->status;
    r->badinstr = f->badinstr;
    r->badinstrp = f->badinstrp;
    r->entryhi = DMFC0(10, 0);
    r->context = DMFC0(4, 0);
    r->xcontext = DMFC0(20, 0);
    r->ebase = DMFC0(15, 1);
    if (f->vector == 0x7000)
      r->vec = -1;
    else
      r->vec = (int64_t)((PHYS(priv_vec_base) + f->vector) - (r->ebase & 0x1ffff000ull));
  }
  exc_n++;
  if (exc_n > 64) {
    printf("too many exceptions (code %u epc %016llx)\n", code, ULL(f->epc));
    rt_exit(99);
  }
  if (priv_resume != 0) {
    f->epc = priv_resume;
    priv_resume = 0;
  } else if (code == EXC_INT) {
    (priv_irq_ack ? priv_irq_ack : irq_ack_default)(f);
  } else if (fetch_fault(code, f)) {
    f->epc = f->gpr[31];
  } else if (f->cause & CA_BD) {
    f->epc += 8;
  } else {
    f->epc += 4;
  }
  /* with Status.ERL = 1 the runtime's ERET returns to ErrorEPC */
  if (f->status & ST_ERL)
    DMTC0(30, 0, f->epc);
}

void priv_set_ebase(uint64_t e)
{
  uint64_t cur = DMFC0(15, 1);
  if ((cur ^ e) & ~0x3fffffffull) {
    DMTC0(15, 1, e | 0x800);   /* WG = 1 opens bits 63:30 */
    DMTC0(15, 1, e & ~0x800ull);
  } else {
    DMTC0(15, 1, e);
  }
}

void tlb_set(unsigned idx, uint64_t hi, uint64_t pagemask, uint64_t lo0, uint64_t lo1)
{
  uint64_t old = DMFC0(10, 0);
  MTC0(0, 0, idx);
  DMTC0(10, 0, hi);
  MTC0(5, 0, pagemask);
  DMTC0(2, 0, lo0);
  DMTC0(3, 0, lo1);
  TLBWI();
  DMTC0(10, 0, old);
}

void tlb_get(unsigned idx, uint64_t *hi, uint64_t *pagemask, uint64_t *lo0, uint64_t *lo1)
{
  uint64_t old = DMFC0(10, 0);
  MTC0(0, 0, idx);
  TLBR();
  *hi = DMFC0(10, 0);
  *pagemask = MFC0(5, 0);
  *lo0 = DMFC0(2, 0);
  *lo1 = DMFC0(3, 0);
  DMTC0(10, 0, old);
}

void tlb_reset(void)
{
  TLBINVF();
  MTC0(6, 0, 0);
  MTC0(5, 0, 0);
  DMTC0(10, 0, 0);
}

void exc_arm(void)
{
  exc_n = 0;
  priv_resume = 0;
  memset(exc_log, 0, sizeof exc_log);
}

void priv_init(void)
{
  rt_exc_hook = priv_hook;
  priv_irq_ack = 0;
  priv_set_ebase((uint64_t)(uintptr_t)priv_vec_base);
  /* RI/XI enabled with their own exception codes (fixed at 1 on the I6400,
   * see rixi.c), ELPA = 0: 36-bit physical addresses */
  MTC0(5, 1, 0xc8000000u);
  tlb_reset();
  exc_arm();
}

void priv_map_user(void)
{
  uint64_t pc = PHYS(priv_user_code), pd = PHYS(priv_udata);
  tlb_set(PRIV_TLB_UCODE, PRIV_UCODE_VA, 0, ELO(pc, ELO_V | ELO_G),
          ELO(pc + 4096, ELO_V | ELO_G));
  tlb_set(PRIV_TLB_UDATA, PRIV_UDATA_VA, 0, ELO(pd, ELO_V | ELO_D | ELO_G),
          ELO(pd + 4096, ELO_V | ELO_D | ELO_G));
}

void priv_bev_on(void)
{
  tlb_set(PRIV_TLB_BEV, 0xffffffffc0000000ull, 0, ELO(PHYS(priv_bev_page), ELO_V | ELO_G),
          ELO_G);
}

uint64_t priv_kstatus(void)
{
  return MFC0(12, 0) & ~(uint64_t)(ST_KSU_MASK | ST_EXL | ST_ERL | ST_IE | ST_KX | ST_SX | ST_UX);
}

static const char *const exc_names[32] = {
  "Int", "Mod", "TLBL", "TLBS", "AdEL", "AdES", "IBE", "DBE", "Sys", "Bp", "RI", "CpU",
  "Ov", "Tr", "MSAFPE", "FPE", "16", "17", "C2E", "TLBRI", "TLBXI", "MSADis", "MDMX",
  "WATCH", "MCheck", "Thread", "DSPDis", "GE", "28", "29", "CacheErr", "31",
};

void exc_show(const char *label, unsigned flags)
{
  if (exc_n == 0) {
    printf("%s: none\n", label);
    return;
  }
  unsigned n = exc_n < PRIV_LOG_MAX ? exc_n : PRIV_LOG_MAX;
  for (unsigned i = 0; i < n; i++) {
    const struct exc_rec *r = &exc_log[i];
    unsigned code = RT_CAUSE_EXCCODE(r->cause);
    printf("%s: %s bd=%u epc=%016llx", label, exc_names[code], RT_CAUSE_BD(r->cause),
           ULL(r->epc));
    if (r->vec < 0)
      printf(" vec=bev");
    else
      printf(" vec=%03llx", ULL(r->vec));
    if (code == EXC_CPU)
      printf(" ce=%u", (unsigned)((r->cause >> 28) & 3));
    if (flags & P_BADV)
      printf(" bva=%016llx", ULL(r->badvaddr));
    if (flags & P_TLB)
      printf(" hi=%016llx ctx=%016llx xctx=%016llx", ULL(r->entryhi), ULL(r->context),
             ULL(r->xcontext));
    if (flags & P_INSTR)
      printf(" bi=%08llx bip=%08llx", ULL(r->badinstr & 0xffffffffu),
             ULL(r->badinstrp & 0xffffffffu));
    if (flags & P_ST)
      printf(" st=%08llx", ULL(r->status & 0xffffffffu & ~(uint64_t)ST_FR));
    if (flags & P_IP)
      printf(" ip=%02llx", ULL((r->cause_raw >> 8) & 0xff));
    printf("\n");
  }
  if (exc_n > PRIV_LOG_MAX)
    printf("%s: (%u exceptions in all)\n", label, exc_n);
}
