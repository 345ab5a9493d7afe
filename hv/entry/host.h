/*
 * hv/entry/host.h - the embedded hypervisor ("host"): it places the generated entry
 * and exit code in simulated root memory, builds the vcpu structure, the host stack
 * and the GPA page table, and calls vcpu_run in a loop like KVM_RUN. Its exit
 * handler is C that the generated exit path calls through a host call (a physical
 * address the core recognises); it runs natively against the simulated state, so
 * every generated instruction is executed and counted while the handler's own cost
 * is an explicit, reported parameter.
 *
 * Root physical layout (boston's low DDR window, seen at kseg0 0xffffffff80000000 + PA):
 *   0x01000000  vz_vcpu            0x01010000  host stack top (grows down)
 *   0x01010000  host vector page   0x01020000  host-call addresses
 *   0x01040000  entry/exit block (VZ_ENTRY_BLOCK_SIZE)
 *   0x01100000  GPA table (vz_gpa_pte per 8 KiB of guest RAM)
 *   0x01200000  the cross-compiled exit handler, when used (VZ_HV_HANDLER_SIZE)
 *   0x08000000  guest RAM backing: GPA g lives at RPA 0x08000000 + g
 * Guest MMIO (GPA, outside guest RAM): console UART data register at 0x1f000000
 * (a byte store prints it), power-off at 0x1f001000 (a store ends the run with
 * the stored value as the exit status).
 * Hypercall ABI (HYPCALL code 0, function in v0, arguments a0-a3, result in v0):
 *   0 NOP -> 0;  1 PUTC(a0 = char) -> 0;  2 WRITE(a0 = buffer in guest kseg0/kseg1,
 *   a1 = length) -> length or -1;  3 EXIT(a0 = status) ends the run;
 *   4 COUNT -> guest instructions executed so far;  5 TRACE_MODE(a0 = on) -> 0: sets
 *   (a0 != 0) or clears GuestCtl0.MC, so that every hardware change of the guest's
 *   mode (exception entry, ERET) exits with GHFC and is resumed;
 *   other numbers -> -1.
 * Guest timer (GuestCtl0.GT = 0): Count/Compare accesses exit with GPSI and root
 * keeps a soft Compare; its deadline is enforced by the root timer (a root
 * interrupt exit while the guest runs) or reached at once by a guest WAIT; either
 * way IP7 is injected through GuestCtl2.VIP until the guest writes Compare.
 */
#ifndef VZSIM_HV_HOST_H
#define VZSIM_HV_HOST_H

#include <stdint.h>
#include <stdio.h>

#include "hv/entry/entry.h"
#include "sim/core/cpu.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VZ_HV_VCPU_PA        0x01000000ull
#define VZ_HV_STACK_TOP_PA   0x01010000ull
#define VZ_HV_VECTORS_PA     0x01010000ull
#define VZ_HV_HOSTCALL_PA    0x01020000ull
#define VZ_HV_BLOCK_PA       0x01040000ull
#define VZ_HV_GPA_TABLE_PA   0x01100000ull
#define VZ_HV_HANDLER_PA     0x01200000ull
#define VZ_HV_HANDLER_SIZE   0x00100000ull
#define VZ_HV_GUEST_RAM_RPA  0x08000000ull
#define VZ_HV_UART_GPA       0x1f000000ull
#define VZ_HV_POWEROFF_GPA   0x1f001000ull
#define VZ_HV_KSEG0(pa)      (0xffffffff80000000ull | (pa))

enum { VZ_HC_NOP = 0, VZ_HC_PUTC = 1, VZ_HC_WRITE = 2, VZ_HC_EXIT = 3, VZ_HC_COUNT = 4,
       VZ_HC_TRACE_MODE = 5 };

/* Exit reasons the host counts (one per handled exit). */
typedef enum vz_exit_reason {
    VZ_EXIT_HYPERCALL, VZ_EXIT_GPSI, VZ_EXIT_GSFC, VZ_EXIT_GHFC, VZ_EXIT_GPA_FAULT,
    VZ_EXIT_MMIO, VZ_EXIT_INTERRUPT, VZ_EXIT_WAIT, VZ_EXIT_OTHER, VZ_EXIT_NREASONS
} vz_exit_reason;
const char *vz_exit_reason_name(vz_exit_reason r);

typedef struct vz_hv_config {
    uint64_t guest_ram;      /* bytes of guest RAM at GPA 0 (multiple of 8 KiB, <= 64 MiB) */
    uint64_t max_exits;      /* stop with an error after this many exits (0: none) */
    FILE *console;           /* guest console (NULL: stdout) */
    unsigned guest_id;       /* GuestCtl1.ID (1..255) */
    const char *mips_handler;/* NULL: the exit handler is native C (a host call);
                                else the ELF of hv/handler/handler.c, loaded into
                                root memory at VZ_HV_HANDLER_PA and called by the
                                generated exit path instead (it forwards what it
                                does not serve to the native handler) */
} vz_hv_config;

typedef enum vz_hv_status {
    VZ_HV_RUNNING, VZ_HV_EXITED, VZ_HV_ERROR, VZ_HV_LIMIT
} vz_hv_status;

typedef struct vz_hv vz_hv;

/* Set up the host in a boston memory map and a core (both borrowed): generate the
 * entry code, the vcpu, the GPA table, the host calls and the root controls
 * (GuestCtl0 = CP0 | AT=3 | CG | CF, GuestCtl0Ext.CGI, GuestCtl1.ID). NULL with a
 * message in err on failure. */
vz_hv *vz_hv_create(vz_mem *mem, vz_cpu *cpu, const vz_hv_config *cfg, char *err,
                    size_t errlen);
void vz_hv_destroy(vz_hv *h);

/* Load a guest ELF (linked in guest kseg0/kseg1) into guest RAM and set the guest
 * PC to its entry. 0, or -1 with a message. */
int vz_hv_load_guest(vz_hv *h, const char *path, char *err, size_t errlen);
/* Or place raw words at a GPA and start there. */
int vz_hv_load_words(vz_hv *h, uint64_t gpa, const uint32_t *w, size_t n, uint64_t entry_gva);

/* The KVM_RUN loop: call vcpu_run until the guest powers off or exits through a
 * hypercall (VZ_HV_EXITED, status in vz_hv_exit_status), the host hits an internal
 * error (VZ_HV_ERROR, vz_hv_message says why, with the guest state), or the core's
 * instruction limit runs out (VZ_HV_LIMIT). max_insns = 0: no limit. */
vz_hv_status vz_hv_run(vz_hv *h, uint64_t max_insns);
int vz_hv_exit_status(const vz_hv *h);
const char *vz_hv_message(const vz_hv *h);
uint64_t vz_hv_exits(const vz_hv *h, vz_exit_reason r);
uint64_t vz_hv_total_exits(const vz_hv *h);
const vz_entry_layout *vz_hv_layout(const vz_hv *h);
/* The address exit_common calls: the native handler's host call, or the
 * cross-compiled handler's entry; [handler_lo, handler_hi) is the latter's code
 * (empty for native). */
uint64_t vz_hv_handler_entry(const vz_hv *h);
void vz_hv_handler_range(const vz_hv *h, uint64_t *lo, uint64_t *hi);

#ifdef __cplusplus
}
#endif
#endif
