// tests/systemc/bus_test.cc - the C API the SystemC wrapper relies on (sim/mem,
// sim/core): a bus behind vz_mem (access, debug, DMI map), external RAM regions
// and their removal, and a core that runs from memory it has no host pointer for
// (DMI off) or loses its host pointers mid-run (DMI invalidation).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "sim/core/cpu.h"
#include "sim/mem/mem.h"
#include "tests/common/gnu_as.h"

namespace {

struct FakeBus;
extern const vz_mem_bus kOps;

// A fake bus: RAM at [base, base + size) in a vector, counted, behind a new vz_mem.
struct FakeBus {
    uint64_t base = 0, size = 0;
    std::vector<uint8_t> bytes;
    vz_mem *mem = nullptr;
    bool grant = false;        // map() adds an external region
    int accesses = 0, debugs = 0, maps = 0;

    FakeBus(uint64_t b, uint64_t n, bool g) : base(b), size(n), bytes(n, 0), grant(g)
    {
        mem = vz_mem_create();
        vz_mem_set_bus(mem, &kOps, this);
    }
    ~FakeBus() { vz_mem_destroy(mem); }
    FakeBus(const FakeBus &) = delete;
    FakeBus &operator=(const FakeBus &) = delete;

    static int access(void *o, uint64_t pa, unsigned size, uint64_t *val, int w)
    {
        auto *b = static_cast<FakeBus *>(o);
        b->accesses++;
        if (pa < b->base || pa + size > b->base + b->size)
            return -1;
        if (w)
            std::memcpy(&b->bytes[pa - b->base], val, size);
        else {
            *val = 0;
            std::memcpy(val, &b->bytes[pa - b->base], size);
        }
        return 0;
    }
    static size_t debug(void *o, uint64_t pa, void *buf, size_t n, int w)
    {
        auto *b = static_cast<FakeBus *>(o);
        b->debugs++;
        if (pa < b->base || pa + n > b->base + b->size)
            return 0;
        if (w)
            std::memcpy(&b->bytes[pa - b->base], buf, n);
        else
            std::memcpy(buf, &b->bytes[pa - b->base], n);
        return n;
    }
    static int map(void *o, uint64_t pa)
    {
        auto *b = static_cast<FakeBus *>(o);
        b->maps++;
        if (!b->grant || pa < b->base || pa >= b->base + b->size)
            return -1;
        return vz_mem_add_ram_external(b->mem, b->base, b->size, b->bytes.data(), 0, "fake");
    }
};
const vz_mem_bus kOps = {FakeBus::access, FakeBus::debug, FakeBus::map};

// A core on b's memory with code at kseg0 0xffffffff80001000 (physical 0x1000),
// starting there in the reset state (BEV | ERL).
vz_cpu *boot(FakeBus &b, const std::vector<uint32_t> &code)
{
    EXPECT_EQ(vz_mem_write(b.mem, 0x1000, code.data(), code.size() * 4), 0);
    vz_cpu_config cfg = {};
    vz_cpu *c = vz_cpu_create(b.mem, &cfg);
    vz_cpu_set_cp0(c, VZ_CP0_STATUS, 0x00400004);
    vz_cpu_set_pc(c, 0xffffffff80001000ull);
    return c;
}

TEST(MemBus, UnmappedAddressesGoToTheBus)
{
    FakeBus b(0x10000, 0x10000, false);
    vz_mem *m = b.mem;
    ASSERT_EQ(vz_mem_store(m, 0x10008, 4, 0x11223344), 0);
    uint64_t v = 0;
    ASSERT_EQ(vz_mem_load(m, 0x10008, 2, &v), 0);
    EXPECT_EQ(v, 0x3344u);
    EXPECT_EQ(b.accesses, 2);
    EXPECT_NE(vz_mem_load(m, 0x30000, 4, &v), 0);       // nothing there: bus error
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    ASSERT_EQ(vz_mem_write(m, 0x10ffc, buf, 8), 0);     // crosses a page: two debug calls
    EXPECT_EQ(b.debugs, 2);
    uint8_t back[8] = {};
    ASSERT_EQ(vz_mem_read(m, 0x10ffc, back, 8), 0);
    EXPECT_EQ(0, std::memcmp(buf, back, 8));
    size_t avail = 0;
    EXPECT_EQ(vz_mem_probe(m, 0x10ff0, &avail), 1);
    EXPECT_EQ(avail, 16u);                               // to the end of the 4 KiB page
    EXPECT_EQ(vz_mem_probe(m, 0x30000, &avail), 0);
    EXPECT_EQ(vz_mem_ptr(m, 0x10000, &avail), nullptr); // no DMI granted
    EXPECT_GT(b.maps, 0);                                // DMI was asked for
}

TEST(MemBus, MapInstallsExternalRamAndRemovalWithdrawsIt)
{
    FakeBus b(0x20000, 0x2000, true);
    vz_mem *m = b.mem;
    size_t avail = 0;
    uint8_t *p = vz_mem_ptr(m, 0x20010, &avail);
    ASSERT_EQ(p, b.bytes.data() + 0x10);
    EXPECT_EQ(avail, 0x2000u - 0x10);                    // to the end of the region
    ASSERT_EQ(vz_mem_store(m, 0x20010, 8, 0x0102030405060708ull), 0);
    EXPECT_EQ(b.accesses, 0);                            // served by the host pointer
    EXPECT_EQ(b.bytes[0x10], 0x08);
    EXPECT_EQ(vz_mem_remove_external(m, 0x21000, 1), 1);
    EXPECT_EQ(vz_mem_region_name(m, 0x20000), nullptr);
    b.grant = false;
    uint64_t v = 0;
    ASSERT_EQ(vz_mem_load(m, 0x20010, 8, &v), 0);        // back on the access path
    EXPECT_EQ(v, 0x0102030405060708ull);
    EXPECT_EQ(b.accesses, 1);
    // unaligned external regions are refused
    EXPECT_NE(vz_mem_add_ram_external(m, 0x40800, 0x1000, b.bytes.data(), 0, "x"), 0);
}

TEST(MemBus, ReadOnlyExternalRamIsRomForTheCoreAndWrittenThroughTheBus)
{
    FakeBus b(0x50000, 0x1000, false);
    vz_mem *m = b.mem;
    std::vector<uint8_t> rom(0x1000, 0xaa);
    ASSERT_EQ(vz_mem_add_ram_external(m, 0x50000, 0x1000, rom.data(), 1, "rom"), 0);
    EXPECT_TRUE(vz_mem_is_rom(m, 0x50004));
    ASSERT_EQ(vz_mem_store(m, 0x50004, 4, 0), 0);         // dropped, as QEMU's ROM
    EXPECT_EQ(rom[4], 0xaa);
    uint8_t w = 0x55;
    ASSERT_EQ(vz_mem_write(m, 0x50004, &w, 1), 0);        // a loader: the debug path
    EXPECT_EQ(rom[4], 0xaa);
    EXPECT_EQ(b.bytes[4], 0x55);
}

// A core fetching and storing through the bus only (DMI off), with
// self-modifying code: the store rewrites an instruction that was already
// decoded, so the decoded copy must be dropped.
TEST(CoreBus, RunsWithoutHostPointersAndKeepsDecodedCodeCoherent)
{
    if (!vzsim_test::have_cross_binutils())
        GTEST_SKIP() << "cross binutils not installed";
    // kseg0 0xffffffff80001000 = physical 0x1000
    auto w = vzsim_test::assemble(
        "1: addiu $3, $3, 1\n"          // counts passes
        "   addiu $2, $0, 7\n"          // rewritten below into addiu $2, $0, 9
        "   bnec $3, $4, 2f\n"          // first pass: patch and loop
        "   nop\n"
        "   sdbbp 0\n"                  // second pass: stop (no semihosting: BREAK)
        "2: lw $5, 0($6)\n"
        "   sw $5, 4($7)\n"
        "   bc 1b\n"
        "   .word 0x24020009\n");  // data: addiu $2, $0, 9 (checked by GNU as below)
    ASSERT_EQ(w.size(), 9u);
    ASSERT_EQ(vzsim_test::assemble("addiu $2, $0, 9")[0], w[8]);
    FakeBus b(0, 0x4000, false);
    vz_cpu *c = boot(b, w);
    vz_cpu_set_gpr(c, 4, 2);
    vz_cpu_set_gpr(c, 6, 0xffffffff80001020ull);   // the .word
    vz_cpu_set_gpr(c, 7, 0xffffffff80001000ull);   // 4($7) = the addiu $2 to rewrite
    EXPECT_EQ(vz_cpu_run(c, 1000), VZ_STOP_BREAK);
    EXPECT_EQ(vz_cpu_get_gpr(c, 3), 2u);
    EXPECT_EQ(vz_cpu_get_gpr(c, 2), 9u);           // the rewritten instruction ran
    EXPECT_GT(b.accesses, 0);
    vz_cpu_destroy(c);
}

// The same program with DMI granted, then withdrawn while the core holds host
// pointers (vz_cpu_forget_mem): it goes on through the bus and re-maps.
TEST(CoreBus, ForgetMemDropsHostPointers)
{
    if (!vzsim_test::have_cross_binutils())
        GTEST_SKIP() << "cross binutils not installed";
    auto w = vzsim_test::assemble(
        "1: addiu $3, $3, 1\n"
        "   sw $3, 0($6)\n"
        "   bc 1b\n");
    FakeBus b(0, 0x4000, true);
    vz_cpu *c = boot(b, w);
    vz_cpu_set_gpr(c, 6, 0xffffffff80002000ull);
    vz_cpu_run(c, 30);                              // 10 passes through the host pointer
    EXPECT_EQ(b.bytes[0x2000], 10);
    std::vector<uint8_t> moved = b.bytes;           // the target moves its storage
    vz_mem_remove_external(b.mem, 0, b.size);
    vz_cpu_forget_mem(c, 0, b.size);
    b.bytes.swap(moved);
    std::fill(moved.begin(), moved.end(), 0xff);    // the old storage is garbage now
    vz_cpu_run(c, 30);
    EXPECT_EQ(b.bytes[0x2000], 20);                 // written through the new storage
    EXPECT_EQ(vz_cpu_get_gpr(c, 3), 20u);
    vz_cpu_destroy(c);
}

}  // namespace
