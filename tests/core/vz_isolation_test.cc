// tests/core/vz_isolation_test.cc - isolation under randomness (issue "The
// Virtualization Module", evidence 2). For fixed seeds, a guest runs thousands of
// random instruction words drawn from every class of the instruction table,
// privileged ones included, under random GuestCtl0 controls, with a root handler
// that skips the exiting instruction and re-enters. Checked invariants:
//  * every guest data access lands inside the guest-physical window root mapped
//    for GuestID 1 (RPA [0x4000000, 0x6000000)) - vz-facts §6.1;
//  * root memory outside that window (root code, vectors, sentinels) is unchanged;
//  * root CP0 registers that an exit does not define are unchanged, and so is the
//    root TLB - §3.2 (guest CP0 context separate), §6.2;
//  * the core leaves guest mode only into a root exception vector - §1.1, §1.4.
#include "tests/core/machine.h"

#include <random>

#include "sim/isa/isa.h"

using namespace vzsim_test;

namespace {

constexpr uint64_t kWinLo = 0x4000000, kWinHi = 0x6000000;
const uint64_t kSentinels[] = {0x100000, 0x3fff000, 0x6000000, 0x10000000, 0x1f000000};

struct Obs {
    bool prev_guest = false;
    uint64_t bad_accesses = 0, bad_transitions = 0, guest_insns = 0, exits = 0;
    uint64_t first_bad_pc = 0, first_bad_pa = 0;
};

void on_retire(void *o, const vz_retire_info *ri)
{
    Obs *s = static_cast<Obs *>(o);
    if (s->prev_guest && !ri->guest) {
        // first root instruction after guest mode: must be at a root vector
        s->exits++;
        uint64_t off = ri->pc - 0xffffffffbfc00200ull;
        if (!(off == 0 || off == 0x80 || off == 0x180 || off == 0x200)) {
            s->bad_transitions++;
        }
    }
    if (ri->guest) {
        s->guest_insns++;
        if (ri->mem_size && ri->exception < 0 &&
            (ri->mem_pa < kWinLo || ri->mem_pa + ri->mem_size > kWinHi)) {
            if (!s->bad_accesses) {
                s->first_bad_pc = ri->pc;
                s->first_bad_pa = ri->mem_pa;
            }
            s->bad_accesses++;
        }
    }
    s->prev_guest = ri->guest;
}

// a random word of a random table row (implemented, removed or unimplemented)
uint32_t random_word(std::mt19937_64 &rng)
{
    for (;;) {
        unsigned id = 1 + (unsigned)(rng() % (VZ_I_COUNT - 1));
        const vz_insn_info *r = &vz_insn_table[id];
        if (r->flags & VZ_F_ALIAS)
            continue;
        uint32_t w = r->match | ((uint32_t)rng() & ~r->mask);
        if (vz_decode(w) == (vz_insn_id)id)
            return w;
    }
}

const char *kRootProgram =
    "lui $2, 0x1\n ori $2, $2, 1\n mtc0 $2, $10, 4\n"          // RID = ID = 1
    "dmtc0 $0, $10\n"
    "lui $3, 0x1ff\n ori $3, $3, 0xe000\n mtc0 $3, $5\n"      // 16 MiB pages
    "lui $4, 0x10\n ori $4, $4, 0x1f\n mtc0 $4, $2\n"         // GPA 0 -> RPA 0x4000000
    "lui $4, 0x14\n ori $4, $4, 0x1f\n mtc0 $4, $3\n"         // GPA 16M -> RPA 0x5000000
    "mtc0 $0, $0\n tlbwi\n mtc0 $0, $5\n ehb\n"
    "mtgc0 $0, $12, 0\n"                                       // guest Status: kernel, BEV=0
    "lui $5, 0x8010\n dmtc0 $5, $14\n"                         // EPC = GVA 0xffffffff80100000
    "mfc0 $8, $12\n ori $8, $8, 2\n mtc0 $8, $12\n ehb\n"     // Root.EXL
    "mtc0 $6, $12, 6\n ehb\n"                                  // GuestCtl0 from the test
    "eret\n";

// skip the exiting/faulting instruction and return (GM stays set: §1.1)
const char *kSkip = "dmfc0 $26, $14\n daddiu $26, $26, 4\n dmtc0 $26, $14\n ehb\n eret\n";

TEST(VzIsolation, RandomGuestsStayInsideTheirWorld)
{
    NEED_AS();
    std::vector<uint32_t> skip_root = assemble(kSkip, 0xffffffffbfc00200ull);
    std::vector<uint32_t> skip_guest = assemble(kSkip, 0xffffffff80000000ull);
    std::vector<uint32_t> root = assemble(kRootProgram, 0xffffffff80001000ull);
    ASSERT_FALSE(skip_root.empty() || skip_guest.empty() || root.empty());
    uint64_t total_guest = 0, total_exits = 0;
    const int kPrograms = 40;
    for (int seed = 1; seed <= kPrograms; seed++) {
        Machine m;
        std::mt19937_64 rng((uint64_t)seed * 0x9e3779b97f4a7c15ull);
        for (uint64_t v : {0x200ull, 0x280ull, 0x380ull, 0x400ull})
            m.load(0xffffffffbfc00000ull + v, skip_root);
        m.load(0xffffffff80001000ull, root);
        // guest vectors at GPA 0 (guest EBase default), guest code at GPA 0x100000
        for (uint64_t v : {0x0ull, 0x80ull, 0x180ull, 0x200ull}) {
            ASSERT_EQ(vz_mem_write(m.mem, kWinLo + v, skip_guest.data(), skip_guest.size() * 4), 0);
        }
        std::vector<uint32_t> code(3000);
        for (auto &w : code)
            w = random_word(rng);
        ASSERT_EQ(vz_mem_write(m.mem, kWinLo + 0x100000, code.data(), code.size() * 4), 0);
        for (uint64_t pa : kSentinels) {
            uint64_t pat = 0x5a5a000000000000ull | pa;
            ASSERT_EQ(vz_mem_write(m.mem, pa, &pat, 8), 0);
        }
        // GuestCtl0: GM | CP0 | AT=3 plus random RI, MC, GT, CG, CF
        uint32_t gc0 = (1u << 31) | (1u << 28) | (3u << 26);
        uint32_t opt = (uint32_t)rng();
        gc0 |= opt & ((1u << 30) | (1u << 29) | (1u << 25) | (1u << 24) | (1u << 23));
        vz_cpu_set_gpr(m.cpu, 6, (uint64_t)(int64_t)(int32_t)gc0);
        vz_cpu_set_pc(m.cpu, 0xffffffff80001000ull);

        // run the root prologue into the guest, then snapshot root state
        Obs obs;
        vz_cpu_set_retire_observer(m.cpu, on_retire, &obs);
        vz_cpu_run(m.cpu, 27);   // the 27 instructions of kRootProgram
        ASSERT_TRUE(vz_cpu_in_guest(m.cpu)) << "seed " << seed;
        const vz_cp0_id stable[] = {VZ_CP0_EBASE, VZ_CP0_GUESTCTL1, VZ_CP0_GUESTCTL2,
                                    VZ_CP0_GTOFFSET, VZ_CP0_COMPARE, VZ_CP0_INDEX,
                                    VZ_CP0_ENTRYLO0, VZ_CP0_ENTRYLO1, VZ_CP0_PAGEMASK,
                                    VZ_CP0_WIRED, VZ_CP0_USERLOCAL, VZ_CP0_HWRENA,
                                    VZ_CP0_INTCTL, VZ_CP0_KSCRATCH1, VZ_CP0_PAGEGRAIN};
        std::vector<uint64_t> before;
        for (auto id : stable)
            before.push_back(m.cp0(id));
        uint64_t status_before = m.cp0(VZ_CP0_STATUS) & ~2ull;
        uint64_t gc0_before = m.cp0(VZ_CP0_GUESTCTL0) & ~0x7cull;
        std::vector<uint64_t> tlb_before;
        for (unsigned i = 0; i < 64; i++) {
            uint64_t hi, pm, l0, l1;
            unsigned gid;
            ASSERT_EQ(vz_cpu_read_tlb(m.cpu, 0, i, &hi, &pm, &l0, &l1, &gid), 0);
            tlb_before.insert(tlb_before.end(), {hi, pm, l0, l1, gid});
        }

        vz_cpu_run(m.cpu, 20000);

        EXPECT_EQ(obs.bad_accesses, 0u) << "seed " << seed << ": guest access at pc 0x"
                                        << std::hex << obs.first_bad_pc << " to PA 0x"
                                        << obs.first_bad_pa;
        EXPECT_EQ(obs.bad_transitions, 0u) << "seed " << seed;
        for (size_t i = 0; i < sizeof stable / sizeof stable[0]; i++)
            EXPECT_EQ(m.cp0(stable[i]), before[i]) << "seed " << seed << " CP0 #" << stable[i];
        EXPECT_EQ(m.cp0(VZ_CP0_STATUS) & ~2ull, status_before) << "seed " << seed;
        EXPECT_EQ(m.cp0(VZ_CP0_GUESTCTL0) & ~0x7cull, gc0_before) << "seed " << seed;
        size_t k = 0;
        for (unsigned i = 0; i < 64; i++) {
            uint64_t hi, pm, l0, l1;
            unsigned gid;
            vz_cpu_read_tlb(m.cpu, 0, i, &hi, &pm, &l0, &l1, &gid);
            for (uint64_t v : {hi, pm, l0, l1, (uint64_t)gid})
                EXPECT_EQ(v, tlb_before[k++]) << "seed " << seed << " root TLB entry " << i;
        }
        for (uint64_t pa : kSentinels) {
            uint64_t v = 0;
            vz_mem_read(m.mem, pa, &v, 8);
            EXPECT_EQ(v, 0x5a5a000000000000ull | pa) << "seed " << seed;
        }
        std::vector<uint32_t> r2(root.size());
        vz_mem_read(m.mem, 0x1000, r2.data(), r2.size() * 4);
        EXPECT_EQ(r2, root) << "seed " << seed;
        total_guest += obs.guest_insns;
        total_exits += obs.exits;
    }
    // the programs really ran in guest mode and really exited
    EXPECT_GE(total_guest, (uint64_t)kPrograms * 10000u);
    EXPECT_GE(total_exits, (uint64_t)kPrograms * 10u);
    RecordProperty("guest_instructions", std::to_string(total_guest));
    RecordProperty("exits", std::to_string(total_exits));
    printf("isolation: %d programs, %llu guest instructions, %llu exits\n", kPrograms,
           (unsigned long long)total_guest, (unsigned long long)total_exits);
}

}  // namespace
