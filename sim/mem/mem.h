/*
 * sim/mem/mem.h - sparse physical memory and MMIO bus of one simulated machine.
 *
 * Purpose: hold the simulated physical address space: RAM regions that touch host
 * memory only when a chunk is first accessed, aliases (one physical range that shows
 * another, e.g. Boston's low DDR window onto its high DDR), and MMIO regions whose
 * accesses call device callbacks.
 * Limits: physical addresses are 48 bits; at most VZ_MEM_MAX_REGIONS regions; RAM
 * is allocated in VZ_MEM_CHUNK-byte chunks. No global state: several memories may
 * live in one process. Little-endian host assumed (checked at compile time).
 */
#ifndef VZSIM_MEM_H
#define VZSIM_MEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VZ_MEM_CHUNK_SHIFT 16
#define VZ_MEM_CHUNK ((uint64_t)1 << VZ_MEM_CHUNK_SHIFT)
#define VZ_MEM_MAX_REGIONS 32
#define VZ_MEM_PA_BITS 48

typedef struct vz_mem vz_mem;

/* Device callbacks for an MMIO region. off is relative to the region base; size is
 * 1, 2, 4 or 8. read returns 0 and fills *val, or -1 for a bus error; write likewise. */
typedef struct vz_mmio_ops {
    int (*read)(void *opaque, uint64_t off, unsigned size, uint64_t *val);
    int (*write)(void *opaque, uint64_t off, unsigned size, uint64_t val);
} vz_mmio_ops;

/* Observer of every access made through vz_mem_load/vz_mem_store (not the fast
 * host-pointer path, which the core reports itself). */
typedef void (*vz_mem_observer)(void *opaque, uint64_t pa, unsigned size, int is_write);

vz_mem *vz_mem_create(void);
void vz_mem_destroy(vz_mem *m);

/* Add regions. Each returns 0, or -1 when the range overlaps an existing region, is
 * not chunk-aligned (RAM/alias), exceeds 48 bits, or the table is full. */
int vz_mem_add_ram(vz_mem *m, uint64_t base, uint64_t size, const char *name);
int vz_mem_add_alias(vz_mem *m, uint64_t base, uint64_t size, uint64_t target);
/* ROM: RAM that loaders fill (vz_mem_write, vz_mem_ptr) but whose vz_mem_store
 * writes are ignored, as QEMU ignores CPU writes to a ROM region. The core asks
 * vz_mem_is_rom before storing through a host pointer. */
int vz_mem_add_rom(vz_mem *m, uint64_t base, uint64_t size, const char *name);
int vz_mem_is_rom(vz_mem *m, uint64_t pa);
int vz_mem_add_mmio(vz_mem *m, uint64_t base, uint64_t size, const vz_mmio_ops *ops,
                    void *opaque, const char *name);

/* Host pointer to physical byte pa when pa is RAM (through aliases), allocating its
 * chunk on first use; *avail receives the number of bytes from pa to the end of the
 * chunk. NULL when pa is not RAM (MMIO or unbacked) or allocation failed. Pointers
 * stay valid until vz_mem_destroy. */
uint8_t *vz_mem_ptr(vz_mem *m, uint64_t pa, size_t *avail);

/* Bulk copies for loaders and debuggers (RAM only, no MMIO side effects). Return 0,
 * or -1 if any byte of the range is not RAM. */
int vz_mem_read(vz_mem *m, uint64_t pa, void *buf, size_t n);
int vz_mem_write(vz_mem *m, uint64_t pa, const void *buf, size_t n);

/* One naturally sized access (size 1, 2, 4, 8; any alignment within RAM), little
 * endian, RAM or MMIO. Return 0, or -1 for a bus error (nothing there). */
int vz_mem_load(vz_mem *m, uint64_t pa, unsigned size, uint64_t *val);
int vz_mem_store(vz_mem *m, uint64_t pa, unsigned size, uint64_t val);

/* Does pa fall in any region? Name of that region (for error messages), or NULL. */
const char *vz_mem_region_name(const vz_mem *m, uint64_t pa);

/* Host bytes allocated for RAM chunks so far (shows that sparse RAM stays sparse). */
uint64_t vz_mem_allocated_bytes(const vz_mem *m);

void vz_mem_set_observer(vz_mem *m, vz_mem_observer fn, void *opaque);

/* ---- an external bus behind the regions (the SystemC wrapper, docs/systemc.md) ----
 * Physical addresses that fall in no region go to the bus, when one is set:
 *  - access: one vz_mem_load / vz_mem_store (size 1, 2, 4, 8); 0, or -1 for a bus error;
 *  - debug:  a bulk copy for vz_mem_read / vz_mem_write / vz_mem_probe (loaders,
 *            semihosting, the embedded hypervisor): no side effects, no time; returns
 *            the number of bytes transferred (n when all of them were);
 *  - map:    asked by vz_mem_ptr for a host pointer (DMI): the bus adds an external
 *            region covering pa (vz_mem_add_ram_external) and returns 0, or returns -1
 *            (the address then stays on the access path). NULL: never.
 * Without a bus, every function behaves as before. */
typedef struct vz_mem_bus {
    int (*access)(void *opaque, uint64_t pa, unsigned size, uint64_t *val, int is_write);
    size_t (*debug)(void *opaque, uint64_t pa, void *buf, size_t n, int is_write);
    int (*map)(void *opaque, uint64_t pa);
} vz_mem_bus;
void vz_mem_set_bus(vz_mem *m, const vz_mem_bus *bus, void *opaque);

/* RAM whose bytes live in host memory owned by the caller (a DMI pointer): host is
 * the host address of physical base. base and size must be multiples of 4 KiB. With
 * readonly, vz_mem_is_rom is true for it (the core drops its stores, as for ROM) and
 * vz_mem_write goes to the bus's debug path instead of the host bytes. Returns 0, or
 * -1 as vz_mem_add_ram. */
int vz_mem_add_ram_external(vz_mem *m, uint64_t base, uint64_t size, uint8_t *host,
                            int readonly, const char *name);
/* Remove every external region overlapping [base, base + size) (a DMI
 * invalidation). Returns how many were removed. The caller must also tell each core
 * using m (vz_cpu_forget_mem), which keeps host pointers of its own. */
int vz_mem_remove_external(vz_mem *m, uint64_t base, uint64_t size);

/* Is pa backed by memory a loader may write: RAM (then *avail = bytes to the end of
 * its chunk or external region), or an address the bus's debug path accepts (then
 * *avail = bytes to the end of the 4 KiB page)? 1 or 0. */
int vz_mem_probe(vz_mem *m, uint64_t pa, size_t *avail);

#ifdef __cplusplus
}
#endif
#endif
