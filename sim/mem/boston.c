/*
 * sim/mem/boston.c - QEMU boston board memory map and -kernel entry state (see boston.h).
 *
 * Sources (read for facts only, nothing copied):
 *  - QEMU hw/mips/boston.c (qemu/qemu and a 2024/2025 mirror, pbo-linaro/qemu-ci):
 *      boston_memmap[]: LOWDDR {0x0, 0x10000000}, HIGHDDR {0x80000000, ram}, FLASH
 *        {0x18000000, 0x8000000}, CM 0x16100000, GIC 0x16120000, CPC 0x16200000,
 *        PLATREG 0x17ffd000, UART 0x17ffe000, LCD 0x17fff000, PCIe windows.
 *      boston_mach_init(): RAM at 0x80000000; "boston_low.ddr" alias at 0 of
 *        MIN(ram_size, 256 MiB) onto offset 0 of RAM; ram_size must be 1 or 2 GiB
 *        ("Memory size must be 1GB or 2GB"); default_ram_size = 1 GiB.
 *      -kernel: load_elf(..., cpu_mips_kseg0_to_phys, ..., &kernel_entry, NULL,
 *        &kernel_high, ...); dtb_paddr = QEMU_ALIGN_UP(kernel_high, 64 KiB);
 *        dtb_vaddr = cpu_mips_phys_to_kseg0(dtb_paddr) (= paddr | ~0x7fffffff), and
 *        that virtual address is what the bootloader puts in a1.
 *      gen_firmware() writes a bootloader at flash + 0x7c00000 (= 0x1fc00000, the reset
 *        vector): three GCR writes (move CM GCRs to 0x16100000, GIC base | enable,
 *        CPC base | enable) through k0/k1, then bl_gen_jump_kernel(sp = 0, a0 = -2,
 *        a1 = dtb_vaddr, a2 = 0, a3 = 0) and "jalr t9" to the entry (hw/mips/
 *        bootloader.c: 64-bit constants are built with lui/ori/dsll/ori/dsll/ori).
 *  - target/mips/sysemu/addr.c: kseg0_to_phys = addr & 0x1fffffff,
 *    phys_to_kseg0 = addr | ~0x7fffffff.
 *
 * Measured on QEMU 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18) with
 *   qemu-system-mips64el -M boston -cpu I6400 -semihosting -nographic -kernel regs.elf
 * where regs.elf (built as in docs/toolchain.md, text at 0xffffffff80100000, one
 * PT_LOAD of filesz = memsz = 0x560) stores all 32 GPRs and some CP0 registers as its
 * very first instructions and prints them through UHI:
 *   r0-r3 = 0, a0 ($4) = 0xfffffffffffffffe, a1 ($5) = 0xffffffff80110000,
 *   a2, a3, t0-t7, s0-s7, t8 = 0, t9 ($25) = 0xffffffff80100000 (entry),
 *   k0 ($26) = 0x0000000016200001 (CPC base | enable, last GCR value written),
 *   k1 ($27) = 0xffffffffb6100088 (kseg1 address of GCR_CPC_BASE it was written to),
 *   gp, sp, fp = 0, ra ($31) = 0xffffffffbfc00134 (return address of the bootloader's
 *   jalr t9: 75 instructions precede it, so always this value),
 *   Status = 0x04400004, Cause = 0, ErrorEPC = 0, EBase = 0xffffffff80000000,
 *   Config0 = 0x80004882, Config1 = 0x9eab558b, Config3 = 0xbc0030a0,
 *   PRId = 0x0001a900, CMGCRBase = 0x01610000 (= 0x16100000 >> 4).
 * Same a0/a1 with -append "foo bar" (the reset-time a0 = -1 for semihosting args is
 * overwritten by the bootloader) and with -m 2G. With a 0x239c0-byte .bss
 * (memsz 0x239c0) a1 = 0xffffffff80130000: kernel_high counts p_memsz, not p_filesz.
 * An image linked in xkphys loads but does not run under QEMU (Status.KX = 0 makes
 * the first fetch an address error); vzsim loads it the same way and leaves the
 * fault to the core.
 */
#include "sim/mem/boston.h"

#include <stdio.h>
#include <string.h>

int vz_boston_map(vz_mem *m, uint64_t ram_size, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (ram_size == 0)
        ram_size = VZ_BOSTON_DEFAULT_RAM;
    if (!m) {
        if (err && errlen)
            snprintf(err, errlen, "boston: no memory object");
        return -1;
    }
    if ((ram_size & (VZ_MEM_CHUNK - 1)) || ram_size > VZ_BOSTON_MAX_RAM) {
        if (err && errlen)
            snprintf(err, errlen,
                     "boston: RAM size 0x%llx invalid (need a multiple of 0x%llx, at most 2 GiB)",
                     (unsigned long long)ram_size, (unsigned long long)VZ_MEM_CHUNK);
        return -1;
    }
    if (vz_mem_add_ram(m, VZ_BOSTON_HIGHDDR_BASE, ram_size, "boston.ddr") != 0) {
        if (err && errlen)
            snprintf(err, errlen, "boston: cannot add RAM at 0x%llx size 0x%llx (overlap or table full)",
                     (unsigned long long)VZ_BOSTON_HIGHDDR_BASE, (unsigned long long)ram_size);
        return -1;
    }
    /* The boot flash: QEMU's ROM region of 128 MiB, zero except for the small
     * bootloader QEMU writes at 0x1fc00000 (vzsim starts the program in the state
     * that bootloader leaves and does not reproduce its words). Exceptions with
     * Status.BEV = 1 vector into it (0xbfc00200 + offset): zeros execute as NOPs
     * on both. */
    if (vz_mem_add_rom(m, VZ_BOSTON_FLASH_BASE, VZ_BOSTON_FLASH_SIZE, "boston.flash") != 0) {
        if (err && errlen)
            snprintf(err, errlen, "boston: cannot add the flash at 0x%llx",
                     (unsigned long long)VZ_BOSTON_FLASH_BASE);
        return -1;
    }
    uint64_t low = ram_size < VZ_BOSTON_LOWDDR_MAX ? ram_size : VZ_BOSTON_LOWDDR_MAX;
    if (vz_mem_add_alias(m, VZ_BOSTON_LOWDDR_BASE, low, VZ_BOSTON_HIGHDDR_BASE) != 0) {
        if (err && errlen)
            snprintf(err, errlen, "boston: cannot add low DDR alias at 0x0 size 0x%llx (overlap or table full)",
                     (unsigned long long)low);
        return -1;
    }
    return 0;
}

void vz_boston_boot_state(const vz_elf_info *elf, vz_boot_state *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    uint64_t entry = elf ? elf->entry : 0;
    uint64_t high = elf ? elf->paddr_end : 0;
    uint64_t dtb = (high + VZ_BOSTON_DTB_ALIGN - 1) & ~(VZ_BOSTON_DTB_ALIGN - 1);
    out->pc = entry;
    out->dtb_paddr = dtb;
    out->dtb_addr = dtb | 0xffffffff80000000ull;  /* cpu_mips_phys_to_kseg0 */
    out->gpr[4] = (uint64_t)(int64_t)-2;           /* a0: UHI boot protocol, FDT in a1 */
    out->gpr[5] = out->dtb_addr;                   /* a1 */
    out->gpr[25] = entry;                          /* t9: the bootloader jumps through it */
    out->gpr[26] = VZ_BOSTON_CPC_BASE | 1;         /* k0: last GCR value written */
    out->gpr[27] = 0xffffffffb6100088ull;          /* k1: kseg1 CM base + GCR_CPC_BASE (0x88) */
    out->gpr[31] = 0xffffffffbfc00134ull;          /* ra: after the bootloader's jalr t9 */
    out->cp0_status = VZ_BOSTON_STATUS;
    out->cp0_cmgcrbase = VZ_BOSTON_CMGCRBASE;
}

int vz_boston_load_kernel(vz_mem *m, const char *path, vz_boot_state *out, vz_elf_info *info,
                          char *err, size_t errlen)
{
    vz_elf_info ei;
    if (vz_elf_load(m, path, &ei, err, errlen) != 0)
        return -1;
    if (info)
        *info = ei;
    vz_boston_boot_state(&ei, out);
    return 0;
}
