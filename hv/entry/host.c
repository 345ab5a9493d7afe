/*
 * hv/entry/host.c - the embedded hypervisor (see host.h for the layout, the MMIO
 * devices and the hypercall ABI). The exit handler follows Linux KVM's dispatch
 * (kvm-entry-walkthrough §6.3-§6.5) for what a small bare-metal guest needs:
 * hypercalls, GPSI (guest CP0 accesses root did not grant, WAIT, CACHE, RDHWR),
 * GSFC, GHFC, root TLB faults on guest-physical addresses (lazy mapping into the
 * GPA table) and MMIO (a RESUME_HOST round trip to the host loop, like
 * KVM_EXIT_MMIO). Anything else is an internal error reported with the guest state.
 * An exit in a delay slot (Cause.BD) resumes at the branch's target or fall-through,
 * evaluated from BadInstrP and the guest registers as Linux's update_pc does; an exit
 * in a forbidden slot resumes after it (the compact branch was not taken).
 */
#include "hv/entry/host.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/isa/isa.h"
#include "sim/mem/elf.h"

struct vz_hv {
    vz_mem *mem;
    vz_cpu *cpu;
    vz_hv_config cfg;
    vz_entry_cfg ecfg;
    vz_entry_layout layout;
    uint64_t guest_pc;
    uint64_t exits[VZ_EXIT_NREASONS];
    uint64_t total_exits;
    vz_hv_status status;
    int exit_status;
    char msg[1024];
    /* a RESUME_HOST round trip in progress */
    int pending_uart;
    uint8_t uart_byte;
    /* the guest's soft timer (GuestCtl0.GT = 0: root emulates Count/Compare) */
    uint32_t soft_compare;
    /* the cross-compiled handler, if any */
    uint64_t handler_entry, handler_lo, handler_hi;
};

static const char *const reason_names[VZ_EXIT_NREASONS] = {
    "hypercall", "gpsi", "gsfc", "ghfc", "gpa-fault", "mmio", "interrupt", "wait", "other",
};

const char *vz_exit_reason_name(vz_exit_reason r)
{
    return (unsigned)r < VZ_EXIT_NREASONS ? reason_names[r] : "?";
}

static int vcpu_read(vz_hv *h, vz_vcpu *v)
{
    return vz_mem_read(h->mem, VZ_HV_VCPU_PA, v, sizeof *v);
}

static int vcpu_write(vz_hv *h, const vz_vcpu *v)
{
    return vz_mem_write(h->mem, VZ_HV_VCPU_PA, v, sizeof *v);
}

/* ---------------- the exit handler ---------------- */

static int fail(vz_hv *h, const vz_vcpu *v, const char *what)
{
    snprintf(h->msg, sizeof h->msg,
             "internal error: %s (guest pc 0x%016" PRIx64 ", root Cause 0x%08x ExcCode %u, "
             "GuestCtl0 0x%08x GExcCode %u, BadVAddr 0x%016" PRIx64 ", BadInstr 0x%08x)",
             what, v->pc, v->host_cp0_cause, (v->host_cp0_cause >> 2) & 31,
             v->host_cp0_guestctl0, (v->host_cp0_guestctl0 >> 2) & 31, v->host_cp0_badvaddr,
             v->host_cp0_badinstr);
    h->status = VZ_HV_ERROR;
    return VZ_RESUME_HOST | (1 << 2);
}

/* guest kseg0/kseg1 address -> GPA (the guest's unmapped segments) */
static int gva_unmapped_to_gpa(uint64_t gva, uint64_t *gpa)
{
    if (gva >= 0xffffffff80000000ull && gva < 0xffffffffc0000000ull) {
        *gpa = gva & 0x1fffffffull;
        return 0;
    }
    return -1;
}

static int guest_read_gpa(vz_hv *h, uint64_t gpa, void *buf, size_t n)
{
    if (gpa >= h->cfg.guest_ram || n > h->cfg.guest_ram - gpa)
        return -1;
    return vz_mem_read(h->mem, VZ_HV_GUEST_RAM_RPA + gpa, buf, n);
}

/* Where the guest resumes after the exiting instruction has been emulated. Without
 * BD: the next instruction. With BD: EPC is the branch (BadInstrP), the exiting
 * instruction its slot; the branch is re-evaluated with the registers as they were
 * at the exit (before the slot's emulation changes any). Returns 0, or -1 for a
 * branch the host cannot evaluate. */
static int resume_pc(const vz_vcpu *v, uint64_t *pc)
{
    uint64_t epc = v->pc;
    if (!(v->host_cp0_cause & (1u << 31))) {
        *pc = epc + 4;
        return 0;
    }
    uint32_t b = v->host_cp0_badinstrp;
    vz_insn_id id = vz_decode(b);
    const uint64_t *g = v->gprs;
    int64_t rs = (int64_t)g[vz_f_rs(b)], rt = (int64_t)g[vz_f_rt(b)];
    uint64_t t16 = epc + 4 + (uint64_t)(vz_f_simm16(b) * 4);
    uint64_t fall = epc + 8;
    if (vz_insn_table[id].flags & (VZ_F_CB | VZ_F_CBNF)) {
        *pc = fall;                          /* forbidden slot: the branch fell through */
        return 0;
    }
    switch (id) {
    case VZ_I_BEQ:  *pc = rs == rt ? t16 : fall; return 0;
    case VZ_I_BNE:  *pc = rs != rt ? t16 : fall; return 0;
    case VZ_I_BLEZ: *pc = rs <= 0 ? t16 : fall; return 0;
    case VZ_I_BGTZ: *pc = rs > 0 ? t16 : fall; return 0;
    case VZ_I_BLTZ: *pc = rs < 0 ? t16 : fall; return 0;
    case VZ_I_BGEZ: *pc = rs >= 0 ? t16 : fall; return 0;
    case VZ_I_BAL:  *pc = t16; return 0;
    case VZ_I_NAL:  *pc = fall; return 0;
    case VZ_I_J:
    case VZ_I_JAL:
        *pc = ((epc + 4) & ~(uint64_t)0x0fffffff) | ((uint64_t)(b & 0x3ffffff) << 2);
        return 0;
    case VZ_I_JALR:
    case VZ_I_JALR_HB:
        if (vz_f_rd(b) == vz_f_rs(b) && vz_f_rd(b) != 0)
            return -1;                       /* the link overwrote the target register */
        *pc = (uint64_t)rs;
        return 0;
    default:
        return -1;
    }
}

static int hypercall(vz_hv *h, vz_vcpu *v, uint64_t next)
{
    uint64_t fn = v->gprs[2], a0 = v->gprs[4], a1 = v->gprs[5];
    FILE *con = h->cfg.console ? h->cfg.console : stdout;
    int64_t ret = 0;
    switch (fn) {
    case VZ_HC_NOP:
        break;
    case VZ_HC_PUTC:
        fputc((int)(a0 & 0xff), con);
        break;
    case VZ_HC_WRITE: {
        uint64_t gpa;
        char buf[4096];
        if (a1 > sizeof buf || gva_unmapped_to_gpa(a0, &gpa) != 0 ||
            guest_read_gpa(h, gpa, buf, (size_t)a1) != 0) {
            ret = -1;
            break;
        }
        fwrite(buf, 1, (size_t)a1, con);
        ret = (int64_t)a1;
        break;
    }
    case VZ_HC_EXIT:
        h->exit_status = (int)(int32_t)a0;
        h->status = VZ_HV_EXITED;
        v->pc = next;
        return VZ_RESUME_HOST;
    case VZ_HC_COUNT:
        ret = (int64_t)vz_cpu_insns(h->cpu);
        break;
    case VZ_HC_TRACE_MODE: {
        /* GuestCtl0.MC: the guest asks to be traced through GHFC exits on every
         * hardware change of its mode (guest exception entry, ERET) */
        uint64_t g0 = vz_cpu_get_cp0(h->cpu, VZ_CP0_GUESTCTL0) & ~(uint64_t)(1u << 29);
        vz_cpu_set_cp0(h->cpu, VZ_CP0_GUESTCTL0, g0 | (a0 ? 1u << 29 : 0));
        break;
    }
    default:
        ret = -1;
        break;
    }
    v->gprs[2] = (uint64_t)ret;
    v->pc = next;
    return VZ_RESUME_GUEST;
}

/* Guest Count while root emulates the timer: Root.Count + GTOffset (the offset is
 * kept even while GuestCtl0.GT = 0). */
static uint32_t soft_count(vz_hv *h)
{
    return (uint32_t)(vz_cpu_get_cp0(h->cpu, VZ_CP0_COUNT) +
                      vz_cpu_get_cp0(h->cpu, VZ_CP0_GTOFFSET));
}

/* The soft timer's deadline while the guest runs: the root timer (Root.Compare,
 * IP7 unmasked in the root Status the guest runs with) is armed at the root Count
 * where the guest Count reaches soft_compare, so that a guest that does not WAIT is
 * interrupted when its timer expires (a root interrupt exit, then IP7 injected
 * through GuestCtl2.VIP) - KVM's hrtimer for the soft timer. A deadline that is
 * not ahead (more than 2^31 counts away) is not armed. */
static void root_timer(vz_hv *h, int arm)
{
    uint64_t st = vz_cpu_get_cp0(h->cpu, VZ_CP0_STATUS) & ~(uint64_t)0x8000;
    uint32_t dist = h->soft_compare - soft_count(h);
    arm = arm && dist != 0 && dist < 0x80000000u;
    if (arm)
        vz_cpu_set_cp0(h->cpu, VZ_CP0_COMPARE,
                       (uint32_t)vz_cpu_get_cp0(h->cpu, VZ_CP0_COUNT) + dist);
    /* acknowledge: a root Compare write clears Cause.TI (and IP7 with it) */
    vz_cpu_set_cp0(h->cpu, VZ_CP0_CAUSE,
                   vz_cpu_get_cp0(h->cpu, VZ_CP0_CAUSE) & ~(uint64_t)0x40008000u);
    vz_cpu_set_cp0(h->cpu, VZ_CP0_STATUS, arm ? (st | 0x8000) : st);
}

static void set_vip(vz_hv *h, unsigned ip, int on)
{
    uint64_t g2 = vz_cpu_get_cp0(h->cpu, VZ_CP0_GUESTCTL2);
    uint64_t bit = 1ull << (8 + ip);
    vz_cpu_set_cp0(h->cpu, VZ_CP0_GUESTCTL2, on ? (g2 | bit) : (g2 & ~bit));
}

static int gpsi(vz_hv *h, vz_vcpu *v, uint64_t next)
{
    uint32_t w = v->host_cp0_badinstr;
    vz_insn_id id = vz_decode(w);
    unsigned rt = vz_f_rt(w), rd = vz_f_rd(w), sel = w & 7;
    switch (id) {
    case VZ_I_WAIT: {
        h->exits[VZ_EXIT_WAIT]++;
        h->exits[VZ_EXIT_GPSI]--;
        /* halt until an interrupt: the only source here is the soft timer, so time
         * jumps to its match and the timer interrupt (IP7) is injected */
        uint32_t now = soft_count(h);
        uint32_t dist = h->soft_compare - now;
        uint64_t gst = vz_cpu_get_guest_cp0(h->cpu, VZ_CP0_STATUS);
        if (!(gst & 1) || !(gst & 0x8000))
            return fail(h, v, "guest WAIT with interrupts disabled: it would sleep forever");
        vz_cpu_set_cp0(h->cpu, VZ_CP0_GTOFFSET,
                       vz_cpu_get_cp0(h->cpu, VZ_CP0_GTOFFSET) + dist);
        set_vip(h, 7, 1);
        root_timer(h, 0);                        /* the deadline has been reached */
        break;
    }
    case VZ_I_MFC0:
    case VZ_I_DMFC0: {
        uint64_t val = 0;
        if (rd == 15 && sel == 0)
            val = vz_cpu_get_cp0(h->cpu, VZ_CP0_PRID);
        else if (rd == 9 && sel == 0)
            val = soft_count(h);
        else if (rd == 11 && sel == 0)
            val = h->soft_compare;
        /* other registers outside the guest context read as zero */
        if (id == VZ_I_MFC0)
            val = (uint64_t)(int64_t)(int32_t)val;
        if (rt)
            v->gprs[rt] = val;
        break;
    }
    case VZ_I_MTC0:
    case VZ_I_DMTC0: {
        uint64_t val = v->gprs[rt];
        if (rd == 11 && sel == 0) {
            h->soft_compare = (uint32_t)val;   /* writing Compare acknowledges the timer */
            set_vip(h, 7, 0);
            root_timer(h, 1);
        } else if (rd == 9 && sel == 0) {
            vz_cpu_set_cp0(h->cpu, VZ_CP0_GTOFFSET,
                           (uint32_t)val - (uint32_t)vz_cpu_get_cp0(h->cpu, VZ_CP0_COUNT));
        }
        /* writes to other registers outside the guest context are ignored */
        break;
    }
    case VZ_I_CACHE:
        break;                                   /* caches are not modelled functionally */
    case VZ_I_RDHWR:
        if (rd != 2)
            return fail(h, v, "GPSI on RDHWR of a register other than CC");
        if (rt)
            v->gprs[rt] = (uint64_t)(int64_t)(int32_t)soft_count(h);
        break;
    default:
        return fail(h, v, "GPSI on an instruction the host does not emulate");
    }
    v->pc = next;
    return VZ_RESUME_GUEST;
}

static int gsfc(vz_hv *h, vz_vcpu *v, uint64_t next)
{
    uint32_t w = v->host_cp0_badinstr;
    vz_insn_id id = vz_decode(w);
    if (id != VZ_I_MTC0 && id != VZ_I_DMTC0)
        return fail(h, v, "GSFC on something other than MTC0");
    /* complete the write on the guest's behalf, through the guest context's masks
     * (fields the core does not implement, such as CU1 without an FPU, stay 0) */
    vz_cp0_id reg = VZ_CP0_COUNT_;
    if (vz_f_rd(w) == 12 && (w & 7) == 0)
        reg = VZ_CP0_STATUS;
    else if (vz_f_rd(w) == 13 && (w & 7) == 0)
        reg = VZ_CP0_CAUSE;
    if (reg == VZ_CP0_COUNT_)
        return fail(h, v, "GSFC on a register the host does not handle");
    vz_cpu_set_guest_cp0(h->cpu, reg, v->gprs[vz_f_rt(w)]);
    v->pc = next;
    return VZ_RESUME_GUEST;
}

/* map the guest page pair holding gpa into the GPA table and drop any stale root
 * TLB entry for it (walkthrough §6.4) */
static void map_gpa(vz_hv *h, uint64_t gpa)
{
    uint64_t pair = gpa >> 13;
    vz_gpa_pte pte;
    for (int i = 0; i < 2; i++) {
        uint64_t rpa = VZ_HV_GUEST_RAM_RPA + (pair << 13) + ((uint64_t)i << 12);
        pte.lo[i] = ((rpa >> 12) << 6) | (3u << 3) | 0x4 | 0x2;   /* C=3, D, V */
    }
    vz_mem_write(h->mem, VZ_HV_GPA_TABLE_PA + pair * sizeof pte, &pte, sizeof pte);
    vz_cpu_root_tlb_invalidate(h->cpu, gpa, 0, h->cfg.guest_id);
}

static int mmio(vz_hv *h, vz_vcpu *v, uint64_t gpa, int is_store, uint64_t next)
{
    uint32_t w = v->host_cp0_badinstr;
    vz_insn_id id = vz_decode(w);
    unsigned rt = vz_f_rt(w);
    if (!is_store) {
        if (id != VZ_I_LB && id != VZ_I_LBU && id != VZ_I_LW && id != VZ_I_LWU &&
            id != VZ_I_LD && id != VZ_I_LH && id != VZ_I_LHU)
            return fail(h, v, "MMIO load by an instruction the host does not decode");
        if (rt)
            v->gprs[rt] = 0;                      /* the devices read as zero */
        v->pc = next;
        return VZ_RESUME_GUEST;
    }
    if (id != VZ_I_SB && id != VZ_I_SH && id != VZ_I_SW && id != VZ_I_SD)
        return fail(h, v, "MMIO store by an instruction the host does not decode");
    uint64_t val = v->gprs[rt];
    v->pc = next;
    if (gpa == VZ_HV_UART_GPA) {
        /* like KVM_EXIT_MMIO: the device lives in the host loop */
        h->pending_uart = 1;
        h->uart_byte = (uint8_t)val;
        return VZ_RESUME_HOST;
    }
    h->exit_status = (int)(int32_t)val;
    h->status = VZ_HV_EXITED;
    return VZ_RESUME_HOST;
}

static int handle_exit(vz_hv *h, vz_vcpu *v)
{
    unsigned exc = (v->host_cp0_cause >> 2) & 31;
    unsigned gexc = (v->host_cp0_guestctl0 >> 2) & 31;
    uint64_t next = v->pc + 4;
    int can_resume = resume_pc(v, &next) == 0;
    h->total_exits++;
    uint64_t all = h->total_exits + v->mips_exits_hypercall + v->mips_exits_ghfc;
    if (h->handler_entry && h->cfg.max_exits)
        v->mips_budget = all < h->cfg.max_exits ? h->cfg.max_exits - all : 0;
    if (h->cfg.max_exits && all > h->cfg.max_exits) {
        snprintf(h->msg, sizeof h->msg, "exit limit of %" PRIu64 " reached at guest pc 0x%016"
                 PRIx64, h->cfg.max_exits, v->pc);
        h->status = VZ_HV_LIMIT;
        return VZ_RESUME_HOST;
    }
    switch (exc) {
    case VZ_EXC_INT:
        /* a root interrupt while the guest ran: the only source is the root timer
         * standing for the soft timer's deadline; inject the guest's IP7 and resume
         * at EPC (the interrupted instruction has not executed) */
        h->exits[VZ_EXIT_INTERRUPT]++;
        if (vz_cpu_get_cp0(h->cpu, VZ_CP0_CAUSE) & 0x40000000u) {
            root_timer(h, 0);
            if ((int32_t)(soft_count(h) - h->soft_compare) >= 0)
                set_vip(h, 7, 1);
            else
                root_timer(h, 1);                /* early (Compare moved): re-arm */
        }
        return VZ_RESUME_GUEST;
    case VZ_EXC_GE:
        switch (gexc) {
        case 2:
            h->exits[VZ_EXIT_HYPERCALL]++;
            if ((v->host_cp0_badinstr >> 11) & 0x3ff)
                return fail(h, v, "HYPCALL with a non-zero code");
            if (!can_resume)
                return fail(h, v, "exit in the delay slot of a branch the host cannot evaluate");
            return hypercall(h, v, next);
        case 0:
            h->exits[VZ_EXIT_GPSI]++;
            if (!can_resume)
                return fail(h, v, "exit in the delay slot of a branch the host cannot evaluate");
            return gpsi(h, v, next);
        case 1:
            h->exits[VZ_EXIT_GSFC]++;
            if (!can_resume)
                return fail(h, v, "exit in the delay slot of a branch the host cannot evaluate");
            return gsfc(h, v, next);
        case 9:
            h->exits[VZ_EXIT_GHFC]++;
            return VZ_RESUME_GUEST;              /* the change already happened */
        default:
            h->exits[VZ_EXIT_OTHER]++;
            return fail(h, v, "unhandled guest exit (GRR, GVA, GPA or reserved GExcCode)");
        }
    case VZ_EXC_TLBL:
    case VZ_EXC_TLBS:
    case VZ_EXC_MOD: {
        uint64_t gpa = v->host_cp0_badvaddr;
        if (gpa < h->cfg.guest_ram) {
            h->exits[VZ_EXIT_GPA_FAULT]++;
            map_gpa(h, gpa);
            return VZ_RESUME_GUEST;              /* retry the access */
        }
        if ((gpa & ~7ull) == VZ_HV_UART_GPA || (gpa & ~7ull) == VZ_HV_POWEROFF_GPA) {
            h->exits[VZ_EXIT_MMIO]++;
            if (v->pc == gpa || exc == VZ_EXC_MOD)
                return fail(h, v, "instruction fetch from or read-only fault on MMIO");
            if (!can_resume)
                return fail(h, v, "exit in the delay slot of a branch the host cannot evaluate");
            return mmio(h, v, gpa & ~7ull, exc != VZ_EXC_TLBL, next);
        }
        h->exits[VZ_EXIT_OTHER]++;
        return fail(h, v, "guest access to a guest-physical address with nothing there");
    }
    default:
        h->exits[VZ_EXIT_OTHER]++;
        return fail(h, v, "root exception the host does not handle");
    }
}

/* host call: the generated exit path's JALR to vcpu->exit_handler */
static int exit_handler_call(vz_cpu *c, void *opaque)
{
    vz_hv *h = opaque;
    vz_vcpu v;
    int64_t r;
    if (vcpu_read(h, &v) != 0) {
        snprintf(h->msg, sizeof h->msg, "internal error: the vcpu is not in RAM");
        h->status = VZ_HV_ERROR;
        r = VZ_RESUME_HOST | (1 << 2);
    } else {
        r = handle_exit(h, &v);
        vcpu_write(h, &v);
    }
    vz_cpu_set_gpr(c, 2, (uint64_t)r);
    vz_cpu_set_pc(c, vz_cpu_get_gpr(c, 31));
    return 0;
}

/* host call: vcpu_run returning to its caller (the KVM_RUN loop) */
static int host_return_call(vz_cpu *c, void *opaque)
{
    (void)c;
    (void)opaque;
    return 1;
}

/* host call at the host's own vectors: a fault in the hypervisor itself */
static int host_fault_call(vz_cpu *c, void *opaque)
{
    vz_hv *h = opaque;
    snprintf(h->msg, sizeof h->msg,
             "internal error: exception in the hypervisor (root EPC 0x%016" PRIx64
             ", Cause 0x%08" PRIx64 ", BadVAddr 0x%016" PRIx64 ")",
             vz_cpu_get_cp0(c, VZ_CP0_EPC), vz_cpu_get_cp0(c, VZ_CP0_CAUSE),
             vz_cpu_get_cp0(c, VZ_CP0_BADVADDR));
    h->status = VZ_HV_ERROR;
    return 1;
}

/* ---------------- lifecycle ---------------- */

/* Load the cross-compiled handler's ELF into root memory and make it the handler
 * exit_common calls (the native one stays reachable through native_handler). */
static int load_mips_handler(vz_hv *h, vz_vcpu *v, char *err, size_t errlen)
{
    vz_elf_info info;
    if (vz_elf_load(h->mem, h->cfg.mips_handler, &info, err, errlen) != 0)
        return -1;
    if (info.paddr_low < VZ_HV_HANDLER_PA ||
        info.paddr_end > VZ_HV_HANDLER_PA + VZ_HV_HANDLER_SIZE ||
        info.entry < info.vaddr_low || info.entry >= info.vaddr_end) {
        snprintf(err, errlen, "%s: the handler must lie in physical 0x%llx..0x%llx "
                 "with its entry inside (hv/handler/handler.ld)", h->cfg.mips_handler,
                 (unsigned long long)VZ_HV_HANDLER_PA,
                 (unsigned long long)(VZ_HV_HANDLER_PA + VZ_HV_HANDLER_SIZE));
        return -1;
    }
    vz_cpu_invalidate_code(h->cpu, info.paddr_low, info.paddr_end - info.paddr_low);
    h->handler_entry = info.entry;
    h->handler_lo = info.vaddr_low;
    h->handler_hi = info.vaddr_end;
    v->exit_handler = info.entry;
    v->mips_budget = h->cfg.max_exits ? h->cfg.max_exits : UINT64_MAX;
    return 0;
}

vz_hv *vz_hv_create(vz_mem *mem, vz_cpu *cpu, const vz_hv_config *cfg, char *err,
                    size_t errlen)
{
    vz_hv *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->mem = mem;
    h->cpu = cpu;
    h->cfg = *cfg;
    if (!h->cfg.guest_ram)
        h->cfg.guest_ram = 16ull << 20;
    if (!h->cfg.guest_id)
        h->cfg.guest_id = 1;
    if ((h->cfg.guest_ram & 0x1fff) || h->cfg.guest_ram > (64ull << 20) ||
        h->cfg.guest_id > 255) {
        snprintf(err, errlen, "guest RAM must be a multiple of 8 KiB up to 64 MiB and the "
                              "guest ID 1..255");
        free(h);
        return NULL;
    }
    if (vz_entry_setup(&h->ecfg, (uint32_t)vz_cpu_get_cp0(cpu, VZ_CP0_CONFIG4), 1) != 0) {
        snprintf(err, errlen, "the core has fewer than two KScratch registers");
        free(h);
        return NULL;
    }
    uint32_t *block = calloc(1, VZ_ENTRY_BLOCK_SIZE);
    if (!block || vz_entry_generate(block, VZ_HV_KSEG0(VZ_HV_BLOCK_PA), &h->ecfg, &h->layout,
                                    err, errlen) != 0) {
        free(block);
        free(h);
        return NULL;
    }
    int bad = vz_mem_write(mem, VZ_HV_BLOCK_PA, block, VZ_ENTRY_BLOCK_SIZE);
    free(block);
    /* the vcpu, a zeroed GPA table and the host calls */
    vz_vcpu v;
    memset(&v, 0, sizeof v);
    v.guest_ebase = VZ_HV_KSEG0(VZ_HV_BLOCK_PA);
    v.exit_handler = VZ_HV_KSEG0(VZ_HV_HOSTCALL_PA);
    v.gpa_table = VZ_HV_KSEG0(VZ_HV_GPA_TABLE_PA);
    v.gpa_pairs = h->cfg.guest_ram >> 13;
    v.guestid = h->cfg.guest_id;
    v.native_handler = v.exit_handler;
    if (h->cfg.mips_handler) {
        if (load_mips_handler(h, &v, err, errlen) != 0) {
            free(h);
            return NULL;
        }
    }
    bad |= vcpu_write(h, &v);
    static const vz_gpa_pte zero;
    for (uint64_t i = 0; i < v.gpa_pairs && !bad; i++)
        bad |= vz_mem_write(mem, VZ_HV_GPA_TABLE_PA + i * sizeof zero, &zero, sizeof zero);
    bad |= vz_cpu_add_hostcall(cpu, VZ_HV_HOSTCALL_PA, exit_handler_call, h);
    bad |= vz_cpu_add_hostcall(cpu, VZ_HV_HOSTCALL_PA + 0x10, host_return_call, h);
    for (uint64_t off = 0; off <= 0x200; off += 0x80)
        bad |= vz_cpu_add_hostcall(cpu, VZ_HV_VECTORS_PA + off, host_fault_call, h);
    if (bad) {
        snprintf(err, errlen, "the hypervisor's memory (physical 0x%llx..0x%llx) is not RAM",
                 (unsigned long long)VZ_HV_VCPU_PA,
                 (unsigned long long)(VZ_HV_GUEST_RAM_RPA + h->cfg.guest_ram));
        free(h);
        return NULL;
    }
    vz_cpu_invalidate_code(cpu, VZ_HV_BLOCK_PA, VZ_ENTRY_BLOCK_SIZE);
    /* root controls (walkthrough §6.7): CP0 | AT = 3 | CG | CF, CGI, the guest ID;
     * host: kernel mode, KX (64-bit addressing), EBase at the host vector page */
    uint64_t gc0 = vz_cpu_get_cp0(cpu, VZ_CP0_GUESTCTL0) & ~(uint64_t)0xffc3fc03u;
    vz_cpu_set_cp0(cpu, VZ_CP0_GUESTCTL0, gc0 | 0x1d800000u);
    vz_cpu_set_cp0(cpu, VZ_CP0_GUESTCTL0EXT, 0x10);
    vz_cpu_set_cp0(cpu, VZ_CP0_GUESTCTL1, h->cfg.guest_id);
    vz_cpu_set_cp0(cpu, VZ_CP0_EBASE, VZ_HV_KSEG0(VZ_HV_VECTORS_PA));
    vz_cpu_set_cp0(cpu, VZ_CP0_STATUS, 0x80);
    h->soft_compare = 0;
    h->status = VZ_HV_RUNNING;
    return h;
}

void vz_hv_destroy(vz_hv *h)
{
    free(h);
}

static int set_guest_pc(vz_hv *h, uint64_t pc)
{
    vz_vcpu v;
    if (vcpu_read(h, &v) != 0)
        return -1;
    v.pc = pc;
    h->guest_pc = pc;
    return vcpu_write(h, &v);
}

int vz_hv_load_words(vz_hv *h, uint64_t gpa, const uint32_t *w, size_t n, uint64_t entry_gva)
{
    if (gpa >= h->cfg.guest_ram || n * 4 > h->cfg.guest_ram - gpa)
        return -1;
    if (vz_mem_write(h->mem, VZ_HV_GUEST_RAM_RPA + gpa, w, n * 4) != 0)
        return -1;
    vz_cpu_invalidate_code(h->cpu, VZ_HV_GUEST_RAM_RPA + gpa, n * 4);
    return set_guest_pc(h, entry_gva);
}

int vz_hv_load_guest(vz_hv *h, const char *path, char *err, size_t errlen)
{
    /* load into a scratch guest-physical memory, then copy into the backing RAM */
    vz_mem *g = vz_mem_create();
    vz_elf_info info;
    if (!g || vz_mem_add_ram(g, 0, h->cfg.guest_ram, "guest") != 0) {
        snprintf(err, errlen, "out of memory");
        vz_mem_destroy(g);
        return -1;
    }
    if (vz_elf_load(g, path, &info, err, errlen) != 0) {
        vz_mem_destroy(g);
        return -1;
    }
    uint8_t buf[4096];
    for (uint64_t pa = info.paddr_low & ~4095ull; pa < info.paddr_end; pa += sizeof buf) {
        if (vz_mem_read(g, pa, buf, sizeof buf) != 0 ||
            vz_mem_write(h->mem, VZ_HV_GUEST_RAM_RPA + pa, buf, sizeof buf) != 0) {
            snprintf(err, errlen, "%s: does not fit the guest's %llu bytes of RAM", path,
                     (unsigned long long)h->cfg.guest_ram);
            vz_mem_destroy(g);
            return -1;
        }
    }
    vz_mem_destroy(g);
    vz_cpu_invalidate_code(h->cpu, VZ_HV_GUEST_RAM_RPA, h->cfg.guest_ram);
    return set_guest_pc(h, info.entry);
}

vz_hv_status vz_hv_run(vz_hv *h, uint64_t max_insns)
{
    uint64_t start = vz_cpu_insns(h->cpu);
    FILE *con = h->cfg.console ? h->cfg.console : stdout;
    while (h->status == VZ_HV_RUNNING) {
        /* KVM_RUN: call vcpu_run(vcpu) with the host stack and a return address that
         * is the host-return host call */
        vz_cpu_set_gpr(h->cpu, 4, VZ_HV_KSEG0(VZ_HV_VCPU_PA));
        vz_cpu_set_gpr(h->cpu, 29, VZ_HV_KSEG0(VZ_HV_STACK_TOP_PA));
        vz_cpu_set_gpr(h->cpu, 31, VZ_HV_KSEG0(VZ_HV_HOSTCALL_PA + 0x10));
        vz_cpu_set_gpr(h->cpu, 28, 0);
        vz_cpu_set_pc(h->cpu, h->layout.vcpu_run);
        uint64_t used = vz_cpu_insns(h->cpu) - start;
        if (max_insns && used >= max_insns) {
            h->status = VZ_HV_LIMIT;
            break;
        }
        vz_stop why = vz_cpu_run(h->cpu, max_insns ? max_insns - used : 0);
        if (why == VZ_STOP_LIMIT) {
            snprintf(h->msg, sizeof h->msg, "instruction limit reached at pc 0x%016" PRIx64
                     " (%s mode)", vz_cpu_get_pc(h->cpu), vz_cpu_in_guest(h->cpu) ? "guest" : "root");
            h->status = VZ_HV_LIMIT;
            break;
        }
        if (why != VZ_STOP_HOSTCALL) {
            snprintf(h->msg, sizeof h->msg, "the core stopped: %s", vz_cpu_stop_message(h->cpu));
            h->status = VZ_HV_ERROR;
            break;
        }
        /* back in the host loop (vcpu_run returned): finish the device access */
        if (h->pending_uart) {
            fputc(h->uart_byte, con);
            h->pending_uart = 0;
        }
    }
    fflush(con);
    return h->status;
}

int vz_hv_exit_status(const vz_hv *h) { return h->exit_status; }
const char *vz_hv_message(const vz_hv *h) { return h->msg; }
/* exits the cross-compiled handler served itself, by reason (0 for native) */
static uint64_t mips_exits(const vz_hv *h, vz_exit_reason r)
{
    vz_vcpu v;
    if (!h->handler_entry || (r != VZ_EXIT_HYPERCALL && r != VZ_EXIT_GHFC && r != VZ_EXIT_NREASONS) ||
        vz_mem_read(h->mem, VZ_HV_VCPU_PA, &v, sizeof v) != 0)
        return 0;
    if (r == VZ_EXIT_HYPERCALL)
        return v.mips_exits_hypercall;
    if (r == VZ_EXIT_GHFC)
        return v.mips_exits_ghfc;
    return v.mips_exits_hypercall + v.mips_exits_ghfc;
}

uint64_t vz_hv_exits(const vz_hv *h, vz_exit_reason r)
{
    return (unsigned)r < VZ_EXIT_NREASONS ? h->exits[r] + mips_exits(h, r) : 0;
}
uint64_t vz_hv_total_exits(const vz_hv *h)
{
    return h->total_exits + mips_exits(h, VZ_EXIT_NREASONS);
}
uint64_t vz_hv_handler_entry(const vz_hv *h)
{
    return h->handler_entry ? h->handler_entry : VZ_HV_KSEG0(VZ_HV_HOSTCALL_PA);
}
void vz_hv_handler_range(const vz_hv *h, uint64_t *lo, uint64_t *hi)
{
    *lo = h->handler_lo;
    *hi = h->handler_hi;
}
const vz_entry_layout *vz_hv_layout(const vz_hv *h) { return &h->layout; }
