// tests/hventry/hv_entry_test.cc - the generated entry/exit code and the embedded
// hypervisor on the simulated core: round-trip instruction counts equal what the
// generated listing says, guest state survives every kind of exit, scenarios
// cause the exits they claim, and a misbehaving guest ends with a clear report.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
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
    explicit Hyp(const char *mips_handler = nullptr, uint64_t max_exits = 100000)
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
        h.max_exits = max_exits;
        h.mips_handler = mips_handler;
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
//
// The observer keeps a snapshot of the guest state (all 31 GPRs and the guest CP0
// registers below) after every guest event. When root code runs after a guest
// event (an exit, or the root XTLB refill fast path), the snapshot is the state
// before the exit; at the first guest event after re-entry the state must equal
// it, except: the architected result of the exiting instruction (v0 of a
// hypercall, rt of an emulated MFC0/DMFC0/RDHWR or MMIO load), the GPR the first
// instruction after re-entry wrote itself, Cause.IP7..2/TI (driven by hardware
// and by the host's GuestCtl2.VIP injection), and, when the host injected an
// interrupt that the guest took during re-entry (Status.EXL 0 -> 1), EPC, Cause
// and Status.EXL, which the interrupt's delivery sets.
const vz_cp0_id kGuestRegs[] = {
    VZ_CP0_STATUS,    VZ_CP0_EPC,       VZ_CP0_ERROREPC,  VZ_CP0_KSCRATCH1, VZ_CP0_KSCRATCH2,
    VZ_CP0_KSCRATCH3, VZ_CP0_KSCRATCH4, VZ_CP0_KSCRATCH5, VZ_CP0_KSCRATCH6, VZ_CP0_USERLOCAL,
    VZ_CP0_ENTRYHI,   VZ_CP0_COMPARE,   VZ_CP0_CAUSE,     VZ_CP0_CONTEXT,   VZ_CP0_XCONTEXT,
    VZ_CP0_ENTRYLO0,  VZ_CP0_ENTRYLO1,  VZ_CP0_INDEX,     VZ_CP0_PAGEMASK,  VZ_CP0_WIRED,
    VZ_CP0_HWRENA,    VZ_CP0_BADVADDR,  VZ_CP0_BADINSTR,  VZ_CP0_BADINSTRP, VZ_CP0_EBASE,
    VZ_CP0_INTCTL,
};
constexpr size_t kNGuestRegs = sizeof kGuestRegs / sizeof kGuestRegs[0];

struct Sweep {
    vz_cpu *cpu = nullptr;
    vz_hv *hv = nullptr;
    bool have_snap = false, in_root = false;
    uint64_t gpr[32], cp0[kNGuestRegs];
    uint32_t word = 0;           // the last guest event's instruction
    int exc = -1;                // and its exception (>= 0: it exited or faulted)
    int reason = -1;             // the exit handler's counter bumped during the excursion
    uint64_t seen[VZ_EXIT_NREASONS] = {};
    std::map<std::string, uint64_t> compared;
    uint64_t mismatches = 0;
    std::string first;

    void snapshot(const vz_retire_info *ri)
    {
        for (unsigned r = 0; r < 32; r++)
            gpr[r] = vz_cpu_get_gpr(cpu, r);
        for (size_t k = 0; k < kNGuestRegs; k++)
            cp0[k] = vz_cpu_get_guest_cp0(cpu, kGuestRegs[k]);
        word = ri->word;
        exc = ri->exception;
        have_snap = true;
    }
    std::string kind() const
    {
        if (reason < 0)
            return "root-refill";            // the XTLB refill fast path, no handler
        if (reason != VZ_EXIT_GPSI)
            return vz_exit_reason_name((vz_exit_reason)reason);
        switch (vz_decode(word)) {
        case VZ_I_CACHE: return "gpsi-cache";
        case VZ_I_RDHWR: return "gpsi-rdhwr";
        default: return "gpsi-cp0";
        }
    }
    void check(const vz_retire_info *ri)
    {
        unsigned skip = 0, own = ri->exception < 0 ? ri->gpr_written : 0;
        if (exc >= 0) {
            vz_insn_id id = vz_decode(word);
            if (id == VZ_I_HYPCALL)
                skip = 2;
            else if (id == VZ_I_MFC0 || id == VZ_I_DMFC0 || id == VZ_I_RDHWR || id == VZ_I_LB ||
                     id == VZ_I_LBU || id == VZ_I_LH || id == VZ_I_LHU || id == VZ_I_LW ||
                     id == VZ_I_LWU || id == VZ_I_LD)
                skip = vz_f_rt(word);
        }
        std::string k = kind();
        uint64_t bad = 0;
        char what[200] = "";
        for (unsigned r = 1; r < 32; r++)
            if (r != skip && r != own && vz_cpu_get_gpr(cpu, r) != gpr[r]) {
                bad++;
                snprintf(what, sizeof what, "GPR %u: %016llx -> %016llx", r,
                         (unsigned long long)gpr[r], (unsigned long long)vz_cpu_get_gpr(cpu, r));
            }
        uint64_t st = vz_cpu_get_guest_cp0(cpu, VZ_CP0_STATUS);
        bool delivered = !(cp0[0] & 2) && (st & 2);
        for (size_t i = 0; i < kNGuestRegs; i++) {
            vz_cp0_id id = kGuestRegs[i];
            uint64_t mask = ~0ull;
            if (id == VZ_CP0_CAUSE)
                mask = delivered ? 0x300 : ~0x4000fc00ull;
            else if (id == VZ_CP0_STATUS && delivered)
                mask = ~2ull;
            else if (delivered && (id == VZ_CP0_EPC || id == VZ_CP0_BADINSTR ||
                                   id == VZ_CP0_BADINSTRP))
                mask = 0;
            uint64_t now = vz_cpu_get_guest_cp0(cpu, id);
            if ((now ^ cp0[i]) & mask) {
                bad++;
                snprintf(what, sizeof what, "guest CP0 #%d: %016llx -> %016llx", (int)id,
                         (unsigned long long)cp0[i], (unsigned long long)now);
            }
        }
        if (bad && first.empty())
            first = k + " exit at guest pc " + std::to_string(ri->pc) + ": " + what;
        mismatches += bad;
        compared[k]++;
        if (delivered)
            compared["(interrupt taken on re-entry)"]++;
    }
};

void sweep_retire(void *o, const vz_retire_info *ri)
{
    Sweep *s = static_cast<Sweep *>(o);
    if (ri->exception == -2)
        return;
    if (!ri->guest) {
        s->in_root = s->have_snap;
        return;
    }
    if (s->in_root) {
        // back in the guest: the handler's counter that moved names the exit (none:
        // the refill fast path); read here so that the cross-compiled handler's
        // counters in the vcpu count too
        for (int r = 0; r < VZ_EXIT_NREASONS; r++) {
            uint64_t v = vz_hv_exits(s->hv, (vz_exit_reason)r);
            if (v > s->seen[r])
                s->reason = r;
            s->seen[r] = v;
        }
        s->check(ri);
    }
    s->in_root = false;
    s->reason = -1;
    s->snapshot(ri);
}

// One kind of exit: the guest program's repeated body (each exiting instruction
// followed by a NOP), how many exits of the kind one repetition makes, and the
// root controls it needs.
struct ExitKind {
    const char *kind;
    const char *setup;           // once, before the repetitions
    std::string (*body)(int i);
    int exits_per_rep;
    bool interrupts;             // guest Status.IE | IM7 (WAIT, timer)
    bool no_cache_grant;         // GuestCtl0.CG = GuestCtl0Ext.CGI = 0: CACHE exits
    bool mode_trace;             // GuestCtl0.MC = 1: GHFC
};

// The guest's general exception vector (EBase + 0x180; interrupts too, IV = 0):
// acknowledge the soft timer (a Compare write: GPSI), skip the instruction at
// EPC and return. It uses k0 only, as a guest handler may.
const char *kGuestVector =
    "nop\n mtc0 $0, $11\n nop\n dmfc0 $26, $14\n daddiu $26, $26, 4\n dmtc0 $26, $14\n"
    " ehb\n eret\n";
constexpr uint64_t kGuestEBase = 0xffffffff80020000ull;

const ExitKind kKinds[] = {
    {"hypercall", "", [](int) { return std::string("addiu $2, $0, 0\n hypcall\n nop\n"); }, 1, false, false, false},
    {"gpsi-cp0", "",   // PRId read and write, SRSCtl read, Count read (GT = 0)
     [](int) {
         return std::string("mfc0 $3, $15, 0\n nop\n mtc0 $7, $15, 0\n nop\n"
                            "mfc0 $5, $12, 2\n nop\n dmfc0 $6, $9\n nop\n");
     }, 4, false, false, false},
    {"gpsi-cache", "lui $9, 0x8001\n",   // hit-type and index-type on the guest's code
     [](int) { return std::string("cache 0x15, 0($9)\n nop\n cache 0x01, 0($9)\n nop\n"); },
     2, false, true, false},
    {"gpsi-rdhwr", "", [](int) { return std::string("rdhwr $3, $2\n nop\n"); }, 1, false, false, false},
    {"wait", "",   // arm the soft timer far ahead, sleep: the host jumps time to it
     [](int) {
         return std::string("dmfc0 $8, $9\n daddiu $8, $8, 2000\n mtc0 $8, $11\n nop\n"
                            "wait\n nop\n nop\n");
     }, 1, true, false, false},
    {"gsfc", "", [](int) {
         return std::string("mfc0 $9, $12\n lui $10, 0x2000\n or $9, $9, $10\n mtc0 $9, $12\n"
                            "nop\n");
     }, 1, false, false, false},
    {"ghfc", "", [](int) { return std::string("syscall\n nop\n"); }, 2, false, false, true},
    {"gpa-fault", "",   // a fresh guest page pair each time: lazy mapping
     [](int i) {
         uint32_t a = 0x80200000u + 0x2000u * (uint32_t)i;
         return "lui $11, " + std::to_string(a >> 16) + "\n ori $11, $11, " +
                std::to_string(a & 0xffff) + "\n sw $0, 0($11)\n nop\n";
     }, 1, false, false, false},
    {"mmio", "",   // a console store (RESUME_HOST) and a load (emulated)
     [](int) { return std::string("lui $12, 0xbf00\n sb $13, 0($12)\n nop\n lb $14, 0($12)\n nop\n"); },
     2, false, false, false},
    {"interrupt", "",   // arm the soft timer and spin: the root timer interrupts the loop
     [](int) {
         return std::string("dmfc0 $8, $9\n daddiu $8, $8, 300\n mtc0 $8, $11\n nop\n"
                            "1: bc 1b\n nop\n");
     }, 1, true, false, false},
};

// The handler modes the sweep and the scenario parity test run under: the native
// handler (a host call) and, with the guest toolchain, the cross-compiled one.
std::vector<const char *> handler_modes()
{
#ifdef VZSIM_SCENARIO_DIR
    return {nullptr, VZSIM_SCENARIO_DIR "/hv_handler.elf"};
#else
    return {nullptr};
#endif
}

TEST(HvEntry, GuestStateSurvivesEveryExitKind)
{
    NEED_AS();
    for (const char *mips : handler_modes()) {
    SCOPED_TRACE(mips ? "cross-compiled handler" : "native handler");
    // 3 seeds x ceil(1000 / 3 / exits per repetition) repetitions: >= 1,000 exits of
    // every kind, each with random guest GPRs and guest CP0 state
    constexpr int kSeeds = 3;
    auto vector = assemble(kGuestVector, kGuestEBase + 0x180);
    ASSERT_FALSE(vector.empty());
    std::map<std::string, uint64_t> total;
    for (const ExitKind &k : kKinds) {
        int reps = (1000 + kSeeds * k.exits_per_rep - 1) / (kSeeds * k.exits_per_rep);
        std::string body = k.setup;
        for (int i = 0; i < reps; i++)
            body += k.body(i);
        body += "addiu $2, $0, 3\n addiu $4, $0, 0\n hypcall\n nop\n";
        auto words = assemble(body, kGuestEntry);
        ASSERT_FALSE(words.empty()) << k.kind;
        for (int seed = 1; seed <= kSeeds; seed++) {
            SCOPED_TRACE(std::string(k.kind) + " seed " + std::to_string(seed));
            Hyp h(mips);
            ASSERT_EQ(vz_hv_load_words(h.hv, (kGuestEBase + 0x180) & 0x1fffffff, vector.data(),
                                       vector.size(), kGuestEntry), 0);
            ASSERT_EQ(vz_hv_load_words(h.hv, kGuestEntry & 0x1fffffff, words.data(), words.size(),
                                       kGuestEntry), 0);
            std::mt19937_64 rng(seed * 1000 + (&k - kKinds));
            vz_vcpu v;
            ASSERT_EQ(vz_mem_read(h.mem, VZ_HV_VCPU_PA, &v, sizeof v), 0);
            for (int r = 1; r < 32; r++)        // all 31, k0/k1, at, gp, sp, ra included
                v.gprs[r] = rng();
            ASSERT_EQ(vz_mem_write(h.mem, VZ_HV_VCPU_PA, &v, sizeof v), 0);
            // guest CP0 a kernel may hold: kernel mode (KSU = EXL = ERL = BEV = 0),
            // random KX/SX/UX, IM6..2, CU0 and software interrupt bits (IM1..0 = 0
            // so they stay pending only); the timer well away from the guest count
            uint64_t st = rng() & 0x10007ce0ull;
            if (k.interrupts)
                st |= 0x8001;
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_STATUS, st);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_EBASE, kGuestEBase);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_CAUSE, rng() & 0x300);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_COMPARE, (rng() & 0xffffffffu) | 0x80000000u);
            for (vz_cp0_id id : {VZ_CP0_EPC, VZ_CP0_ERROREPC, VZ_CP0_KSCRATCH1,
                                 VZ_CP0_KSCRATCH2, VZ_CP0_KSCRATCH3, VZ_CP0_KSCRATCH4,
                                 VZ_CP0_KSCRATCH5, VZ_CP0_KSCRATCH6, VZ_CP0_USERLOCAL,
                                 VZ_CP0_BADVADDR})
                vz_cpu_set_guest_cp0(h.cpu, id, rng());
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_ENTRYHI, rng() & 0xc00000ffffffe0ffull);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_CONTEXT, rng() & 0xffffffffff800000ull);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_XCONTEXT, rng() & 0xfffffe0000000000ull);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_ENTRYLO0, rng() & 0x3ffffffffull);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_ENTRYLO1, rng() & 0x3ffffffffull);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_INDEX, rng() & 0x3f);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_WIRED, rng() & 0x7);
            vz_cpu_set_guest_cp0(h.cpu, VZ_CP0_HWRENA, rng() & 0x2000000f);
            if (k.no_cache_grant) {
                vz_cpu_set_cp0(h.cpu, VZ_CP0_GUESTCTL0,
                               vz_cpu_get_cp0(h.cpu, VZ_CP0_GUESTCTL0) & ~(uint64_t)(1u << 24));
                vz_cpu_set_cp0(h.cpu, VZ_CP0_GUESTCTL0EXT, 0);
            }
            if (k.mode_trace)
                vz_cpu_set_cp0(h.cpu, VZ_CP0_GUESTCTL0,
                               vz_cpu_get_cp0(h.cpu, VZ_CP0_GUESTCTL0) | (1u << 29));
            Sweep s;
            s.cpu = h.cpu;
            s.hv = h.hv;
            vz_cpu_set_retire_observer(h.cpu, sweep_retire, &s);
            ASSERT_EQ(vz_hv_run(h.hv, 20000000), VZ_HV_EXITED) << vz_hv_message(h.hv);
            EXPECT_EQ(s.mismatches, 0u) << s.first;
            for (auto &[name, n] : s.compared)
                total[name] += n;
        }
    }
    std::string counts;
    for (auto &[name, n] : total)
        counts += name + "=" + std::to_string(n) + " ";
    for (const ExitKind &k : kKinds)
        EXPECT_GE(total[k.kind], 1000u) << k.kind << "; checked: " << counts;
    EXPECT_GE(total["root-refill"], 1000u) << counts;
    EXPECT_GE(total["(interrupt taken on re-entry)"], 2000u) << counts;   // wait + interrupt
    RecordProperty(mips ? "exits_checked_mips" : "exits_checked", counts);
    }
}

// ---- the scenario guests cause exactly the exits their programs imply ----
#ifdef VZSIM_SCENARIO_DIR
struct ScenarioRun {
    uint64_t exits[VZ_EXIT_NREASONS];
    std::string console;
    int status;
    uint64_t handler_insns;      // root instructions of the cross-compiled handler
    uint64_t root_insns;         // all root instructions outside it
};

struct HandlerCount {
    uint64_t lo = 0, hi = 0, in = 0, out = 0;
};
void count_handler(void *o, const vz_retire_info *ri)
{
    HandlerCount *c = static_cast<HandlerCount *>(o);
    if (ri->guest || ri->exception == -2)
        return;
    if (ri->pc >= c->lo && ri->pc < c->hi)
        c->in++;
    else
        c->out++;
}

ScenarioRun run_scenario(const char *name, const char *mips = nullptr)
{
    ScenarioRun out{};
    Hyp h(mips);
    HandlerCount hc;
    vz_hv_handler_range(h.hv, &hc.lo, &hc.hi);
    vz_cpu_set_retire_observer(h.cpu, count_handler, &hc);
    char err[512];
    std::string elf = std::string(VZSIM_SCENARIO_DIR) + "/scenario_" + name + ".elf";
    EXPECT_EQ(vz_hv_load_guest(h.hv, elf.c_str(), err, sizeof err), 0) << err;
    EXPECT_EQ(vz_hv_run(h.hv, 50000000), VZ_HV_EXITED) << vz_hv_message(h.hv);
    EXPECT_EQ(vz_hv_exit_status(h.hv), 0) << name;
    out.status = vz_hv_exit_status(h.hv);
    out.handler_insns = hc.in;
    out.root_insns = hc.out;
    for (int r = 0; r < VZ_EXIT_NREASONS; r++)
        out.exits[r] = vz_hv_exits(h.hv, (vz_exit_reason)r);
    char buf[512] = "";
    rewind(h.con);
    size_t n = fread(buf, 1, sizeof buf - 1, h.con);
    out.console.assign(buf, n);
    return out;
}

// N = 100 (ITERATIONS in guests/vz/scenarios.c). Every scenario also makes 2
// hypercalls of its own at the end (one printf = one WRITE, the EXIT from main's
// return) and GPA faults for the pages of its image (not counted here).
TEST(HvEntry, GhfcScenarioExitsTwicePerSystemCall)
{
    ScenarioRun r = run_scenario("ghfc");
    // SYSCALL entry (Status.EXL set) and the handler's ERET (EXL cleared) under
    // GuestCtl0.MC: 2 x 100; hypercalls: TRACE_MODE on, off, the line, the exit
    EXPECT_EQ(r.exits[VZ_EXIT_GHFC], 200u);
    EXPECT_EQ(r.exits[VZ_EXIT_HYPERCALL], 4u);
    EXPECT_EQ(r.exits[VZ_EXIT_GPSI], 0u);
    EXPECT_EQ(r.exits[VZ_EXIT_INTERRUPT], 0u);
    EXPECT_EQ(r.exits[VZ_EXIT_OTHER], 0u);
    EXPECT_EQ(r.console, "ghfc: 100 system calls under GuestCtl0.MC\n");
}

TEST(HvEntry, WaitScenarioSleepsOncePerTick)
{
    ScenarioRun r = run_scenario("wait");
    // per tick: WAIT (1 wait exit); Count read + Compare write before it and the
    // same two in the interrupt handler (4 GPSI); the deadline is met by WAIT, so
    // the root timer never interrupts
    EXPECT_EQ(r.exits[VZ_EXIT_WAIT], 100u);
    EXPECT_EQ(r.exits[VZ_EXIT_GPSI], 400u);
    EXPECT_EQ(r.exits[VZ_EXIT_INTERRUPT], 0u);
    EXPECT_EQ(r.exits[VZ_EXIT_HYPERCALL], 2u);
    EXPECT_EQ(r.console, "wait: 100 timer interrupts taken by the guest\n");
}

TEST(HvEntry, TimerScenarioIsInterruptedWhileRunning)
{
    ScenarioRun r = run_scenario("timer");
    // per tick: one root timer interrupt exit; Count read + Compare write to arm,
    // Compare read + write back in the handler (4 GPSI); no WAIT
    EXPECT_EQ(r.exits[VZ_EXIT_INTERRUPT], 100u);
    EXPECT_EQ(r.exits[VZ_EXIT_GPSI], 400u);
    EXPECT_EQ(r.exits[VZ_EXIT_WAIT], 0u);
    EXPECT_EQ(r.exits[VZ_EXIT_HYPERCALL], 2u);
    EXPECT_NE(r.console.find("timer: 100 timer interrupts taken while running"),
              std::string::npos) << r.console;
}

// The cross-compiled handler (hv/handler/handler.c) against the native one: the
// guest sees the same (console, exit status), the host counts the same exits by
// reason, the generated code runs the same number of instructions outside the
// handler except the handler's own call-and-return, and the handler's
// instructions are executed on the core.
TEST(HvEntry, CrossCompiledHandlerMatchesTheNativeOne)
{
    const char *mips = VZSIM_SCENARIO_DIR "/hv_handler.elf";
    for (const char *name : {"hypercall", "gpsi", "gsfc", "ghfc", "gpafault", "mmio", "wait",
                             "timer", "tlbmiss"}) {
        SCOPED_TRACE(name);
        ScenarioRun n = run_scenario(name), m = run_scenario(name, mips);
        for (int r = 0; r < VZ_EXIT_NREASONS; r++)
            EXPECT_EQ(n.exits[r], m.exits[r]) << vz_exit_reason_name((vz_exit_reason)r);
        // (the timer guest prints how long it spun: the handler's instructions
        // take time too, so only the part before that is the same)
        EXPECT_EQ(n.console.substr(0, n.console.find(" (at least")),
                  m.console.substr(0, m.console.find(" (at least")));
        EXPECT_EQ(n.status, m.status);
        EXPECT_EQ(n.handler_insns, 0u);
        uint64_t total = 0;
        for (int r = 0; r < VZ_EXIT_NREASONS; r++)
            total += m.exits[r];
        // every exit runs at least the dispatch (a few instructions) in the handler
        EXPECT_GE(m.handler_insns, 5 * total);
        EXPECT_EQ(n.root_insns, m.root_insns);      // the generated code is the same
    }
}

// The exit limit holds with exits the cross-compiled handler serves itself: the run
// stops at the same exit as with the native handler.
TEST(HvEntry, CrossCompiledHandlerKeepsTheExitLimit)
{
    uint64_t exits[2][VZ_EXIT_NREASONS];
    const char *modes[2] = {nullptr, VZSIM_SCENARIO_DIR "/hv_handler.elf"};
    for (int m = 0; m < 2; m++) {
        Hyp h(modes[m], 50);
        char err[512];
        std::string elf = std::string(VZSIM_SCENARIO_DIR) + "/scenario_hypercall.elf";
        ASSERT_EQ(vz_hv_load_guest(h.hv, elf.c_str(), err, sizeof err), 0) << err;
        EXPECT_EQ(vz_hv_run(h.hv, 50000000), VZ_HV_LIMIT);
        EXPECT_EQ(vz_hv_total_exits(h.hv), 51u);     // the 51st exit hits the limit
        for (int r = 0; r < VZ_EXIT_NREASONS; r++)
            exits[m][r] = vz_hv_exits(h.hv, (vz_exit_reason)r);
    }
    for (int r = 0; r < VZ_EXIT_NREASONS; r++)
        EXPECT_EQ(exits[0][r], exits[1][r]) << vz_exit_reason_name((vz_exit_reason)r);
}
#endif

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
