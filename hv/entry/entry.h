/*
 * hv/entry/entry.h - builders of the guest entry/exit code, with the roles of Linux
 * KVM's arch/mips/kvm/entry.c (shared/docs/kvm-entry-walkthrough.md §2-§5), written
 * for vzsim's MIPS64r6 + VZ core with GuestIDs, through the micro-assembler hv/gen.
 *
 * The code is generated into one per-vcpu block of simulated memory (the root EBase
 * while the guest runs):
 *   +0x080            root XTLB refill fast path (Root.Status.KX = 1 in guest mode)
 *   +0x180            general exception vector
 *   +0x200 + i*0x100  interrupt vectors (i = 0..7)
 *   +0x2000           exit, ret_from_exit, ret_to_guest (+ enter_guest), ret_to_host
 *   then              vcpu_run (+ enter_guest)
 * Differences from Linux, all because vzsim's host is this embedded hypervisor, not a
 * Linux kernel: no FPU/MSA state (the core has neither), no host page-table switch
 * (the host runs unmapped in kseg0, so there is no pgd helper to call), no root ASID
 * dealias path (the core has GuestIDs), and the host's EBase/HWREna are saved in the
 * vcpu by vcpu_run instead of read from kernel globals. The refill fast path walks a
 * flat GPA table (one vz_gpa_pte per guest page pair) instead of a multi-level one.
 */
#ifndef VZSIM_HV_ENTRY_H
#define VZSIM_HV_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "hv/entry/vcpu.h"
#include "hv/gen/uasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the builders need to know about the core (kvm_mips_entry_setup). */
typedef struct vz_entry_cfg {
    unsigned scratch_vcpu;   /* KScratch select (CP0 31, sel) holding the vcpu pointer */
    unsigned scratch_tmp;    /* KScratch select stashing guest k1 in the vectors */
    int has_wg;              /* EBase.WG: 64-bit exception bases */
} vz_entry_cfg;

/* Choose the scratch registers from Config4.KScrExist (bits 23:16, one per select):
 * the lowest two present. Returns 0, or -1 when fewer than two exist (VZ needs both,
 * walkthrough §2). */
int vz_entry_setup(vz_entry_cfg *cfg, uint32_t config4, int has_wg);

/* One line of commentary for the listing: the builder that emitted the words from
 * addr on, and what this step does. */
typedef struct vz_entry_note {
    uint64_t addr;
    const char *builder;
    const char *text;
} vz_entry_note;

#define VZ_ENTRY_MAX_NOTES 256

/* The generated block and where its pieces are. */
typedef struct vz_entry_layout {
    uint64_t base;           /* simulated address of the block (4 KiB aligned) */
    size_t size;             /* bytes */
    uint64_t refill;         /* +0x080 */
    uint64_t general;        /* +0x180 */
    uint64_t exit;           /* +0x2000: exit_common */
    uint64_t ret_from_exit;
    uint64_t ret_to_guest;
    uint64_t ret_to_host;
    uint64_t vcpu_run;       /* the callable entry function */
    uint64_t end;            /* first address after the code */
    vz_entry_note notes[VZ_ENTRY_MAX_NOTES];
    unsigned nnotes;
} vz_entry_layout;

#define VZ_ENTRY_BLOCK_SIZE 0x4000

/* Generate the whole block into buf (VZ_ENTRY_BLOCK_SIZE bytes, zero-filled first,
 * so unused words are NOPs) for simulated address base. Returns 0, or -1 with the
 * micro-assembler's message in err. */
int vz_entry_generate(uint32_t *buf, uint64_t base, const vz_entry_cfg *cfg,
                      vz_entry_layout *out, char *err, size_t errlen);

/* The individual builders (each emits at the current position of a). Their
 * register contracts are stated in entry.c above each one. */
void vz_build_set_exc_base(uasm *a, const vz_entry_cfg *cfg, unsigned reg);
void vz_build_vcpu_run(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l);
void vz_build_enter_guest(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l);
void vz_build_tlb_refill(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l, uasm_label exit);
void vz_build_exception(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l, uasm_label exit);
void vz_build_exit(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l, uasm_label exit);
void vz_build_ret_from_exit(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l,
                            uasm_label to_host);
void vz_build_ret_to_guest(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l);
void vz_build_ret_to_host(uasm *a, const vz_entry_cfg *cfg, vz_entry_layout *l,
                          uasm_label to_host);

#ifdef __cplusplus
}
#endif
#endif
