/* Assembly side of the privileged-test support (see priv.h): the vector
 * region, the landing page of the BEV slide, the user-mode code pages and
 * priv_run (enter a mode by ERET; back through the hook). */
#include "rt_asm.h"

#define LA(reg, sym) lui reg, %hi(sym); daddiu reg, reg, %lo(sym)
#define PRIV_RET syscall 0xfffff

        .set noreorder
        .set noat

/* ---- 16 KiB of vector slots: slot n enters rt_exc_common with k1 = 32n. */
        .section .text.privvec, "ax", @progbits
        .balign 4096
        .globl priv_vec_base
priv_vec_base:
        .set slot, 0
        .rept 512
        j rt_exc_common
        ori $27, $0, slot
        .space 24
        .set slot, slot + 32
        .endr

/* ---- BEV slide landing page (mapped at 0xffffffffc0000000). */
        .balign 4096
        .globl priv_bev_page
priv_bev_page:
        LA($26, rt_exc_common)
        jr $26
        ori $27, $0, 0x7000
        .balign 4096

/* ---- user code: two pages mapped at PRIV_UCODE_VA. Every routine ends
 * with PRIV_RET; $4/$5 are the arguments, $2 the result. */
        .balign 8192
        .globl priv_user_code
priv_user_code:
        .globl pu_ld, pu_lw, pu_sd, pu_sw, pu_fetch, pu_mfc0_status, pu_syscall
        .globl pu_ret, pu_di, pu_cache, pu_rdhwr_cc, pu_rdhwr_ul, pu_eret
        .globl pu_tlbp, pu_wait, pu_lw8, pu_daddu, pu_dsll32, pu_lld, pu_dext, pu_lwu
        .globl pu_dmul, pu_daui, pu_scd
pu_ret:
        PRIV_RET
pu_ld:
        ld $2, 0($4)
        PRIV_RET
pu_lw:
        lw $2, 0($4)
        PRIV_RET
pu_sd:
        sd $5, 0($4)
        PRIV_RET
pu_sw:
        sw $5, 0($4)
        PRIV_RET
pu_fetch:
        jalr $4
        nop
        PRIV_RET
pu_mfc0_status:
        mfc0 $2, $12
        PRIV_RET
pu_syscall:
        syscall 5
        PRIV_RET
pu_di:
        di $2
        PRIV_RET
pu_cache:
        cache 0x14, 0($4)
        PRIV_RET
pu_rdhwr_cc:
        rdhwr $2, $2
        PRIV_RET
pu_rdhwr_ul:
        rdhwr $2, $29
        PRIV_RET
pu_eret:
        eret
        PRIV_RET
pu_tlbp:
        tlbp
        PRIV_RET
pu_wait:
        wait
        PRIV_RET
pu_lw8:
        lw $2, 8($4)
        PRIV_RET
pu_daddu:
        daddu $2, $4, $5
        PRIV_RET
pu_dsll32:
        dsll32 $2, $4, 4
        PRIV_RET
pu_lld:
        lld $2, 8($4)
        PRIV_RET
pu_dext:
        dext $2, $4, 4, 40
        PRIV_RET
pu_lwu:
        lwu $2, 8($4)
        PRIV_RET
pu_dmul:
        dmul $2, $4, $5
        PRIV_RET
pu_daui:
        daui $2, $4, 0x1234
        PRIV_RET
pu_scd:
        move $2, $5
        scd $2, 8($4)
        PRIV_RET
        .balign 8192

/* ---- uint64_t priv_run(pc, a0, a1, status) ----------------------------
 * Saves the callee-saved registers and Status, enters the code by ERET and
 * comes back at priv_kreturn (the hook's return path), where Status is
 * restored. */
        .text
        .globl priv_run
        .type priv_run, @function
priv_run:
        LA($8, priv_ksave)
        sd $16, 0($8)
        sd $17, 8($8)
        sd $18, 16($8)
        sd $19, 24($8)
        sd $20, 32($8)
        sd $21, 40($8)
        sd $22, 48($8)
        sd $23, 56($8)
        sd $28, 64($8)
        sd $29, 72($8)
        sd $30, 80($8)
        sd $31, 88($8)
        mfc0 $9, $12
        sd $9, 96($8)                   # Status, restored on return
        dmtc0 $4, $14
        move $4, $5
        move $5, $6
        ori $7, $7, ST_EXL
        mtc0 $7, $12
        ehb
        eret
        .globl priv_kreturn
priv_kreturn:
        LA($8, priv_ksave)
        ld $16, 0($8)
        ld $17, 8($8)
        ld $18, 16($8)
        ld $19, 24($8)
        ld $20, 32($8)
        ld $21, 40($8)
        ld $22, 48($8)
        ld $23, 56($8)
        ld $28, 64($8)
        ld $29, 72($8)
        ld $30, 80($8)
        ld $31, 88($8)
        ld $9, 96($8)
        mtc0 $9, $12
        ehb
        jr $31
        nop
        .size priv_run, . - priv_run

        .data
        .align 3
priv_ksave:
        .space 104
