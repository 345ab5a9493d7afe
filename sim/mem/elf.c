/*
 * sim/mem/elf.c - ELF64 MIPS loader (see elf.h for the contract).
 *
 * The file is read whole into a host buffer; the identification bytes are checked by
 * hand (so the messages can say exactly what is wrong), then libelf (elf_memory/gelf)
 * parses the headers. Every offset/size pair is range-checked against the file size
 * with overflow-safe arithmetic before anything is dereferenced or written to memory.
 * Facts taken from QEMU (read, not copied): hw/mips/boston.c loads -kernel with
 * load_elf(..., cpu_mips_kseg0_to_phys, ...), which translates every p_paddr with
 * "addr & 0x1fffffff" (target/mips/sysemu/addr.c) and records
 * high = max(translated p_paddr + p_memsz) (include/hw/elf_ops.h).
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* open, fstat, strerror_r, O_CLOEXEC */
#endif
#include "sim/mem/elf.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PA_LIMIT ((uint64_t)1 << VZ_MEM_PA_BITS)

/* A validated, in-memory ELF file. */
struct elf_file {
    unsigned char *data;
    size_t size;
    Elf *elf;
    size_t phnum;
    int has_symtab;
};

static void elf_file_close(struct elf_file *f)
{
    if (f->elf)
        elf_end(f->elf);
    free(f->data);
    memset(f, 0, sizeof *f);
}

/* Format "<path>: <cause>" into err as one line; always returns -1. */
static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return -1;
    int n = snprintf(err, errlen, "%s: ", path ? path : "(null)");
    if (n >= 0 && (size_t)n < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    for (char *p = err; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return -1;
}

static const char *errno_text(int e, char *buf, size_t len)
{
#if defined(_GNU_SOURCE)
    return strerror_r(e, buf, len);
#else
    if (strerror_r(e, buf, len) != 0)
        snprintf(buf, len, "error %d", e);
    return buf;
#endif
}

/* Is [off, off + len) inside a file of the given size? */
static int in_file(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int read_whole_file(const char *path, struct elf_file *f, char *err, size_t errlen)
{
    char eb[128];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errlen, path, "cannot open: %s", errno_text(errno, eb, sizeof eb));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail(err, errlen, path, "cannot stat: %s", errno_text(e, eb, sizeof eb));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, errlen, path, "not a regular file");
    }
    if ((uint64_t)st.st_size > VZ_ELF_MAX_FILE) {
        close(fd);
        return fail(err, errlen, path, "file too large (%lld bytes, limit %llu)",
                    (long long)st.st_size, (unsigned long long)VZ_ELF_MAX_FILE);
    }
    size_t size = (size_t)st.st_size;
    unsigned char *data = malloc(size ? size : 1);
    if (!data) {
        close(fd);
        return fail(err, errlen, path, "out of memory reading %zu bytes", size);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(data);
            close(fd);
            return fail(err, errlen, path, "cannot read: %s", errno_text(e, eb, sizeof eb));
        }
        if (r == 0)
            break; /* file shrank while reading: validate what we have */
        got += (size_t)r;
    }
    close(fd);
    f->data = data;
    f->size = got;
    return 0;
}

/* Open and fully validate an ELF file (everything except the memory it loads into). */
static int elf_file_open(const char *path, struct elf_file *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    if (!path)
        return fail(err, errlen, path, "no file name given");
    if (read_whole_file(path, f, err, errlen) != 0)
        return -1;

    const unsigned char *id = f->data;
    if (f->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0) {
        elf_file_close(f);
        return fail(err, errlen, path, "not an ELF file (bad magic)");
    }
    if (id[EI_CLASS] == ELFCLASS32) {
        elf_file_close(f);
        return fail(err, errlen, path, "ELFCLASS32 file; vzsim loads ELFCLASS64 only");
    }
    if (id[EI_CLASS] != ELFCLASS64) {
        unsigned c = id[EI_CLASS];
        elf_file_close(f);
        return fail(err, errlen, path, "invalid ELF class %u (need ELFCLASS64)", c);
    }
    if (id[EI_DATA] == ELFDATA2MSB) {
        elf_file_close(f);
        return fail(err, errlen, path, "big-endian (ELFDATA2MSB) file; vzsim loads little-endian only");
    }
    if (id[EI_DATA] != ELFDATA2LSB) {
        unsigned d = id[EI_DATA];
        elf_file_close(f);
        return fail(err, errlen, path, "invalid ELF data encoding %u (need ELFDATA2LSB)", d);
    }
    if (f->size < sizeof(Elf64_Ehdr)) {
        size_t sz = f->size;
        elf_file_close(f);
        return fail(err, errlen, path, "truncated: ELF header needs %zu bytes, file has %zu",
                    sizeof(Elf64_Ehdr), sz);
    }

    /* Check the raw header fields that locate the tables before libelf sees them. */
    Elf64_Ehdr eh;
    memcpy(&eh, f->data, sizeof eh);
    if (eh.e_machine != EM_MIPS) {
        elf_file_close(f);
        return fail(err, errlen, path, "not a MIPS file (e_machine %u, need EM_MIPS %u)",
                    (unsigned)eh.e_machine, (unsigned)EM_MIPS);
    }
    if (eh.e_type != ET_EXEC) {
        elf_file_close(f);
        return fail(err, errlen, path, "not an executable (e_type %u, need ET_EXEC %u)",
                    (unsigned)eh.e_type, (unsigned)ET_EXEC);
    }
    if (eh.e_phnum != 0 && eh.e_phentsize != sizeof(Elf64_Phdr)) {
        elf_file_close(f);
        return fail(err, errlen, path, "bad e_phentsize %u (need %zu)",
                    (unsigned)eh.e_phentsize, sizeof(Elf64_Phdr));
    }
    if (eh.e_shoff != 0 && eh.e_shentsize != sizeof(Elf64_Shdr)) {
        elf_file_close(f);
        return fail(err, errlen, path, "bad e_shentsize %u (need %zu)",
                    (unsigned)eh.e_shentsize, sizeof(Elf64_Shdr));
    }
    /* With e_shoff set there is at least section 0 (which may hold extended counts). */
    if (eh.e_shoff != 0 &&
        !in_file(eh.e_shoff, (uint64_t)(eh.e_shnum ? eh.e_shnum : 1) * sizeof(Elf64_Shdr),
                 f->size)) {
        size_t sz = f->size;
        elf_file_close(f);
        return fail(err, errlen, path,
                    "truncated: section header table (offset 0x%llx, %u entries) beyond end of file (%zu bytes)",
                    (unsigned long long)eh.e_shoff, (unsigned)eh.e_shnum, sz);
    }

    if (elf_version(EV_CURRENT) == EV_NONE) {
        elf_file_close(f);
        return fail(err, errlen, path, "libelf initialisation failed");
    }
    f->elf = elf_memory((char *)f->data, f->size);
    if (!f->elf || elf_kind(f->elf) != ELF_K_ELF) {
        const char *m = elf_errmsg(-1);
        elf_file_close(f);
        return fail(err, errlen, path, "not an ELF file (libelf: %s)", m ? m : "unknown error");
    }
    GElf_Ehdr geh;
    if (!gelf_getehdr(f->elf, &geh)) {
        const char *m = elf_errmsg(-1);
        elf_file_close(f);
        return fail(err, errlen, path, "corrupt ELF header (libelf: %s)", m ? m : "unknown error");
    }

    /* Counts from the raw header (libelf silently caps them to what fits in the
     * file, which would hide a truncation). Extended numbering keeps the real counts
     * in section 0: e_phnum == PN_XNUM -> sh_info, e_shnum == 0 -> sh_size. */
    Elf64_Shdr sh0;
    memset(&sh0, 0, sizeof sh0);
    if (eh.e_shoff != 0)
        memcpy(&sh0, f->data + eh.e_shoff, sizeof sh0); /* in the file: checked above */
    uint64_t phnum = eh.e_phnum == PN_XNUM ? sh0.sh_info : eh.e_phnum;
    uint64_t shnum = eh.e_shoff == 0 ? 0 : (eh.e_shnum ? eh.e_shnum : sh0.sh_size);
    if (phnum != 0 && !in_file(eh.e_phoff, phnum * sizeof(Elf64_Phdr), f->size)) {
        size_t sz = f->size;
        elf_file_close(f);
        return fail(err, errlen, path,
                    "truncated: program header table (offset 0x%llx, %llu entries) beyond end of file (%zu bytes)",
                    (unsigned long long)eh.e_phoff, (unsigned long long)phnum, sz);
    }
    if (shnum != 0 && (shnum > f->size / sizeof(Elf64_Shdr) ||
                       !in_file(eh.e_shoff, shnum * sizeof(Elf64_Shdr), f->size))) {
        size_t sz = f->size;
        elf_file_close(f);
        return fail(err, errlen, path,
                    "truncated: section header table (offset 0x%llx, %llu entries) beyond end of file (%zu bytes)",
                    (unsigned long long)eh.e_shoff, (unsigned long long)shnum, sz);
    }
    size_t lphnum = 0, lshnum = 0;
    if ((phnum != 0 && (elf_getphdrnum(f->elf, &lphnum) != 0 || lphnum != phnum)) ||
        (shnum != 0 && (elf_getshdrnum(f->elf, &lshnum) != 0 || lshnum != shnum))) {
        const char *m = elf_errmsg(-1);
        elf_file_close(f);
        return fail(err, errlen, path, "corrupt program/section header count (libelf: %s)",
                    m ? m : "count mismatch");
    }
    f->phnum = (size_t)phnum;
    for (size_t i = 0; i < f->phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(f->elf, (int)i, &ph)) {
            const char *m = elf_errmsg(-1);
            elf_file_close(f);
            return fail(err, errlen, path, "corrupt program header %zu (libelf: %s)", i,
                        m ? m : "unknown error");
        }
        if (ph.p_type == PT_LOAD && ph.p_filesz != 0 && !in_file(ph.p_offset, ph.p_filesz, f->size)) {
            size_t sz = f->size;
            elf_file_close(f);
            return fail(err, errlen, path,
                        "truncated: segment %zu (offset 0x%llx, filesz 0x%llx) beyond end of file (%zu bytes)",
                        i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz, sz);
        }
    }

    /* Sections: each one with file contents must lie inside the file. */
    for (size_t i = 1; i < (size_t)shnum; i++) {
        Elf_Scn *scn = elf_getscn(f->elf, i);
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh)) {
            const char *m = elf_errmsg(-1);
            elf_file_close(f);
            return fail(err, errlen, path, "corrupt section header %zu (libelf: %s)", i,
                        m ? m : "unknown error");
        }
        if (sh.sh_type != SHT_NOBITS && sh.sh_size != 0 &&
            !in_file(sh.sh_offset, sh.sh_size, f->size)) {
            size_t sz = f->size;
            elf_file_close(f);
            return fail(err, errlen, path,
                        "truncated: section %zu (offset 0x%llx, size 0x%llx) beyond end of file (%zu bytes)",
                        i, (unsigned long long)sh.sh_offset, (unsigned long long)sh.sh_size, sz);
        }
        if (sh.sh_type == SHT_SYMTAB)
            f->has_symtab = 1;
    }
    return 0;
}

int vz_elf_to_phys(uint64_t addr, uint64_t *pa)
{
    uint64_t p;
    if (addr >= 0xffffffff80000000ull && addr <= 0xffffffffbfffffffull) {
        p = addr & 0x1fffffffull;                       /* kseg0 / kseg1 */
    } else if (addr >= 0x8000000000000000ull && addr <= 0xbfffffffffffffffull) {
        if (addr & 0x07ff000000000000ull)               /* xkphys beyond 48 PA bits */
            return -1;
        p = addr & (PA_LIMIT - 1);
    } else if (addr < PA_LIMIT) {
        p = addr;                                       /* already physical */
    } else {
        return -1;
    }
    if (pa)
        *pa = p;
    return 0;
}

/* First physical address in [pa, pa + n) that is not RAM, or UINT64_MAX if all is RAM.
 * (Touching the chunks allocates them; the caller is about to write them anyway.) */
static uint64_t first_non_ram(vz_mem *m, uint64_t pa, uint64_t n)
{
    while (n) {
        size_t avail = 0;
        if (!vz_mem_probe(m, pa, &avail) || avail == 0)
            return pa;
        uint64_t k = n < avail ? n : avail;
        pa += k;
        n -= k;
    }
    return UINT64_MAX;
}

int vz_elf_load(vz_mem *m, const char *path, vz_elf_info *out, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = 0;
    if (!m)
        return fail(err, errlen, path, "no memory to load into");
    struct elf_file f;
    if (elf_file_open(path, &f, err, errlen) != 0)
        return -1;
    GElf_Ehdr geh;
    gelf_getehdr(f.elf, &geh); /* succeeded in elf_file_open */

    vz_elf_info info = { .entry = geh.e_entry, .vaddr_low = UINT64_MAX, .paddr_low = UINT64_MAX,
                         .has_symtab = f.has_symtab };

    /* Pass 1: check every loadable segment maps to RAM. */
    for (size_t i = 0; i < f.phnum; i++) {
        GElf_Phdr ph;
        gelf_getphdr(f.elf, (int)i, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz) {
            elf_file_close(&f);
            return fail(err, errlen, path, "malformed segment %zu: p_filesz 0x%llx > p_memsz 0x%llx",
                        i, (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
        }
        if (ph.p_vaddr + ph.p_memsz < ph.p_vaddr) {
            elf_file_close(&f);
            return fail(err, errlen, path, "malformed segment %zu: p_vaddr 0x%llx + p_memsz 0x%llx overflows",
                        i, (unsigned long long)ph.p_vaddr, (unsigned long long)ph.p_memsz);
        }
        uint64_t pa;
        if (vz_elf_to_phys(ph.p_paddr, &pa) != 0) {
            elf_file_close(&f);
            return fail(err, errlen, path,
                        "segment %zu p_paddr 0x%llx has no fixed physical mapping (need kseg0, kseg1, xkphys or a physical address)",
                        i, (unsigned long long)ph.p_paddr);
        }
        if (ph.p_memsz > PA_LIMIT - pa) {
            elf_file_close(&f);
            return fail(err, errlen, path,
                        "segment %zu outside memory: physical 0x%llx + 0x%llx exceeds %d-bit physical space",
                        i, (unsigned long long)pa, (unsigned long long)ph.p_memsz, VZ_MEM_PA_BITS);
        }
        uint64_t bad = first_non_ram(m, pa, ph.p_memsz);
        if (bad != UINT64_MAX) {
            elf_file_close(&f);
            return fail(err, errlen, path,
                        "segment %zu outside memory: p_paddr 0x%llx -> physical 0x%llx-0x%llx, no RAM at physical 0x%llx",
                        i, (unsigned long long)ph.p_paddr, (unsigned long long)pa,
                        (unsigned long long)(pa + ph.p_memsz - 1), (unsigned long long)bad);
        }
        info.nsegments++;
        if (ph.p_vaddr < info.vaddr_low)
            info.vaddr_low = ph.p_vaddr;
        if (ph.p_vaddr + ph.p_memsz > info.vaddr_end)
            info.vaddr_end = ph.p_vaddr + ph.p_memsz;
        if (pa < info.paddr_low)
            info.paddr_low = pa;
        if (pa + ph.p_memsz > info.paddr_end)
            info.paddr_end = pa + ph.p_memsz;
    }
    if (info.nsegments == 0) {
        elf_file_close(&f);
        return fail(err, errlen, path, "no loadable segments (no PT_LOAD with p_memsz > 0)");
    }

    /* Pass 2: copy file bytes, zero the rest of p_memsz. Cannot fail after pass 1. */
    for (size_t i = 0; i < f.phnum; i++) {
        GElf_Phdr ph;
        gelf_getphdr(f.elf, (int)i, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        uint64_t pa = 0;
        vz_elf_to_phys(ph.p_paddr, &pa);
        if (ph.p_filesz && vz_mem_write(m, pa, f.data + ph.p_offset, (size_t)ph.p_filesz) != 0) {
            elf_file_close(&f);
            return fail(err, errlen, path, "segment %zu: write to physical 0x%llx failed", i,
                        (unsigned long long)pa);
        }
        uint64_t z = pa + ph.p_filesz, left = ph.p_memsz - ph.p_filesz;
        static const uint8_t zeros[4096];
        while (left) {
            uint64_t k = left < sizeof zeros ? left : sizeof zeros;
            if (vz_mem_write(m, z, zeros, (size_t)k) != 0) {
                elf_file_close(&f);
                return fail(err, errlen, path, "segment %zu: zero-fill at physical 0x%llx failed", i,
                            (unsigned long long)z);
            }
            z += k;
            left -= k;
        }
    }
    elf_file_close(&f);
    if (out)
        *out = info;
    return 0;
}

int vz_elf_symbol(const char *path, const char *name, uint64_t *value)
{
    if (!name)
        return -1;
    struct elf_file f;
    if (elf_file_open(path, &f, NULL, 0) != 0)
        return -1;
    int found = -1;
    Elf_Scn *scn = NULL;
    while (found != 0 && (scn = elf_nextscn(f.elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d)
            continue;
        size_t n = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym))
                break;
            const char *s = elf_strptr(f.elf, sh.sh_link, sym.st_name);
            if (s && strcmp(s, name) == 0) {
                if (value)
                    *value = sym.st_value;
                found = 0;
                break;
            }
        }
    }
    elf_file_close(&f);
    return found;
}
