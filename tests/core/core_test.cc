// tests/core/core_test.cc - the core's C API and architectural rules that do not
// need QEMU: limits, delay/forbidden slots, exceptions and vectors, self-modifying
// code, the timer, several cores in one process. Instruction words come from GNU as;
// expected values come from the MIPS64 R6 manuals (cited per test), not from vzsim.
#include "tests/core/machine.h"

using namespace vzsim_test;

namespace {

TEST(Core, LimitStopsAnEndlessLoop)
{
    NEED_AS();
    Machine m;
    m.program("1: bc 1b");
    EXPECT_EQ(vz_cpu_run(m.cpu, 12345), VZ_STOP_LIMIT);
    EXPECT_EQ(vz_cpu_insns(m.cpu), 12345u);
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kCode);
    EXPECT_EQ(vz_cpu_run(m.cpu, 5), VZ_STOP_LIMIT);   // resumable
    EXPECT_EQ(vz_cpu_insns(m.cpu), 12350u);
}

TEST(Core, DelaySlotExecutesAndJalLinksPcPlus8)
{
    NEED_AS();
    Machine m;
    // MIPS64 R6 vol. II: the delay-slot instruction executes before the target;
    // JAL writes PC+8 to ra.
    m.program("jal 0xffffffff80001100\n"
              " addiu $2, $0, 5\n"
              "addiu $3, $0, 99\n");
    m.load(0xffffffff80001100ull, assemble("addiu $4, $0, 7\n1: bc 1b", 0xffffffff80001100ull));
    vz_cpu_run(m.cpu, 3);
    EXPECT_EQ(m.gpr(2), 5u);
    EXPECT_EQ(m.gpr(3), 0u);
    EXPECT_EQ(m.gpr(4), 7u);
    EXPECT_EQ(m.gpr(31), kCode + 8);
}

TEST(Core, BranchInDelaySlotIsReservedInstruction)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    // R6: a control-transfer instruction in a delay slot raises RI; EPC points to
    // the branch and Cause.BD = 1 (PRA: exception in a delay slot).
    m.program("beq $0, $0, 1f\n bc 1f\n nop\n1: nop");
    vz_cpu_run(m.cpu, 2);
    EXPECT_EQ(m.exccode(), 10u);
    EXPECT_TRUE(m.bd());
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kCode);
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral);
    EXPECT_TRUE(m.cp0(VZ_CP0_STATUS) & 2);   // EXL
}

TEST(Core, CompactBranchInForbiddenSlotIsReservedInstruction)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    m.program("addiu $2, $0, 1\n beqzc $2, 1f\n bc 1f\n nop\n1: nop");
    vz_cpu_run(m.cpu, 3);
    EXPECT_EQ(m.exccode(), 10u);
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral);
}

TEST(Core, ForbiddenSlotRunsOnlyWhenNotTaken)
{
    NEED_AS();
    Machine m;
    m.program("beqzc $7, 1f\n addiu $2, $0, 1\n1: addiu $3, $0, 2\n"
              "addiu $4, $0, 1\n beqzc $4, 2f\n addiu $5, $0, 3\n2: nop\n3: bc 3b");
    vz_cpu_run(m.cpu, 7);
    EXPECT_EQ(m.gpr(2), 0u);   // taken: forbidden slot skipped
    EXPECT_EQ(m.gpr(3), 2u);
    EXPECT_EQ(m.gpr(5), 3u);   // not taken: forbidden slot executed
}

TEST(Core, AddOverflowTrapsAndLeavesDestination)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    m.program("lui $2, 0x7fff\n ori $2, $2, 0xffff\n addiu $3, $0, 1\n"
              "addiu $4, $0, 77\n add $4, $2, $3\n nop");
    vz_cpu_run(m.cpu, 5);
    EXPECT_EQ(m.exccode(), 12u);            // Ov
    EXPECT_EQ(m.gpr(4), 77u);               // destination not written
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kCode + 16);
    EXPECT_FALSE(m.bd());
}

TEST(Core, MisalignedJumpTargetRaisesAddressErrorOnFetch)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    m.program("lui $2, 0x8000\n ori $2, $2, 0x2002\n jr $2\n nop");
    vz_cpu_run(m.cpu, 5);
    EXPECT_EQ(m.exccode(), 4u);             // AdEL
    uint64_t target = 0xffffffff80002002ull;
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), target);
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), target);
    EXPECT_FALSE(m.bd());
}

TEST(Core, MisalignedLlRaisesAddressError)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    m.program("lui $2, 0x8000\n ori $2, $2, 0x3001\n ll $3, 0($2)\n nop");
    vz_cpu_run(m.cpu, 4);
    EXPECT_EQ(m.exccode(), 4u);
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0xffffffff80003001ull);
}

TEST(Core, LlScPairSucceedsWhenUndisturbed)
{
    NEED_AS();
    Machine m;
    m.program("lui $2, 0x8000\n ori $2, $2, 0x3000\n"
              "ll $3, 0($2)\n addiu $3, $3, 1\n sc $3, 0($2)\n"      // $3 = 1 (success)
              "ll $4, 0($2)\n addiu $4, $4, 1\n"
              "mtc0 $0, $14\n"                                         // (unrelated CP0 write)
              "1: bc 1b");
    vz_cpu_run(m.cpu, 8);
    EXPECT_EQ(m.gpr(3), 1u);
    uint32_t v = 0;
    ASSERT_EQ(vz_mem_read(m.mem, 0x3000, &v, 4), 0);
    EXPECT_EQ(v, 1u);
}

TEST(Core, StoreIntoCodeIsSeenByLaterFetch)
{
    NEED_AS();
    Machine m;
    // The word for "addiu $5, $0, 42" is taken from GNU as and stored over the
    // instruction at label 2 after that instruction was already executed once.
    auto patch = assemble("addiu $5, $0, 42");
    ASSERT_EQ(patch.size(), 1u);
    char src[512];
    snprintf(src, sizeof src,
             "addiu $6, $0, 2\n"
             "lui $2, 0x8000\n ori $2, $2, 0x1000\n"   // $2 = kCode
             "lui $3, %u\n ori $3, $3, %u\n"
             "2: addiu $5, $0, 1\n"
             "addiu $6, $6, -1\n"
             "beqzc $6, 3f\n"
             "sw $3, 20($2)\n"                           // overwrite label 2 (offset 20)
             "bc 2b\n"
             "3: nop\n4: bc 4b",
             patch[0] >> 16, patch[0] & 0xffff);
    m.program(src);
    vz_cpu_run(m.cpu, 200);
    EXPECT_EQ(m.gpr(5), 42u);
}

TEST(Core, TimerInterruptTakenAtCountEqualsCompare)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    // Count = 0, Compare = 100; IM7 + IE: the timer interrupt (IP7, Cause.TI) is
    // taken at the instruction boundary where Count reaches Compare. vzsim's
    // functional mode advances Count once every two executed instructions.
    m.program("mtc0 $0, $9\n addiu $2, $0, 100\n mtc0 $2, $11\n"
              "lui $3, 0x40\n ori $3, $3, 0x8001\n mtc0 $3, $12\n ehb\n"
              "1: bc 1b");
    vz_cpu_run(m.cpu, 1000);
    EXPECT_EQ(m.exccode(), 0u);
    EXPECT_TRUE(m.cp0(VZ_CP0_CAUSE) & (1u << 30));      // TI
    EXPECT_TRUE(m.cp0(VZ_CP0_CAUSE) & (1u << 15));      // IP7
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral);
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), kCode + 28);            // the loop
}

TEST(Core, WaitWithNoInterruptSourceStopsWithMessage)
{
    NEED_AS();
    Machine m;
    m.program("wait\n nop");
    EXPECT_EQ(vz_cpu_run(m.cpu, 10), VZ_STOP_ABORT);
    EXPECT_NE(std::string(vz_cpu_stop_message(m.cpu)).find("WAIT"), std::string::npos);
}

TEST(Core, SdbbpWithoutSemihostingStops)
{
    NEED_AS();
    Machine m(0);
    m.program("sdbbp 1\n nop");
    EXPECT_EQ(vz_cpu_run(m.cpu, 10), VZ_STOP_BREAK);
}

TEST(Core, UnmappedFetchRaisesTlbRefillAndLoopsOnlyToTheLimit)
{
    NEED_AS();
    Machine m;
    // kseg2 (0xffffffffc0000000) is mapped; with no TLB entry the fetch raises a
    // TLB refill (TLBL) with BadVAddr = PC; the vector itself is RAM here.
    m.handler("1: bc 1b");
    vz_cpu_set_pc(m.cpu, 0xffffffffc0000000ull);
    EXPECT_EQ(vz_cpu_run(m.cpu, 50), VZ_STOP_LIMIT);
    EXPECT_EQ(m.exccode(), 2u);
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0xffffffffc0000000ull);
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), 0xffffffffc0000000ull);
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), 0xffffffffbfc00200ull);   // BEV refill vector
}

// ---- TLB (MIPS64 PRA ch. 4 and 9) ----

// Map the even page of VPN2 0x400000 (4 KiB pages) to PA 0x200000, cacheable,
// dirty, valid, global; the odd page is invalid.
static const char *kMap4k =
    "lui $2, 0x40\n dmtc0 $2, $10\n"             // EntryHi: VPN2 of 0x400000, ASID 0
    "ori $3, $0, 0x801f\n mtc0 $3, $2\n"        // EntryLo0: PFN 0x200, C=3, D, V, G
    "ori $4, $0, 1\n mtc0 $4, $3\n"             // EntryLo1: G only (invalid)
    "mtc0 $0, $5\n mtc0 $0, $0\n tlbwi\n ehb\n"; // PageMask 4 KiB, Index 0

TEST(Tlb, MappedStoreAndLoadReachThePhysicalPage)
{
    NEED_AS();
    Machine m;
    m.program(std::string(kMap4k) +
              "lui $5, 0x40\n ori $6, $0, 0x1234\n sw $6, 8($5)\n lw $7, 8($5)\n1: bc 1b");
    vz_cpu_run(m.cpu, 30);
    uint32_t v = 0;
    ASSERT_EQ(vz_mem_read(m.mem, 0x200008, &v, 4), 0);
    EXPECT_EQ(v, 0x1234u);
    EXPECT_EQ(m.gpr(7), 0x1234u);
}

TEST(Tlb, InvalidPageRaisesTlblAtTheGeneralVector)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    m.program(std::string(kMap4k) + "lui $5, 0x40\n lw $7, 0x1000($5)\n nop");
    vz_cpu_run(m.cpu, 30);
    EXPECT_EQ(m.exccode(), 2u);                                  // TLBL
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral);                // invalid: not refill
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0x401000u);
    EXPECT_EQ(m.cp0(VZ_CP0_ENTRYHI), 0x400000u);                 // VPN2, ASID 0
}

TEST(Tlb, MissRaisesRefillAndFillsContext)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    m.program(std::string(kMap4k) + "lui $5, 0x60\n sw $0, 0($5)\n nop");
    vz_cpu_run(m.cpu, 30);
    EXPECT_EQ(m.exccode(), 3u);                                  // TLBS
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral - 0x180);        // refill, BEV
    EXPECT_EQ(m.cp0(VZ_CP0_CONTEXT) & 0x7ffff0u, (0x600000u >> 13) << 4);
    EXPECT_EQ(m.cp0(VZ_CP0_ENTRYHI), 0x600000u);
}

TEST(Tlb, StoreToCleanPageRaisesModified)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    m.program("lui $2, 0x40\n dmtc0 $2, $10\n ori $3, $0, 0x801b\n mtc0 $3, $2\n"
              "ori $4, $0, 1\n mtc0 $4, $3\n mtc0 $0, $5\n mtc0 $0, $0\n tlbwi\n ehb\n"
              "lui $5, 0x40\n lw $6, 0($5)\n sw $6, 0($5)\n nop");
    vz_cpu_run(m.cpu, 40);
    EXPECT_EQ(m.exccode(), 1u);                                  // Mod
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral);
}

TEST(Tlb, ProbeAndReadBack)
{
    NEED_AS();
    Machine m;
    m.program(std::string(kMap4k) +
              "tlbp\n ehb\n mfc0 $8, $0\n"                          // hit: Index 0
              "lui $2, 0x80\n dmtc0 $2, $10\n tlbp\n ehb\n mfc0 $9, $0\n" // miss: P set
              "mtc0 $0, $0\n tlbr\n ehb\n dmfc0 $10, $2\n dmfc0 $11, $3\n dmfc0 $12, $10\n"
              "1: bc 1b");
    vz_cpu_run(m.cpu, 60);
    EXPECT_EQ(m.gpr(8), 0u);
    EXPECT_EQ(m.gpr(9) & 0xffffffff80000000ull, 0xffffffff80000000ull);  // P (bit 31, sign-extended)
    EXPECT_EQ(m.gpr(10), 0x801fu);                               // G reported in both
    EXPECT_EQ(m.gpr(11), 0x1u);
    EXPECT_EQ(m.gpr(12), 0x400000u);
}

TEST(Tlb, XkSegMissWithKxUsesTheXtlbRefillVector)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    // Status.KX = 1 (bit 7): a miss in xkseg (VA[63:62] = 3) goes to offset 0x080
    m.program("mfc0 $2, $12\n ori $2, $2, 0x80\n mtc0 $2, $12\n ehb\n"
              "lui $3, 0xc000\n dsll32 $3, $3, 0\n lw $4, 0($3)\n nop");
    vz_cpu_run(m.cpu, 20);
    EXPECT_EQ(m.exccode(), 2u);
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral - 0x100);
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0xc000000000000000ull);
}

TEST(Tlb, UserModeCannotReachKseg0)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    // map the code page into useg for the user-mode part, then drop to user mode
    // with ERET (KSU = 2, EXL = 1 -> 0) and load from kseg0: AdEL
    m.program(std::string(kMap4k) +
              "lui $2, 0x40\n dmtc0 $2, $14\n"                       // EPC = 0x400000
              "mfc0 $3, $12\n ori $3, $3, 0x12\n mtc0 $3, $12\n ehb\n"   // KSU=2, EXL=1
              "eret\n");
    // user code at PA 0x200000 (VA 0x400000): lw from kseg0
    m.load(0xffffffff80200000ull, assemble("lui $5, 0x8000\n lw $6, 0($5)\n nop",
                                           0x400000ull));
    vz_cpu_run(m.cpu, 30);
    EXPECT_EQ(m.exccode(), 4u);                                  // AdEL
    EXPECT_EQ(m.cp0(VZ_CP0_EPC), 0x400004u);
    EXPECT_EQ(m.cp0(VZ_CP0_BADVADDR), 0xffffffff80000000ull);
}

TEST(Core, ExternalInterruptLineIsTakenWhenUnmasked)
{
    NEED_AS();
    Machine m;
    m.handler("1: bc 1b");
    // IM2 (bit 10) + IE; raise line IP2 from outside the core
    m.program("ori $3, $0, 0x401\n lui $4, 0x40\n or $3, $3, $4\n mtc0 $3, $12\n ehb\n1: bc 1b");
    vz_cpu_run(m.cpu, 10);
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kCode + 20);                  // still looping
    vz_cpu_set_irq(m.cpu, 2, 1);
    vz_cpu_run(m.cpu, 3);
    EXPECT_EQ(m.exccode(), 0u);
    EXPECT_TRUE(m.cp0(VZ_CP0_CAUSE) & (1u << 10));
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kBevGeneral);
}

static int host_add(vz_cpu *c, void *opaque)
{
    int *calls = static_cast<int *>(opaque);
    (*calls)++;
    vz_cpu_set_gpr(c, 2, vz_cpu_get_gpr(c, 4) + vz_cpu_get_gpr(c, 5));   // v0 = a0 + a1
    vz_cpu_set_pc(c, vz_cpu_get_gpr(c, 31));                             // return
    return *calls >= 2;                                                  // 2nd call stops
}

TEST(Core, HostCallRunsNativeCodeAtItsAddress)
{
    NEED_AS();
    Machine m;
    int calls = 0;
    ASSERT_EQ(vz_cpu_add_hostcall(m.cpu, 0x8000, host_add, &calls), 0);
    m.program("addiu $4, $0, 40\n addiu $5, $0, 2\n"
              "lui $25, 0x8000\n ori $25, $25, 0x8000\n"
              "jalr $25\n nop\n"
              "move $16, $2\n"
              "jalr $25\n nop\n"
              "1: bc 1b");
    EXPECT_EQ(vz_cpu_run(m.cpu, 100), VZ_STOP_HOSTCALL);
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(m.gpr(16), 42u);
    EXPECT_EQ(vz_cpu_get_pc(m.cpu), kCode + 36);          // returned to after the 2nd call
    EXPECT_EQ(vz_cpu_insns(m.cpu), 9u);                    // host calls are not counted
}

TEST(Core, TwoCoresInOneProcessAreIndependent)
{
    NEED_AS();
    Machine a, b;
    a.program("addiu $2, $0, 11\n1: bc 1b");
    b.program("addiu $2, $0, 22\n addiu $3, $0, 33\n1: bc 1b");
    vz_cpu_run(a.cpu, 10);
    vz_cpu_run(b.cpu, 10);
    EXPECT_EQ(a.gpr(2), 11u);
    EXPECT_EQ(a.gpr(3), 0u);
    EXPECT_EQ(b.gpr(2), 22u);
    EXPECT_EQ(b.gpr(3), 33u);
}

TEST(Core, SparseRamTouchesHostMemoryOnlyWhenUsed)
{
    vz_mem *m = vz_mem_create();
    ASSERT_EQ(vz_mem_add_ram(m, 0x80000000ull, 1ull << 30, "ddr"), 0);
    EXPECT_EQ(vz_mem_allocated_bytes(m), 0u);
    uint64_t v = 0x1122334455667788ull;
    ASSERT_EQ(vz_mem_store(m, 0x80000000ull + (900ull << 20), 8, v), 0);
    EXPECT_EQ(vz_mem_allocated_bytes(m), (uint64_t)VZ_MEM_CHUNK);
    vz_mem_destroy(m);
}

TEST(Core, ZeroRegisterStaysZero)
{
    NEED_AS();
    Machine m;
    m.program("addiu $0, $0, 5\n lui $0, 0x1234\n1: bc 1b");
    vz_cpu_run(m.cpu, 3);
    EXPECT_EQ(m.gpr(0), 0u);
}

}  // namespace
