/*
 * hv/entry/entry.c - the builders (see entry.h for the block layout and how they
 * differ from Linux's). Every displacement is an offsetof() on vz_vcpu or
 * vz_host_frame; every CP0 operand is (register, select) from the PRA numbering.
 * Steps follow kvm-entry-walkthrough.md §4 and §5, whose numbering the comments use.
 */
#include "hv/entry/entry.h"

#include <stdio.h>
#include <string.h>

#include "hv/gen/uasm.h"
#include "hv/gen/uasm_emit.h"

/* n64 register numbers */
enum { ZERO = 0, AT = 1, V0 = 2, V1 = 3, A0 = 4, T0 = 12, T1 = 13, S0 = 16, T9 = 25,
       K0 = 26, K1 = 27, GP = 28, SP = 29, S8 = 30, RA = 31 };

/* CP0 (reg, sel) */
#define C0_ENTRYLO0 2, 0
#define C0_ENTRYLO1 3, 0
#define C0_HWRENA 7, 0
#define C0_BADVADDR 8, 0
#define C0_BADINSTR 8, 1
#define C0_BADINSTRP 8, 2
#define C0_GUESTCTL1 10, 4
#define C0_STATUS 12, 0
#define C0_GUESTCTL0 12, 6
#define C0_CAUSE 13, 0
#define C0_EPC 14, 0
#define C0_EBASE 15, 1
#define C0_KSCRATCH 31

/* Status bits */
#define ST_IE 0x1u
#define ST_EXL 0x2u
#define ST_KSU 0x18u
#define ST_KX 0x80u
#define ST_IM 0xff00u
#define ST_BEV 0x400000u

#define VCPU(f) ((int64_t)offsetof(vz_vcpu, f))
#define GPR(n) ((int64_t)(offsetof(vz_vcpu, gprs) + 8 * (n)))
#define FRAME(f) ((int64_t)offsetof(vz_host_frame, f))
#define FREG(n) ((int64_t)(offsetof(vz_host_frame, regs) + 8 * (n)))

static void note(uasm *a, vz_entry_layout *l, const char *builder, const char *text)
{
    if (l && l->nnotes < VZ_ENTRY_MAX_NOTES) {
        l->notes[l->nnotes].addr = uasm_pc(a);
        l->notes[l->nnotes].builder = builder;
        l->notes[l->nnotes].text = text;
        l->nnotes++;
    }
}

int vz_entry_setup(vz_entry_cfg *cfg, uint32_t config4, int has_wg)
{
    unsigned mask = (config4 >> 16) & 0xff, found = 0, sel[2] = {0, 0};
    for (unsigned s = 2; s < 8 && found < 2; s++)
        if (mask & (1u << s))
            sel[found++] = s;
    if (found < 2)
        return -1;
    cfg->scratch_vcpu = sel[0];
    cfg->scratch_tmp = sel[1];
    cfg->has_wg = has_wg;
    return 0;
}

/* §4.1 set the exception base from reg. Contract: Status.BEV = 1 (set by the caller
 * with an EHB before); clobbers reg when WG is set in it. */
void vz_build_set_exc_base(uasm *a, const vz_entry_cfg *cfg, unsigned reg)
{
    if (cfg->has_wg) {
        uasm_i_ori(a, reg, reg, 0x800);           /* WG: write all base bits */
        uasm_i_dmtc0(a, reg, C0_EBASE);
    } else {
        uasm_i_mtc0(a, reg, C0_EBASE);
    }
}

/* §4.4 enter_guest. Contract: k1 = vcpu, Root.Status.EXL = 1, root EBase = the
 * block, guest CP0 context loaded. Loads EPC from vcpu->pc, sets GuestCtl0.GM and
 * GuestCtl1.RID = ID, clears HWREna, loads every guest GPR and ERETs into the guest.
 * Does not return. */
void vz_build_enter_guest(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l)
{
    (void)cfg;
    note(a, l, "enter_guest", "EPC := vcpu->pc");
    uasm_i_ld(a, T0, VCPU(pc), K1);
    uasm_i_dmtc0(a, T0, C0_EPC);
    note(a, l, "enter_guest", "GuestCtl0.GM := 1 (guest mode once EXL clears)");
    uasm_i_mfc0(a, K0, C0_GUESTCTL0);
    uasm_i_lui(a, T1, 0x8000);
    uasm_i_or(a, K0, K0, T1);
    uasm_i_mtc0(a, K0, C0_GUESTCTL0);
    note(a, l, "enter_guest", "GuestCtl1.RID := GuestCtl1.ID: root TLB writes are tagged for this guest");
    uasm_i_mfc0(a, T0, C0_GUESTCTL1);
    uasm_i_ext(a, T1, T0, 0, 8);
    uasm_i_ins(a, T0, T1, 16, 8);
    uasm_i_mtc0(a, T0, C0_GUESTCTL1);
    uasm_i_ehb(a);
    note(a, l, "enter_guest", "HWREna := 0 while the guest runs");
    uasm_i_mtc0(a, ZERO, C0_HWRENA);
    note(a, l, "enter_guest", "load guest GPRs 1..31 except k0/k1");
    for (unsigned r = 1; r < 32; r++)
        if (r != K0 && r != K1)
            uasm_i_ld(a, r, GPR(r), K1);
    note(a, l, "enter_guest", "guest k0, then guest k1 (the base) last");
    uasm_i_ld(a, K0, GPR(K0), K1);
    uasm_i_ld(a, K1, GPR(K1), K1);
    note(a, l, "enter_guest", "ERET: Root.EXL clears and GM = 1 puts the core in guest mode");
    uasm_i_eret(a);
}

/* §4.3 vcpu_run: the callable entry function, int vcpu_run(vz_vcpu *vcpu).
 * Contract: a0 = vcpu (kseg0), sp = caller's stack (16-byte aligned), ra = return
 * address; root kernel mode with EXL = 0 and interrupts off. Saves s0-s7, gp, sp, s8,
 * ra, Status and the host scratch registers in a frame below sp, points root EBase at
 * the block and falls into enter_guest. It returns (through ret_to_host) only when the
 * exit handler answers RESUME_HOST, with v0 = that answer >> 2. */
void vz_build_vcpu_run(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l)
{
    l->vcpu_run = uasm_pc(a);
    note(a, l, "vcpu_run", "k1 := sp - sizeof(frame): the host frame (sp itself is not moved)");
    uasm_i_daddiu(a, K1, SP, -(int64_t)sizeof(vz_host_frame));
    note(a, l, "vcpu_run", "save the callee-saved registers of the caller");
    for (unsigned r = S0; r <= S0 + 7; r++)
        uasm_i_sd(a, r, FREG(r), K1);
    uasm_i_sd(a, GP, FREG(GP), K1);
    uasm_i_sd(a, SP, FREG(SP), K1);
    uasm_i_sd(a, S8, FREG(S8), K1);
    uasm_i_sd(a, RA, FREG(RA), K1);
    note(a, l, "vcpu_run", "save Status and the host's scratch registers");
    uasm_i_mfc0(a, V0, C0_STATUS);
    uasm_i_sd(a, V0, FRAME(status), K1);
    uasm_i_dmfc0(a, V1, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_i_sd(a, V1, FRAME(scratch[0]), K1);
    uasm_i_dmfc0(a, V1, C0_KSCRATCH, cfg->scratch_tmp);
    uasm_i_sd(a, V1, FRAME(scratch[1]), K1);
    note(a, l, "vcpu_run", "scratch_vcpu := vcpu: how every vector finds it");
    uasm_i_dmtc0(a, A0, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_i_move(a, K1, A0);
    note(a, l, "vcpu_run", "remember the host stack, gp, EBase and HWREna in the vcpu");
    uasm_i_sd(a, SP, VCPU(host_stack), K1);
    uasm_i_sd(a, GP, VCPU(host_gp), K1);
    uasm_i_dmfc0(a, K0, C0_EBASE);
    uasm_i_sd(a, K0, VCPU(host_ebase), K1);
    uasm_i_mfc0(a, K0, C0_HWRENA);
    uasm_i_sd(a, K0, VCPU(host_hwrena), K1);
    note(a, l, "vcpu_run", "Status := EXL | BEV | KX, then EHB: EBase may now change");
    uasm_li64(a, K0, ST_BEV | ST_KX | ST_EXL);
    uasm_i_mtc0(a, K0, C0_STATUS);
    uasm_i_ehb(a);
    note(a, l, "vcpu_run", "root EBase := the vector block");
    uasm_i_ld(a, K0, VCPU(guest_ebase), K1);
    vz_build_set_exc_base(a, cfg, K0);
    note(a, l, "vcpu_run", "Status := EXL | KX | IE | host IM: BEV clear, interrupts wait for ERET");
    uasm_li64(a, K0, ST_EXL | ST_KX | ST_IE);
    uasm_i_andi(a, V0, V0, ST_IM);
    uasm_i_or(a, K0, K0, V0);
    uasm_i_mtc0(a, K0, C0_STATUS);
    uasm_i_ehb(a);
    vz_build_enter_guest(a, cfg, l);
}

/* §4.5 first-level vector code (general exception, interrupts). Entered by the core
 * with Root.EXL = 1 (GM still 1). Stashes guest k1 in scratch_tmp and guest k0 in
 * vcpu->gprs[26], leaves k1 = vcpu and branches to exit. */
void vz_build_exception(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l, uasm_label exit)
{
    note(a, l, "exception", "guest k1 -> scratch_tmp; k1 := vcpu; guest k0 -> vcpu->gprs[26]");
    uasm_i_dmtc0(a, K1, C0_KSCRATCH, cfg->scratch_tmp);
    uasm_i_dmfc0(a, K1, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_i_sd(a, K0, GPR(K0), K1);
    note(a, l, "exception", "to the common exit path");
    uasm_il_b(a, exit);
    uasm_i_nop(a);
}

/* §5 root (X)TLB refill fast path for guest accesses: BadVAddr holds the GPA
 * (vz-facts §3.2); its page pair indexes the flat GPA table; the pair is written
 * with TLBWR (tagged with GuestCtl1.RID = ID by enter_guest) and the guest resumes
 * without any C. A GPA beyond the table goes to the exit path (the host decides:
 * MMIO or error). An unmapped pair (V = 0) is written as is; the guest's next
 * access then takes TLB invalid through the general vector, and the host maps the
 * page lazily (walkthrough §5 "What it relies on"). */
void vz_build_tlb_refill(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l, uasm_label exit)
{
    uasm_label slow = uasm_new_label(a, "refill_slow");
    l->refill = uasm_pc(a);
    note(a, l, "tlb_refill", "stash guest k1 and k0 as the general vector does");
    uasm_i_dmtc0(a, K1, C0_KSCRATCH, cfg->scratch_tmp);
    uasm_i_dmfc0(a, K1, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_i_sd(a, K0, GPR(K0), K1);
    note(a, l, "tlb_refill", "k0 := GPA page pair = BadVAddr >> 13; out of the table -> exit");
    uasm_i_dmfc0(a, K0, C0_BADVADDR);
    uasm_i_dsrl(a, K0, K0, 13);
    uasm_i_ld(a, K1, VCPU(gpa_pairs), K1);
    uasm_i_sltu(a, K1, K0, K1);
    uasm_il_beqz(a, K1, slow);
    uasm_i_nop(a);
    note(a, l, "tlb_refill", "k1 := &table[pair]; EntryLo0/1 := the pair");
    uasm_i_dmfc0(a, K1, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_i_ld(a, K1, VCPU(gpa_table), K1);
    uasm_i_dsll(a, K0, K0, 4);
    uasm_i_daddu(a, K1, K1, K0);
    uasm_i_ld(a, K0, 0, K1);
    uasm_i_ld(a, K1, 8, K1);
    uasm_i_dmtc0(a, K0, C0_ENTRYLO0);
    uasm_i_dmtc0(a, K1, C0_ENTRYLO1);
    uasm_i_ehb(a);
    note(a, l, "tlb_refill", "TLBWR: EntryHi (GPA VPN2) was set by the exception, RID = guest ID");
    uasm_i_tlbwr(a);
    note(a, l, "tlb_refill", "restore guest k0/k1 and return to the guest");
    uasm_i_dmfc0(a, K1, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_i_ld(a, K0, GPR(K0), K1);
    uasm_i_ehb(a);
    uasm_i_dmfc0(a, K1, C0_KSCRATCH, cfg->scratch_tmp);
    uasm_i_eret(a);
    uasm_bind(a, slow);
    note(a, l, "tlb_refill", "GPA outside the table: k1 := vcpu, to the common exit path");
    uasm_i_dmfc0(a, K1, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_il_b(a, exit);
    uasm_i_nop(a);
}

/* §4.6 exit: entered with k1 = vcpu, guest k0 in vcpu->gprs[26], guest k1 in
 * scratch_tmp, Root.EXL = 1. Saves the guest GPRs and the exit record, restores the
 * host's EBase, clears GM then EXL, switches to the host stack and scratch values
 * and calls the exit handler with a0 = vcpu (s0 keeps the vcpu across the call). */
void vz_build_exit(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l, uasm_label exit)
{
    uasm_bind(a, exit);
    l->exit = uasm_pc(a);
    note(a, l, "exit", "save guest GPRs 0..31 except k0/k1");
    for (unsigned r = 0; r < 32; r++)
        if (r != K0 && r != K1)
            uasm_i_sd(a, r, GPR(r), K1);
    note(a, l, "exit", "guest k1 from scratch_tmp (EHB: the vector's MTC0 may be in flight)");
    uasm_i_ehb(a);
    uasm_i_dmfc0(a, T0, C0_KSCRATCH, cfg->scratch_tmp);
    uasm_i_sd(a, T0, GPR(K1), K1);
    uasm_i_move(a, S0, K1);
    note(a, l, "exit", "exit record: EPC (also the resume PC), BadVAddr, Cause, BadInstr, BadInstrP");
    uasm_i_dmfc0(a, T0, C0_EPC);
    uasm_i_sd(a, T0, VCPU(pc), K1);
    uasm_i_sd(a, T0, VCPU(host_cp0_epc), K1);
    uasm_i_dmfc0(a, T0, C0_BADVADDR);
    uasm_i_sd(a, T0, VCPU(host_cp0_badvaddr), K1);
    uasm_i_mfc0(a, T0, C0_CAUSE);
    uasm_i_sw(a, T0, VCPU(host_cp0_cause), K1);
    uasm_i_mfc0(a, T0, C0_BADINSTR);
    uasm_i_sw(a, T0, VCPU(host_cp0_badinstr), K1);
    uasm_i_mfc0(a, T0, C0_BADINSTRP);
    uasm_i_sw(a, T0, VCPU(host_cp0_badinstrp), K1);
    note(a, l, "exit", "Status |= BEV, EHB, then root EBase := the host's");
    uasm_i_mfc0(a, V0, C0_STATUS);
    uasm_i_lui(a, T0, ST_BEV >> 16);
    uasm_i_or(a, T0, V0, T0);
    uasm_i_mtc0(a, T0, C0_STATUS);
    uasm_i_ehb(a);
    uasm_i_ld(a, K0, VCPU(host_ebase), K1);
    vz_build_set_exc_base(a, cfg, K0);
    note(a, l, "exit", "GuestCtl0.GM := 0 before EXL clears; keep GuestCtl0 (GExcCode) in the vcpu");
    uasm_i_mfc0(a, K0, C0_GUESTCTL0);
    uasm_i_ins(a, K0, ZERO, 31, 1);
    uasm_i_mtc0(a, K0, C0_GUESTCTL0);
    uasm_i_sw(a, K0, VCPU(host_cp0_guestctl0), K1);
    note(a, l, "exit", "GuestCtl1.RID := 0: host TLB operations are the root's own");
    uasm_i_mfc0(a, T0, C0_GUESTCTL1);
    uasm_i_ins(a, T0, ZERO, 16, 8);
    uasm_i_mtc0(a, T0, C0_GUESTCTL1);
    note(a, l, "exit", "Status := saved Status & ~(EXL | KSU | IE): root kernel, interrupts off");
    uasm_li64(a, T0, ~(uint64_t)(ST_EXL | ST_KSU | ST_IE));
    uasm_i_and(a, V0, V0, T0);
    uasm_i_mtc0(a, V0, C0_STATUS);
    uasm_i_ehb(a);
    note(a, l, "exit", "host gp and sp (sp := the frame vcpu_run saved)");
    uasm_i_ld(a, GP, VCPU(host_gp), K1);
    uasm_i_ld(a, SP, VCPU(host_stack), K1);
    uasm_i_daddiu(a, SP, SP, -(int64_t)sizeof(vz_host_frame));
    note(a, l, "exit", "restore the host's scratch registers and HWREna");
    uasm_i_ld(a, T0, FRAME(scratch[0]), SP);
    uasm_i_dmtc0(a, T0, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_i_ld(a, T0, FRAME(scratch[1]), SP);
    uasm_i_dmtc0(a, T0, C0_KSCRATCH, cfg->scratch_tmp);
    uasm_i_ld(a, T0, VCPU(host_hwrena), K1);
    uasm_i_mtc0(a, T0, C0_HWRENA);
    note(a, l, "exit", "call the exit handler: a0 = vcpu; delay slot makes a 32-byte call frame");
    uasm_i_move(a, A0, S0);
    uasm_i_ld(a, T9, VCPU(exit_handler), S0);
    uasm_i_jalr(a, RA, T9);
    uasm_i_daddiu(a, SP, SP, -32);
}

/* §4.7 ret_from_exit: v0 = the handler's answer, s0 = vcpu. Interrupts off again;
 * RESUME_HOST goes to ret_to_host, anything else falls into ret_to_guest. */
void vz_build_ret_from_exit(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l,
                            uasm_label to_host)
{
    (void)cfg;
    l->ret_from_exit = uasm_pc(a);
    note(a, l, "ret_from_exit", "DI, EHB; k1 := vcpu");
    uasm_i_di(a, ZERO);
    uasm_i_ehb(a);
    uasm_i_move(a, K1, S0);
    note(a, l, "ret_from_exit", "v0 & RESUME_HOST -> ret_to_host");
    uasm_i_andi(a, T0, V0, VZ_RESUME_HOST);
    uasm_il_bnez(a, T0, to_host);
    uasm_i_nop(a);
}

/* §4.8 ret_to_guest: k1 = s0 = vcpu. Restores the scratch vcpu pointer, points
 * root EBase at the block again (with BEV around the change), sets EXL | IE and
 * enters the guest. */
void vz_build_ret_to_guest(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l)
{
    l->ret_to_guest = uasm_pc(a);
    note(a, l, "ret_to_guest", "scratch_vcpu := vcpu; t0 := the vector block");
    uasm_i_dmtc0(a, S0, C0_KSCRATCH, cfg->scratch_vcpu);
    uasm_i_ld(a, T0, VCPU(guest_ebase), K1);
    note(a, l, "ret_to_guest", "Status |= BEV, EHB, root EBase := the block");
    uasm_i_mfc0(a, V1, C0_STATUS);
    uasm_i_lui(a, T1, ST_BEV >> 16);
    uasm_i_or(a, T1, V1, T1);
    uasm_i_mtc0(a, T1, C0_STATUS);
    uasm_i_ehb(a);
    vz_build_set_exc_base(a, cfg, T0);
    note(a, l, "ret_to_guest", "Status := old | EXL | IE (BEV clear again), EHB");
    uasm_i_ori(a, V1, V1, ST_EXL | ST_IE);
    uasm_i_mtc0(a, V1, C0_STATUS);
    uasm_i_ehb(a);
    vz_build_enter_guest(a, cfg, l);
}

/* §4.9 ret_to_host: s0 = vcpu, v0 = the handler's answer. Reloads the caller's
 * registers from the frame and returns from vcpu_run with v0 = answer >> 2. */
void vz_build_ret_to_host(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l,
                          uasm_label to_host)
{
    (void)cfg;
    uasm_bind(a, to_host);
    l->ret_to_host = uasm_pc(a);
    note(a, l, "ret_to_host", "k1 := the frame; v0 := answer >> 2 (the host's error code)");
    uasm_i_ld(a, K1, VCPU(host_stack), S0);
    uasm_i_daddiu(a, K1, K1, -(int64_t)sizeof(vz_host_frame));
    uasm_i_dsra(a, V0, V0, 2);
    note(a, l, "ret_to_host", "reload s0-s7, gp, sp, s8 and return to vcpu_run's caller");
    for (unsigned r = S0; r <= S0 + 7; r++)
        uasm_i_ld(a, r, FREG(r), K1);
    uasm_i_ld(a, GP, FREG(GP), K1);
    uasm_i_ld(a, SP, FREG(SP), K1);
    uasm_i_ld(a, S8, FREG(S8), K1);
    uasm_i_ld(a, RA, FREG(RA), K1);
    uasm_i_jr(a, RA);
    uasm_i_nop(a);
}

int vz_entry_generate(uint32_t *buf, uint64_t base, const vz_entry_cfg *cfg,
                      vz_entry_layout *out, char *err, size_t errlen)
{
    memset(buf, 0, VZ_ENTRY_BLOCK_SIZE);
    memset(out, 0, sizeof *out);
    out->base = base;
    out->size = VZ_ENTRY_BLOCK_SIZE;
    uasm a;
    if (uasm_init(&a, buf, VZ_ENTRY_BLOCK_SIZE / 4, base) != 0) {
        snprintf(err, errlen, "entry: %s", uasm_errmsg(&a));
        return -1;
    }
    uasm_label exit = uasm_new_label(&a, "exit_common");
    uasm_label to_host = uasm_new_label(&a, "return_to_host");

    uasm_org(&a, base + 0x080);
    vz_build_tlb_refill(&a, cfg, out, exit);
    uasm_check_limit(&a, base + 0x180, "the XTLB refill handler");
    uasm_org(&a, base + 0x180);
    out->general = uasm_pc(&a);
    vz_build_exception(&a, cfg, out, exit);
    uasm_check_limit(&a, base + 0x200, "the general exception vector");
    for (unsigned i = 0; i < 8; i++) {
        uasm_org(&a, base + 0x200 + 0x100 * i);
        vz_build_exception(&a, cfg, out, exit);
        uasm_check_limit(&a, base + 0x300 + 0x100 * i, "an interrupt vector");
    }
    uasm_org(&a, base + 0x2000);
    vz_build_exit(&a, cfg, out, exit);
    vz_build_ret_from_exit(&a, cfg, out, to_host);
    vz_build_ret_to_guest(&a, cfg, out);
    vz_build_ret_to_host(&a, cfg, out, to_host);
    vz_build_vcpu_run(&a, cfg, out);
    out->end = uasm_pc(&a);
    uasm_resolve(&a);
    uasm_check_slots(&a);
    int rc = uasm_error(&a) ? -1 : 0;
    if (rc)
        snprintf(err, errlen, "entry: %s", uasm_errmsg(&a));
    uasm_free(&a);
    return rc;
}
