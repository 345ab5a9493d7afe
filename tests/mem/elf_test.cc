// tests/mem/elf_test.cc - ELF64 loader: good files, every rejected input with its
// message, truncation at every length, and a fixed-seed mutation fuzz.
//
// Expected values come from how each fixture was built (tests/mem/elf_fixture.h) or,
// for tiny.elf, from its linker script (tests/mem/fixtures/tiny.ld) and the MIPS
// encodings written out by hand; kseg0/kseg1 -> physical is "& 0x1fffffff" as QEMU's
// cpu_mips_kseg0_to_phys.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "sim/mem/elf.h"
#include "sim/mem/mem.h"
#include "tests/mem/elf_fixture.h"

namespace {

using vzt::build_elf;
using vzt::ElfSpec;
using vzt::Seg;
using vzt::TempFile;

constexpr uint64_t kRamSize = 16ull << 20;  // RAM at physical 0 .. 16 MiB

std::vector<uint8_t> pattern(size_t n, uint8_t seed)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; i++)
        v[i] = static_cast<uint8_t>(seed + i * 7);
    return v;
}

// Two segments: code in kseg0 at physical 0x100000, data in kseg1 at physical 0x200000
// with 0x3000 bytes of memory of which 0x20 come from the file.
ElfSpec good_spec()
{
    ElfSpec s;
    s.entry = 0xffffffff80100040ull;
    Seg text;
    text.vaddr = text.paddr = 0xffffffff80100000ull;
    text.bytes = pattern(0x100, 1);
    Seg data;
    data.flags = PF_R | PF_W;
    data.vaddr = data.paddr = 0xffffffffa0200000ull;
    data.bytes = pattern(0x20, 99);
    data.memsz = 0x3000;
    s.segs = {text, data};
    s.syms = {{"_start", 0xffffffff80100040ull}, {"data_sym", 0xffffffffa0200010ull}};
    return s;
}

class ElfTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m = vz_mem_create();
        ASSERT_NE(m, nullptr);
        ASSERT_EQ(vz_mem_add_ram(m, 0, kRamSize, "ram"), 0);
    }
    void TearDown() override { vz_mem_destroy(m); }

    // Load bytes from a temp file; returns vz_elf_load's result, message in msg.
    int load(const std::vector<uint8_t> &bytes, vz_elf_info *info = nullptr)
    {
        file.write(bytes);
        char err[512];
        std::memset(err, 'x', sizeof err);
        int r = vz_elf_load(m, file.c_str(), info, err, sizeof err);
        msg = err;
        return r;
    }

    // Every failure message: one line starting "<path>: ".
    void expect_message(const std::string &cause)
    {
        EXPECT_EQ(msg.rfind(file.path() + ": ", 0), 0u) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        EXPECT_NE(msg.find(cause), std::string::npos) << "message: " << msg << "\nwanted: " << cause;
    }

    vz_mem *m = nullptr;
    TempFile file{"elf"};
    std::string msg;
};

TEST_F(ElfTest, LoadsSegmentsAndZeroFillsBss)
{
    // Dirty the bss area first: the loader must zero it.
    std::vector<uint8_t> junk(0x6000, 0xAA);
    ASSERT_EQ(vz_mem_write(m, 0x1ff000, junk.data(), junk.size()), 0);

    vz_elf_info info;
    ASSERT_EQ(load(build_elf(good_spec()), &info), 0) << msg;
    EXPECT_EQ(msg, "");
    EXPECT_EQ(info.entry, 0xffffffff80100040ull);
    EXPECT_EQ(info.vaddr_low, 0xffffffff80100000ull);
    EXPECT_EQ(info.vaddr_end, 0xffffffffa0203000ull);
    EXPECT_EQ(info.paddr_low, 0x100000u);
    EXPECT_EQ(info.paddr_end, 0x203000u);
    EXPECT_EQ(info.nsegments, 2);
    EXPECT_EQ(info.has_symtab, 1);

    std::vector<uint8_t> got(0x100);
    ASSERT_EQ(vz_mem_read(m, 0x100000, got.data(), got.size()), 0);
    EXPECT_EQ(got, pattern(0x100, 1));
    got.resize(0x20);
    ASSERT_EQ(vz_mem_read(m, 0x200000, got.data(), got.size()), 0);
    EXPECT_EQ(got, pattern(0x20, 99));
    std::vector<uint8_t> bss(0x3000 - 0x20);
    ASSERT_EQ(vz_mem_read(m, 0x200020, bss.data(), bss.size()), 0);
    EXPECT_EQ(bss, std::vector<uint8_t>(bss.size(), 0));
    // Bytes around the segments are untouched.
    uint64_t v = 0;
    ASSERT_EQ(vz_mem_load(m, 0x203000, 1, &v), 0);
    EXPECT_EQ(v, 0xAAu);
    ASSERT_EQ(vz_mem_load(m, 0x1fffff, 1, &v), 0);
    EXPECT_EQ(v, 0xAAu);
}

TEST_F(ElfTest, NullInfoAndNullErrorBufferAreAllowed)
{
    file.write(build_elf(good_spec()));
    EXPECT_EQ(vz_elf_load(m, file.c_str(), nullptr, nullptr, 0), 0);
    EXPECT_EQ(vz_elf_load(m, "/nonexistent/vzsim.elf", nullptr, nullptr, 0), -1);
}

TEST_F(ElfTest, SymbolLookup)
{
    file.write(build_elf(good_spec()));
    uint64_t v = 0;
    ASSERT_EQ(vz_elf_symbol(file.c_str(), "_start", &v), 0);
    EXPECT_EQ(v, 0xffffffff80100040ull);
    ASSERT_EQ(vz_elf_symbol(file.c_str(), "data_sym", &v), 0);
    EXPECT_EQ(v, 0xffffffffa0200010ull);
    EXPECT_EQ(vz_elf_symbol(file.c_str(), "data_sy", &v), -1);
    EXPECT_EQ(vz_elf_symbol(file.c_str(), "nope", nullptr), -1);
    EXPECT_EQ(vz_elf_symbol(file.c_str(), nullptr, &v), -1);
    EXPECT_EQ(vz_elf_symbol("/nonexistent/vzsim.elf", "_start", &v), -1);
}

TEST_F(ElfTest, NoSymbolTable)
{
    ElfSpec s = good_spec();
    s.symtab = false;
    vz_elf_info info;
    ASSERT_EQ(load(build_elf(s), &info), 0) << msg;
    EXPECT_EQ(info.has_symtab, 0);
    uint64_t v;
    EXPECT_EQ(vz_elf_symbol(file.c_str(), "_start", &v), -1);

    s.sections = false;  // no section header table at all
    ASSERT_EQ(load(build_elf(s), &info), 0) << msg;
    EXPECT_EQ(info.has_symtab, 0);
}

TEST_F(ElfTest, PhysicalTranslation)
{
    uint64_t pa = 1;
    ASSERT_EQ(vz_elf_to_phys(0xffffffff80100000ull, &pa), 0);  // kseg0
    EXPECT_EQ(pa, 0x100000u);
    ASSERT_EQ(vz_elf_to_phys(0xffffffffbfc00000ull, &pa), 0);  // kseg1
    EXPECT_EQ(pa, 0x1fc00000u);
    ASSERT_EQ(vz_elf_to_phys(0xffffffff9fffffffull, &pa), 0);  // top of kseg0
    EXPECT_EQ(pa, 0x1fffffffu);
    ASSERT_EQ(vz_elf_to_phys(0x9000000080100000ull, &pa), 0);  // xkphys, cached
    EXPECT_EQ(pa, 0x80100000u);
    ASSERT_EQ(vz_elf_to_phys(0xa800000000001000ull, &pa), 0);  // xkphys, CCA 5
    EXPECT_EQ(pa, 0x1000u);
    ASSERT_EQ(vz_elf_to_phys(0x0000ffffffffffffull, &pa), 0);  // physical
    EXPECT_EQ(pa, 0xffffffffffffull);
    EXPECT_EQ(vz_elf_to_phys(0x0001000000000000ull, &pa), -1);  // beyond 48 bits
    EXPECT_EQ(vz_elf_to_phys(0x9001000000000000ull, &pa), -1);  // xkphys beyond 48 bits
    EXPECT_EQ(vz_elf_to_phys(0xc000000000000000ull, &pa), -1);  // xkseg
    EXPECT_EQ(vz_elf_to_phys(0x4000000000000000ull, &pa), -1);  // xsseg
    EXPECT_EQ(vz_elf_to_phys(0xffffffffc0000000ull, &pa), -1);  // ksseg
    EXPECT_EQ(vz_elf_to_phys(0xffffffffe0000000ull, &pa), -1);  // kseg3
    EXPECT_EQ(vz_elf_to_phys(0xffffffff7fffffffull, &pa), -1);  // xkseg top
}

TEST_F(ElfTest, XkphysSegmentLoadsAtFullPhysicalAddress)
{
    ElfSpec s = good_spec();
    s.segs.resize(1);
    s.segs[0].vaddr = s.segs[0].paddr = 0x9000000000400000ull;
    s.entry = 0x9000000000400000ull;
    vz_elf_info info;
    ASSERT_EQ(load(build_elf(s), &info), 0) << msg;
    EXPECT_EQ(info.paddr_low, 0x400000u);
    EXPECT_EQ(info.paddr_end, 0x400100u);
    std::vector<uint8_t> got(0x100);
    ASSERT_EQ(vz_mem_read(m, 0x400000, got.data(), got.size()), 0);
    EXPECT_EQ(got, pattern(0x100, 1));
}

TEST_F(ElfTest, IgnoresNonLoadAndEmptySegments)
{
    ElfSpec s = good_spec();
    Seg note;
    note.type = PT_NOTE;
    note.vaddr = note.paddr = 0xc000000000000000ull;  // would be invalid if loaded
    note.bytes = pattern(8, 3);
    Seg empty;
    empty.vaddr = empty.paddr = 0xc000000000000000ull;
    empty.bytes.clear();
    empty.memsz = 0;
    s.segs.push_back(note);
    s.segs.push_back(empty);
    vz_elf_info info;
    ASSERT_EQ(load(build_elf(s), &info), 0) << msg;
    EXPECT_EQ(info.nsegments, 2);
}

TEST_F(ElfTest, MissingFile)
{
    char err[256];
    EXPECT_EQ(vz_elf_load(m, "/nonexistent/dir/prog.elf", nullptr, err, sizeof err), -1);
    std::string e = err;
    EXPECT_EQ(e.rfind("/nonexistent/dir/prog.elf: ", 0), 0u) << e;
    EXPECT_NE(e.find("cannot open"), std::string::npos) << e;
    EXPECT_NE(e.find("No such file"), std::string::npos) << e;
}

TEST_F(ElfTest, DirectoryIsNotAFile)
{
    char err[256];
    std::string dir = ::testing::TempDir();
    EXPECT_EQ(vz_elf_load(m, dir.c_str(), nullptr, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("not a regular file"), std::string::npos) << err;
}

TEST_F(ElfTest, NotElf)
{
    std::string text = "#!/bin/sh\necho this is not an ELF file\n";
    EXPECT_EQ(load(std::vector<uint8_t>(text.begin(), text.end())), -1);
    expect_message("not an ELF file");
    EXPECT_EQ(load({}), -1);  // empty file
    expect_message("not an ELF file");
}

TEST_F(ElfTest, TruncatedHeader)
{
    std::vector<uint8_t> f = build_elf(good_spec());
    f.resize(40);
    EXPECT_EQ(load(f), -1);
    expect_message("truncated: ELF header");
}

TEST_F(ElfTest, TruncatedSegment)
{
    std::vector<uint8_t> f = build_elf(good_spec());
    // Make segment 1's file bytes run past the end of the file.
    vzt::poke<uint64_t>(f, vzt::phdr_off(1) + offsetof(Elf64_Phdr, p_offset), f.size() - 8);
    EXPECT_EQ(load(f), -1);
    expect_message("truncated: segment 1");
}

TEST_F(ElfTest, TruncatedProgramHeaderTable)
{
    std::vector<uint8_t> f = build_elf(good_spec());
    vzt::poke<uint64_t>(f, offsetof(Elf64_Ehdr, e_phoff), f.size() - 60);
    EXPECT_EQ(load(f), -1);
    expect_message("truncated: program header table");
}

TEST_F(ElfTest, TruncatedSectionHeaderTable)
{
    std::vector<uint8_t> f = build_elf(good_spec());
    f.resize(f.size() - 10);  // the section header table is last
    EXPECT_EQ(load(f), -1);
    expect_message("truncated: section header table");
}

TEST_F(ElfTest, TruncatedSection)
{
    std::vector<uint8_t> f = build_elf(good_spec());
    uint64_t shoff = vzt::peek<uint64_t>(f, offsetof(Elf64_Ehdr, e_shoff));
    // Section 1 (.seg0) claims more bytes than the file has.
    vzt::poke<uint64_t>(f, shoff + sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_size), 1ull << 40);
    EXPECT_EQ(load(f), -1);
    expect_message("truncated: section 1");
}

TEST_F(ElfTest, Class32)
{
    ElfSpec s = good_spec();
    s.elf_class = ELFCLASS32;
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("ELFCLASS32");
}

TEST_F(ElfTest, BigEndian)
{
    ElfSpec s = good_spec();
    s.data = ELFDATA2MSB;
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("big-endian");
}

TEST_F(ElfTest, NotMips)
{
    ElfSpec s = good_spec();
    s.machine = EM_X86_64;
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("not a MIPS file (e_machine 62");
}

TEST_F(ElfTest, NotExecutable)
{
    ElfSpec s = good_spec();
    s.type = ET_DYN;
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("not an executable (e_type 3");
    s.type = ET_REL;
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("not an executable (e_type 1");
}

TEST_F(ElfTest, SegmentOutsideMemoryNamesTheAddress)
{
    ElfSpec s = good_spec();
    // Physical 0xfff000 + 0x3000 runs 0x2000 bytes past the end of the 16 MiB RAM.
    s.segs[1].vaddr = s.segs[1].paddr = 0xffffffff80fff000ull;
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("segment 1 outside memory");
    expect_message("no RAM at physical 0x1000000");
}

TEST_F(ElfTest, SegmentWhollyOutsideMemory)
{
    ElfSpec s = good_spec();
    s.segs[0].paddr = 0x40000000;  // physical, nothing there
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("segment 0 outside memory");
    expect_message("0x40000000");
}

TEST_F(ElfTest, SegmentInMmioIsOutsideRam)
{
    static const vz_mmio_ops ops = {
        [](void *, uint64_t, unsigned, uint64_t *v) { *v = 0; return 0; },
        [](void *, uint64_t, unsigned, uint64_t) { return 0; },
    };
    ASSERT_EQ(vz_mem_add_mmio(m, 0x2000000, 0x1000, &ops, nullptr, "dev"), 0);
    ElfSpec s = good_spec();
    s.segs[0].paddr = 0x2000000;
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("no RAM at physical 0x2000000");
}

TEST_F(ElfTest, SegmentWithoutPhysicalMapping)
{
    ElfSpec s = good_spec();
    s.segs[0].paddr = 0xc000000000001000ull;  // xkseg: mapped through the TLB
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("no fixed physical mapping");
    expect_message("0xc000000000001000");
}

TEST_F(ElfTest, FileSizeLargerThanMemSize)
{
    std::vector<uint8_t> f = build_elf(good_spec());
    vzt::poke<uint64_t>(f, vzt::phdr_off(0) + offsetof(Elf64_Phdr, p_memsz), 0x10);
    EXPECT_EQ(load(f), -1);
    expect_message("p_filesz 0x100 > p_memsz 0x10");
}

TEST_F(ElfTest, NoLoadableSegments)
{
    ElfSpec s = good_spec();
    s.segs.clear();
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("no loadable segments");

    s = good_spec();
    for (Seg &g : s.segs)
        g.type = PT_NOTE;
    EXPECT_EQ(load(build_elf(s)), -1);
    expect_message("no loadable segments");
}

TEST_F(ElfTest, FailedLoadLeavesMemoryUnchanged)
{
    std::vector<uint8_t> junk(0x100, 0x5A);
    ASSERT_EQ(vz_mem_write(m, 0x100000, junk.data(), junk.size()), 0);
    ElfSpec s = good_spec();
    s.segs[1].paddr = 0x40000000;  // segment 1 bad: segment 0 must not be written either
    EXPECT_EQ(load(build_elf(s)), -1);
    std::vector<uint8_t> got(0x100);
    ASSERT_EQ(vz_mem_read(m, 0x100000, got.data(), got.size()), 0);
    EXPECT_EQ(got, junk);
}

TEST_F(ElfTest, EveryTruncationFailsCleanly)
{
    const std::vector<uint8_t> good = build_elf(good_spec());
    for (size_t n = 0; n < good.size(); n++) {
        std::vector<uint8_t> f(good.begin(), good.begin() + static_cast<long>(n));
        ASSERT_EQ(load(f), -1) << "prefix of " << n << " bytes loaded";
        ASSERT_FALSE(msg.empty());
        ASSERT_EQ(msg.find('\n'), std::string::npos);
        uint64_t v;
        ASSERT_EQ(vz_elf_symbol(file.c_str(), "_start", &v), -1);
    }
}

// Random mutations of a valid file must never crash (run under ASan/UBSan with
// -DVZSIM_SANITIZE=ON to catch memory errors). The seed is fixed.
TEST_F(ElfTest, MutationFuzzNeverCrashes)
{
    const std::vector<uint8_t> good = build_elf(good_spec());
    std::mt19937_64 rng(0x767a73696dull);
    const uint64_t interesting[] = {0,
                                    1,
                                    0x7f,
                                    0xff,
                                    0xffff,
                                    0x10000,
                                    0x7fffffff,
                                    0xffffffff,
                                    0x100000000ull,
                                    0xffffffff80100000ull,
                                    0x8000000000000000ull,
                                    ~0ull,
                                    static_cast<uint64_t>(good.size()),
                                    static_cast<uint64_t>(good.size()) - 1};
    int loaded = 0, rejected = 0;
    for (int iter = 0; iter < 4000; iter++) {
        std::vector<uint8_t> f = good;
        int nmut = 1 + static_cast<int>(rng() % 6);
        for (int k = 0; k < nmut; k++) {
            // Bias towards the headers, where the interesting fields are.
            size_t limit = (rng() % 4) ? std::min(vzt::phdr_off(2), f.size()) : f.size();
            size_t off = static_cast<size_t>(rng() % limit);
            switch (rng() % 5) {
            case 0:
                f[off] = static_cast<uint8_t>(rng());
                break;
            case 1:
                f[off] ^= static_cast<uint8_t>(1u << (rng() % 8));
                break;
            case 2: {
                uint64_t v = interesting[rng() % (sizeof interesting / sizeof interesting[0])];
                size_t w = 1u << (rng() % 4);  // 1, 2, 4 or 8 bytes
                if (off + w <= f.size())
                    std::memcpy(f.data() + off, &v, w);
                break;
            }
            case 3:
                f.resize(static_cast<size_t>(rng() % (f.size() + 1)));
                if (f.empty())
                    f.push_back(0x7f);
                break;
            default: {
                // Corrupt the section header table at the end.
                uint64_t shoff = vzt::peek<uint64_t>(good, offsetof(Elf64_Ehdr, e_shoff));
                size_t o = static_cast<size_t>(shoff + rng() % (good.size() - shoff));
                if (o < f.size())
                    f[o] = static_cast<uint8_t>(rng());
                break;
            }
            }
        }
        vz_elf_info info;
        int r = load(f, &info);
        ASSERT_TRUE(r == 0 || r == -1);
        if (r == 0) {
            loaded++;
            ASSERT_GE(info.nsegments, 1);
            ASSERT_LE(info.paddr_end, kRamSize);
            ASSERT_LT(info.paddr_low, info.paddr_end);
        } else {
            rejected++;
            ASSERT_FALSE(msg.empty());
            ASSERT_EQ(msg.find('\n'), std::string::npos) << msg;
        }
        uint64_t v;
        (void)vz_elf_symbol(file.c_str(), "_start", &v);
    }
    // Both outcomes must occur, or the fuzz is not exercising anything.
    EXPECT_GT(loaded, 0);
    EXPECT_GT(rejected, 0);
}

#ifdef VZSIM_TINY_ELF
// tiny.elf is built by the MIPS64r6 cross toolchain from tests/mem/fixtures/tiny.S
// and tiny.ld: _start at 0xffffffff80100000 = "lui a0,0x1234; ori a0,a0,0x5678;
// sdbbp 1", marker (.dword 0x1122334455667788) at 0xffffffff80101000, a 0x1000-byte
// .bss at 0xffffffff80102000.
TEST(ElfCrossToolchain, LoadsTinyElf)
{
    vz_mem *m = vz_mem_create();
    ASSERT_EQ(vz_mem_add_ram(m, 0, kRamSize, "ram"), 0);
    std::vector<uint8_t> junk(0x1000, 0xEE);
    ASSERT_EQ(vz_mem_write(m, 0x102000, junk.data(), junk.size()), 0);
    vz_elf_info info;
    char err[256] = "";
    ASSERT_EQ(vz_elf_load(m, VZSIM_TINY_ELF, &info, err, sizeof err), 0) << err;
    EXPECT_EQ(info.entry, 0xffffffff80100000ull);
    EXPECT_EQ(info.paddr_low, 0x100000u);
    EXPECT_EQ(info.paddr_end, 0x103000u);
    EXPECT_EQ(info.vaddr_low, 0xffffffff80100000ull);
    EXPECT_EQ(info.vaddr_end, 0xffffffff80103000ull);
    EXPECT_EQ(info.has_symtab, 1);
    uint64_t w = 0;
    // lui $4,0x1234 = opcode 0x0f << 26 | rt 4 << 16 | 0x1234
    ASSERT_EQ(vz_mem_load(m, 0x100000, 4, &w), 0);
    EXPECT_EQ(w, (0x0full << 26) | (4u << 16) | 0x1234u);
    // ori $4,$4,0x5678 = opcode 0x0d << 26 | rs 4 << 21 | rt 4 << 16 | 0x5678
    ASSERT_EQ(vz_mem_load(m, 0x100004, 4, &w), 0);
    EXPECT_EQ(w, (0x0dull << 26) | (4u << 21) | (4u << 16) | 0x5678u);
    // sdbbp 1 (R6) = code 1 << 6 | funct 0x0e
    ASSERT_EQ(vz_mem_load(m, 0x100008, 4, &w), 0);
    EXPECT_EQ(w, 0x4eu);
    ASSERT_EQ(vz_mem_load(m, 0x101000, 8, &w), 0);
    EXPECT_EQ(w, 0x1122334455667788ull);
    ASSERT_EQ(vz_mem_load(m, 0x102ff8, 8, &w), 0);
    EXPECT_EQ(w, 0u);  // .bss zeroed over the junk
    uint64_t v = 0;
    ASSERT_EQ(vz_elf_symbol(VZSIM_TINY_ELF, "_start", &v), 0);
    EXPECT_EQ(v, 0xffffffff80100000ull);
    ASSERT_EQ(vz_elf_symbol(VZSIM_TINY_ELF, "marker", &v), 0);
    EXPECT_EQ(v, 0xffffffff80101000ull);
    vz_mem_destroy(m);
}
#endif

}  // namespace
