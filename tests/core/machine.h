// tests/core/machine.h - a bare core with 512 MiB of RAM at physical 0 for tests;
// code and handlers are assembled by GNU as (the encoding oracle).
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "sim/core/cpu.h"
#include "tests/common/gnu_as.h"

using vzsim_test::assemble;

namespace vzsim_test {

constexpr uint64_t kCode = 0xffffffff80001000ull;     // kseg0 -> physical 0x1000
constexpr uint64_t kBevGeneral = 0xffffffffbfc00380ull; // BEV=1 general vector
constexpr uint32_t kStatusBev = 0x00400000u;

struct Machine {
    vz_mem *mem = nullptr;
    vz_cpu *cpu = nullptr;
    Machine(int semihosting = 0)
    {
        mem = vz_mem_create();
        EXPECT_EQ(vz_mem_add_ram(mem, 0, 512ull << 20, "ram"), 0);
        vz_cpu_config cfg{};
        cfg.semihosting = semihosting;
        cpu = vz_cpu_create(mem, &cfg);
        // kernel mode, BEV=1, EXL=ERL=0 (reset leaves ERL=1)
        vz_cpu_set_cp0(cpu, VZ_CP0_STATUS, kStatusBev);
    }
    ~Machine()
    {
        vz_cpu_destroy(cpu);
        vz_mem_destroy(mem);
    }
    void load(uint64_t va, const std::vector<uint32_t> &w)
    {
        ASSERT_FALSE(w.empty());
        ASSERT_EQ(vz_mem_write(mem, va & 0x1fffffff, w.data(), w.size() * 4), 0);
        vz_cpu_invalidate_code(cpu, va & 0x1fffffff, w.size() * 4);
    }
    void program(const std::string &src)
    {
        load(kCode, assemble(src, kCode));
        vz_cpu_set_pc(cpu, kCode);
    }
    // the same handler at the BEV refill (0x200), XTLB refill (0x280) and general
    // (0x380) vectors
    void handler(const std::string &src)
    {
        load(kBevGeneral - 0x180, assemble(src, kBevGeneral - 0x180));
        load(kBevGeneral - 0x100, assemble(src, kBevGeneral - 0x100));
        load(kBevGeneral, assemble(src, kBevGeneral));
    }
    uint64_t gpr(unsigned r) { return vz_cpu_get_gpr(cpu, r); }
    uint64_t cp0(vz_cp0_id id) { return vz_cpu_get_cp0(cpu, id); }
    unsigned exccode() { return (cp0(VZ_CP0_CAUSE) >> 2) & 31; }
    bool bd() { return (cp0(VZ_CP0_CAUSE) >> 31) & 1; }
};

#define NEED_AS()                                                     \
    do {                                                              \
        if (!vzsim_test::have_cross_binutils())                       \
            GTEST_SKIP() << "cross binutils missing: run scripts/setup.sh"; \
    } while (0)

}  // namespace vzsim_test
