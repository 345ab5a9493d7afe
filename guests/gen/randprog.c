/* randprog: writes a random MIPS64r6 integer-instruction guest program.
 *
 *   randprog --seed N [--insns M] [-o FILE]
 *
 * The output is an assembly file defining rp_body(), called by
 * guests/gen/randmain.c.  rp_body
 *   1. saves the caller's callee-saved registers, sp, gp and ra;
 *   2. points one register (the "base", never written afterwards) at the
 *      middle of the 4 KiB scratch buffer rp_scratch and loads the other 30
 *      GPRs with values drawn from the seed;
 *   3. holds M (default 1600) random instructions, about three quarters of
 *      which execute (the rest are branched over);
 *   4. stores every GPR to rp_regs[] (through the base register) and
 *      returns.
 * The driver then prints the registers and an FNV-1a checksum of the buffer.
 *
 * The body uses only R6 integer instructions that cannot trap in kernel mode
 * with valid operands: no ADD/SUB/DADD/DSUB (overflow), no trap or syscall
 * instructions, no CP0 access, no PAUSE, and RDHWR only of registers whose
 * value does not depend on time (0, 1, 3, 29).  Memory accesses use the base
 * register with offsets that keep them inside the buffer (misaligned allowed
 * for ordinary loads/stores; LL/SC aligned).  Control flow is forward only
 * and never nested: after a branch or jump, the following instructions up
 * to its target contain no control transfer, so every program terminates.
 * Delay slots and forbidden slots hold ordinary instructions only.
 *
 * The generator is deterministic: the same seed gives the same file on any
 * host (its own PRNG, no libc rand). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gencommon.h"

#define SCRATCH_SIZE 4096
#define SCRATCH_HALF (SCRATCH_SIZE / 2)
#define PCDATA_DWORDS 32

/* Uniform in [lo, hi]. */
static long rng_range(rng_t *r, long lo, long hi)
{
  return lo + (long)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* ---- generator state --------------------------------------------------- */

typedef struct {
  FILE *out;
  rng_t rng;
  unsigned base;     /* register pinned to rp_scratch + SCRATCH_HALF */
  long target;       /* instructions wanted in the body */
  long emitted;      /* body instructions emitted so far */
  long labels;       /* branch-target labels allocated */
  long pending;      /* label of the outstanding forward branch, or -1 */
  long pending_left; /* instructions still to emit before that label */
} gen_t;

static void emit(gen_t *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One body instruction: labelled .Li<n> so that LWPC/LWUPC can read any
 * instruction word of the body. */
static void emit(gen_t *g, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(g->out, ".Li%ld:\t", g->emitted);
  vfprintf(g->out, fmt, ap);
  fputc('\n', g->out);
  va_end(ap);
  g->emitted++;
}

/* A destination register: any GPR except the base, $0 rarely. */
static unsigned dst(gen_t *g)
{
  if (rng_chance(&g->rng, 2))
    return 0;
  for (;;) {
    unsigned r = 1 + rng_below(&g->rng, 31);
    if (r != g->base)
      return r;
  }
}

/* A destination that is neither $0 nor the base nor `avoid`. */
static unsigned dst_nz(gen_t *g, unsigned avoid)
{
  for (;;) {
    unsigned r = 1 + rng_below(&g->rng, 31);
    if (r != g->base && r != avoid)
      return r;
  }
}

/* A source register: any GPR. */
static unsigned src(gen_t *g)
{
  return rng_below(&g->rng, 32);
}

/* A source register other than $0. */
static unsigned src_nz(gen_t *g)
{
  return 1 + rng_below(&g->rng, 31);
}

static long simm16(gen_t *g)
{
  static const long edge[] = {0, 1, -1, 2, 0x7fff, -0x8000, 0x7ffe, -0x7fff, 0x100, -0x100};
  if (rng_chance(&g->rng, 30))
    return edge[rng_below(&g->rng, sizeof edge / sizeof edge[0])];
  return rng_range(&g->rng, -0x8000, 0x7fff);
}

static long uimm16(gen_t *g)
{
  static const long edge[] = {0, 1, 0x7fff, 0x8000, 0xffff, 0xff00, 0x00ff};
  if (rng_chance(&g->rng, 30))
    return edge[rng_below(&g->rng, sizeof edge / sizeof edge[0])];
  return rng_range(&g->rng, 0, 0xffff);
}

/* A 64-bit initial register value with edge cases well represented. */
static uint64_t init_value(gen_t *g)
{
  static const uint64_t edge[] = {
    0, 1, 0xffffffffffffffffull, 0x7fffffffull, 0xffffffff80000000ull,
    0x00000000ffffffffull, 0x0000000080000000ull, 0x8000000000000000ull,
    0x7fffffffffffffffull, 0x100000000ull, 0xffffull, 0x8000ull,
  };
  uint64_t v = rng_next(&g->rng);
  switch (rng_below(&g->rng, 8)) {
  case 0:
  case 1:
    return edge[rng_below(&g->rng, sizeof edge / sizeof edge[0])];
  case 2:
    return v & 0xff;
  case 3:
  case 4:
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v; /* sign-extended 32-bit */
  default:
    return v;
  }
}

/* ---- simple (non-control-transfer) instructions ------------------------ */

static const char *const alu3[] = {
  "addu", "subu", "daddu", "dsubu", "and", "or", "xor", "nor", "slt", "sltu",
  "seleqz", "selnez", "mul", "muh", "mulu", "muhu", "dmul", "dmuh", "dmulu",
  "dmuhu", "div", "mod", "divu", "modu", "ddiv", "dmod", "ddivu", "dmodu",
};
static const char *const shiftv[] = {
  "sllv", "srlv", "srav", "rotrv", "dsllv", "dsrlv", "dsrav", "drotrv",
};
static const char *const shifti[] = {
  "sll", "srl", "sra", "rotr", "dsll", "dsrl", "dsra", "drotr",
  "dsll32", "dsrl32", "dsra32", "drotr32",
};
static const char *const unary[] = {
  "bitswap", "dbitswap", "wsbh", "dsbh", "dshd", "seb", "seh",
  "clz", "clo", "dclz", "dclo",
};
static const char *const loads[] = {"lb", "lbu", "lh", "lhu", "lw", "lwu", "ld"};
static const char *const stores[] = {"sb", "sh", "sw", "sd"};

#define PICK(g, table) (table)[rng_below(&(g)->rng, sizeof(table) / sizeof((table)[0]))]

/* Memory offset from the base: [-SCRATCH_HALF, SCRATCH_HALF - 8], any
 * alignment. */
static long mem_off(gen_t *g)
{
  return rng_range(&g->rng, -SCRATCH_HALF, SCRATCH_HALF - 8);
}

static void gen_alu3(gen_t *g)
{
  emit(g, "%s\t$%u, $%u, $%u", PICK(g, alu3), dst(g), src(g), src(g));
}

static void gen_imm(gen_t *g)
{
  unsigned d = dst(g), s = src(g);
  switch (rng_below(&g->rng, 12)) {
  case 0: emit(g, "addiu\t$%u, $%u, %ld", d, s, simm16(g)); break;
  case 1: emit(g, "daddiu\t$%u, $%u, %ld", d, s, simm16(g)); break;
  case 2: emit(g, "slti\t$%u, $%u, %ld", d, s, simm16(g)); break;
  case 3: emit(g, "sltiu\t$%u, $%u, %ld", d, s, simm16(g)); break;
  case 4: emit(g, "andi\t$%u, $%u, %ld", d, s, uimm16(g)); break;
  case 5: emit(g, "ori\t$%u, $%u, %ld", d, s, uimm16(g)); break;
  case 6: emit(g, "xori\t$%u, $%u, %ld", d, s, uimm16(g)); break;
  case 7: emit(g, "lui\t$%u, %ld", d, uimm16(g)); break;
  case 8: emit(g, "aui\t$%u, $%u, %ld", d, src_nz(g), uimm16(g)); break;
  case 9: emit(g, "daui\t$%u, $%u, %ld", d, src_nz(g), uimm16(g)); break;
  case 10: {
    unsigned r = dst_nz(g, 0);
    emit(g, "dahi\t$%u, $%u, %ld", r, r, uimm16(g));
    break;
  }
  default: {
    unsigned r = dst_nz(g, 0);
    emit(g, "dati\t$%u, $%u, %ld", r, r, uimm16(g));
    break;
  }
  }
}

static void gen_shift(gen_t *g)
{
  if (rng_chance(&g->rng, 40)) {
    /* Value in rt, amount in rs. */
    emit(g, "%s\t$%u, $%u, $%u", PICK(g, shiftv), dst(g), src(g), src(g));
  } else {
    long sa = rng_chance(&g->rng, 30) ? (rng_chance(&g->rng, 50) ? 0 : 31)
                                      : rng_range(&g->rng, 0, 31);
    emit(g, "%s\t$%u, $%u, %ld", PICK(g, shifti), dst(g), src(g), sa);
  }
}

static void gen_bits(gen_t *g)
{
  unsigned d = dst(g), s = src(g);
  switch (rng_below(&g->rng, 12)) {
  case 0:
  case 1:
    emit(g, "%s\t$%u, $%u", PICK(g, unary), d, s);
    break;
  case 2:
    emit(g, "align\t$%u, $%u, $%u, %ld", d, s, src(g), rng_range(&g->rng, 0, 3));
    break;
  case 3:
    emit(g, "dalign\t$%u, $%u, $%u, %ld", d, s, src(g), rng_range(&g->rng, 0, 7));
    break;
  case 4:
    emit(g, "lsa\t$%u, $%u, $%u, %ld", d, s, src(g), rng_range(&g->rng, 1, 4));
    break;
  case 5:
    emit(g, "dlsa\t$%u, $%u, $%u, %ld", d, s, src(g), rng_range(&g->rng, 1, 4));
    break;
  case 6: { /* EXT / INS: pos + size <= 32 */
    long pos = rng_range(&g->rng, 0, 31);
    long size = rng_range(&g->rng, 1, 32 - pos);
    emit(g, "%s\t$%u, $%u, %ld, %ld", rng_chance(&g->rng, 50) ? "ext" : "ins", d, s, pos,
         size);
    break;
  }
  case 7: { /* DEXT / DINS: pos < 32, size <= 32, pos + size <= 32 for DINS */
    long pos = rng_range(&g->rng, 0, 31);
    if (rng_chance(&g->rng, 50))
      emit(g, "dext\t$%u, $%u, %ld, %ld", d, s, pos, rng_range(&g->rng, 1, 32));
    else
      emit(g, "dins\t$%u, $%u, %ld, %ld", d, s, pos, rng_range(&g->rng, 1, 32 - pos));
    break;
  }
  case 8: { /* DEXTM: pos < 32, size > 32; DINSM: pos < 32, 32 < pos + size <= 64 */
    long pos = rng_range(&g->rng, 0, 31);
    if (rng_chance(&g->rng, 50))
      emit(g, "dextm\t$%u, $%u, %ld, %ld", d, s, pos, rng_range(&g->rng, 33, 64 - pos));
    else
      emit(g, "dinsm\t$%u, $%u, %ld, %ld", d, s, pos, rng_range(&g->rng, 33 - pos, 64 - pos));
    break;
  }
  case 9: { /* DEXTU / DINSU: pos >= 32, pos + size <= 64 */
    long pos = rng_range(&g->rng, 32, 63);
    long size = rng_range(&g->rng, 1, 64 - pos);
    emit(g, "%s\t$%u, $%u, %ld, %ld", rng_chance(&g->rng, 50) ? "dextu" : "dinsu", d, s,
         pos, size);
    break;
  }
  default: {
    static const char *const sel[] = {"seleqz", "selnez"};
    emit(g, "%s\t$%u, $%u, $%u", PICK(g, sel), d, s, src(g));
    break;
  }
  }
}

static void gen_pcrel(gen_t *g)
{
  unsigned d = dst(g);
  switch (rng_below(&g->rng, 6)) {
  case 0:
    emit(g, "addiupc\t$%u, %ld", d, 4 * rng_range(&g->rng, -0x40000, 0x3ffff));
    break;
  /* AUIPC/ALUIPC immediates stay below 0x8000: for larger ones QEMU 7.2 adds the
   * zero-extended value where MIPS64 R6 sign-extends it (docs/decisions.md), so
   * QEMU is no oracle there; guests/isa/pcrel.c covers them with the difference
   * listed. */
  case 1:
    emit(g, "auipc\t$%u, %ld", d, uimm16(g) & 0x7fff);
    break;
  case 2:
    emit(g, "aluipc\t$%u, %ld", d, uimm16(g) & 0x7fff);
    break;
  case 3: /* read an instruction word of the body */
    emit(g, "lwpc\t$%u, .Li%ld", d, rng_range(&g->rng, 0, g->target - 1));
    break;
  case 4:
    emit(g, "lwupc\t$%u, .Li%ld", d, rng_range(&g->rng, 0, g->target - 1));
    break;
  default:
    emit(g, "ldpc\t$%u, rp_pcdata+%ld", d, 8 * rng_range(&g->rng, 0, PCDATA_DWORDS - 1));
    break;
  }
}

static void gen_mem(gen_t *g)
{
  if (rng_chance(&g->rng, 55))
    emit(g, "%s\t$%u, %ld($%u)", PICK(g, loads), dst(g), mem_off(g), g->base);
  else
    emit(g, "%s\t$%u, %ld($%u)", PICK(g, stores), src(g), mem_off(g), g->base);
}

static void gen_misc(gen_t *g)
{
  static const unsigned stypes[] = {0, 4, 0x10, 0x11, 0x12, 0x13};
  static const unsigned hwrs[] = {0, 1, 3, 29};
  switch (rng_below(&g->rng, 7)) {
  case 0: emit(g, "nop"); break;
  case 1: emit(g, "ssnop"); break;
  case 2: emit(g, "ehb"); break;
  case 3: emit(g, "sync\t%u", PICK(g, stypes)); break;
  case 4: emit(g, "synci\t%ld($%u)", mem_off(g), g->base); break;
  case 5:
    emit(g, "pref\t%ld, %ld($%u)", rng_range(&g->rng, 0, 23), rng_range(&g->rng, -256, 255),
         g->base);
    break;
  default: emit(g, "rdhwr\t$%u, $%u", dst(g), PICK(g, hwrs)); break;
  }
}

/* A fresh value in a register, so that the random data flow does not
 * collapse to 0 and 1 (compares, selects and masks produce many of those):
 * LUI + ORI, then optionally DAHI and DATI for a full 64-bit value. */
static void gen_refresh(gen_t *g)
{
  unsigned d = dst_nz(g, 0);
  emit(g, "lui\t$%u, %ld", d, uimm16(g));
  emit(g, "ori\t$%u, $%u, %ld", d, d, uimm16(g));
  if (rng_chance(&g->rng, 60)) {
    emit(g, "dahi\t$%u, $%u, %ld", d, d, uimm16(g));
    emit(g, "dati\t$%u, $%u, %ld", d, d, uimm16(g));
  }
}

/* One instruction that is not a control transfer (valid in any slot). */
static void gen_simple(gen_t *g)
{
  unsigned k = rng_below(&g->rng, 100);
  if (k < 30)
    gen_alu3(g);
  else if (k < 45)
    gen_imm(g);
  else if (k < 58)
    gen_shift(g);
  else if (k < 72)
    gen_bits(g);
  else if (k < 78)
    gen_pcrel(g);
  else if (k < 96)
    gen_mem(g);
  else
    gen_misc(g);
}

/* LL/SC or LLD/SCD pair with a few ALU instructions between (no memory
 * accesses, no branches).  Sometimes the SC goes to another address, which
 * must fail. */
static void gen_llsc(gen_t *g)
{
  bool dword = rng_chance(&g->rng, 50);
  long align = dword ? 8 : 4;
  long off = align * rng_range(&g->rng, -256 / align, 255 / align);
  unsigned rt = dst(g);
  emit(g, "%s\t$%u, %ld($%u)", dword ? "lld" : "ll", rt, off, g->base);
  long n = rng_range(&g->rng, 0, 3);
  for (long i = 0; i < n; i++)
    gen_alu3(g);
  long soff = rng_chance(&g->rng, 85) ? off : align * rng_range(&g->rng, -256 / align, 255 / align);
  emit(g, "%s\t$%u, %ld($%u)", dword ? "scd" : "sc", dst(g), soff, g->base);
}

/* ---- control transfers -------------------------------------------------- */

static long new_label(gen_t *g)
{
  return g->labels++;
}

/* Arm the forward target: it is placed after `skip` more instructions. */
static void arm(gen_t *g, long label, long skip)
{
  g->pending = label;
  g->pending_left = skip;
}

static void gen_branch(gen_t *g)
{
  long l = new_label(g);
  long skip = rng_chance(&g->rng, 15) ? 0 : rng_range(&g->rng, 1, 10);
  unsigned a = src(g), b = src(g);
  unsigned t, d;
  switch (rng_below(&g->rng, 22)) {
  /* Delayed branches: the slot always runs. */
  case 0: emit(g, "beq\t$%u, $%u, .Lt%ld", a, b, l); gen_simple(g); break;
  case 1: emit(g, "bne\t$%u, $%u, .Lt%ld", a, b, l); gen_simple(g); break;
  case 2: {
    static const char *const one[] = {"blez", "bgtz", "bltz", "bgez"};
    emit(g, "%s\t$%u, .Lt%ld", PICK(g, one), a, l);
    gen_simple(g);
    break;
  }
  case 3: emit(g, "b\t.Lt%ld", l); gen_simple(g); break;
  case 4: emit(g, "j\t.Lt%ld", l); gen_simple(g); break;
  case 5: emit(g, "jal\t.Lt%ld", l); gen_simple(g); break;
  case 6: emit(g, "bal\t.Lt%ld", l); gen_simple(g); break;
  case 7: /* NAL: link only; the next instruction is its delay slot */
    emit(g, "nal");
    gen_simple(g);
    break;
  case 8: /* JALR / JR / .HB through a register loaded with LAPC */
    t = dst_nz(g, 0);
    d = rng_chance(&g->rng, 25) ? 0 : dst_nz(g, t);
    emit(g, "lapc\t$%u, .Lt%ld", t, l);
    emit(g, "%s\t$%u, $%u", rng_chance(&g->rng, 30) ? "jalr.hb" : "jalr", d, t);
    gen_simple(g);
    break;
  /* Compact branches: conditional ones have a forbidden slot. */
  case 9: emit(g, "bc\t.Lt%ld", l); break;
  case 10: emit(g, "balc\t.Lt%ld", l); break;
  case 11: {
    static const char *const z[] = {"beqzc", "bnezc"};
    emit(g, "%s\t$%u, .Lt%ld", PICK(g, z), src_nz(g), l);
    gen_simple(g);
    break;
  }
  case 12:
  case 13: {
    static const char *const one[] = {"blezc", "bgezc", "bgtzc", "bltzc"};
    emit(g, "%s\t$%u, .Lt%ld", PICK(g, one), src_nz(g), l);
    gen_simple(g);
    break;
  }
  case 14:
  case 15:
  case 16: {
    static const char *const two[] = {"beqc", "bnec", "bltc", "bgec", "bltuc", "bgeuc"};
    unsigned x = src_nz(g), y;
    do {
      y = src_nz(g);
    } while (y == x);
    emit(g, "%s\t$%u, $%u, .Lt%ld", PICK(g, two), x, y, l);
    gen_simple(g);
    break;
  }
  case 17: {
    static const char *const ov[] = {"bovc", "bnvc"};
    emit(g, "%s\t$%u, $%u, .Lt%ld", PICK(g, ov), a, b, l);
    gen_simple(g);
    break;
  }
  case 18:
  case 19: { /* compact branch-and-link: links even when not taken */
    static const char *const alc[] = {"beqzalc", "bnezalc", "blezalc",
                                      "bgezalc", "bgtzalc", "bltzalc"};
    unsigned x;
    do {
      x = src_nz(g);
    } while (x == 31);
    emit(g, "%s\t$%u, .Lt%ld", PICK(g, alc), x, l);
    gen_simple(g);
    break;
  }
  default: { /* JIC / JIALC: target = register + signed offset */
    long off = 4 * rng_range(&g->rng, -8, 8);
    t = dst_nz(g, 0);
    emit(g, "lapc\t$%u, .Lt%ld%+ld", t, l, -off);
    emit(g, "%s\t$%u, %ld", rng_chance(&g->rng, 50) ? "jic" : "jialc", t, off);
    break;
  }
  }
  arm(g, l, skip);
}

/* Place the pending label once enough instructions have passed. */
static void settle(gen_t *g)
{
  if (g->pending >= 0 && g->pending_left <= 0) {
    fprintf(g->out, ".Lt%ld:\n", g->pending);
    g->pending = -1;
  }
}

/* ---- whole program --------------------------------------------------- */

static void write_program(gen_t *g, uint64_t seed)
{
  static const unsigned bases[] = {16, 17, 18, 19, 20, 21, 22, 23, 30};
  g->base = bases[rng_below(&g->rng, sizeof bases / sizeof bases[0])];
  FILE *o = g->out;

  fprintf(o, "/* Generated by randprog --seed %" PRIu64 " --insns %ld; do not edit.\n"
             " * Base register: $%u (rp_scratch + %d). */\n",
          seed, g->target, g->base, SCRATCH_HALF);
  fprintf(o, "\t.set noreorder\n\t.set noat\n\t.text\n\t.align 3\n");
  fprintf(o, "\t.globl rp_body\n\t.type rp_body, @function\nrp_body:\n");
  /* Save the caller's registers. */
  fprintf(o, "\tlui\t$1, %%hi(rp_saved)\n\tdaddiu\t$1, $1, %%lo(rp_saved)\n");
  static const unsigned saved[] = {16, 17, 18, 19, 20, 21, 22, 23, 28, 29, 30, 31};
  for (unsigned i = 0; i < sizeof saved / sizeof saved[0]; i++)
    fprintf(o, "\tsd\t$%u, %u($1)\n", saved[i], 8 * i);
  /* Initial register values. */
  for (unsigned r = 1; r < 32; r++) {
    uint64_t v = init_value(g);
    if (r == g->base)
      continue;
    fprintf(o, "\tdli\t$%u, 0x%016" PRIx64 "\n", r, v);
  }
  fprintf(o, "\tlui\t$%u, %%hi(rp_scratch+%d)\n\tdaddiu\t$%u, $%u, %%lo(rp_scratch+%d)\n",
          g->base, SCRATCH_HALF, g->base, g->base, SCRATCH_HALF);
  fprintf(o, "rp_start:\n");

  /* Body. */
  while (g->emitted < g->target || g->pending >= 0) {
    long before = g->emitted;
    if (g->pending >= 0 || g->emitted >= g->target) {
      /* Inside a branch shadow (or finishing): no control transfers. */
      if (rng_chance(&g->rng, 6))
        gen_llsc(g);
      else
        gen_simple(g);
      g->pending_left -= g->emitted - before;
      settle(g);
      continue;
    }
    unsigned k = rng_below(&g->rng, 100);
    if (k < 12)
      gen_branch(g);
    else if (k < 16)
      gen_llsc(g);
    else if (k < 22)
      gen_refresh(g);
    else
      gen_simple(g);
    settle(g);
  }

  /* Dump every GPR to rp_regs (= rp_scratch + SCRATCH_SIZE) via the base. */
  fprintf(o, "rp_end:\n");
  for (unsigned r = 1; r < 32; r++)
    fprintf(o, "\tsd\t$%u, %d($%u)\n", r, SCRATCH_HALF + 8 * (int)r, g->base);
  fprintf(o, "\tlui\t$1, %%hi(rp_saved)\n\tdaddiu\t$1, $1, %%lo(rp_saved)\n");
  for (unsigned i = 0; i < sizeof saved / sizeof saved[0]; i++)
    fprintf(o, "\tld\t$%u, %u($1)\n", saved[i], 8 * i);
  fprintf(o, "\tjr\t$31\n\tnop\n\t.size rp_body, . - rp_body\n\n");

  /* Constant data for LDPC (in .text, 8-byte aligned). */
  fprintf(o, "\t.align 3\nrp_pcdata:\n");
  for (int i = 0; i < PCDATA_DWORDS; i++)
    fprintf(o, "\t.dword 0x%016" PRIx64 "\n", init_value(g));

  fprintf(o, "\n\t.data\n\t.align 3\n");
  fprintf(o, "\t.globl rp_seed, rp_base_reg, rp_body_insns\n");
  fprintf(o, "rp_seed:\t.dword %" PRIu64 "\n", seed);
  fprintf(o, "rp_base_reg:\t.dword %u\n", g->base);
  fprintf(o, "rp_body_insns:\t.dword %ld\n", g->emitted);
  fprintf(o, "\n\t.bss\n\t.align 4\n\t.globl rp_scratch, rp_regs\n");
  fprintf(o, "rp_scratch:\t.space %d\nrp_regs:\t.space 256\n", SCRATCH_SIZE);
  fprintf(o, "rp_saved:\t.space %u\n", (unsigned)(8 * (sizeof saved / sizeof saved[0])));
}

int main(int argc, char **argv)
{
  gencli cli = {.prog = "randprog", .count_opt = "--insns", .count_max = 1000000, .count = 1600};
  gencli_parse(&cli, argc, argv);

  gen_t g;
  memset(&g, 0, sizeof g);
  g.rng.state = cli.seed * 0x2545f4914f6cdd1dull + 0x1234567;
  g.target = (long)cli.count;
  g.pending = -1;
  g.out = gencli_open(&cli);
  write_program(&g, cli.seed);
  return gencli_close(&cli, g.out);
}
