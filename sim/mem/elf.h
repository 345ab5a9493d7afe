/*
 * sim/mem/elf.h - load a bare-metal MIPS64 ELF executable into simulated physical memory.
 *
 * Purpose: read an ELF64 little-endian MIPS ET_EXEC file (the kind built for the QEMU
 * boston board: code linked in kseg0 0xffffffff80100000, see docs/toolchain) and copy
 * its PT_LOAD segments into a vz_mem, the way QEMU's load_elf() does for -kernel:
 * each segment goes to the physical address derived from its p_paddr, bytes beyond
 * p_filesz up to p_memsz are zeroed.
 * Limits: only ELFCLASS64 / ELFDATA2LSB / EM_MIPS / ET_EXEC; only PT_LOAD segments are
 * loaded (others are ignored); segments with p_memsz == 0 are skipped; files up to
 * VZ_ELF_MAX_FILE bytes. The whole file is validated (headers, every segment and
 * section must lie inside the file) before any byte of memory is written, so a failed
 * load leaves memory contents unchanged (it may have allocated sparse RAM chunks).
 * No global mutable state of its own (libelf's elf_version() is process-wide but
 * idempotent).
 */
#ifndef VZSIM_ELF_H
#define VZSIM_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "sim/mem/mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest ELF file accepted (the file is read into host memory to be validated). */
#define VZ_ELF_MAX_FILE ((uint64_t)1 << 31)

/* What a successful load found. Ranges cover loaded (p_memsz > 0) PT_LOAD segments
 * only; *_end values are exclusive (one past the last byte, like QEMU's kernel_high). */
typedef struct vz_elf_info {
    uint64_t entry;        /* e_entry, unchanged (a virtual address, e.g. kseg0) */
    uint64_t vaddr_low;    /* lowest p_vaddr */
    uint64_t vaddr_end;    /* highest p_vaddr + p_memsz */
    uint64_t paddr_low;    /* lowest physical load address (after vz_elf_to_phys) */
    uint64_t paddr_end;    /* highest physical load address + p_memsz */
    int nsegments;         /* number of segments loaded */
    int has_symtab;        /* 1 if the file has a SHT_SYMTAB section, else 0 */
} vz_elf_info;

/* Translate a segment's p_paddr into a simulated physical address.
 *  - kseg0/kseg1 (0xffffffff80000000..0xffffffffbfffffff): addr & 0x1fffffff, exactly
 *    as QEMU's cpu_mips_kseg0_to_phys() (the translate function boston passes to
 *    load_elf);
 *  - xkphys (0x8000000000000000..0xbfffffffffffffff, any CCA): addr & (2^48 - 1); the
 *    bits between 48 and 58 must be zero. (QEMU would mask to 29 bits here too; vzsim
 *    keeps the full 48-bit physical address. Both agree for images in the first
 *    256 MiB of DDR because boston's low DDR window aliases the start of high DDR.)
 *  - below 2^48: already a physical address, used as is.
 * Returns 0 and sets *pa, or -1 for any other address (useg above 2^48, xsseg, xkseg,
 * ksseg, kseg3), which has no fixed physical mapping. */
int vz_elf_to_phys(uint64_t addr, uint64_t *pa);

/* Load the ELF file at path into m. On success returns 0 and fills *out (out may be
 * NULL). On failure returns -1, leaves memory contents unchanged and writes a
 * one-line NUL-terminated message "<path>: <cause>" into err (err may be NULL;
 * errlen 0 writes nothing). Causes: cannot open/read, not an ELF file, truncated
 * (header, program/section header table, a segment or a section beyond the end of the
 * file), ELFCLASS32, big-endian, not MIPS, not ET_EXEC, malformed program header
 * (p_filesz > p_memsz, address overflow), segment with no physical mapping, segment
 * outside RAM (names the segment and the first physical address that is not RAM),
 * no loadable segments. Never crashes on malformed input. */
int vz_elf_load(vz_mem *m, const char *path, vz_elf_info *out, char *err, size_t errlen);

/* Look up a symbol by name in the SHT_SYMTAB of the ELF file at path (same file
 * checks as vz_elf_load). Returns 0 and sets *value to st_value when found (value may
 * be NULL), -1 when the file is unreadable/invalid, has no symbol table, or has no
 * such symbol. The first matching symbol in table order wins. */
int vz_elf_symbol(const char *path, const char *name, uint64_t *value);

#ifdef __cplusplus
}
#endif
#endif
