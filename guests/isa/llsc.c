/* Load-linked / store-conditional: LL SC LLD SCD.
 * Success, SC without a link, SC to another address, the link broken by a
 * store of a different value and by ERET (exception return), misaligned
 * addresses (AdEL/AdES), and the 9-bit signed offset.  One case ("store of
 * the same value") is UNPREDICTABLE in the architecture; QEMU compares the
 * value, so SC succeeds there, and vzsim follows QEMU. */
#include "common.h"

static uint64_t mem[64] __attribute__((aligned(64)));

static void reset_mem(void)
{
  for (int i = 0; i < 64; i++)
    mem[i] = 0x8000000000000000ull + 0x0101010101010101ull * (uint64_t)i;
  mem[1] = 0xffffffff80000000ull; /* low word 0x80000000 */
}

static void show(const char *what, uint64_t loaded, uint64_t flag, uint64_t after)
{
  printf("%-28s ll=%016llx sc=%llu mem=%016llx\n", what, ULL(loaded), ULL(flag),
         ULL(after));
}

NOINLINE static void word_cases(void)
{
  uint64_t v, f;
  volatile uint64_t *m = mem;

  reset_mem();
  __asm__ volatile("ll %0, 0(%2)\n\taddiu %1, %0, 1\n\tsc %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 4) : "memory");
  show("ll/sc success", v, f, m[4]);

  f = 0x1234;
  __asm__ volatile("sc %0, 0(%1)" : "+r"(f) : "r"(m + 4) : "memory");
  show("sc after sc", 0, f, m[4]);

  reset_mem();
  __asm__ volatile("ll %0, 0(%1)" : "=r"(v) : "r"(m + 1) : "memory");
  show("ll sign-extends", v, 0, m[1]);

  reset_mem();
  __asm__ volatile("ll %0, 0(%2)\n\tli %1, 77\n\tsc %1, 8(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 4) : "memory");
  show("sc other address", v, f, m[5]);

  reset_mem();
  __asm__ volatile("ll %0, 0(%2)\n\tli %1, 55\n\tsw %1, 0(%2)\n\t"
                   "li %1, 66\n\tsc %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 6) : "memory");
  show("sw other value, sc", v, f, m[6]);

  reset_mem();
  __asm__ volatile("ll %0, 0(%2)\n\tsw %0, 0(%2)\n\t"
                   "li %1, 66\n\tsc %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 6) : "memory");
  show("sw same value, sc (UNPRED)", v, f, m[6]);

  reset_mem();
  __asm__ volatile("ll %0, 0(%2)\n\tld %1, 0(%2)\n\t"
                   "li %1, 99\n\tsc %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 7) : "memory");
  show("ld between, sc", v, f, m[7]);

  reset_mem();
  __asm__ volatile("ll %0, 0(%2)\n\tll %1, 8(%2)\n\t"
                   "li %1, 42\n\tsc %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 8) : "memory");
  show("ll, ll other, sc first", v, f, m[8]);

  reset_mem();
  __asm__ volatile("ll %0, -256(%2)\n\tdli %1, 0x1122334455667788\n\tsc %1, -256(%2)"
                   : "=&r"(v), "=&r"(f) : "r"((uintptr_t)(m + 8) + 256) : "memory");
  show("offset -256, sc low word", v, f, m[8]);

  reset_mem();
  __asm__ volatile("ll %0, 252(%2)\n\tli %1, -1\n\tsc %1, 252(%2)"
                   : "=&r"(v), "=&r"(f) : "r"((uintptr_t)(m + 2) - 248) : "memory");
  show("offset 252, odd word", v, f, m[2]);

  reset_mem();
  trap_expect();
  __asm__ volatile("ll %0, 0(%2)\n\tsyscall 3\n\tli %1, 5\n\tsc %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 9) : "memory");
  rt_exc_hook = NULL;
  trap_report("  syscall between ll/sc");
  show("eret between, sc", v, f, m[9]);
}

NOINLINE static void dword_cases(void)
{
  uint64_t v, f;
  volatile uint64_t *m = mem;

  reset_mem();
  __asm__ volatile("lld %0, 0(%2)\n\tdaddiu %1, %0, 1\n\tscd %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 4) : "memory");
  show("lld/scd success", v, f, m[4]);

  f = 0x1234;
  __asm__ volatile("scd %0, 0(%1)" : "+r"(f) : "r"(m + 4) : "memory");
  show("scd after scd", 0, f, m[4]);

  reset_mem();
  __asm__ volatile("lld %0, 0(%2)\n\tli %1, 77\n\tscd %1, 8(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 4) : "memory");
  show("scd other address", v, f, m[5]);

  reset_mem();
  __asm__ volatile("lld %0, 0(%2)\n\tli %1, 55\n\tsd %1, 0(%2)\n\t"
                   "li %1, 66\n\tscd %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 6) : "memory");
  show("sd other value, scd", v, f, m[6]);

  reset_mem();
  __asm__ volatile("lld %0, 0(%2)\n\tsw %0, 4(%2)\n\t"
                   "li %1, 66\n\tscd %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 6) : "memory");
  show("sw upper half, scd", v, f, m[6]);

  reset_mem();
  __asm__ volatile("lld %0, 248(%2)\n\tdli %1, -2\n\tscd %1, 248(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 3) : "memory");
  show("offset 248", v, f, m[34]);

  reset_mem();
  trap_expect();
  __asm__ volatile("lld %0, 0(%2)\n\tsyscall 4\n\tli %1, 5\n\tscd %1, 0(%2)"
                   : "=&r"(v), "=&r"(f) : "r"(m + 9) : "memory");
  rt_exc_hook = NULL;
  trap_report("  syscall between lld/scd");
  show("eret between, scd", v, f, m[9]);
}

NOINLINE static void misaligned(void)
{
  uint64_t v = 0, f = 7;
  uint8_t *b = (uint8_t *)mem;
  reset_mem();
  trap_expect();
  __asm__ volatile("ll %0, 2(%1)" : "+r"(v) : "r"(b) : "memory");
  trap_report("ll +2");
  __asm__ volatile("lld %0, 4(%1)" : "+r"(v) : "r"(b) : "memory");
  trap_report("lld +4");
  __asm__ volatile("sc %0, 1(%1)" : "+r"(f) : "r"(b) : "memory");
  trap_report("sc +1");
  __asm__ volatile("scd %0, 12(%1)" : "+r"(f) : "r"(b) : "memory");
  trap_report("scd +12");
  rt_exc_hook = NULL;
  printf("after misaligned: v=%016llx f=%016llx mem0=%016llx mem1=%016llx\n", ULL(v),
         ULL(f), ULL(mem[0]), ULL(mem[1]));
}

int main(void)
{
  printf("# ll/sc\n");
  word_cases();
  printf("# lld/scd\n");
  dword_cases();
  printf("# misaligned\n");
  misaligned();
  printf("# done\n");
  return 0;
}
