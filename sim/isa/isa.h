/*
 * sim/isa/isa.h - the MIPS64r6 (+VZ) instruction set as data: row identifiers,
 * classes and flags generated from mips64r6.def, the decoder and the disassembler.
 *
 * Everything that knows an encoding reads it from mips64r6.def through this header:
 * the decoder, the disassembler, the executor's case labels, the timing classes and
 * the micro-assembler. Limits: 32-bit MIPS encodings only (no microMIPS/nanoMIPS).
 *
 * Operand tokens used in the table (assembler order, separated by commas):
 *   rd rs rt    general registers from the rd/rs/rt fields ("rt?" = omitted when 0)
 *   simm uimm   16-bit immediate, signed decimal / unsigned hex
 *   simm(rs)    16-bit signed offset and base; off9(rs) R6 9-bit offset (bits 15:7)
 *   sa          shift amount (bits 10:6), hex
 *   lsa         LSA/DLSA shift: bits 7:6 plus 1
 *   bp2 bp3     ALIGN byte position (bits 7:6) / DALIGN (bits 8:6), decimal
 *   pos posu    bit-field position: sa / sa+32
 *   size sizem  EXT/DEXT size msbd+1 / DEXTM msbd+33
 *   isize isizem INS/DINS size msb-lsb+1 / DINSM msb+32-lsb+1
 *   b16 b21 b26 PC-relative branch target: PC+4 + (offset << 2)
 *   j26         J/JAL target: region of PC+4 with the 26-bit index << 2
 *   pc19 pc18   PC-relative data address: PC + (imm19 << 2), (PC & ~7) + (imm18 << 3)
 *   cop0        CP0 register (rd) and select (bits 2:0)
 *   hwr         RDHWR hardware register (rd) and select (bits 8:6)
 *   op          CACHE operation / PREF hint (rt field), hex
 *   code20      SYSCALL/SDBBP code (bits 25:6), omitted when 0
 *   brk         BREAK code (bits 25:16, then ",bits 15:6" when non-zero)
 *   tcode       trap code (bits 15:6), omitted when 0
 *   wcode       WAIT code (bits 24:6), omitted when 0
 *   hcode       HYPCALL code (bits 20:11), omitted when 0
 *   stype       SYNC stype (bits 10:6), omitted when 0
 */
#ifndef VZSIM_ISA_H
#define VZSIM_ISA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Row identifiers: VZ_I_ADDU, ... ; VZ_I_INVALID for words that match no row. */
typedef enum vz_insn_id {
    VZ_I_INVALID = 0,
#define INSN(id, mn, match, mask, ops, cls, flags, cons, alias) VZ_I_##id,
#include "sim/isa/mips64r6.def"
#undef INSN
    VZ_I_COUNT
} vz_insn_id;

/* Functional-unit classes (timing maps each to a unit and latency). */
typedef enum vz_op_class {
    VZ_OC_NOP, VZ_OC_ALU, VZ_OC_SHIFT, VZ_OC_MUL, VZ_OC_DIV, VZ_OC_LOAD, VZ_OC_STORE,
    VZ_OC_BRANCH, VZ_OC_JUMP, VZ_OC_CP0, VZ_OC_TLB, VZ_OC_CACHE, VZ_OC_SYNC,
    VZ_OC_ERET, VZ_OC_EHB, VZ_OC_WAIT, VZ_OC_TRAP, VZ_OC_SYS, VZ_OC_RESERVED,
    VZ_OC_COUNT
} vz_op_class;

/* Row flags. */
enum {
    VZ_F_DS       = 1u << 0,  /* branch/jump with a delay slot */
    VZ_F_CB       = 1u << 1,  /* conditional compact branch: forbidden slot */
    VZ_F_CBNF     = 1u << 2,  /* compact branch/jump without forbidden slot */
    VZ_F_CTI      = 1u << 3,  /* control transfer: not allowed in a delay/forbidden slot */
    VZ_F_LINK     = 1u << 4,  /* writes a return address */
    VZ_F_COND     = 1u << 5,  /* conditional */
    VZ_F_INDIRECT = 1u << 6,  /* target from a register */
    VZ_F_W1       = 1u << 7,  /* memory access widths */
    VZ_F_W2       = 1u << 8,
    VZ_F_W4       = 1u << 9,
    VZ_F_W8       = 1u << 10,
    VZ_F_SIGNED   = 1u << 11, /* sign-extending load */
    VZ_F_ATOMIC   = 1u << 12, /* LL/SC family */
    VZ_F_SERIAL   = 1u << 13, /* serializing (drains the pipeline) */
    VZ_F_PRIV     = 1u << 14, /* needs kernel mode or CP0 usable (Status.CU0) */
    VZ_F_ROOT     = 1u << 15, /* root-only VZ instruction */
    VZ_F_SENS     = 1u << 16, /* guest-sensitive: may exit to root in guest mode */
    VZ_F_CP0W     = 1u << 17, /* writes CP0 state (needs EHB before dependent use) */
    VZ_F_REMOVED  = 1u << 18, /* encoding removed in Release 6: Reserved Instruction */
    VZ_F_UNIMPL   = 1u << 19, /* optional ASE vzsim does not implement */
    VZ_F_CPU1     = 1u << 20, /* ...raises Coprocessor Unusable, CE=1 */
    VZ_F_CPU2     = 1u << 21, /* ...raises Coprocessor Unusable, CE=2 */
    VZ_F_ALIAS    = 1u << 22, /* disassembly-only special form of alias_of */
    VZ_F_DISFORM  = 1u << 23, /* alias printed even in no-aliases mode */
    VZ_F_GROUP    = 1u << 24, /* reserved remainder of an encoding group: contains more
                               * specific rows, which the decoder prefers */
    VZ_F_NAONLY   = 1u << 25, /* alias printed only in no-aliases mode (objdump quirk) */
    VZ_F_NOSLOT   = 1u << 26, /* not a CTI, but R6 forbids it in delay and forbidden
                               * slots (Reserved Instruction): PAUSE */
};
#define VZ_F_WIDTH_MASK (VZ_F_W1 | VZ_F_W2 | VZ_F_W4 | VZ_F_W8)

/* Register-field constraints that tell apart R6 instructions sharing an opcode. */
typedef enum vz_constraint {
    VZ_C_NONE,
    VZ_C_RS_NZ,        /* rs != 0 */
    VZ_C_RT_NZ,        /* rt != 0 */
    VZ_C_RS_EQ_RT_NZ,  /* rs == rt != 0 */
    VZ_C_RS_NE_RT_NZ,  /* rs != rt, both != 0 */
    VZ_C_RS_GE_RT,     /* rs >= rt (register numbers) */
    VZ_C_RS_LT_RT_NZ,  /* 0 < rs < rt */
} vz_constraint;

typedef struct vz_insn_info {
    const char *name;       /* architectural name (the ID) */
    const char *mnemonic;   /* objdump's mnemonic */
    uint32_t match, mask;
    const char *operands;   /* operand tokens, assembler order */
    vz_op_class cls;
    uint32_t flags;
    vz_constraint cons;
    vz_insn_id alias_of;    /* VZ_I_INVALID when none */
} vz_insn_info;

extern const vz_insn_info vz_insn_table[VZ_I_COUNT];

/* Field extraction. */
static inline unsigned vz_f_op(uint32_t w) { return w >> 26; }
static inline unsigned vz_f_rs(uint32_t w) { return (w >> 21) & 31; }
static inline unsigned vz_f_rt(uint32_t w) { return (w >> 16) & 31; }
static inline unsigned vz_f_rd(uint32_t w) { return (w >> 11) & 31; }
static inline unsigned vz_f_sa(uint32_t w) { return (w >> 6) & 31; }
static inline unsigned vz_f_fn(uint32_t w) { return w & 63; }
static inline int64_t vz_f_simm16(uint32_t w) { return (int16_t)(w & 0xffff); }

/* Does word satisfy the row's register-field constraint? */
int vz_constraint_holds(vz_constraint c, uint32_t word);

/* Capacity of the decoder's per-major-opcode row lists (exec rows and alias rows are
 * counted separately); tests/isa checks the table against it. */
#define VZ_DECODE_MAX_ROWS_PER_OP 128

/* Decode for execution: the most specific non-alias row that matches, or
 * VZ_I_INVALID. Total over all 2^32 words; thread-safe; no allocation. */
vz_insn_id vz_decode(uint32_t word);

/* Decode for disassembly: like vz_decode, but alias rows are preferred when
 * aliases is non-zero (objdump's default), and DISFORM rows always. */
vz_insn_id vz_decode_disasm(uint32_t word, int aliases);

/* Disassembly options. */
typedef struct vz_disasm_opts {
    int numeric_gprs;  /* 1: $2 (objdump -M gpr-names=numeric); 0: v0 (gpr-names=64) */
    int no_aliases;    /* 1: objdump -M no-aliases */
    int numeric_cp0;   /* 1: CP0 and hardware registers as $12 / $12,1 / $3 (objdump
                        * -M cp0-names=numeric,hwr-names=numeric; reg-names=numeric sets
                        * this and numeric_gprs) */
} vz_disasm_opts;

/* Disassemble word at address pc into buf as objdump prints it ("mnemonic\toperands",
 * no trailing blank; ".word\t0x…" when no implemented row matches). Returns the
 * length written (always NUL-terminated when n > 0). */
int vz_disasm(uint32_t word, uint64_t pc, const vz_disasm_opts *opts, char *buf, size_t n);

/* Names used by the disassembler (also useful to traces and tools). */
const char *vz_gpr_name(unsigned r, int numeric);
/* CP0 register name as objdump prints it for (reg, sel) with -m mips:isa64r6:
 * "c0_status", "c0_watchlo,3", or NULL when objdump prints the number ("$21" for
 * select 0, "$4,2" otherwise). */
const char *vz_cp0_name(unsigned reg, unsigned sel);

/* Is the row implemented by the executor (not removed, not an unimplemented ASE,
 * not an alias)? */
static inline int vz_insn_implemented(vz_insn_id id)
{
    return id != VZ_I_INVALID &&
           !(vz_insn_table[id].flags & (VZ_F_REMOVED | VZ_F_UNIMPL | VZ_F_ALIAS));
}

#ifdef __cplusplus
}
#endif
#endif
