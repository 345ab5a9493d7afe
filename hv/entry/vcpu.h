/*
 * hv/entry/vcpu.h - the state the generated entry/exit code touches, laid out as C
 * structures whose instances live in simulated memory. The builders take every
 * displacement from offsetof() on these structures (kvm-entry-walkthrough §7.1),
 * and the host reads and writes the same instances through vz_mem.
 *
 * All fields are little-endian integers of the widths given, with natural
 * alignment on both the host and the simulated MIPS64 core (static asserts below),
 * so the host's view and the simulated code's view of a field are the same bytes.
 */
#ifndef VZSIM_HV_VCPU_H
#define VZSIM_HV_VCPU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One virtual CPU (Linux: struct kvm_vcpu_arch, the fields its entry code uses). */
typedef struct vz_vcpu {
    uint64_t gprs[32];          /* guest GPRs; gprs[26] doubles as k0 spill in vectors */
    uint64_t pc;                /* guest PC: EPC on entry, from EPC on exit */
    uint64_t guest_ebase;       /* root EBase while the guest runs: the vector block */
    uint64_t host_ebase;        /* root EBase of the host, restored on exit */
    uint64_t host_stack;        /* sp of vcpu_run's caller; the frame sits below it */
    uint64_t host_gp;           /* gp of vcpu_run's caller */
    uint64_t host_hwrena;       /* root HWREna of the host, restored on exit */
    uint64_t exit_handler;      /* address of the exit handler (a host call) */
    uint64_t gpa_table;         /* kseg0 address of the GPA -> RPA table */
    uint64_t gpa_pairs;         /* number of even/odd page pairs the table covers */
    uint64_t host_cp0_epc;      /* root EPC at the last exit */
    uint64_t host_cp0_badvaddr; /* root BadVAddr at the last exit */
    uint32_t host_cp0_cause;    /* root Cause at the last exit */
    uint32_t host_cp0_guestctl0;/* GuestCtl0 at the last exit (GExcCode), GM cleared */
    uint32_t host_cp0_badinstr; /* root BadInstr at the last exit */
    uint32_t host_cp0_badinstrp;/* root BadInstrP at the last exit */
    uint64_t guestid;           /* GuestCtl1.ID of this vcpu */
    /* the cross-compiled handler (hv/handler/handler.c, --handler mips); after
     * every field the generated code uses, so that no displacement moves */
    uint64_t native_handler;    /* host-call address of the native handler */
    uint64_t mips_budget;       /* exits the MIPS handler may still serve itself */
    uint64_t mips_exits_hypercall; /* exits it served, by reason */
    uint64_t mips_exits_ghfc;
} vz_vcpu;

/* The frame vcpu_run saves below its caller's stack pointer (Linux: struct
 * pt_regs, used the same way). */
typedef struct vz_host_frame {
    uint64_t regs[32];          /* s0-s7, gp, sp, s8, ra are saved */
    uint64_t status;            /* root Status at vcpu_run */
    uint64_t scratch[2];        /* host values of the two KScratch registers used */
    uint64_t pad;               /* keeps the frame a multiple of 16 bytes */
} vz_host_frame;

/* One entry of the GPA -> RPA table: the EntryLo pair for a guest page pair, as
 * the refill vector writes it into the root TLB (EntryLo0 for the even 4 KiB page,
 * EntryLo1 for the odd). A pair with V clear in both halves is unmapped. */
typedef struct vz_gpa_pte {
    uint64_t lo[2];
} vz_gpa_pte;

/* Return codes of the exit handler (Linux KVM's encoding, walkthrough §6.2):
 * bit 1 = return to the host; bits 63:2 = error code for the host (arithmetic). */
#define VZ_RESUME_GUEST 0
#define VZ_RESUME_HOST  2

#ifdef __cplusplus
#define VZ_VCPU_ASSERT static_assert
#else
#define VZ_VCPU_ASSERT _Static_assert
#endif
VZ_VCPU_ASSERT(offsetof(vz_vcpu, gprs) == 0, "layout");
VZ_VCPU_ASSERT(offsetof(vz_vcpu, host_cp0_cause) % 4 == 0, "layout");
VZ_VCPU_ASSERT(sizeof(vz_vcpu) % 8 == 0, "layout");
VZ_VCPU_ASSERT(sizeof(vz_host_frame) % 16 == 0, "the frame keeps sp 16-byte aligned");
VZ_VCPU_ASSERT(sizeof(vz_gpa_pte) == 16, "layout");

#ifdef __cplusplus
}
#endif
#endif
