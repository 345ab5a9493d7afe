/* Address segments, operating modes and Status.KX/SX/UX/PX.
 *
 *  1. loads (lw 8(base)) and instruction fetches (jalr) from user,
 *     supervisor and kernel mode, with KX/SX/UX off and on, to useg, xuseg,
 *     xsseg, xkphys, xkseg, kseg0, kseg1, ksseg (sseg) and kseg3, and to
 *     addresses beyond SEGBITS/PABITS: the access either works (the mapped
 *     test page holds 600df00d and, at offset 0, a return to the kernel) or
 *     raises an address error.  R6 KX = 0 forces SX = UX = 0 and SX = 0
 *     forces UX = 0, so only the nested combinations exist.
 *  2. R6 address wrapping: with the mode's 64-bit addressing off, data
 *     addresses are the sign-extended low 32 bits of base + offset (fetch
 *     addresses do not wrap; section 1 shows both).
 *  3. Status.ERL = 1: kuseg (below 2 GiB) is unmapped, identity.
 *  4. 64-bit operations in user mode: Reserved Instruction unless UX or PX
 *     (supervisor and kernel always have them on this core, as in QEMU).
 *  5. Context/XContext/EntryHi after address errors. */
#include "priv.h"

static unsigned checks;
static uint8_t tpage[4096] __attribute__((aligned(4096)));
#define MAGIC 0x600df00dull
#define RET_WORD 0x03ffffccu

static const struct { const char *name; uint64_t va; int mapped; } regions[] = {
  { "useg     0000000000800000", 0x0000000000800000ull, 1 },
  { "xuseg    0000000200800000", 0x0000000200800000ull, 1 },
  { "xuseg>SEGBITS             ", 0x0001000000800000ull, 0 },
  { "xsseg    4000000000800000", 0x4000000000800000ull, 1 },
  { "xsseg>SEGBITS             ", 0x4001000000800000ull, 0 },
  { "xkphys   9000000000000000+pa", 0, 2 },
  { "xkphys>PABITS             ", 0x9000100000000000ull, 0 },
  { "xkseg    c000000000800000", 0xc000000000800000ull, 1 },
  { "xkseg top c000ffff80000000", 0xc000ffff80000000ull, 0 },
  { "kseg0    ffffffff80000000+pa", 0, 3 },
  { "kseg1    ffffffffa0000000+pa", 0, 4 },
  { "ksseg    ffffffffc0800000", 0xffffffffc0800000ull, 1 },
  { "kseg3    ffffffffe0800000", 0xffffffffe0800000ull, 1 },
};

static uint64_t region_va(unsigned i)
{
  uint64_t pa = PHYS(tpage);
  switch (regions[i].mapped) {
  case 2: return XKPHYS(2, pa);
  case 3: return 0xffffffff80000000ull | pa;
  case 4: return KSEG1(pa);
  default: return regions[i].va;
  }
}

static const struct { const char *name; uint32_t st; } modes[] = {
  { "kernel   -- ", ST_KSU_K },
  { "kernel   K- ", ST_KSU_K | ST_KX },
  { "kernel   KS ", ST_KSU_K | ST_KX | ST_SX },
  { "kernel   KSU", ST_KSU_K | ST_KX | ST_SX | ST_UX },
  { "super    -- ", ST_KSU_S },
  { "super    KS ", ST_KSU_S | ST_KX | ST_SX },
  { "super    KSU", ST_KSU_S | ST_KX | ST_SX | ST_UX },
  { "user     -- ", ST_KSU_U },
  { "user     KSU", ST_KSU_U | ST_KX | ST_SX | ST_UX },
  { "user     PX ", ST_KSU_U | (1u << 23) },
};

static void map_regions(void)
{
  uint64_t pa = PHYS(tpage);
  unsigned idx = 0;
  for (unsigned i = 0; i < N_ELEMS(regions); i++)
    if (regions[i].mapped == 1)
      tlb_set(idx++, regions[i].va, 0, ELO(pa, ELO_V | ELO_D | ELO_G), ELO(pa, ELO_V | ELO_D | ELO_G));
  uint32_t ret = RET_WORD;
  memcpy(tpage, &ret, 4);
  *(volatile uint64_t *)(tpage + 8) = MAGIC;
}

static void matrix(void)
{
  printf("# loads and fetches per mode and segment (value 600df00d / fetch ok = access works)\n");
  for (unsigned m = 0; m < N_ELEMS(modes); m++)
    for (unsigned r = 0; r < N_ELEMS(regions); r++) {
      char label[80];
      uint64_t va = region_va(r);
      exc_arm();
      uint64_t v = priv_run(UVA(pu_lw8), va, 0, priv_kstatus() | modes[m].st);
      snprintf(label, sizeof label, "%s lw %s", modes[m].name, regions[r].name);
      if (exc_n == 0)
        printf("%s: %llx\n", label, ULL(v & 0xffffffffu));
      else
        exc_show(label, P_BADV);
      exc_arm();
      priv_run(UVA(pu_fetch), va, 0, priv_kstatus() | modes[m].st);
      snprintf(label, sizeof label, "%s jr %s", modes[m].name, regions[r].name);
      if (exc_n == 0)
        printf("%s: fetch ok\n", label);
      else
        exc_show(label, P_BADV);
      checks += 2;
    }
}

static void wrap(void)
{
  printf("# R6 address wrap with KX = 0 (kernel): lw off(base)\n");
  static const uint64_t va[] = {
    0x0000000100800000ull, 0xc000000000800000ull, 0x9000000000800000ull,
    0x00000000ffffff00ull, 0x000000007fffffe8ull,
  };
  static const int off[] = { 0, 8, -8 };
  for (unsigned i = 0; i < N_ELEMS(va); i++)
    for (unsigned o = 0; o < N_ELEMS(off); o++) {
      char label[64];
      uint64_t v = 0;
      exc_arm();
      switch (o) {
      case 0: __asm__ volatile("lw %0, 0(%1)" : "+r"(v) : "r"(va[i] + 8) : "memory"); break;
      case 1: __asm__ volatile("lw %0, 8(%1)" : "+r"(v) : "r"(va[i]) : "memory"); break;
      default: __asm__ volatile("lw %0, -8(%1)" : "+r"(v) : "r"(va[i] + 16) : "memory"); break;
      }
      snprintf(label, sizeof label, "lw %d(%016llx)", off[o] == 0 ? 0 : off[o],
               ULL(off[o] == 0 ? va[i] + 8 : off[o] == 8 ? va[i] : va[i] + 16));
      if (exc_n == 0)
        printf("%s: %llx\n", label, ULL(v & 0xffffffffu));
      else
        exc_show(label, P_BADV);
      checks++;
    }
  printf("# user mode, UX = 0: the same through lw 8(base)\n");
  for (unsigned i = 0; i < 3; i++) {
    char label[64];
    exc_arm();
    uint64_t v = priv_run(UVA(pu_lw8), va[i], 0, priv_kstatus() | ST_KSU_U);
    snprintf(label, sizeof label, "user lw 8(%016llx)", ULL(va[i]));
    if (exc_n == 0)
      printf("%s: %llx\n", label, ULL(v & 0xffffffffu));
    else
      exc_show(label, P_BADV);
    checks++;
  }
}

static void erl(void)
{
  printf("# Status.ERL = 1: kuseg is unmapped (VA = PA below 2 GiB)\n");
  uint64_t pa = PHYS(tpage);
  uint64_t st = MFC0(12, 0);
  static const uint64_t va_list[] = { 0, 0x80000000ull, 0x0000000100000000ull };
  for (unsigned i = 0; i < N_ELEMS(va_list); i++) {
    uint64_t va = va_list[i] ? va_list[i] : pa;
    uint64_t v = 0;
    exc_arm();
    MTC0(12, 0, st | ST_ERL | (i == 2 ? ST_KX | ST_SX | ST_UX : 0));
    __asm__ volatile("lw %0, 8(%1)" : "+r"(v) : "r"(va) : "memory");
    MTC0(12, 0, st);
    char label[64];
    if (va_list[i])
      snprintf(label, sizeof label, "ERL=1 lw 8(%016llx)", ULL(va));
    else
      snprintf(label, sizeof label, "ERL=1 lw 8(pa of the test page)");
    if (exc_n == 0)
      printf("%s: %llx\n", label, ULL(v & 0xffffffffu));
    else
      exc_show(label, P_BADV);
    checks++;
  }
  /* a store through the identity mapping */
  MTC0(12, 0, st | ST_ERL);
  __asm__ volatile("sw %0, 12(%1)" :: "r"(0x1dull), "r"(pa) : "memory");
  MTC0(12, 0, st);
  printf("ERL=1 sw 12(pa): memory %x\n", *(volatile uint32_t *)(tpage + 12));
  /* the same VA with ERL = 0 goes through the TLB */
  exc_arm();
  uint64_t v = 0;
  __asm__ volatile("lw %0, 8(%1)" : "+r"(v) : "r"(pa) : "memory");
  exc_show("ERL=0 lw 8(pa)", P_BADV);
  checks += 2;
}

static void ops64(void)
{
  printf("# 64-bit operations per mode\n");
  static const struct { const char *name; char *fn; } ops[] = {
    { "daddu", pu_daddu }, { "dsll32", pu_dsll32 }, { "dext", pu_dext }, { "dmul", pu_dmul },
    { "daui", pu_daui }, { "lwu", pu_lwu }, { "ld", pu_ld }, { "lld", pu_lld }, { "scd", pu_scd },
    { "lw", pu_lw8 },
  };
  static const struct { const char *name; uint32_t st; } m[] = {
    { "user --", ST_KSU_U }, { "user PX", ST_KSU_U | (1u << 23) },
    { "user UX", ST_KSU_U | ST_KX | ST_SX | ST_UX }, { "super --", ST_KSU_S },
    { "kernel --", ST_KSU_K },
  };
  uint64_t a0 = PRIV_UDATA_VA;   /* priv_udata through the user data mapping */
  *(volatile uint64_t *)(priv_udata + 8) = 0x0123456789abcdefull;
  for (unsigned i = 0; i < N_ELEMS(m); i++)
    for (unsigned k = 0; k < N_ELEMS(ops); k++) {
      char label[40];
      exc_arm();
      uint64_t r = priv_run(UVA(ops[k].fn), ops[k].fn == pu_ld ? a0 + 8 : a0,
                            0x100000003ull, priv_kstatus() | m[i].st);
      snprintf(label, sizeof label, "%-9s %-6s", m[i].name, ops[k].name);
      if (exc_n == 0)
        printf("%s: %016llx\n", label, ULL(r));
      else
        exc_show(label, 0);
      checks++;
    }
}

static void adderr_regs(void)
{
  printf("# address errors: BadVAddr, EntryHi, Context, XContext\n");
  DMTC0(10, 0, 0x55);
  DMTC0(4, 0, 0);
  DMTC0(20, 0, 0);
  static const struct { uint64_t va; uint32_t st; } a[] = {
    { 0xffffffff80001234ull, ST_KSU_U },
    { 0xffffffffc0005678ull, ST_KSU_U },
    { 0xffffffffe0009abcull, ST_KSU_S },
    { 0x4000000012345000ull, ST_KSU_S },
    { 0x9800100000001000ull, ST_KSU_K | ST_KX },
    { 0x0000000312345000ull, ST_KSU_K | ST_KX },
  };
  for (unsigned i = 0; i < N_ELEMS(a); i++) {
    char label[48];
    exc_arm();
    priv_run(UVA(pu_fetch), a[i].va, 0, priv_kstatus() | a[i].st);
    snprintf(label, sizeof label, "jr %016llx", ULL(a[i].va));
    exc_show(label, P_BADV | P_TLB);
    exc_arm();
    priv_run(UVA(pu_lw8), a[i].va - 8, 0, priv_kstatus() | a[i].st);
    snprintf(label, sizeof label, "lw %016llx", ULL(a[i].va));
    exc_show(label, P_BADV | P_TLB);
    checks += 2;
  }
  DMTC0(10, 0, 0);
}

int main(void)
{
  priv_init();
  priv_map_user();
  map_regions();
  matrix();
  wrap();
  erl();
  ops64();
  adderr_regs();
  printf("# checks: %u\n", checks);
  return 0;
}
