/*
 * sim/core/cpu.h - the public C API of one simulated MIPS64r6 core.
 *
 * The VZ, timing, trace, SystemC and CLI layers use only this header. A core owns
 * its architectural state and borrows a vz_mem (several cores may share one memory
 * or each have their own); there is no global mutable state.
 * Limits (this version): root mode only (VZ guest mode comes next), no FPU/MSA
 * (Coprocessor Unusable), a joint TLB of up to 64 entries and no FTLB, 8-bit ASIDs,
 * little-endian only.
 */
#ifndef VZSIM_CPU_H
#define VZSIM_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "sim/mem/mem.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vz_cpu vz_cpu;

/* CP0 register identifiers from sim/cp0/cp0regs.def: VZ_CP0_STATUS, ... */
typedef enum vz_cp0_id {
#define CP0(id, name, reg, sel, bits, mask, reset, ctx) VZ_CP0_##id,
#include "sim/cp0/cp0regs.def"
#undef CP0
    VZ_CP0_COUNT_
} vz_cp0_id;

/* Exception codes (Cause.ExcCode). */
enum {
    VZ_EXC_INT = 0, VZ_EXC_MOD = 1, VZ_EXC_TLBL = 2, VZ_EXC_TLBS = 3, VZ_EXC_ADEL = 4,
    VZ_EXC_ADES = 5, VZ_EXC_IBE = 6, VZ_EXC_DBE = 7, VZ_EXC_SYS = 8, VZ_EXC_BP = 9,
    VZ_EXC_RI = 10, VZ_EXC_CPU = 11, VZ_EXC_OV = 12, VZ_EXC_TR = 13, VZ_EXC_MSAFPE = 14,
    VZ_EXC_FPE = 15, VZ_EXC_TLBRI = 19, VZ_EXC_TLBXI = 20, VZ_EXC_MSADIS = 21,
    VZ_EXC_WATCH = 23, VZ_EXC_MCHECK = 24, VZ_EXC_GE = 27,
};

/* Why vz_cpu_run returned. */
typedef enum vz_stop {
    VZ_STOP_NONE = 0,     /* still running (internal) */
    VZ_STOP_LIMIT,        /* instruction limit reached */
    VZ_STOP_EXIT,         /* the program called UHI exit: see vz_cpu_exit_code */
    VZ_STOP_ABORT,        /* UHI assert or an unrecoverable host-side error */
    VZ_STOP_HALT,         /* vz_cpu_request_stop from an observer or another thread */
    VZ_STOP_BREAK,        /* SDBBP without semihosting (no debugger attached) */
    VZ_STOP_HOSTCALL,     /* a host-call function asked the run to return */
} vz_stop;

/* What a retired instruction did: handed to the retire observer (traces, timing). */
typedef struct vz_retire_info {
    uint64_t pc;
    uint32_t word;
    uint16_t id;           /* vz_insn_id */
    uint8_t  gpr_written;  /* 0 when no GPR was written */
    uint8_t  in_slot;      /* 1 delay slot, 2 forbidden slot */
    uint64_t gpr_value;    /* new value of gpr_written */
    uint64_t mem_addr;     /* virtual address of the memory access, if any */
    uint64_t mem_pa;       /* its physical address (after both stages in guest mode) */
    uint8_t  mem_size;     /* 0: no memory access */
    uint8_t  mem_write;
    uint8_t  taken;        /* branch taken */
    int8_t   exception;    /* ExcCode raised by this instruction, -1 if none, -2 for
                              a host call (pc = its address; no instruction ran) */
    uint8_t  guest;        /* executed in guest mode */
} vz_retire_info;

typedef void (*vz_retire_fn)(void *opaque, const vz_retire_info *ri);
typedef void (*vz_exception_fn)(void *opaque, int exccode, uint64_t epc, uint64_t vector);

typedef struct vz_cpu_config {
    int semihosting;        /* SDBBP 1 calls UHI (1) or raises a debug trap (0) */
    int argc;               /* guest's UHI argc/argv */
    char **argv;
    void *uhi_stdout;       /* FILE* for UHI fd 1 and 2 (NULL: stdout / stderr) */
    void *uhi_stderr;
    unsigned tlb_entries;   /* root TLB entries, 1..64 (0: 64); Config1.MMUSize-1 */
    unsigned guest_tlb_entries; /* guest TLB entries, 1..64 (0: 64); Guest.Config1 */
} vz_cpu_config;

/* Create a core attached to mem (borrowed), in the architectural reset state
 * (PC = 0xffffffffbfc00000, Status.BEV = Status.ERL = 1). NULL on allocation failure. */
vz_cpu *vz_cpu_create(vz_mem *mem, const vz_cpu_config *cfg);
void vz_cpu_destroy(vz_cpu *c);

/* Run until limit instructions have retired (0: no limit) or the program stops.
 * Returns the reason. May be called again to continue. */
vz_stop vz_cpu_run(vz_cpu *c, uint64_t limit);
/* Execute exactly one instruction (or take one exception). */
vz_stop vz_cpu_step(vz_cpu *c);
void vz_cpu_request_stop(vz_cpu *c);

int vz_cpu_exit_code(const vz_cpu *c);
/* Message describing a VZ_STOP_ABORT (empty otherwise). */
const char *vz_cpu_stop_message(const vz_cpu *c);

uint64_t vz_cpu_insns(const vz_cpu *c);   /* instructions retired (exceptions excluded) */

uint64_t vz_cpu_get_pc(const vz_cpu *c);
void vz_cpu_set_pc(vz_cpu *c, uint64_t pc);
uint64_t vz_cpu_get_gpr(const vz_cpu *c, unsigned r);
void vz_cpu_set_gpr(vz_cpu *c, unsigned r, uint64_t v);
uint64_t vz_cpu_get_cp0(const vz_cpu *c, vz_cp0_id id);
/* The VZ guest context's copy of id (0 for root-only registers). */
uint64_t vz_cpu_get_guest_cp0(const vz_cpu *c, vz_cp0_id id);
/* Write the VZ guest context's id as root's MTGC0/DMTGC0 would (masks and side
 * effects included; ignored for root-only registers). For hypervisors written in C
 * against the simulated core. */
void vz_cpu_set_guest_cp0(vz_cpu *c, vz_cp0_id id, uint64_t v);
/* Invalidate every root TLB entry that maps va for (asid, guestid) - what a
 * hypervisor does with TLBP + TLBWI of an invalid entry after changing a GPA
 * mapping (walkthrough §6.4). Returns the number of entries invalidated. */
int vz_cpu_root_tlb_invalidate(vz_cpu *c, uint64_t va, unsigned asid, unsigned guestid);

/* In guest mode now? (GuestCtl0.GM = 1, Root.Status.EXL = ERL = 0) */
int vz_cpu_in_guest(const vz_cpu *c);

/* Read TLB entry i of the root TLB (guest = 0) or the guest TLB (guest = 1) as
 * TLBR would present it, with its GuestID. Returns -1 when i is out of range. */
int vz_cpu_read_tlb(const vz_cpu *c, int guest, unsigned i, uint64_t *entryhi,
                    uint64_t *pagemask, uint64_t *lo0, uint64_t *lo1, unsigned *guestid);
/* Set a CP0 register as hardware would (no write mask): for boards and tests. */
void vz_cpu_set_cp0(vz_cpu *c, vz_cp0_id id, uint64_t v);

/* Host calls: native C functions that simulated code "calls" by jumping to a
 * physical address the core recognises (the embedded hypervisor's exit handler,
 * the return from vcpu_run to the host loop). When the core fetches the word at pa
 * it runs fn instead of an instruction; fn reads and writes the core's state
 * through this API, must set the PC to continue at (usually ra, like a return),
 * and returns 0 to continue running or 1 to make vz_cpu_run return
 * VZ_STOP_HOSTCALL. A host call is not counted as an executed instruction; its
 * cost is for the caller to model. At most VZ_MAX_HOSTCALLS per core; pa must be
 * RAM and word aligned. Returns 0 or -1. */
#define VZ_MAX_HOSTCALLS 16
typedef int (*vz_hostcall_fn)(vz_cpu *c, void *opaque);
int vz_cpu_add_hostcall(vz_cpu *c, uint64_t pa, vz_hostcall_fn fn, void *opaque);

/* Drive external interrupt line ip (2..7, Cause.IP2..IP7) to level (0/1). Takes
 * effect before the next instruction. Lines are level-sensitive: the device holds
 * the line until software acknowledges it. */
void vz_cpu_set_irq(vz_cpu *c, unsigned ip, int level);

/* Virtual-address accessors with the core's current translation (no exception is
 * raised; return -1 when an address does not translate or is not RAM). */
int vz_cpu_read_virt(vz_cpu *c, uint64_t va, void *buf, size_t n);
int vz_cpu_write_virt(vz_cpu *c, uint64_t va, const void *buf, size_t n);

/* Tell the core that physical memory [pa, pa+len) changed behind its back (DMA,
 * loaders, debuggers), so that cached decoded instructions are dropped. */
void vz_cpu_invalidate_code(vz_cpu *c, uint64_t pa, uint64_t len);

/* Tell the core that host pointers it may hold for physical memory [pa, pa+len)
 * are no longer valid (a SystemC DMI invalidation, after vz_mem_remove_external):
 * drops every soft-TLB and fetch-cache entry and the decoded pages of that range
 * that read host bytes. Safe to call from a device callback during an instruction
 * (the instruction does not touch its decoded page after its memory access).
 * Decoded pages of memory behind a bus without a host pointer (read word by word
 * through vz_mem_load when first decoded) are kept: stores by this core keep them
 * coherent; writes by others need vz_cpu_invalidate_code. */
void vz_cpu_forget_mem(vz_cpu *c, uint64_t pa, uint64_t len);

/* Observers (NULL to remove). The retire observer makes the core use its slower
 * tracing loop; without observers the fast loop runs. */
void vz_cpu_set_retire_observer(vz_cpu *c, vz_retire_fn fn, void *opaque);
void vz_cpu_set_exception_observer(vz_cpu *c, vz_exception_fn fn, void *opaque);

#ifdef __cplusplus
}
#endif
#endif
