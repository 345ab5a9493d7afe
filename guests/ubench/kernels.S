/* guests/ubench/kernels.S - the microbenchmark kernels (ubench.h): each
 * ub_NAME(n = $4, start = $5) runs its loop n times between its two markers. */
#include "ubench.h"
        .set noreorder
        .set noat
        .set mips64r6

#define MARK(x) ori $0, $0, (UB_MARK_BASE + (x))

/* A chain of k dependent instructions per iteration; the loop's own instructions
 * come after the chain, the same in both kernels of a pair. */
.macro CHAIN name, id, k, insn
        .text
        .globl \name
        .type \name, @function
\name:
        move $2, $5
        li $3, 1
        MARK(2 * \id)
1:
        .rept \k
        \insn
        .endr
        addiu $4, $4, -1
        bnez $4, 1b
        nop
        MARK(2 * \id + 1)
        jr $31
        nop
        .size \name, . - \name
.endm

        CHAIN ub_load_use_4, UB_LOAD_USE_4, 4, "ld $2, 0($2)"
        CHAIN ub_load_use_8, UB_LOAD_USE_8, 8, "ld $2, 0($2)"
        CHAIN ub_l1_4, UB_L1_4, 4, "ld $2, 0($2)"
        CHAIN ub_l1_8, UB_L1_8, 8, "ld $2, 0($2)"
        CHAIN ub_l2_4, UB_L2_4, 4, "ld $2, 0($2)"
        CHAIN ub_l2_8, UB_L2_8, 8, "ld $2, 0($2)"
        CHAIN ub_mem_4, UB_MEM_4, 4, "ld $2, 0($2)"
        CHAIN ub_mem_8, UB_MEM_8, 8, "ld $2, 0($2)"
        CHAIN ub_uncached_4, UB_UNCACHED_4, 4, "ld $2, 0($2)"
        CHAIN ub_uncached_8, UB_UNCACHED_8, 8, "ld $2, 0($2)"
        CHAIN ub_mul_4, UB_MUL_4, 4, "dmul $2, $2, $3"
        CHAIN ub_mul_8, UB_MUL_8, 8, "dmul $2, $2, $3"
        CHAIN ub_div_2, UB_DIV_2, 2, "ddiv $2, $2, $3"
        CHAIN ub_div_4, UB_DIV_4, 4, "ddiv $2, $2, $3"
        CHAIN ub_utlb_4, UB_UTLB_4, 4, "ld $2, 0($2)"
        CHAIN ub_utlb_8, UB_UTLB_8, 8, "ld $2, 0($2)"

/* Branch kernels: J jumps to L0 or L1, two identical blocks that count the loop
 * and branch back to J. ub_jr_toggle: $5 alternates between L0 and L1 (xor with
 * L0 ^ L1 at the start of each block, long before the jr reads it), so the BTB's
 * target (the previous one) is always wrong. ub_b_direct: the same blocks, but J
 * is a direct jump (J, unconditional; `b` would be BEQ $0, $0, which a static
 * predictor treats as a forward conditional branch) to L0 and the xor is with 0. The loop exits from L0 or L1
 * by the parity of n (UB_N1 and UB_N2 have the same). */
.macro JUMPS name, id, toggle
        .text
        .globl \name
        .type \name, @function
        .p2align 6
\name:
        lui $5, %hi(2f)
        daddiu $5, $5, %lo(2f)
        lui $6, %hi(3f)
        daddiu $6, $6, %lo(3f)
        .if \toggle
        xor $6, $6, $5          /* L0 ^ L1 */
        .else
        move $6, $0
        .endif
        MARK(2 * \id)
1:
        .if \toggle
        jr $5
        .else
        j 2f
        .endif
        nop
2:      xor $5, $5, $6          /* L0 */
        addiu $4, $4, -1
        bnez $4, 1b
        nop
        b 4f
        nop
3:      xor $5, $5, $6          /* L1 */
        addiu $4, $4, -1
        bnez $4, 1b
        nop
4:      MARK(2 * \id + 1)
        jr $31
        nop
        .size \name, . - \name
.endm

        JUMPS ub_jr_toggle, UB_JR_TOGGLE, 1
        JUMPS ub_b_direct, UB_B_DIRECT, 0

/* Exception kernels: EBase points at ub_vectors while they run; its general
 * exception vector (+0x180) steps EPC past the SYSCALL and returns. */
.macro EXC name, id, insn
        .text
        .globl \name
        .type \name, @function
\name:
        mfc0 $7, $15, 1         /* EBase */
        lui $8, %hi(ub_vectors)
        daddiu $8, $8, %lo(ub_vectors)
        mtc0 $8, $15, 1
        ehb
        MARK(2 * \id)
1:      \insn
        addiu $4, $4, -1
        bnez $4, 1b
        nop
        MARK(2 * \id + 1)
        mtc0 $7, $15, 1
        ehb
        jr $31
        nop
        .size \name, . - \name
.endm

        EXC ub_syscall, UB_SYSCALL, syscall
        EXC ub_nop, UB_NOP, nop

        .text
        .p2align 12
        .globl ub_vectors
ub_vectors:
        .space 0x180
        dmfc0 $26, $14          /* EPC */
        daddiu $26, $26, 4
        dmtc0 $26, $14
        eret
        .p2align 12
