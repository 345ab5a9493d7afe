/*
 * sim/mem/boston.h - the QEMU "boston" board as vzsim sees it: physical memory map and
 * the CPU state QEMU's boston hands to a -kernel ELF.
 *
 * Purpose: let vzsim run the same bare-metal ELF as
 *   qemu-system-mips64el -M boston -cpu I6400 -semihosting -nographic -kernel prog.elf
 * with the same memory layout and the same register values at the first instruction.
 * Limits: only DDR (high DDR + the low DDR alias) is mapped. Boston's devices (flash
 * holding QEMU's generated bootloader, CM/GIC/CPC, UART, platform registers, PCIe) are
 * not modelled; their addresses are listed below for whoever adds them. No device tree
 * blob is written: a1 points to where QEMU would place it. See boston.c for the
 * QEMU sources and the measured entry state.
 */
#ifndef VZSIM_BOSTON_H
#define VZSIM_BOSTON_H

#include <stddef.h>
#include <stdint.h>

#include "sim/mem/elf.h"
#include "sim/mem/mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Memory map (QEMU hw/mips/boston.c, boston_memmap[]). Physical addresses. */
#define VZ_BOSTON_LOWDDR_BASE    0x00000000ull  /* alias of the first min(ram,256 MiB) */
#define VZ_BOSTON_LOWDDR_MAX     0x10000000ull  /* 256 MiB */
#define VZ_BOSTON_PCIE0_BASE     0x10000000ull  /* 32 MiB config */
#define VZ_BOSTON_PCIE1_BASE     0x12000000ull
#define VZ_BOSTON_PCIE2_BASE     0x14000000ull
#define VZ_BOSTON_PCIE2_MMIO     0x16000000ull  /* 1 MiB */
#define VZ_BOSTON_CM_BASE        0x16100000ull  /* CM GCRs after the bootloader moved them */
#define VZ_BOSTON_GIC_BASE       0x16120000ull
#define VZ_BOSTON_CDMM_BASE      0x16140000ull
#define VZ_BOSTON_CPC_BASE       0x16200000ull
#define VZ_BOSTON_PLATREG_BASE   0x17ffd000ull
#define VZ_BOSTON_UART_BASE      0x17ffe000ull  /* ns16550a, reg-shift 2 */
#define VZ_BOSTON_LCD_BASE       0x17fff000ull
#define VZ_BOSTON_FLASH_BASE     0x18000000ull  /* 128 MiB ROM */
#define VZ_BOSTON_FLASH_SIZE     0x08000000ull
#define VZ_BOSTON_BOOTLOADER     0x1fc00000ull  /* QEMU writes its bootloader here */
#define VZ_BOSTON_PCIE1_MMIO     0x20000000ull  /* 512 MiB */
#define VZ_BOSTON_PCIE0_MMIO     0x40000000ull  /* 1 GiB */
#define VZ_BOSTON_HIGHDDR_BASE   0x80000000ull  /* all of RAM */
#define VZ_BOSTON_DEFAULT_RAM    0x40000000ull  /* 1 GiB, QEMU's default_ram_size */
#define VZ_BOSTON_MAX_RAM        0x80000000ull  /* 2 GiB */

/* Entry-state constants (QEMU 7.2 boston, measured; see boston.c). */
#define VZ_BOSTON_STATUS         0x04400004ull  /* FR | BEV | ERL */
#define VZ_BOSTON_DTB_ALIGN      0x10000ull     /* DTB at ALIGN_UP(kernel_high, 64 KiB) */
#define VZ_BOSTON_CMGCRBASE      0x01610000ull  /* CP0 CMGCRBase = CM_BASE >> 4 */

/* Register state at the kernel's first instruction. gpr[0] is 0. */
typedef struct vz_boot_state {
    uint64_t pc;            /* = ELF entry */
    uint64_t gpr[32];
    uint64_t cp0_status;    /* = VZ_BOSTON_STATUS */
    uint64_t dtb_addr;      /* = a1: kseg0 virtual address where QEMU puts the DTB */
    uint64_t dtb_paddr;     /* physical address of the same place */
    uint64_t cp0_cmgcrbase; /* CMGCRBase after QEMU's bootloader moved the GCRs */
} vz_boot_state;

/* Add boston's DDR to m: RAM "boston.ddr" of ram_size bytes at 0x80000000 and an alias
 * at 0x0 of min(ram_size, 256 MiB) bytes onto its start. ram_size 0 means 1 GiB.
 * ram_size must be a non-zero multiple of VZ_MEM_CHUNK and at most 2 GiB (QEMU itself
 * only accepts exactly 1 or 2 GiB). Returns 0, or -1 with a one-line message in err
 * (err may be NULL) when the size is invalid or the regions cannot be added (e.g. they
 * overlap regions already in m). RAM stays sparse: nothing is allocated here. */
int vz_boston_map(vz_mem *m, uint64_t ram_size, char *err, size_t errlen);

/* Fill *out with the state QEMU's boston gives a -kernel ELF described by elf (from
 * vz_elf_load): pc = t9 = entry, a0 = -2, a1 = dtb_addr, a2 = a3 = sp = 0, k0/k1/ra
 * as QEMU's bootloader leaves them, every other GPR 0, Status = 0x04400004. The DTB
 * place is ALIGN_UP(elf->paddr_end, 64 KiB), as a kseg0 address in a1. Nothing is
 * written to memory. */
void vz_boston_boot_state(const vz_elf_info *elf, vz_boot_state *out);

/* Convenience: vz_elf_load(m, path, ...) then vz_boston_boot_state(). info may be
 * NULL. Returns 0, or -1 with the loader's message in err. */
int vz_boston_load_kernel(vz_mem *m, const char *path, vz_boot_state *out, vz_elf_info *info,
                          char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
