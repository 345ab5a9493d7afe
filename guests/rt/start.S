/* vzsim guest runtime: reset entry and exception vectors.
 *
 * QEMU boston (and vzsim, which copies it) enters at the ELF entry point with
 * Status = 0x04400004 (FR=1, BEV=1, ERL=1), a0 = -2, a1 = device-tree address
 * (kseg0 of the image end rounded up to 64 KiB), t9 = entry point.  QEMU's
 * bootloader at 0xbfc00000 also leaves k0 = 0x16200001, k1 = 0xffffffffb6100088 and
 * ra = 0xffffffffbfc00134; every other GPR is zero.  _start
 *   1. records every entry GPR except k0 (used as the base) and Status in
 *      rt_entry_gpr[] / rt_entry_status (in .data, so clearing .bss keeps them);
 *   2. sets sp to the boot stack inside the image and clears .bss;
 *   3. points EBase at the 4 KiB-aligned .vectors section of the image, then
 *      clears Status.BEV/ERL/EXL/IE (kernel mode, interrupts off) and runs EHB;
 *   4. calls main() and passes its return value to UHI exit.
 *
 * Every vector (+0x000 refill, +0x080 XTLB refill, +0x100 cache error,
 * +0x180 general, +0x200 interrupt) loads its offset into k1 and jumps to
 * rt_exc_common, which saves all GPRs (k0/k1 are lost) and the exception CP0
 * registers in rt_exc_frame and calls rt_exc_dispatch() on a separate stack.
 * If that returns, the (possibly edited) frame is restored and ERET resumes at
 * frame.epc.  Nested exceptions are not supported.  The saved Cause has TI,
 * PCI and IP7..IP2 cleared: they depend on host timing (QEMU's Count runs on
 * the host clock), and output must be deterministic. */
#include "rt_asm.h"

#define LA(reg, sym) lui reg, %hi(sym); daddiu reg, reg, %lo(sym)

        .set noreorder
        .set noat

        .section .text.start, "ax", @progbits
        .globl _start
        .type _start, @function
_start:
        LA($26, rt_entry_gpr)
        sd $0, 0($26)
        sd $1, 8($26)
        sd $2, 16($26)
        sd $3, 24($26)
        sd $4, 32($26)
        sd $5, 40($26)
        sd $6, 48($26)
        sd $7, 56($26)
        sd $8, 64($26)
        sd $9, 72($26)
        sd $10, 80($26)
        sd $11, 88($26)
        sd $12, 96($26)
        sd $13, 104($26)
        sd $14, 112($26)
        sd $15, 120($26)
        sd $16, 128($26)
        sd $17, 136($26)
        sd $18, 144($26)
        sd $19, 152($26)
        sd $20, 160($26)
        sd $21, 168($26)
        sd $22, 176($26)
        sd $23, 184($26)
        sd $24, 192($26)
        sd $25, 200($26)
        sd $27, 216($26)
        sd $28, 224($26)
        sd $29, 232($26)
        sd $30, 240($26)
        sd $31, 248($26)
        mfc0 $8, $12
        sd $8, 256($26)                 # rt_entry_status

        LA($29, __stack_top)
        move $30, $0
        move $31, $0

        LA($8, __bss_start)
        LA($9, __bss_end)
1:      beq $8, $9, 2f
        nop
        sd $0, 0($8)
        b 1b
        daddiu $8, $8, 8
2:
        LA($8, __vectors_start)
        mtc0 $8, $15, 1                 # EBase (WG=0: bits 63:30 keep 0xffffffff8...)
        ehb
        mfc0 $8, $12
        li $9, ~(ST_BEV | ST_ERL | ST_EXL | ST_IE)
        and $8, $8, $9
        mtc0 $8, $12
        ehb

        jal main
        nop
        jal rt_exit
        move $4, $2
3:      b 3b
        nop
        .size _start, . - _start

/* ---------------------------------------------------------------------- */
        .text
        .globl rt_exc_common
        .type rt_exc_common, @function
rt_exc_common:
        LA($26, rt_exc_frame)
        sd $0, FRAME_GPR(0)($26)
        sd $1, FRAME_GPR(1)($26)
        sd $2, FRAME_GPR(2)($26)
        sd $3, FRAME_GPR(3)($26)
        sd $4, FRAME_GPR(4)($26)
        sd $5, FRAME_GPR(5)($26)
        sd $6, FRAME_GPR(6)($26)
        sd $7, FRAME_GPR(7)($26)
        sd $8, FRAME_GPR(8)($26)
        sd $9, FRAME_GPR(9)($26)
        sd $10, FRAME_GPR(10)($26)
        sd $11, FRAME_GPR(11)($26)
        sd $12, FRAME_GPR(12)($26)
        sd $13, FRAME_GPR(13)($26)
        sd $14, FRAME_GPR(14)($26)
        sd $15, FRAME_GPR(15)($26)
        sd $16, FRAME_GPR(16)($26)
        sd $17, FRAME_GPR(17)($26)
        sd $18, FRAME_GPR(18)($26)
        sd $19, FRAME_GPR(19)($26)
        sd $20, FRAME_GPR(20)($26)
        sd $21, FRAME_GPR(21)($26)
        sd $22, FRAME_GPR(22)($26)
        sd $23, FRAME_GPR(23)($26)
        sd $24, FRAME_GPR(24)($26)
        sd $25, FRAME_GPR(25)($26)
        sd $0, FRAME_GPR(26)($26)
        sd $0, FRAME_GPR(27)($26)
        sd $28, FRAME_GPR(28)($26)
        sd $29, FRAME_GPR(29)($26)
        sd $30, FRAME_GPR(30)($26)
        sd $31, FRAME_GPR(31)($26)
        sd $27, FRAME_VECTOR($26)
        dmfc0 $8, $14
        sd $8, FRAME_EPC($26)
        dmfc0 $8, $8
        sd $8, FRAME_BADVADDR($26)
        mfc0 $8, $12
        sd $8, FRAME_STATUS($26)
        mfc0 $8, $13
        li $9, ~CAUSE_TIMING_BITS       # TI/PCI/IP7..2 depend on time, not the program
        and $8, $8, $9
        sd $8, FRAME_CAUSE($26)
        /* BadInstr / BadInstrP only when Config3 says they exist. */
        mfc0 $9, $16, 3
        move $8, $0
        ext $10, $9, CFG3_BI_BIT, 1
        beqzc $10, 1f
        mfc0 $8, $8, 1
1:      sd $8, FRAME_BADINSTR($26)
        move $8, $0
        ext $10, $9, CFG3_BP_BIT, 1
        beqzc $10, 2f
        mfc0 $8, $8, 2
2:      sd $8, FRAME_BADINSTRP($26)

        LA($29, __exc_stack_top)
        jal rt_exc_dispatch
        move $4, $26

        LA($26, rt_exc_frame)
        ld $8, FRAME_EPC($26)
        dmtc0 $8, $14
        ld $1, FRAME_GPR(1)($26)
        ld $2, FRAME_GPR(2)($26)
        ld $3, FRAME_GPR(3)($26)
        ld $4, FRAME_GPR(4)($26)
        ld $5, FRAME_GPR(5)($26)
        ld $6, FRAME_GPR(6)($26)
        ld $7, FRAME_GPR(7)($26)
        ld $8, FRAME_GPR(8)($26)
        ld $9, FRAME_GPR(9)($26)
        ld $10, FRAME_GPR(10)($26)
        ld $11, FRAME_GPR(11)($26)
        ld $12, FRAME_GPR(12)($26)
        ld $13, FRAME_GPR(13)($26)
        ld $14, FRAME_GPR(14)($26)
        ld $15, FRAME_GPR(15)($26)
        ld $16, FRAME_GPR(16)($26)
        ld $17, FRAME_GPR(17)($26)
        ld $18, FRAME_GPR(18)($26)
        ld $19, FRAME_GPR(19)($26)
        ld $20, FRAME_GPR(20)($26)
        ld $21, FRAME_GPR(21)($26)
        ld $22, FRAME_GPR(22)($26)
        ld $23, FRAME_GPR(23)($26)
        ld $24, FRAME_GPR(24)($26)
        ld $25, FRAME_GPR(25)($26)
        ld $28, FRAME_GPR(28)($26)
        ld $29, FRAME_GPR(29)($26)
        ld $30, FRAME_GPR(30)($26)
        ld $31, FRAME_GPR(31)($26)
        move $27, $0
        eret
        .size rt_exc_common, . - rt_exc_common

/* ---------------------------------------------------------------------- */
        .section .vectors, "ax", @progbits
        .globl rt_vectors
rt_vectors:
        .org 0x000
        j rt_exc_common
        ori $27, $0, 0x000
        .org 0x080
        j rt_exc_common
        ori $27, $0, 0x080
        .org 0x100
        j rt_exc_common
        ori $27, $0, 0x100
        .org 0x180
        j rt_exc_common
        ori $27, $0, 0x180
        .org 0x200
        j rt_exc_common
        ori $27, $0, 0x200
        .org 0x280

/* ---------------------------------------------------------------------- */
        .data
        .align 3
        .globl rt_entry_gpr, rt_entry_status
rt_entry_gpr:
        .space 256
rt_entry_status:
        .dword 0
