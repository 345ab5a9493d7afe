/* Loads and stores of every width at every alignment (R6 allows misaligned
 * ordinary accesses; QEMU performs them), with sign/zero extension edges,
 * negative and extreme offsets, and accesses that straddle a 4 KiB page:
 * LB LBU LH LHU LW LWU LD SB SH SW SD. */
#include "common.h"

static uint8_t buf[64] __attribute__((aligned(16)));
static uint8_t pages[8192] __attribute__((aligned(4096)));

static void fill(uint8_t *p, size_t n)
{
  /* 0x7f/0x80/0xff appear at every alignment. */
  static const uint8_t pat[] = {0x80, 0x7f, 0xff, 0x01, 0x00, 0xfe, 0x81, 0x7e,
                                0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                                0xff};
  for (size_t i = 0; i < n; i++)
    p[i] = pat[i % sizeof pat];
}

static void dump(const char *what, const uint8_t *p, size_t n)
{
  printf("%-18s", what);
  for (size_t i = 0; i < n; i++)
    printf("%s%02x", (i % 8) ? "" : " ", p[i]);
  printf("\n");
}

/* An address as an integer: the extreme-offset tests point base registers
 * far outside the buffers (the offset brings them back). */
#define AT(p, off) ((uintptr_t)(p) + (uintptr_t)(long)(off))

#define LOAD(insn, base, off)                                                \
  ({                                                                         \
    uint64_t r_;                                                             \
    __asm__ volatile(insn " %0, " #off "(%1)"                                \
                     : "=r"(r_)                                              \
                     : "r"(base)                                             \
                     : "memory");                                            \
    r_;                                                                      \
  })
#define STORE(insn, val, base, off)                                          \
  __asm__ volatile(insn " %0, " #off "(%1)" ::"r"(val), "r"(base) : "memory")

#define T_LOADS(insn)                                                        \
  do {                                                                       \
    for (int k_ = 0; k_ < 16; k_++)                                          \
      printf("%-4s +%-2d -> %016llx\n", insn, k_,                           \
             ULL(LOAD(insn, buf + 8 + k_, 0)));                             \
    printf("%-4s -8(+8)  -> %016llx\n", insn, ULL(LOAD(insn, buf + 8, -8)));   \
    printf("%-4s 15(+0)  -> %016llx\n", insn, ULL(LOAD(insn, buf, 15)));       \
    printf("%-4s big+    -> %016llx\n", insn,                               \
           ULL(LOAD(insn, AT(buf, 3 - 0x7fff), 0x7fff)));                       \
    printf("%-4s big-    -> %016llx\n", insn,                               \
           ULL(LOAD(insn, AT(buf, 5 + 0x8000), -0x8000)));                      \
  } while (0)

#define T_STORES(insn, size)                                                 \
  do {                                                                       \
    for (int k_ = 0; k_ < 16; k_++) {                                        \
      char what_[24];                                                        \
      memset(buf, 0xee, sizeof buf);                                         \
      STORE(insn, 0x8123456789abcdefull, buf + 8 + k_, 0);                   \
      snprintf(what_, sizeof what_, "%s +%d", insn, k_);                     \
      dump(what_, buf, 32);                                                  \
    }                                                                        \
    memset(buf, 0xee, sizeof buf);                                           \
    STORE(insn, 0xfedcba9876543210ull, buf + 16, -3);                        \
    STORE(insn, 0xfedcba9876543210ull, AT(buf, 7 + 0x8000), -0x8000);           \
    STORE(insn, 0xfedcba9876543210ull, AT(buf, 40 - 0x7fff), 0x7fff);           \
    dump(insn " offs", buf, 64);                                             \
  } while (0)

/* Accesses straddling the page boundary at pages + 4096. */
static void page_cross(void)
{
  uint8_t *edge = pages + 4096;
  fill(pages + 4096 - 16, 32);
  printf("# page crossing\n");
  for (int k = 1; k < 8; k++) {
    printf("cross -%d lh=%016llx lw=%016llx lwu=%016llx ld=%016llx\n", k,
           ULL(LOAD("lh", edge - k, 0)), ULL(LOAD("lw", edge - k, 0)),
           ULL(LOAD("lwu", edge - k, 0)), ULL(LOAD("ld", edge - k, 0)));
  }
  for (int k = 1; k < 8; k++) {
    memset(pages + 4096 - 16, 0xee, 32);
    STORE("sd", 0x0102030405060708ull, edge - k, 0);
    STORE("sw", 0xa1a2a3a4ull, edge - k - 8, 0);
    STORE("sh", 0xb1b2ull, edge + 8 - (k & 1), 0);
    char what[24];
    snprintf(what, sizeof what, "cross st -%d", k);
    dump(what, pages + 4096 - 16, 32);
  }
}

/* Load into a register that is also the base. */
static void base_overwrite(void)
{
  uint64_t p = (uint64_t)(uintptr_t)(buf + 8);
  fill(buf, sizeof buf);
  __asm__ volatile("ld %0, 0(%0)" : "+r"(p)::"memory");
  printf("ld base=dest -> %016llx\n", ULL(p));
  p = (uint64_t)(uintptr_t)(buf + 9);
  __asm__ volatile("lb %0, -1(%0)" : "+r"(p)::"memory");
  printf("lb base=dest -> %016llx\n", ULL(p));
}

int main(void)
{
  printf("# loads\n");
  fill(buf, sizeof buf);
  dump("buf", buf, 64);
  T_LOADS("lb");
  T_LOADS("lbu");
  T_LOADS("lh");
  T_LOADS("lhu");
  T_LOADS("lw");
  T_LOADS("lwu");
  T_LOADS("ld");
  printf("# stores\n");
  T_STORES("sb", 1);
  T_STORES("sh", 2);
  T_STORES("sw", 4);
  T_STORES("sd", 8);
  page_cross();
  base_overwrite();
  printf("# done\n");
  return 0;
}
