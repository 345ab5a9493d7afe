// tests/hventry/hv_entry_test.cc - the generated entry/exit code and the embedded
// hypervisor on the simulated core: round-trip instruction counts equal what the
// generated listing says, guest state survives every kind of exit, scenarios
// cause the exits they claim, and a misbehaving guest ends with a clear report.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "hv/entry/host.h"
#include "sim/isa/isa.h"
#include "sim/mem/boston.h"
#include "tests/common/gnu_as.h"

using vzsim_test::assemble;

namespace {

constexpr uint64_t kGuestEntry = 0xffffffff80010000ull;   // guest kseg0, GPA 0x10000

struct Hyp {
    vz_mem *mem = nullptr;
    vz_cpu *cpu = nullptr;
    vz_hv *hv = nullptr;
    FILE *con = nullptr;
    Hyp()
    {
        char err[256];
        mem = vz_mem_create();
        EXPECT_EQ(vz_boston_map(mem, 0, err, sizeof err), 0);
        vz_cpu_config cfg{};
        cpu = vz_cpu_create(mem, &cfg);
        con = tmpfile();
        vz_hv_config h{};
        h.guest_ram = 16 << 20;
        h.console = con;
        h.guest_id = 1;
        h.max_exits = 100000;
        hv = vz_hv_create(mem, cpu, &h, err, sizeof err);
        EXPECT_NE(hv, nullptr) << err;
    }
    ~Hyp()
    {
        vz_hv_destroy(hv);
        vz_cpu_destroy(cpu);
        vz_mem_destroy(mem);
        if (con)
            fclose(con);
    }
    void guest(const std::string &src)
    {
        auto w = assemble(src, kGuestEntry);
        ASSERT_FALSE(w.empty());
        ASSERT_EQ(vz_hv_load_words(hv, kGuestEntry & 0x1fffffff, w.data(), w.size(), kGuestEntry), 0);
    }
};

#define NEED_AS()                                                           \
    do {                                                                    \
        if (!vzsim_test::have_cross_binutils())                             \
            GTEST_SKIP() << "cross binutils missing: run scripts/setup.sh"; \
    } while (0)

// ---- instruction accounting through the retire observer ----
struct Trace {
    std::vector<vz_retire_info> r;
};
void record(void *o, const vz_retire_info *ri) { static_cast<Trace *>(o)->r.push_back(*ri); }

TEST(HvEntry, HypercallRoundTripMatchesTheListing)
{
    NEED_AS();
    Hyp h;
    // two hypercalls: the first maps the guest's page (GPA fault on fetch happens
    // before it), the second is the measured round trip; then exit
    h.guest("hypcall\n nop\n hypcall\n nop\n addiu $2, $0, 3\n hypcall\n nop");
    Trace t;
    vz_cpu_set_retire_observer(h.cpu, record, &t);
    ASSERT_EQ(vz_hv_run(h.hv, 100000), VZ_HV_EXITED) << vz_hv_message(h.hv);
    EXPECT_EQ(vz_hv_exits(h.hv, VZ_EXIT_HYPERCALL), 3u);

    // The listing: exit path = the HYPCALL + the general vector code (to its branch delay
    // slot) + exit_common up to the delay slot of the JALR that calls the handler.
    const vz_entry_layout *l = vz_hv_layout(h.hv);
    std::vector<uint32_t> block(VZ_ENTRY_BLOCK_SIZE / 4);
    ASSERT_EQ(vz_mem_read(h.mem, VZ_HV_BLOCK_PA, block.data(), VZ_ENTRY_BLOCK_SIZE), 0);
    auto word = [&](uint64_t a) { return block[(a - l->base) / 4]; };
    uint64_t a = l->general;
    while (!(vz_insn_table[vz_decode(word(a))].flags & VZ_F_DS))
        a += 4;
    uint64_t vec = (a + 8 - l->general) / 4;
    a = l->exit;
    while (vz_decode(word(a)) != VZ_I_JALR)
        a += 4;
    uint64_t exit_words = (a + 8 - l->exit) / 4;
    // re-entry = ret_from_exit .. ERET of the inline enter_guest, then the first
    // guest instruction (the NOP after the HYPCALL)
    a = l->ret_from_exit;
    while (vz_decode(word(a)) != VZ_I_ERET)
        a += 4;
    uint64_t reentry_words = (a + 4 - l->ret_from_exit) / 4 + 1;

    // measure the second hypercall from the trace
    int seen = 0;
    size_t c0 = 0, hc = 0, back = 0;
    for (size_t i = 0; i < t.r.size(); i++) {
        if (t.r[i].guest && t.r[i].exception == VZ_EXC_GE && ++seen == 2)
            c0 = i;
        if (seen == 2 && !hc && t.r[i].exception == -2)
            hc = i;
        if (hc && i > hc && t.r[i].guest) {
            back = i;
            break;
        }
    }
    ASSERT_TRUE(c0 && hc && back);
    EXPECT_EQ(hc - c0, 1 + vec + exit_words);      // host call records are not instructions
    EXPECT_EQ(back - hc, reentry_words);
    RecordProperty("exit_path_instructions", std::to_string(hc - c0));
    RecordProperty("reentry_instructions", std::to_string(back - hc));
}

// ---- state preservation across every kind of exit ----
struct Snap {
    bool armed = false;
    uint64_t gpr[32];
    uint64_t gcp0[8];
    unsigned skip = 0;            // register the handler writes by design
    uint64_t compared = 0, mismatches = 0;
    vz_cpu *cpu = nullptr;
};

const vz_cp0_id kGuestRegs[8] = {VZ_CP0_STATUS, VZ_CP0_EPC, VZ_CP0_EBASE, VZ_CP0_ENTRYHI,
                                 VZ_CP0_KSCRATCH1, VZ_CP0_USERLOCAL, VZ_CP0_CONTEXT,
                                 VZ_CP0_PAGEMASK};

void snap_retire(void *o, const vz_retire_info *ri)
{
    Snap *s = static_cast<Snap *>(o);
    if (!ri->guest || ri->exception == -2)
        return;
    if (ri->exception >= 0) {      // the guest instruction that exited (or refilled)
        for (unsigned r = 0; r < 32; r++)
            s->gpr[r] = vz_cpu_get_gpr(s->cpu, r);
        for (int k = 0; k < 8; k++)
            s->gcp0[k] = vz_cpu_get_guest_cp0(s->cpu, kGuestRegs[k]);
        uint32_t w = ri->word;
        vz_insn_id id = vz_decode(w);
        s->skip = id == VZ_I_HYPCALL ? 2 : (id == VZ_I_MFC0 ? vz_f_rt(w) : 0);
        s->armed = true;
        return;
    }
    if (s->armed && ri->exception < 0 && vz_decode(ri->word) == VZ_I_NOP) {
        for (unsigned r = 1; r < 32; r++)
            if (r != s->skip && vz_cpu_get_gpr(s->cpu, r) != s->gpr[r])
                s->mismatches++;
        for (int k = 0; k < 8; k++)
            if (kGuestRegs[k] != VZ_CP0_EPC &&
                vz_cpu_get_guest_cp0(s->cpu, kGuestRegs[k]) != s->gcp0[k])
                s->mismatches++;
        s->compared++;
        s->armed = false;
    }
}

TEST(HvEntry, GuestStateSurvivesEveryExit)
{
    NEED_AS();
    // per round: hypercall (HC), PRId read (GPSI), Status.CU1 write (GSFC), a store
    // to a fresh page (root TLB refill fast path, then a GPA fault exit) and an MMIO
    // store; registers are random, re-randomised by the seed each program
    std::string body;
    for (int i = 0; i < 40; i++) {
        body += "hypcall\n nop\n mfc0 $3, $15, 0\n nop\n";
        body += "mfc0 $9, $12\n lui $10, 0x2000\n or $9, $9, $10\n mtc0 $9, $12\n nop\n";
        body += "lui $11, " + std::to_string(0x8040 + i) + "\n sw $0, 0($11)\n nop\n";
        body += "lui $12, 0xbf00\n sb $0, 0($12)\n nop\n";
    }
    body += "addiu $2, $0, 3\n addiu $4, $0, 0\n hypcall\n nop";
    uint64_t total = 0;
    for (int seed = 1; seed <= 25; seed++) {
        Hyp h;
        h.guest(body);
        // random guest GPRs (the program overwrites only $2..$4 and $9..$12)
        vz_vcpu v;
        ASSERT_EQ(vz_mem_read(h.mem, VZ_HV_VCPU_PA, &v, sizeof v), 0);
        std::mt19937_64 rng(seed);
        for (int r = 1; r < 32; r++)
            v.gprs[r] = rng();
        ASSERT_EQ(vz_mem_write(h.mem, VZ_HV_VCPU_PA, &v, sizeof v), 0);
        vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_KSCRATCH1, rng());
        vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_USERLOCAL, rng());
        Snap s;
        s.cpu = h.cpu;
        vz_cpu_set_retire_observer(h.cpu, snap_retire, &s);
        ASSERT_EQ(vz_hv_run(h.hv, 2000000), VZ_HV_EXITED) << vz_hv_message(h.hv);
        EXPECT_EQ(s.mismatches, 0u) << "seed " << seed;
        EXPECT_GE(s.compared, 200u) << "seed " << seed;   // 5 exit kinds x 40 rounds
        total += s.compared;
    }
    RecordProperty("exits_checked", std::to_string(total));
}

TEST(HvEntry, SpinningGuestStopsAtTheLimitWithAReport)
{
    NEED_AS();
    Hyp h;
    h.guest("1: bc 1b");
    EXPECT_EQ(vz_hv_run(h.hv, 50000), VZ_HV_LIMIT);
    EXPECT_NE(std::string(vz_hv_message(h.hv)).find("guest mode"), std::string::npos);
}

TEST(HvEntry, GuestTouchingNothingGetsAnInternalErrorReport)
{
    NEED_AS();
    Hyp h;
    // GPA 0x1e000000: beyond guest RAM and not a device
    h.guest("lui $4, 0xbe00\n lw $5, 0($4)\n nop");
    EXPECT_EQ(vz_hv_run(h.hv, 100000), VZ_HV_ERROR);
    std::string m = vz_hv_message(h.hv);
    EXPECT_NE(m.find("nothing there"), std::string::npos) << m;
    EXPECT_NE(m.find("BadVAddr 0x000000001e000000"), std::string::npos) << m;
}

}  // namespace
