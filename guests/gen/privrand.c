/* privrand: writes a random privileged guest program (TLB and exceptions).
 *
 *   privrand --seed N [--ops M] [-o FILE]
 *
 * The output is an assembly file defining pr_body(), called by
 * guests/gen/privmain.c in kernel mode with Status.KX = SX = UX = 1 (64-bit
 * addressing on: no address wrap).  pr_body is a straight sequence of M
 * (default 220) operations (the first twelve are TLB writes):
 *
 *   - TLBWI of a random entry 0..11: random page size (4 KiB .. 256 MiB, now
 *     and then a PageMask value that is not a page size and reads as 4 KiB),
 *     ASID 1..3 or global (G in both EntryLo, or in one only), V/D/RI/XI per
 *     page, C 2 or 3, EHINV now and then, junk in the EntryHi bits covered by
 *     the mask and in the EntryLo bits above the 36-bit PFN;
 *   - loads (LB/LH/LW/LD/LWU), stores (SB/SH/SW/SD), LL/SC pairs and
 *     instruction fetches (JALR to a `jr ra` slot) through mapped pages,
 *     pages of other ASIDs, invalid pages and unmapped addresses;
 *   - TLBP and TLBR (results folded into a checksum), TLBINV of an ASID,
 *     TLBINVF, changes of the current ASID (EntryHi.ASID).
 *
 * Every physical page the program maps lies in (or, for pages larger than
 * 64 KiB, contains) the 64 KiB arena at physical 0x800000, and the generator
 * keeps a model of the TLB so that every access that can succeed lands in
 * the arena: stores never touch the program.  Each TLB index has its own
 * virtual window (xuseg, kuseg, xkseg, ksseg or kseg3), so no two entries
 * ever match the same address (a multiple match is undefined).  Entries
 * 12..15 are never used (QEMU's I6400 has 16 entries, vzsim 64), TLBWR is
 * not used (its index is implementation-defined), nothing depends on time.
 *
 * The driver's exception handler prints Cause, EPC, BadVAddr, EntryHi,
 * Context and XContext for every exception and resumes after the faulting
 * instruction (or at the return address of a failed fetch).  At the end it
 * prints the checksum, an FNV-1a hash of the arena and every TLB entry.
 *
 * Deterministic: its own PRNG (splitmix64), no libc rand. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gencommon.h"

#define ARENA_PA 0x800000ull
#define ARENA_SIZE 0x10000ull
#define SLOT 256              /* a `jr ra; nop` pair at every 256-byte boundary */
#define N_ENTRIES 12

/* ---- the TLB model ------------------------------------------------------ */

typedef struct {
  bool v, d, ri, xi;
  uint64_t pa;               /* physical page base */
} page_t;

typedef struct {
  bool live;                 /* written and not invalidated */
  uint64_t base;             /* virtual address of the pair */
  uint64_t size;             /* page size */
  unsigned asid;
  bool g;
  page_t pg[2];
} entry_t;

typedef struct {
  uint64_t base, size;       /* the virtual window of one TLB index */
  uint64_t max_page;         /* largest page size that fits (pair <= window / 2) */
  const char *name;
} window_t;

typedef struct {
  FILE *out;
  rng_t rng;
  entry_t e[N_ENTRIES];
  window_t w[N_ENTRIES];
  unsigned asid;             /* current EntryHi.ASID */
  long ops;
} gen_t;

static void emit(gen_t *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(gen_t *g, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputc('\t', g->out);
  vfprintf(g->out, fmt, ap);
  fputc('\n', g->out);
  va_end(ap);
}

static const uint64_t page_sizes[] = {
  0x1000, 0x4000, 0x10000, 0x40000, 0x100000, 0x400000, 0x1000000, 0x4000000, 0x10000000,
};

static void setup_windows(gen_t *g)
{
  for (unsigned i = 0; i < N_ENTRIES; i++) {
    window_t *w = &g->w[i];
    if (i < 5) {
      w->base = 0x0000000100000000ull + (uint64_t)i * 0x40000000ull;   /* xuseg, 1 GiB */
      w->size = 0x40000000ull;
      w->name = "xuseg";
    } else if (i < 7) {
      w->base = 0x10000000ull + (uint64_t)(i - 5) * 0x8000000ull;      /* kuseg, 128 MiB */
      w->size = 0x8000000ull;
      w->name = "kuseg";
    } else if (i < 10) {
      w->base = 0xc000000040000000ull + (uint64_t)(i - 7) * 0x40000000ull; /* xkseg */
      w->size = 0x40000000ull;
      w->name = "xkseg";
    } else if (i == 10) {
      w->base = 0xffffffffc4000000ull;                                 /* ksseg */
      w->size = 0x4000000ull;
      w->name = "ksseg";
    } else {
      w->base = 0xffffffffe8000000ull;                                 /* kseg3 */
      w->size = 0x8000000ull;
      w->name = "kseg3";
    }
    w->max_page = w->size / 4;
  }
}

/* Physical base of a page of size s: inside the arena when the page is not
 * larger than it, else the page that contains the arena. */
static uint64_t page_pa(gen_t *g, uint64_t s)
{
  if (s <= ARENA_SIZE)
    return ARENA_PA + (uint64_t)rng_below(&g->rng, (unsigned)(ARENA_SIZE / s)) * s;
  return ARENA_PA & ~(s - 1);
}

/* An offset inside a page of size s at physical base pa whose physical
 * address is in the arena, aligned to `align`; for stores not on a code
 * slot, for fetches exactly on one. */
static uint64_t arena_offset(gen_t *g, uint64_t pa, uint64_t s, unsigned align, int kind)
{
  uint64_t lo = ARENA_PA - pa, span = s < ARENA_SIZE ? s : ARENA_SIZE;
  if (pa >= ARENA_PA)
    lo = 0;
  for (;;) {
    uint64_t off = lo + (rng_next(&g->rng) % span);
    if (kind == 2)
      return off & ~(uint64_t)(SLOT - 1);
    off &= ~(uint64_t)(align - 1);
    if (kind == 1 && ((pa + off) % SLOT) < 8)
      continue;
    return off;
  }
}

static void fold(gen_t *g, unsigned reg)
{
  emit(g, "dsll $11, $16, 7");
  emit(g, "dsrl $12, $16, 57");
  emit(g, "or $16, $11, $12");
  emit(g, "xor $16, $16, $%u", reg);
}

static void set_asid(gen_t *g)
{
  emit(g, "li $8, %u", g->asid);
  emit(g, "dmtc0 $8, $10");
  emit(g, "ehb");
}

static uint64_t entrylo(gen_t *g, const page_t *p, bool gbit)
{
  uint64_t lo = ((p->pa >> 12) << 6) | ((uint64_t)(rng_chance(&g->rng, 80) ? 3 : 2) << 3);
  if (p->v)
    lo |= 2;
  if (p->d)
    lo |= 4;
  if (gbit)
    lo |= 1;
  if (p->ri)
    lo |= 1ull << 63;
  if (p->xi)
    lo |= 1ull << 62;
  if (rng_chance(&g->rng, 10))   /* bits above the 36-bit PFN: not kept */
    lo |= (rng_next(&g->rng) & 0x3fffffffull) << 30 & ~(3ull << 62);
  return lo;
}

static void op_tlbwi(gen_t *g)
{
  unsigned i = rng_below(&g->rng, N_ENTRIES);
  window_t *w = &g->w[i];
  entry_t *e = &g->e[i];
  unsigned nsz = 0;
  while (nsz < sizeof page_sizes / sizeof page_sizes[0] && page_sizes[nsz] <= w->max_page)
    nsz++;
  uint64_t s = page_sizes[rng_below(&g->rng, nsz)];
  uint32_t pm = (uint32_t)((s * 2 - 1) & ~0x1fffull);
  if (rng_chance(&g->rng, 4)) {
    pm = rng_chance(&g->rng, 50) ? 0x2000u : 0xa000u;   /* not a page size: 4 KiB */
    s = 0x1000;
  }
  uint64_t slots = w->size / (2 * s);
  uint64_t base = w->base + (rng_next(&g->rng) % slots) * 2 * s;
  memset(e, 0, sizeof *e);
  e->live = !rng_chance(&g->rng, 4);          /* EHINV: written invalid */
  e->base = base;
  e->size = s;
  e->asid = 1 + rng_below(&g->rng, 3);
  unsigned gmode = rng_below(&g->rng, 10);    /* 0-2: global, 3: G0 only, 4: G1 only */
  e->g = gmode < 3;
  uint64_t pa_even = page_pa(g, s);
  for (int k = 0; k < 2; k++) {
    page_t *p = &e->pg[k];
    p->v = rng_chance(&g->rng, 85);
    p->d = rng_chance(&g->rng, 65);
    p->ri = rng_chance(&g->rng, 12);
    p->xi = rng_chance(&g->rng, 12);
    p->pa = k ? page_pa(g, s) : pa_even;
  }
  uint64_t hi = base | e->asid;
  if (s > 0x1000 && rng_chance(&g->rng, 30))
    hi |= (rng_next(&g->rng) & (s - 1)) & ~0x1fffull;   /* VPN2 bits under the mask */
  if (!e->live)
    hi |= 0x400;
  uint64_t lo0 = entrylo(g, &e->pg[0], e->g || gmode == 3);
  uint64_t lo1 = entrylo(g, &e->pg[1], e->g || gmode == 4);
  fprintf(g->out, "\t# tlbwi %u: %s va %016" PRIx64 " size %" PRIx64 " asid %u%s%s\n", i,
          w->name, base, s, e->asid, e->g ? " G" : "", e->live ? "" : " EHINV");
  emit(g, "li $8, %u", i);
  emit(g, "mtc0 $8, $0");
  emit(g, "dli $8, 0x%" PRIx64, hi);
  emit(g, "dmtc0 $8, $10");
  emit(g, "li $8, 0x%x", pm);
  emit(g, "mtc0 $8, $5");
  emit(g, "dli $8, 0x%" PRIx64, lo0);
  emit(g, "dmtc0 $8, $2");
  emit(g, "dli $8, 0x%" PRIx64, lo1);
  emit(g, "dmtc0 $8, $3");
  emit(g, "ehb");
  emit(g, "tlbwi");
  emit(g, "ehb");
  set_asid(g);
}

/* A virtual address for an access of `kind` (0 load, 1 store, 2 fetch). */
static uint64_t pick_va(gen_t *g, unsigned align, int kind)
{
  unsigned i = rng_below(&g->rng, N_ENTRIES);
  const window_t *w = &g->w[i];
  const entry_t *e = &g->e[i];
  if (rng_chance(&g->rng, 3)) {
    /* unmapped: kseg0 alias of the arena (never a fault) or an address error */
    if (kind == 1 || rng_chance(&g->rng, 50))
      return 0x0001000000000000ull + (rng_next(&g->rng) & 0xfff0);   /* beyond SEGBITS */
    return 0xffffffff80000000ull + ARENA_PA + (kind == 2 ? 0 : (rng_next(&g->rng) & 0xff8) + 8);
  }
  if (e->base && rng_chance(&g->rng, 80)) {
    /* inside the pair (the entry may not match: other ASID, invalid...).
     * Stores and fetches stay off RI pages: after one of them QEMU caches
     * the page readable and a later load misses its TLBRI (rixi.c shows it). */
    int k = rng_below(&g->rng, 2);
    const page_t *p = &e->pg[k];
    if (kind == 0 || !p->ri)
      return e->base + (uint64_t)k * e->size + arena_offset(g, p->pa, e->size, align, kind);
  }
  /* elsewhere in the window: no entry matches */
  for (;;) {
    uint64_t va = w->base + ((rng_next(&g->rng) % w->size) & ~(uint64_t)(SLOT - 1));
    va += kind == 2 ? 0 : (rng_next(&g->rng) % SLOT) & ~(uint64_t)(align - 1);
    if (kind == 1 && va % SLOT < 8)
      continue;
    if (!e->base || va < e->base || va >= e->base + 2 * e->size)
      return va;
  }
}

static void op_load(gen_t *g)
{
  static const struct { const char *m; unsigned sz; } ld[] = {
    { "lb", 1 }, { "lbu", 1 }, { "lh", 2 }, { "lhu", 2 }, { "lw", 4 }, { "lwu", 4 }, { "ld", 8 },
  };
  unsigned k = rng_below(&g->rng, 7);
  uint64_t va = pick_va(g, ld[k].sz, 0);
  emit(g, "dli $9, 0x%" PRIx64, va);
  emit(g, "li $10, %u", (unsigned)(g->ops & 0xffff));
  emit(g, "%s $10, 0($9)", ld[k].m);
  fold(g, 10);
}

static void op_store(gen_t *g)
{
  static const struct { const char *m; unsigned sz; } st[] = {
    { "sb", 1 }, { "sh", 2 }, { "sw", 4 }, { "sd", 8 },
  };
  unsigned k = rng_below(&g->rng, 4);
  uint64_t va = pick_va(g, st[k].sz, 1);
  emit(g, "dli $9, 0x%" PRIx64, va);
  emit(g, "dli $10, 0x%" PRIx64, rng_next(&g->rng));
  emit(g, "%s $10, 0($9)", st[k].m);
}

/* Will a load of va succeed? (the model: the window's entry, ASID, V, RI) */
static bool load_ok(const gen_t *g, uint64_t va)
{
  if (va >= 0xffffffff80000000ull && va < 0xffffffffc0000000ull)
    return true;                               /* kseg0 alias of the arena */
  for (unsigned i = 0; i < N_ENTRIES; i++) {
    const window_t *w = &g->w[i];
    const entry_t *e = &g->e[i];
    if (va < w->base || va - w->base >= w->size)
      continue;
    if (!e->live || !(e->g || e->asid == g->asid) || va < e->base || va - e->base >= 2 * e->size)
      return false;
    const page_t *p = &e->pg[va - e->base >= e->size];
    return p->v && !p->ri;
  }
  return false;
}

/* LL, then SC to the same address only when the LL succeeds: after a failed
 * LL the link is stale and QEMU skips the translation of the SC (see
 * known-differences/llsc.txt), the architecture translates it. */
static void op_llsc(gen_t *g)
{
  uint64_t va = pick_va(g, 4, 1);
  bool misaligned = rng_chance(&g->rng, 5);
  emit(g, "dli $9, 0x%" PRIx64, va + (misaligned ? 2 : 0));
  emit(g, "li $10, 0");
  emit(g, "ll $10, 0($9)");
  fold(g, 10);
  if (misaligned || !load_ok(g, va))
    return;
  emit(g, "daddiu $13, $10, 1");
  emit(g, "sc $13, 0($9)");
  fold(g, 13);
}

static void op_fetch(gen_t *g)
{
  uint64_t va = pick_va(g, 4, 2);
  emit(g, "dli $9, 0x%" PRIx64, va);
  emit(g, "jalr $9");
  emit(g, "nop");
}

static void op_tlbp(gen_t *g)
{
  uint64_t va = pick_va(g, 8, 0) & ~0x1fffull;
  emit(g, "dli $8, 0x%" PRIx64, va | g->asid);
  emit(g, "dmtc0 $8, $10");
  emit(g, "ehb");
  emit(g, "tlbp");
  emit(g, "ehb");
  emit(g, "mfc0 $10, $0");
  fold(g, 10);
  set_asid(g);
}

static void op_tlbr(gen_t *g)
{
  unsigned i = rng_below(&g->rng, N_ENTRIES);
  emit(g, "li $8, %u", i);
  emit(g, "mtc0 $8, $0");
  emit(g, "ehb");
  emit(g, "tlbr");
  emit(g, "ehb");
  emit(g, "dmfc0 $10, $10");
  fold(g, 10);
  emit(g, "mfc0 $10, $5");
  fold(g, 10);
  emit(g, "dmfc0 $10, $2");
  fold(g, 10);
  emit(g, "dmfc0 $10, $3");
  fold(g, 10);
  set_asid(g);
}

static void op_tlbinv(gen_t *g)
{
  unsigned a = 1 + rng_below(&g->rng, 3);
  for (unsigned i = 0; i < N_ENTRIES; i++)
    if (g->e[i].live && !g->e[i].g && g->e[i].asid == a)
      g->e[i].live = false;
  fprintf(g->out, "\t# tlbinv asid %u\n", a);
  emit(g, "li $8, %u", a);
  emit(g, "dmtc0 $8, $10");
  emit(g, "ehb");
  emit(g, "tlbinv");
  emit(g, "ehb");
  set_asid(g);
}

static void op_tlbinvf(gen_t *g)
{
  for (unsigned i = 0; i < N_ENTRIES; i++)
    g->e[i].live = false;
  emit(g, "tlbinvf");
  emit(g, "ehb");
}

static void op_asid(gen_t *g)
{
  g->asid = 1 + rng_below(&g->rng, 3);
  fprintf(g->out, "\t# asid %u\n", g->asid);
  set_asid(g);
}

static void write_program(gen_t *g, uint64_t seed, long nops)
{
  FILE *o = g->out;
  fprintf(o, "/* Generated by privrand --seed %" PRIu64 " --ops %ld; do not edit. */\n", seed,
          nops);
  fprintf(o, "\t.set noreorder\n\t.set noat\n\t.text\n\t.globl pr_body\n\t.type pr_body, @function\n");
  fprintf(o, "pr_body:\n");
  static const unsigned saved[] = { 16, 17, 18, 19, 20, 21, 22, 23, 28, 30, 31 };
  emit(g, "lui $8, %%hi(pr_saved)");
  emit(g, "daddiu $8, $8, %%lo(pr_saved)");
  for (unsigned i = 0; i < sizeof saved / sizeof saved[0]; i++)
    emit(g, "sd $%u, %u($8)", saved[i], 8 * i);
  emit(g, "move $16, $0");
  g->asid = 1;
  set_asid(g);
  for (g->ops = 0; g->ops < nops; g->ops++) {
    /* the first operations fill the TLB, then the mix */
    unsigned r = g->ops < N_ENTRIES ? 0 : rng_below(&g->rng, 100);
    if (r < 22)
      op_tlbwi(g);
    else if (r < 50)
      op_load(g);
    else if (r < 66)
      op_store(g);
    else if (r < 72)
      op_llsc(g);
    else if (r < 80)
      op_fetch(g);
    else if (r < 86)
      op_tlbp(g);
    else if (r < 91)
      op_tlbr(g);
    else if (r < 96)
      op_asid(g);
    else if (r < 99)
      op_tlbinv(g);
    else
      op_tlbinvf(g);
  }
  emit(g, "lui $8, %%hi(pr_result)");
  emit(g, "daddiu $8, $8, %%lo(pr_result)");
  emit(g, "sd $16, 0($8)");
  emit(g, "lui $8, %%hi(pr_saved)");
  emit(g, "daddiu $8, $8, %%lo(pr_saved)");
  for (unsigned i = 0; i < sizeof saved / sizeof saved[0]; i++)
    emit(g, "ld $%u, %u($8)", saved[i], 8 * i);
  emit(g, "jr $31");
  emit(g, "nop");
  fprintf(o, "\t.size pr_body, . - pr_body\n");
  fprintf(o, "\n\t.data\n\t.align 3\n\t.globl pr_seed, pr_ops, pr_result\n");
  fprintf(o, "pr_seed:\t.dword %" PRIu64 "\npr_ops:\t.dword %ld\npr_result:\t.dword 0\n", seed,
          nops);
  fprintf(o, "pr_saved:\t.space %u\n", (unsigned)(8 * (sizeof saved / sizeof saved[0])));
}

int main(int argc, char **argv)
{
  gencli cli = {.prog = "privrand", .count_opt = "--ops", .count_max = 100000, .count = 220};
  gencli_parse(&cli, argc, argv);

  gen_t g;
  memset(&g, 0, sizeof g);
  g.rng.state = cli.seed * 0x2545f4914f6cdd1dull + 0x7e57ab1e;
  setup_windows(&g);
  g.out = gencli_open(&cli);
  write_program(&g, cli.seed, (long)cli.count);
  return gencli_close(&cli, g.out);
}
