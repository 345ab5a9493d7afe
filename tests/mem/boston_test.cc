// tests/mem/boston_test.cc - QEMU boston memory map and -kernel entry state.
//
// Expected values: the map from QEMU hw/mips/boston.c (high DDR at 0x80000000, low DDR
// alias of MIN(ram, 256 MiB) at 0); the register values from a dump taken under
// qemu-system-mips64el 7.2 -M boston -cpu I6400 (the literals below are what QEMU
// printed, see sim/mem/boston.c), for an image whose single PT_LOAD ends at physical
// 0x100560 (a1 = 0xffffffff80110000) and one ending at 0x1239c0 (a1 =
// 0xffffffff80130000).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "sim/mem/boston.h"
#include "sim/mem/elf.h"
#include "sim/mem/mem.h"
#include "tests/mem/elf_fixture.h"

namespace {

struct MemDeleter {
    void operator()(vz_mem *m) const { vz_mem_destroy(m); }
};
using MemPtr = std::unique_ptr<vz_mem, MemDeleter>;

bool is_ram(vz_mem *m, uint64_t pa) { return vz_mem_ptr(m, pa, nullptr) != nullptr; }

TEST(BostonMap, DefaultIsOneGiB)
{
    MemPtr m(vz_mem_create());
    char err[256] = "x";
    ASSERT_EQ(vz_boston_map(m.get(), 0, err, sizeof err), 0) << err;
    EXPECT_STREQ(err, "");
    EXPECT_EQ(vz_mem_allocated_bytes(m.get()), 0u);  // sparse
    EXPECT_STREQ(vz_mem_region_name(m.get(), 0x80000000), "boston.ddr");
    EXPECT_TRUE(is_ram(m.get(), 0x80000000));
    EXPECT_TRUE(is_ram(m.get(), 0xbfffffff));
    EXPECT_FALSE(is_ram(m.get(), 0xc0000000));
    EXPECT_FALSE(is_ram(m.get(), 0x7fffffff));
    // Low DDR: 256 MiB window at 0 onto the start of high DDR.
    EXPECT_TRUE(is_ram(m.get(), 0x0));
    EXPECT_TRUE(is_ram(m.get(), 0x0fffffff));
    EXPECT_FALSE(is_ram(m.get(), 0x10000000));  // PCIe0 config space in QEMU
    EXPECT_EQ(vz_mem_ptr(m.get(), 0x0fffffff, nullptr), vz_mem_ptr(m.get(), 0x8fffffff, nullptr));
    // Boot flash: ROM, zero (BEV vectors run into it), CPU stores ignored.
    EXPECT_STREQ(vz_mem_region_name(m.get(), 0x1fc00380), "boston.flash");
    EXPECT_TRUE(vz_mem_is_rom(m.get(), 0x1fc00380));
    EXPECT_FALSE(vz_mem_is_rom(m.get(), 0x80000000));
    uint64_t v = 1;
    ASSERT_EQ(vz_mem_store(m.get(), 0x1fc00380, 4, 0x12345678), 0);
    ASSERT_EQ(vz_mem_load(m.get(), 0x1fc00380, 4, &v), 0);
    EXPECT_EQ(v, 0u);
}

TEST(BostonMap, AliasSharesBytes)
{
    MemPtr m(vz_mem_create());
    ASSERT_EQ(vz_boston_map(m.get(), 0, nullptr, 0), 0);
    // The kernel in kseg0 at 0xffffffff80100000 is physical 0x100000 = DDR 0x80100000.
    ASSERT_EQ(vz_mem_store(m.get(), 0x100000, 4, 0x3c041234), 0);
    uint64_t v = 0;
    ASSERT_EQ(vz_mem_load(m.get(), 0x80100000, 4, &v), 0);
    EXPECT_EQ(v, 0x3c041234u);
    ASSERT_EQ(vz_mem_store(m.get(), 0x8ffffff8, 8, 0x55), 0);
    ASSERT_EQ(vz_mem_load(m.get(), 0x0ffffff8, 8, &v), 0);
    EXPECT_EQ(v, 0x55u);
}

TEST(BostonMap, TwoGiBFillsTheTopOfThe32BitSpace)
{
    MemPtr m(vz_mem_create());
    ASSERT_EQ(vz_boston_map(m.get(), 2ull << 30, nullptr, 0), 0);
    EXPECT_TRUE(is_ram(m.get(), 0xffffffff));
    EXPECT_FALSE(is_ram(m.get(), 0x100000000ull));
    EXPECT_FALSE(is_ram(m.get(), 0x10000000));  // alias stays 256 MiB
}

TEST(BostonMap, SmallRamShrinksTheAlias)
{
    MemPtr m(vz_mem_create());
    ASSERT_EQ(vz_boston_map(m.get(), 64ull << 20, nullptr, 0), 0);
    EXPECT_TRUE(is_ram(m.get(), 0x83ffffff));
    EXPECT_FALSE(is_ram(m.get(), 0x84000000));
    EXPECT_TRUE(is_ram(m.get(), 0x03ffffff));
    EXPECT_FALSE(is_ram(m.get(), 0x04000000));
}

TEST(BostonMap, RejectsBadSizesAndOverlaps)
{
    MemPtr m(vz_mem_create());
    char err[256];
    EXPECT_EQ(vz_boston_map(m.get(), 3ull << 30, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("RAM size"), std::string::npos) << err;
    EXPECT_EQ(vz_boston_map(m.get(), 0x12345, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("0x12345"), std::string::npos) << err;
    EXPECT_EQ(vz_boston_map(nullptr, 0, err, sizeof err), -1);
    ASSERT_EQ(vz_boston_map(m.get(), 0, err, sizeof err), 0);
    EXPECT_EQ(vz_boston_map(m.get(), 0, err, sizeof err), -1);  // second time overlaps
    EXPECT_NE(std::string(err).find("cannot add"), std::string::npos) << err;
    EXPECT_EQ(std::string(err).find('\n'), std::string::npos);
}

// The QEMU 7.2 dump for regs.elf (entry 0xffffffff80100000, PT_LOAD ending at physical
// 0x100560).
TEST(BostonBoot, MatchesQemuDump)
{
    vz_elf_info info = {};
    info.entry = 0xffffffff80100000ull;
    info.vaddr_low = 0xffffffff80100000ull;
    info.vaddr_end = 0xffffffff80100560ull;
    info.paddr_low = 0x100000;
    info.paddr_end = 0x100560;
    info.nsegments = 1;
    vz_boot_state s;
    std::memset(&s, 0xcc, sizeof s);
    vz_boston_boot_state(&info, &s);

    uint64_t want[32] = {};
    want[4] = 0xfffffffffffffffeull;   // a0
    want[5] = 0xffffffff80110000ull;   // a1
    want[25] = 0xffffffff80100000ull;  // t9
    want[26] = 0x0000000016200001ull;  // k0
    want[27] = 0xffffffffb6100088ull;  // k1
    want[31] = 0xffffffffbfc00134ull;  // ra
    for (int i = 0; i < 32; i++)
        EXPECT_EQ(s.gpr[i], want[i]) << "gpr " << i;
    EXPECT_EQ(s.pc, 0xffffffff80100000ull);
    EXPECT_EQ(s.cp0_status, 0x04400004u);
    EXPECT_EQ(s.dtb_addr, 0xffffffff80110000ull);
    EXPECT_EQ(s.dtb_paddr, 0x110000u);
    EXPECT_EQ(s.cp0_cmgcrbase, 0x01610000u);
}

TEST(BostonBoot, DtbAfterBssRoundedTo64KiB)
{
    vz_elf_info info = {};
    info.entry = 0xffffffff80100000ull;
    info.paddr_low = 0x100000;
    info.paddr_end = 0x1239c0;  // QEMU dump with a 0x239c0-byte memsz: a1 = ...80130000
    vz_boot_state s;
    vz_boston_boot_state(&info, &s);
    EXPECT_EQ(s.gpr[5], 0xffffffff80130000ull);
    EXPECT_EQ(s.dtb_paddr, 0x130000u);

    info.paddr_end = 0x120000;  // already aligned: stays (ALIGN_UP)
    vz_boston_boot_state(&info, &s);
    EXPECT_EQ(s.dtb_paddr, 0x120000u);
    EXPECT_EQ(s.dtb_addr, 0xffffffff80120000ull);

    info.paddr_end = 0x120001;
    vz_boston_boot_state(&info, &s);
    EXPECT_EQ(s.dtb_paddr, 0x130000u);
}

TEST(BostonBoot, LoadKernelFromFile)
{
    vzt::ElfSpec spec;
    spec.entry = 0xffffffff80200010ull;
    vzt::Seg seg;
    seg.vaddr = seg.paddr = 0xffffffff80200000ull;
    seg.bytes.assign(0x40, 0x11);
    seg.memsz = 0x10000;  // ends at physical 0x210000 exactly
    spec.segs = {seg};
    vzt::TempFile file("boston");
    file.write(vzt::build_elf(spec));

    MemPtr m(vz_mem_create());
    ASSERT_EQ(vz_boston_map(m.get(), 0, nullptr, 0), 0);
    vz_boot_state s;
    vz_elf_info info;
    char err[256] = "";
    ASSERT_EQ(vz_boston_load_kernel(m.get(), file.c_str(), &s, &info, err, sizeof err), 0) << err;
    EXPECT_EQ(info.paddr_end, 0x210000u);
    EXPECT_EQ(s.pc, 0xffffffff80200010ull);
    EXPECT_EQ(s.gpr[25], 0xffffffff80200010ull);
    EXPECT_EQ(s.gpr[5], 0xffffffff80210000ull);
    uint64_t v = 0;
    ASSERT_EQ(vz_mem_load(m.get(), 0x80200000, 1, &v), 0);  // visible in high DDR too
    EXPECT_EQ(v, 0x11u);

    EXPECT_EQ(vz_boston_load_kernel(m.get(), "/nonexistent/k.elf", &s, nullptr, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("/nonexistent/k.elf: cannot open"), std::string::npos) << err;
}

TEST(BostonBoot, KernelOutsideDdrIsRejected)
{
    vzt::ElfSpec spec;
    spec.entry = 0xffffffff90000000ull;
    vzt::Seg seg;
    seg.vaddr = seg.paddr = 0xffffffff90000000ull;  // physical 0x10000000: PCIe, not DDR
    seg.bytes.assign(0x10, 0);
    spec.segs = {seg};
    vzt::TempFile file("boston_bad");
    file.write(vzt::build_elf(spec));
    MemPtr m(vz_mem_create());
    ASSERT_EQ(vz_boston_map(m.get(), 0, nullptr, 0), 0);
    vz_boot_state s;
    char err[256] = "";
    EXPECT_EQ(vz_boston_load_kernel(m.get(), file.c_str(), &s, nullptr, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("no RAM at physical 0x10000000"), std::string::npos) << err;
}

#ifdef VZSIM_TINY_ELF
// tiny.elf: one PT_LOAD, physical 0x100000..0x103000 (tests/mem/fixtures/tiny.ld).
TEST(BostonBoot, TinyElfFromCrossToolchain)
{
    MemPtr m(vz_mem_create());
    ASSERT_EQ(vz_boston_map(m.get(), 0, nullptr, 0), 0);
    vz_boot_state s;
    char err[256] = "";
    ASSERT_EQ(vz_boston_load_kernel(m.get(), VZSIM_TINY_ELF, &s, nullptr, err, sizeof err), 0) << err;
    EXPECT_EQ(s.pc, 0xffffffff80100000ull);
    EXPECT_EQ(s.gpr[5], 0xffffffff80110000ull);
    uint64_t w = 0;
    ASSERT_EQ(vz_mem_load(m.get(), 0x80100008, 4, &w), 0);
    EXPECT_EQ(w, 0x4eu);  // sdbbp 1
}
#endif

}  // namespace
