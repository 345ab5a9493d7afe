// tests/mem/mem_test.cc - sparse physical memory and MMIO bus (sim/mem/mem.h).
//
// Expected values follow from the contract in mem.h: RAM is allocated in VZ_MEM_CHUNK
// pieces on first touch, aliases show another range, MMIO goes to callbacks, and
// anything else is a bus error (-1 / NULL). Accesses are little-endian.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "sim/mem/mem.h"

namespace {

constexpr uint64_t GiB = 1ull << 30;
constexpr uint64_t MiB = 1ull << 20;

struct MemDeleter {
    void operator()(vz_mem *m) const { vz_mem_destroy(m); }
};
using MemPtr = std::unique_ptr<vz_mem, MemDeleter>;

MemPtr make_mem()
{
    MemPtr m(vz_mem_create());
    EXPECT_NE(m, nullptr);
    return m;
}

TEST(MemBus, OneGiBRamAllocatesNothingUntilTouched)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_ram(m.get(), 0x80000000, GiB, "ddr"), 0);
    EXPECT_EQ(vz_mem_allocated_bytes(m.get()), 0u);
    EXPECT_STREQ(vz_mem_region_name(m.get(), 0x80000000), "ddr");
    EXPECT_STREQ(vz_mem_region_name(m.get(), 0xbfffffff), "ddr");
    EXPECT_EQ(vz_mem_allocated_bytes(m.get()), 0u);  // lookups do not allocate

    ASSERT_EQ(vz_mem_store(m.get(), 0x80001234, 4, 0xdeadbeef), 0);
    EXPECT_EQ(vz_mem_allocated_bytes(m.get()), VZ_MEM_CHUNK);
    ASSERT_EQ(vz_mem_store(m.get(), 0x80001238, 8, 1), 0);  // same chunk
    EXPECT_EQ(vz_mem_allocated_bytes(m.get()), VZ_MEM_CHUNK);
    ASSERT_EQ(vz_mem_store(m.get(), 0xbffffff0, 8, 2), 0);  // last chunk
    EXPECT_EQ(vz_mem_allocated_bytes(m.get()), 2 * VZ_MEM_CHUNK);

    uint64_t v = 0;
    ASSERT_EQ(vz_mem_load(m.get(), 0x80001234, 4, &v), 0);
    EXPECT_EQ(v, 0xdeadbeefu);
    ASSERT_EQ(vz_mem_load(m.get(), 0xbffffff0, 8, &v), 0);
    EXPECT_EQ(v, 2u);
}

TEST(MemBus, UntouchedRamReadsZero)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_ram(m.get(), 0, 4 * MiB, nullptr), 0);
    EXPECT_STREQ(vz_mem_region_name(m.get(), 0), "ram");  // default name
    uint64_t v = 123;
    ASSERT_EQ(vz_mem_load(m.get(), 0x200000, 8, &v), 0);
    EXPECT_EQ(v, 0u);
}

TEST(MemBus, LittleEndianAndSizes)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_ram(m.get(), 0, VZ_MEM_CHUNK, "ram"), 0);
    ASSERT_EQ(vz_mem_store(m.get(), 0x100, 8, 0x0102030405060708ull), 0);
    uint8_t b[8];
    ASSERT_EQ(vz_mem_read(m.get(), 0x100, b, 8), 0);
    const uint8_t want[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    EXPECT_EQ(std::memcmp(b, want, 8), 0);
    uint64_t v;
    ASSERT_EQ(vz_mem_load(m.get(), 0x100, 1, &v), 0);
    EXPECT_EQ(v, 0x08u);
    ASSERT_EQ(vz_mem_load(m.get(), 0x100, 2, &v), 0);
    EXPECT_EQ(v, 0x0708u);
    ASSERT_EQ(vz_mem_load(m.get(), 0x104, 4, &v), 0);
    EXPECT_EQ(v, 0x01020304u);
    ASSERT_EQ(vz_mem_load(m.get(), 0x101, 4, &v), 0);  // unaligned inside RAM
    EXPECT_EQ(v, 0x04050607u);
}

TEST(MemBus, AccessAcrossChunkBoundary)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_ram(m.get(), 0, 2 * VZ_MEM_CHUNK, "ram"), 0);
    const uint64_t a = VZ_MEM_CHUNK - 3;
    ASSERT_EQ(vz_mem_store(m.get(), a, 8, 0x1122334455667788ull), 0);
    uint64_t v;
    ASSERT_EQ(vz_mem_load(m.get(), a, 8, &v), 0);
    EXPECT_EQ(v, 0x1122334455667788ull);
    EXPECT_EQ(vz_mem_allocated_bytes(m.get()), 2 * VZ_MEM_CHUNK);
    size_t avail = 0;
    uint8_t *p = vz_mem_ptr(m.get(), a, &avail);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(avail, 3u);
    EXPECT_EQ(p[0], 0x88);
    std::vector<uint8_t> big(VZ_MEM_CHUNK + 100, 0x3c);
    ASSERT_EQ(vz_mem_write(m.get(), 50, big.data(), big.size()), 0);
    std::vector<uint8_t> back(big.size());
    ASSERT_EQ(vz_mem_read(m.get(), 50, back.data(), back.size()), 0);
    EXPECT_EQ(back, big);
}

TEST(MemBus, AliasShowsTheTarget)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_ram(m.get(), 0x80000000, 4 * MiB, "ddr"), 0);
    ASSERT_EQ(vz_mem_add_alias(m.get(), 0, MiB, 0x80000000), 0);

    ASSERT_EQ(vz_mem_store(m.get(), 0x10, 4, 0xcafef00d), 0);  // through the alias
    uint64_t v;
    ASSERT_EQ(vz_mem_load(m.get(), 0x80000010, 4, &v), 0);
    EXPECT_EQ(v, 0xcafef00du);
    ASSERT_EQ(vz_mem_store(m.get(), 0x800ffff8, 8, 42), 0);  // last alias bytes
    ASSERT_EQ(vz_mem_load(m.get(), 0xffff8, 8, &v), 0);
    EXPECT_EQ(v, 42u);
    EXPECT_EQ(vz_mem_ptr(m.get(), 0x20, nullptr), vz_mem_ptr(m.get(), 0x80000020, nullptr));

    // Beyond the alias there is nothing, although the RAM continues.
    EXPECT_EQ(vz_mem_ptr(m.get(), MiB, nullptr), nullptr);
    EXPECT_EQ(vz_mem_load(m.get(), MiB, 4, &v), -1);
    EXPECT_NE(vz_mem_ptr(m.get(), 0x80000000 + MiB, nullptr), nullptr);
    EXPECT_STREQ(vz_mem_region_name(m.get(), 0), "alias");

    // Bulk copies cross from the alias into unmapped space: refused.
    uint8_t buf[16];
    EXPECT_EQ(vz_mem_read(m.get(), MiB - 8, buf, sizeof buf), -1);
}

TEST(MemBus, AliasOntoNothingIsABusError)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_alias(m.get(), 0, VZ_MEM_CHUNK, 0x40000000), 0);
    uint64_t v;
    EXPECT_EQ(vz_mem_load(m.get(), 0, 4, &v), -1);
    EXPECT_EQ(vz_mem_ptr(m.get(), 0, nullptr), nullptr);
}

TEST(MemBus, RegionRules)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_ram(m.get(), 0x100000, MiB, "a"), 0);
    EXPECT_EQ(vz_mem_add_ram(m.get(), 0x180000, MiB, "overlap"), -1);
    EXPECT_EQ(vz_mem_add_ram(m.get(), 0x000000, 0x110000, "overlap-by-a-chunk"), -1);
    EXPECT_EQ(vz_mem_add_ram(m.get(), 0x300001, MiB, "unaligned"), -1);
    EXPECT_EQ(vz_mem_add_ram(m.get(), 0x300000, 100, "unaligned size"), -1);
    EXPECT_EQ(vz_mem_add_ram(m.get(), 0x300000, 0, "empty"), -1);
    EXPECT_EQ(vz_mem_add_ram(m.get(), 1ull << 48, VZ_MEM_CHUNK, "beyond 48 bits"), -1);
    EXPECT_EQ(vz_mem_add_ram(m.get(), (1ull << 48) - VZ_MEM_CHUNK, 2 * VZ_MEM_CHUNK, "straddle"), -1);
    EXPECT_EQ(vz_mem_add_ram(m.get(), (1ull << 48) - VZ_MEM_CHUNK, VZ_MEM_CHUNK, "top"), 0);
    EXPECT_EQ(vz_mem_add_alias(m.get(), 0x400000, 0x1000, 0x100000), -1);  // unaligned size
    EXPECT_EQ(vz_mem_add_mmio(m.get(), 0x500000, 0x10, nullptr, nullptr, "no ops"), -1);
    EXPECT_EQ(vz_mem_region_name(m.get(), 0x200000), nullptr);
    EXPECT_STREQ(vz_mem_region_name(m.get(), 0x1fffff), "a");
}

TEST(MemBus, RegionTableFull)
{
    MemPtr m = make_mem();
    for (int i = 0; i < VZ_MEM_MAX_REGIONS; i++)
        ASSERT_EQ(vz_mem_add_ram(m.get(), static_cast<uint64_t>(i) * VZ_MEM_CHUNK, VZ_MEM_CHUNK, "r"), 0) << i;
    EXPECT_EQ(vz_mem_add_ram(m.get(), 1000 * VZ_MEM_CHUNK, VZ_MEM_CHUNK, "one too many"), -1);
}

// A recording device: 0x100 bytes of registers; offset 0xf0 and above refuse access.
struct Dev {
    struct Access {
        uint64_t off;
        unsigned size;
        uint64_t val;
        bool write;
    };
    std::vector<Access> log;
    uint64_t next_read = 0;

    static int rd(void *o, uint64_t off, unsigned size, uint64_t *val)
    {
        Dev *d = static_cast<Dev *>(o);
        d->log.push_back({off, size, 0, false});
        if (off >= 0xf0)
            return -1;
        *val = d->next_read;
        return 0;
    }
    static int wr(void *o, uint64_t off, unsigned size, uint64_t val)
    {
        Dev *d = static_cast<Dev *>(o);
        d->log.push_back({off, size, val, true});
        return off >= 0xf0 ? -1 : 0;
    }
};

const vz_mmio_ops kDevOps = {Dev::rd, Dev::wr};

TEST(MemBus, MmioCallbacks)
{
    MemPtr m = make_mem();
    Dev dev;
    ASSERT_EQ(vz_mem_add_mmio(m.get(), 0x17ffe000, 0x100, &kDevOps, &dev, "uart"), 0);
    EXPECT_STREQ(vz_mem_region_name(m.get(), 0x17ffe0ff), "uart");

    dev.next_read = 0x5a;
    uint64_t v = 0;
    ASSERT_EQ(vz_mem_load(m.get(), 0x17ffe014, 4, &v), 0);
    EXPECT_EQ(v, 0x5au);
    ASSERT_EQ(vz_mem_store(m.get(), 0x17ffe008, 1, 0x41), 0);
    ASSERT_EQ(dev.log.size(), 2u);
    EXPECT_EQ(dev.log[0].off, 0x14u);
    EXPECT_EQ(dev.log[0].size, 4u);
    EXPECT_FALSE(dev.log[0].write);
    EXPECT_EQ(dev.log[1].off, 0x8u);
    EXPECT_EQ(dev.log[1].size, 1u);
    EXPECT_EQ(dev.log[1].val, 0x41u);
    EXPECT_TRUE(dev.log[1].write);

    // The device refuses: bus error.
    EXPECT_EQ(vz_mem_load(m.get(), 0x17ffe0f0, 4, &v), -1);
    EXPECT_EQ(vz_mem_store(m.get(), 0x17ffe0f8, 8, 1), -1);
    // Straddling the end of the region: bus error without calling the device.
    size_t before = dev.log.size();
    EXPECT_EQ(vz_mem_load(m.get(), 0x17ffe0fe, 4, &v), -1);
    EXPECT_EQ(vz_mem_store(m.get(), 0x17ffe0fc, 8, 1), -1);
    EXPECT_EQ(dev.log.size(), before);

    // MMIO is not RAM: no host pointer, no bulk copies.
    EXPECT_EQ(vz_mem_ptr(m.get(), 0x17ffe000, nullptr), nullptr);
    uint8_t b[4];
    EXPECT_EQ(vz_mem_read(m.get(), 0x17ffe000, b, 4), -1);
    EXPECT_EQ(vz_mem_write(m.get(), 0x17ffe000, b, 4), -1);
    EXPECT_EQ(dev.log.size(), before);
}

TEST(MemBus, BusErrors)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_ram(m.get(), 0x80000000, MiB, "ddr"), 0);
    uint64_t v = 7;
    EXPECT_EQ(vz_mem_load(m.get(), 0x7ffffff8, 8, &v), -1);   // below
    EXPECT_EQ(vz_mem_store(m.get(), 0x80100000, 4, 1), -1);   // just past the end
    EXPECT_EQ(vz_mem_load(m.get(), 0x800ffffc, 8, &v), -1);   // straddles the end
    EXPECT_EQ(vz_mem_load(m.get(), 0xffffffffffffff00ull, 8, &v), -1);
    EXPECT_EQ(vz_mem_ptr(m.get(), 0, nullptr), nullptr);
    uint8_t b[8] = {};
    EXPECT_EQ(vz_mem_write(m.get(), 0x800ffffc, b, 8), -1);
    EXPECT_EQ(vz_mem_read(m.get(), 0x800ffffc, b, 8), -1);
    EXPECT_EQ(vz_mem_read(m.get(), 0x800ffff8, b, 8), 0);
    EXPECT_EQ(vz_mem_read(m.get(), 0x800ffff8, b, 0), 0);  // empty copies succeed
}

TEST(MemBus, ObserverSeesLoadsAndStores)
{
    MemPtr m = make_mem();
    ASSERT_EQ(vz_mem_add_ram(m.get(), 0, VZ_MEM_CHUNK, "ram"), 0);
    struct Seen {
        uint64_t pa;
        unsigned size;
        int is_write;
    };
    std::vector<Seen> seen;
    vz_mem_set_observer(
        m.get(),
        [](void *o, uint64_t pa, unsigned size, int is_write) {
            static_cast<std::vector<Seen> *>(o)->push_back({pa, size, is_write});
        },
        &seen);
    uint64_t v;
    ASSERT_EQ(vz_mem_store(m.get(), 0x40, 2, 3), 0);
    ASSERT_EQ(vz_mem_load(m.get(), 0x48, 8, &v), 0);
    EXPECT_EQ(vz_mem_load(m.get(), 0x100000, 4, &v), -1);  // bus errors are observed too
    uint8_t b[4];
    ASSERT_EQ(vz_mem_read(m.get(), 0, b, 4), 0);  // bulk copies are not
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].pa, 0x40u);
    EXPECT_EQ(seen[0].size, 2u);
    EXPECT_EQ(seen[0].is_write, 1);
    EXPECT_EQ(seen[1].pa, 0x48u);
    EXPECT_EQ(seen[1].is_write, 0);
    EXPECT_EQ(seen[2].pa, 0x100000u);
    vz_mem_set_observer(m.get(), nullptr, nullptr);
    ASSERT_EQ(vz_mem_load(m.get(), 0x48, 8, &v), 0);
    EXPECT_EQ(seen.size(), 3u);
}

TEST(MemBus, IndependentInstances)
{
    MemPtr a = make_mem(), b = make_mem();
    ASSERT_EQ(vz_mem_add_ram(a.get(), 0, VZ_MEM_CHUNK, "a"), 0);
    ASSERT_EQ(vz_mem_add_ram(b.get(), 0, VZ_MEM_CHUNK, "b"), 0);
    ASSERT_EQ(vz_mem_store(a.get(), 0, 8, 111), 0);
    ASSERT_EQ(vz_mem_store(b.get(), 0, 8, 222), 0);
    uint64_t v;
    ASSERT_EQ(vz_mem_load(a.get(), 0, 8, &v), 0);
    EXPECT_EQ(v, 111u);
    ASSERT_EQ(vz_mem_load(b.get(), 0, 8, &v), 0);
    EXPECT_EQ(v, 222u);
    EXPECT_STREQ(vz_mem_region_name(a.get(), 0), "a");
    EXPECT_STREQ(vz_mem_region_name(b.get(), 0), "b");
}

TEST(MemBus, DestroyNullIsHarmless)
{
    vz_mem_destroy(nullptr);
}

}  // namespace
