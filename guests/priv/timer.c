/* Count/Compare timer and software interrupts.
 *
 * Only facts that do not depend on absolute time are printed: QEMU's Count
 * follows the host clock, vzsim's advances once per two executed
 * instructions.  Waits poll Count (or the exception log) with generous
 * bounds.  Covered: IntCtl.IPTI, Compare write clears Cause.TI, TI and IP7
 * set when Count reaches Compare, delivery on IP7 (general vector, IV,
 * vectored), masking by IM7, Status.IE, EXL and ERL (pending until
 * unmasked), Cause.DC stopping the timer, writing Count = Compare does not
 * raise TI, WAIT woken by the timer, software interrupts IP0/IP1 with their
 * masks, RDHWR CC/CCRes. */
#include "priv.h"

static unsigned checks;

static void check(const char *what, int ok)
{
  printf("%-48s %s\n", what, ok ? "yes" : "no");
  checks++;
}

static uint32_t count(void) { return (uint32_t)MFC0(9, 0); }

/* Compare = Count + d, such that Count is still below Compare after the
 * write: QEMU's Count runs on the host clock and may pass a near Compare
 * while new code is being translated, so d doubles until the write lands
 * in the future (vzsim: the first try). */
static void arm(uint32_t d)
{
  unsigned n0 = exc_n;
  for (;;) {
    uint32_t c = count() + d;
    MTC0(11, 0, c);
    if ((int32_t)(count() - c) < 0 || exc_n != n0)
      return;   /* in the future, or it has already fired an interrupt */
    d *= 2;
  }
}

/* park the timer: the next match is 2^31 ticks away */
static void park(void)
{
  MTC0(11, 0, count() + 0x80000000u);
}

/* poll until Count has passed Compare (at most ~2^31 ticks) */
static int wait_match(void)
{
  uint32_t cmp = (uint32_t)MFC0(11, 0);
  for (unsigned long i = 0; i < 100000000ul; i++)
    if ((int32_t)(count() - cmp) >= 0)
      return 1;
  return 0;
}

/* Waits also read Count: QEMU raises an expired timer when Count is read,
 * without waiting for its host-timer callback (which a loaded host delays). */
static int wait_exc(unsigned n)
{
  for (unsigned long i = 0; i < 100000000ul; i++) {
    (void)MFC0(9, 0);
    if (exc_n >= n)
      return 1;
  }
  return 0;
}

static unsigned ti(void) { return (unsigned)((MFC0(13, 0) >> 30) & 1); }

/* QEMU raises TI from a host timer that may trail Count by a tick */
static int wait_ti(void)
{
  for (unsigned long i = 0; i < 100000000ul; i++) {
    (void)MFC0(9, 0);
    if (ti())
      return 1;
  }
  return 0;
}
static unsigned ip7(void) { return (unsigned)((MFC0(13, 0) >> 15) & 1); }

static void timer_ack(struct rt_frame *f)
{
  (void)f;
  park();
  MTC0(13, 0, MFC0(13, 0) & ~(uint64_t)(CA_IP(0) | CA_IP(1)));
}

static void basics(void)
{
  printf("# Count/Compare basics\n");
  check("IntCtl.IPTI = 7 (timer on IP7)", ((MFC0(12, 1) >> 29) & 7) == 7);
  uint64_t r;
  __asm__ volatile("rdhwr %0, $3" : "=r"(r));
  printf("%-48s %llu\n", "RDHWR CCRes", ULL(r));
  checks++;
  uint32_t a = count();
  for (volatile int i = 0; i < 5000; i++)
    ;
  uint32_t b = count();
  check("Count advances", b != a && (uint32_t)(b - a) < 0x40000000u);
  __asm__ volatile("rdhwr %0, $2" : "=r"(r));
  uint32_t c = count();
  check("RDHWR CC follows Count", (uint32_t)(c - (uint32_t)r) < 0x10000000u);
  check("RDHWR CC is sign-extended", r == (uint64_t)(int64_t)(int32_t)r);

  park();
  check("TI clear after writing Compare", ti() == 0 && ip7() == 0);
  arm(200);
  check("Count reaches Compare", wait_match());
  check("then Cause.TI = 1", wait_ti());
  check("and Cause.IP7 = 1", ip7() == 1);
  MTC0(11, 0, MFC0(11, 0));
  check("writing Compare (same value) clears TI and IP7", ti() == 0 && ip7() == 0);
  arm(200);
  wait_match();
  wait_ti();
  park();
  check("writing another Compare value clears TI", ti() == 0);

  /* Count written equal to Compare: no TI until the counter reaches it */
  MTC0(11, 0, 0x40000000u);
  MTC0(9, 0, 0x40000000u);
  check("Count written = Compare: TI stays 0", ti() == 0);
  park();

  /* Cause.DC stops Count and the timer: Count written 50 below Compare
   * with DC = 1 keeps that value; the timer fires once DC is cleared */
  park();
  MTC0(13, 0, CA_DC);
  uint32_t cmp = (uint32_t)MFC0(11, 0);
  MTC0(9, 0, cmp - 50);
  for (volatile int i = 0; i < 20000; i++)
    ;
  check("DC=1: Count frozen at the value written", count() == cmp - 50);
  check("DC=1: no TI", ti() == 0);
  MTC0(13, 0, 0);
  check("DC=0: Count runs on and the timer fires", wait_match() && wait_ti());
  park();
}

static void delivery(void)
{
  printf("# timer interrupt delivery and masking\n");
  priv_irq_ack = timer_ack;
  uint64_t st = MFC0(12, 0);

  exc_arm();
  MTC0(12, 0, st | ST_IM(7) | ST_IE);
  arm(300);
  check("IM7 IE: interrupt taken", wait_exc(1));
  MTC0(12, 0, st);
  check("  ExcCode Int, IP7 and TI seen in the handler",
        exc_n == 1 && RT_CAUSE_EXCCODE(exc_log[0].cause) == 0 &&
            (exc_log[0].cause_raw & CA_IP(7)) && (exc_log[0].cause_raw & CA_TI));
  check("  general vector (IV = 0)", exc_log[0].vec == 0x180);
  /* (not BD: an interrupt may come between a branch and its delay slot) */
  check("  EPC in kernel code", (exc_log[0].epc >> 32) == 0xffffffffu);
  check("  TI cleared by the handler's Compare write", ti() == 0);

  /* IV = 1, then vectored with VS = 1 and 4: vector 7 */
  static const uint32_t vs[] = { 0, 1, 4 };
  for (unsigned i = 0; i < N_ELEMS(vs); i++) {
    char what[64];
    exc_arm();
    MTC0(12, 1, vs[i] << 5);
    MTC0(13, 0, CA_IV);
    MTC0(12, 0, st | ST_IM(7) | ST_IE);
    arm(300);
    int ok = wait_exc(1);
    MTC0(12, 0, st);
    MTC0(13, 0, 0);
    MTC0(12, 1, 0);
    snprintf(what, sizeof what, "IV=1 VS=%u: vector 0x%03llx", vs[i],
             ULL(0x200 + 7 * vs[i] * 32));
    check(what, ok && exc_log[0].vec == (int64_t)(0x200 + 7 * vs[i] * 32));
  }

  /* masked by IM7 = 0: TI/IP7 pending, no interrupt; taken when IM7 = 1 */
  static const struct { const char *name; uint32_t mask, unmask; } m[] = {
    { "IM7 = 0", ST_IE, ST_IE | ST_IM(7) },
    { "IE = 0", ST_IM(7), ST_IE | ST_IM(7) },
    { "EXL = 1", ST_IE | ST_IM(7) | ST_EXL, ST_IE | ST_IM(7) },
    { "ERL = 1", ST_IE | ST_IM(7) | ST_ERL, ST_IE | ST_IM(7) },
  };
  for (unsigned i = 0; i < N_ELEMS(m); i++) {
    char what[64];
    exc_arm();
    MTC0(12, 0, st | m[i].mask);
    arm(200);
    int matched = wait_match() && wait_ti();
    unsigned pending = ti() && ip7(), taken = exc_n;
    MTC0(12, 0, st | m[i].unmask);
    int later = wait_exc(1);
    MTC0(12, 0, st);
    snprintf(what, sizeof what, "%s: pending, not taken", m[i].name);
    check(what, matched && pending && taken == 0);
    snprintf(what, sizeof what, "%s: taken once unmasked", m[i].name);
    check(what, later && exc_n == 1);
  }

  /* Compare written while masked clears the pending interrupt */
  exc_arm();
  arm(200);
  wait_match();
  wait_ti();
  park();
  MTC0(12, 0, st | ST_IE | ST_IM(7));
  for (volatile int k = 0; k < 2000; k++)
    ;
  MTC0(12, 0, st);
  check("pending TI cleared by Compare: nothing taken", exc_n == 0);

  /* WAIT: the core sleeps until the timer interrupt. Compare is written in
   * the same block as the WAIT so that QEMU does not translate code in
   * between. */
  exc_arm();
  MTC0(12, 0, st | ST_IE | ST_IM(7));
  uint64_t t;
  __asm__ volatile("mfc0 %0, $9\n\taddiu %0, %0, 20000\n\tmtc0 %0, $11\n\tehb\n\twait"
                   : "=&r"(t) :: "memory");
  unsigned after_wait = exc_n;
  MTC0(12, 0, st);
  check("WAIT returns after the timer interrupt", after_wait == 1);
  park();
  priv_irq_ack = 0;
}

static void software(void)
{
  printf("# software interrupts IP0/IP1\n");
  priv_irq_ack = timer_ack;
  uint64_t st = MFC0(12, 0);
  park();
  static const struct { uint32_t ip, im, ie; } s[] = {
    { CA_IP(0), ST_IM(0), 1 }, { CA_IP(1), ST_IM(1), 1 }, { CA_IP(0), ST_IM(1), 1 },
    { CA_IP(1), ST_IM(0), 1 }, { CA_IP(0), ST_IM(0), 0 }, { CA_IP(1), 0xff00, 1 },
  };
  for (unsigned i = 0; i < N_ELEMS(s); i++) {
    exc_arm();
    MTC0(12, 0, st | s[i].im | (s[i].ie ? ST_IE : 0));
    MTC0(13, 0, s[i].ip);
    unsigned cause_ip = (unsigned)((MFC0(13, 0) >> 8) & 3);
    MTC0(12, 0, st);
    MTC0(13, 0, 0);
    char what[64];
    snprintf(what, sizeof what, "ip=%u im=%02x ie=%u", (s[i].ip >> 8) & 3, (s[i].im >> 8) & 0xff,
             s[i].ie);
    exc_show(what, P_IP);
    printf("  Cause.IP1..0 after the write (ack clears): %u\n", cause_ip);
    checks += 2;
  }
  priv_irq_ack = 0;
}

int main(void)
{
  priv_init();
  basics();
  delivery();
  software();
  printf("# checks: %u\n", checks);
  return 0;
}
