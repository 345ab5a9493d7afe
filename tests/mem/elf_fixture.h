// tests/mem/elf_fixture.h - build small ELF64 files byte by byte for the loader tests.
//
// Purpose: test fixtures whose every field is known by construction, so the tests can
// state expected entry points, addresses and contents without running the code under
// test. Layout: ELF header | program headers | segment bytes (16-byte aligned) |
// .symtab | .strtab | .shstrtab | section headers (at the very end, so that every
// proper prefix of the file is truncated somewhere that matters).
// Limits: little-endian host (as vzsim); only what the tests need.
#ifndef VZSIM_TESTS_MEM_ELF_FIXTURE_H
#define VZSIM_TESTS_MEM_ELF_FIXTURE_H

#include <elf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace vzt {

struct Seg {
    uint32_t type = PT_LOAD;
    uint32_t flags = PF_R | PF_X;
    uint64_t vaddr = 0;
    uint64_t paddr = 0;
    std::vector<uint8_t> bytes;  // file contents (p_filesz = size)
    uint64_t memsz = 0;          // 0: same as bytes.size()
};

struct Sym {
    std::string name;
    uint64_t value;
};

struct ElfSpec {
    uint8_t elf_class = ELFCLASS64;
    uint8_t data = ELFDATA2LSB;
    uint16_t type = ET_EXEC;
    uint16_t machine = EM_MIPS;
    uint64_t entry = 0;
    std::vector<Seg> segs;
    std::vector<Sym> syms;
    bool symtab = true;     // emit .symtab/.strtab (even if syms is empty)
    bool sections = true;   // emit a section header table at all
};

inline void put_bytes(std::vector<uint8_t> &out, size_t off, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (out.size() < off + n)
        out.resize(off + n);
    std::memcpy(out.data() + off, p, n);
}

inline size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

inline std::vector<uint8_t> build_elf(const ElfSpec &s)
{
    std::vector<uint8_t> out;
    const size_t phoff = sizeof(Elf64_Ehdr);
    size_t off = phoff + s.segs.size() * sizeof(Elf64_Phdr);
    std::vector<size_t> seg_off;
    for (const Seg &g : s.segs) {
        off = align_up(off, 16);
        seg_off.push_back(off);
        put_bytes(out, off, g.bytes.data(), g.bytes.size());
        off += g.bytes.size();
    }
    out.resize(off);

    // String tables.
    std::string shstr("\0", 1), str("\0", 1);
    auto add = [](std::string &t, const std::string &n) {
        size_t at = t.size();
        t += n;
        t.push_back('\0');
        return static_cast<uint32_t>(at);
    };
    std::vector<Elf64_Shdr> sh(1);  // section 0: all zero
    std::memset(sh.data(), 0, sizeof(Elf64_Shdr));
    for (size_t i = 0; i < s.segs.size(); i++) {
        Elf64_Shdr h;
        std::memset(&h, 0, sizeof h);
        h.sh_name = add(shstr, ".seg" + std::to_string(i));
        const Seg &g = s.segs[i];
        h.sh_type = g.bytes.empty() ? SHT_NOBITS : SHT_PROGBITS;
        h.sh_flags = SHF_ALLOC | ((g.flags & PF_X) ? SHF_EXECINSTR : 0) | ((g.flags & PF_W) ? SHF_WRITE : 0);
        h.sh_addr = g.vaddr;
        h.sh_offset = seg_off[i];
        h.sh_size = g.bytes.size();
        h.sh_addralign = 16;
        sh.push_back(h);
    }
    if (s.symtab) {
        std::vector<Elf64_Sym> syms(1);
        std::memset(syms.data(), 0, sizeof(Elf64_Sym));
        for (const Sym &y : s.syms) {
            Elf64_Sym e;
            std::memset(&e, 0, sizeof e);
            e.st_name = add(str, y.name);
            e.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);
            e.st_shndx = SHN_ABS;
            e.st_value = y.value;
            syms.push_back(e);
        }
        size_t symoff = align_up(out.size(), 8);
        put_bytes(out, symoff, syms.data(), syms.size() * sizeof(Elf64_Sym));
        size_t stroff = out.size();
        put_bytes(out, stroff, str.data(), str.size());
        Elf64_Shdr h;
        std::memset(&h, 0, sizeof h);
        h.sh_name = add(shstr, ".symtab");
        h.sh_type = SHT_SYMTAB;
        h.sh_offset = symoff;
        h.sh_size = syms.size() * sizeof(Elf64_Sym);
        h.sh_link = static_cast<uint32_t>(sh.size() + 1);  // .strtab comes next
        h.sh_info = 1;
        h.sh_addralign = 8;
        h.sh_entsize = sizeof(Elf64_Sym);
        sh.push_back(h);
        std::memset(&h, 0, sizeof h);
        h.sh_name = add(shstr, ".strtab");
        h.sh_type = SHT_STRTAB;
        h.sh_offset = stroff;
        h.sh_size = str.size();
        h.sh_addralign = 1;
        sh.push_back(h);
    }
    Elf64_Shdr shs;
    std::memset(&shs, 0, sizeof shs);
    shs.sh_name = add(shstr, ".shstrtab");
    shs.sh_type = SHT_STRTAB;
    shs.sh_offset = out.size();
    shs.sh_size = shstr.size();  // final: ".shstrtab" was added just above
    shs.sh_addralign = 1;
    put_bytes(out, shs.sh_offset, shstr.data(), shstr.size());
    sh.push_back(shs);

    size_t shoff = align_up(out.size(), 8);
    if (s.sections)
        put_bytes(out, shoff, sh.data(), sh.size() * sizeof(Elf64_Shdr));

    Elf64_Ehdr eh;
    std::memset(&eh, 0, sizeof eh);
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = s.elf_class;
    eh.e_ident[EI_DATA] = s.data;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = s.type;
    eh.e_machine = s.machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = s.entry;
    eh.e_phoff = s.segs.empty() ? 0 : phoff;
    eh.e_shoff = s.sections ? shoff : 0;
    eh.e_flags = 0xa0000401;  // noreorder, nan2008, mips64r6 (as the cross gcc emits)
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = static_cast<uint16_t>(s.segs.size());
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = s.sections ? static_cast<uint16_t>(sh.size()) : 0;
    eh.e_shstrndx = s.sections ? static_cast<uint16_t>(sh.size() - 1) : 0;
    put_bytes(out, 0, &eh, sizeof eh);

    for (size_t i = 0; i < s.segs.size(); i++) {
        const Seg &g = s.segs[i];
        Elf64_Phdr p;
        std::memset(&p, 0, sizeof p);
        p.p_type = g.type;
        p.p_flags = g.flags;
        p.p_offset = seg_off[i];
        p.p_vaddr = g.vaddr;
        p.p_paddr = g.paddr;
        p.p_filesz = g.bytes.size();
        p.p_memsz = g.memsz ? g.memsz : g.bytes.size();
        p.p_align = 16;
        put_bytes(out, phoff + i * sizeof(Elf64_Phdr), &p, sizeof p);
    }
    return out;
}

// Offsets of header fields, for tests that corrupt a built file.
inline size_t phdr_off(size_t i) { return sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr); }

template <typename T>
inline void poke(std::vector<uint8_t> &f, size_t off, T v)
{
    std::memcpy(f.data() + off, &v, sizeof v);
}

template <typename T>
inline T peek(const std::vector<uint8_t> &f, size_t off)
{
    T v;
    std::memcpy(&v, f.data() + off, sizeof v);
    return v;
}

// A file in the test temp directory, removed when the object dies.
class TempFile {
public:
    explicit TempFile(const std::string &tag)
        : path_(std::string(::testing::TempDir()) + "vzsim_" + tag + "_" + std::to_string(::getpid()))
    {
    }
    ~TempFile() { std::remove(path_.c_str()); }
    TempFile(const TempFile &) = delete;
    TempFile &operator=(const TempFile &) = delete;
    const std::string &write(const std::vector<uint8_t> &bytes)
    {
        FILE *f = std::fopen(path_.c_str(), "wb");
        if (f) {
            if (!bytes.empty())
                std::fwrite(bytes.data(), 1, bytes.size(), f);
            std::fclose(f);
        }
        return path_;
    }
    const std::string &path() const { return path_; }
    const char *c_str() const { return path_.c_str(); }

private:
    std::string path_;
};

}  // namespace vzt

#endif
