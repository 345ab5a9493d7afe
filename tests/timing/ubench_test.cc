// tests/timing/ubench_test.cc - the timing microbenchmark suite (guests/ubench):
// bare-metal programs that measure every configured latency back, and a guest of
// the embedded hypervisor for the exit + re-entry round trip.
//
// Measurement: each kernel runs UB_N1 and UB_N2 loop iterations (after two warm-up
// runs, see ubench.h) between marker
// instructions; one iteration costs (cycles(N2) - cycles(N1)) / (N2 - N1) (the loop's
// start and exit cancel). A pair of kernels differs only in the number of measured
// instructions per iteration (or in the measured instruction itself), so the
// difference of their iteration costs divided by the difference in count is the
// cost of one measured instruction (the loop's own instructions cancel). Every
// measured value must EQUAL what the config implies: the formula, derived by hand
// from the model's rules in docs/timing.md, is next to each assertion and is
// evaluated on the loaded config, so the same test holds for i6400.ini and
// classic5.ini and for every config the knob test derives from them.
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "guests/ubench/ubench.h"
#include "hv/entry/host.h"
#include "sim/mem/boston.h"
#include "sim/timing/timing.h"
#include "tests/timing/load_config.h"

namespace {


// Cycle counts at every marker (value -> one entry per time it retired), plus
// functional counts of the retire stream between a kernel's markers.
struct Counts {
    uint64_t records = 0, exceptions = 0, guest_exits = 0, erets_to_guest = 0,
             root_erets = 0, hostcalls = 0;
};

struct Marks {
    vz_timing *t = nullptr;
    std::map<unsigned, std::vector<uint64_t>> at;
    // counts since the last begin marker, and their value at each end marker
    Counts cur;
    std::map<unsigned, std::vector<Counts>> counts;
    int prev_exc = 0, prev_guest = 0, prev_eret = 0;

    static void observe(void *o, const vz_retire_info *ri)
    {
        auto *m = (Marks *)o;
        if (ri->exception == -2) {
            m->cur.hostcalls++;
            return;
        }
        // effects of the previous record, known now that the next one is here
        if (ri->in_slot != 1) {
            if (m->prev_exc && m->prev_guest && !ri->guest)
                m->cur.guest_exits++;
            if (m->prev_eret)
                (ri->guest && !m->prev_guest ? m->cur.erets_to_guest : m->cur.root_erets)++;
            m->prev_exc = m->prev_eret = 0;
        }
        m->cur.records++;
        if (ri->exception >= 0) {
            m->cur.exceptions++;
            m->prev_exc = 1;
        } else if (ri->id == VZ_I_ERET) {
            m->prev_eret = 1;
        }
        m->prev_guest = ri->guest;
        if (ri->exception == -1 && (ri->word & 0xffff0000u) == UB_MARK_WORD) {
            unsigned v = ri->word & 0xffffu;
            if (v >= UB_MARK_BASE && v < UB_MARK_BASE + 64) {
                v -= UB_MARK_BASE;
                m->at[v].push_back(vz_timing_cycles(m->t));
                if (v % 2 == 0)
                    m->cur = Counts{};
                else
                    m->counts[v / 2].push_back(m->cur);
            }
        }
    }

    // cycles of one iteration of kernel id: the 3rd (UB_N1) and 4th (UB_N2) runs
    int64_t per_iteration(unsigned id, std::string *why) const
    {
        auto b = at.find(2 * id), e = at.find(2 * id + 1);
        if (b == at.end() || e == at.end() || b->second.size() != 4 || e->second.size() != 4) {
            *why = "kernel " + std::to_string(id) + ": markers missing";
            return -1;
        }
        int64_t d1 = (int64_t)(e->second[2] - b->second[2]);
        int64_t d2 = (int64_t)(e->second[3] - b->second[3]);
        if ((d2 - d1) % (UB_N2 - UB_N1)) {
            *why = "kernel " + std::to_string(id) + ": " + std::to_string(d2 - d1) +
                   " cycles for " + std::to_string(UB_N2 - UB_N1) + " iterations";
            return -1;
        }
        return (d2 - d1) / (UB_N2 - UB_N1);
    }
};

// The measured values of one run of ubench.elf under config c.
struct Measured {
    std::map<std::string, int64_t> v;
    std::string error;
};

const char *const kBenches[] = { "load_use", "l1_hit", "l2_hit", "mem", "uncached", "mul",
                                 "div", "mispredict", "utlb_miss", "exception" };

Measured run_ubench(const vz_timing_config &c)
{
    Measured out;
    char err[512];
    vz_mem *mem = vz_mem_create();
    vz_boot_state boot;
    if (!mem || vz_boston_map(mem, VZ_BOSTON_DEFAULT_RAM, err, sizeof err) ||
        vz_boston_load_kernel(mem, VZSIM_UBENCH_ELF, &boot, nullptr, err, sizeof err)) {
        out.error = std::string("cannot load " VZSIM_UBENCH_ELF ": ") + err;
        vz_mem_destroy(mem);
        return out;
    }
    vz_cpu_config cc{};
    cc.semihosting = 1;
    vz_cpu *cpu = vz_cpu_create(mem, &cc);
    for (unsigned r = 1; r < 32; r++)
        vz_cpu_set_gpr(cpu, r, boot.gpr[r]);
    vz_cpu_set_cp0(cpu, VZ_CP0_STATUS, boot.cp0_status);
    vz_cpu_set_pc(cpu, boot.pc);
    vz_timing *t = vz_timing_create(&c);
    Marks m;
    m.t = t;
    vz_timing_attach(t, cpu);
    vz_timing_chain(t, Marks::observe, &m);
    vz_stop why = vz_cpu_run(cpu, 10000000);
    if (why != VZ_STOP_EXIT || vz_cpu_exit_code(cpu) != 0)
        out.error = std::string("ubench.elf did not exit 0: ") + vz_cpu_stop_message(cpu);
    vz_timing_destroy(t);
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    if (!out.error.empty())
        return out;
    std::string e;
    auto P = [&](unsigned id) { return m.per_iteration(id, &e); };
    // cost of one more measured instruction: difference of the pair / difference
    // of their counts per iteration
    auto pair = [&](const char *name, unsigned a, unsigned b, int64_t na, int64_t nb) {
        int64_t pa = P(a), pb = P(b);
        if (pa < 0 || pb < 0 || (pb - pa) % (nb - na)) {
            out.error += std::string(name) + ": " + (e.empty() ? "not a whole number" : e) + "; ";
            return;
        }
        out.v[name] = (pb - pa) / (nb - na);
    };
    pair("load_use", UB_LOAD_USE_4, UB_LOAD_USE_8, 4, 8);
    pair("l1_hit", UB_L1_4, UB_L1_8, 4, 8);
    pair("l2_hit", UB_L2_4, UB_L2_8, 4, 8);
    pair("mem", UB_MEM_4, UB_MEM_8, 4, 8);
    pair("uncached", UB_UNCACHED_4, UB_UNCACHED_8, 4, 8);
    pair("mul", UB_MUL_4, UB_MUL_8, 4, 8);
    pair("div", UB_DIV_2, UB_DIV_4, 2, 4);
    pair("mispredict", UB_B_DIRECT, UB_JR_TOGGLE, 0, 1);
    pair("utlb_miss", UB_UTLB_4, UB_UTLB_8, 4, 8);
    pair("exception", UB_NOP, UB_SYSCALL, 0, 1);
    return out;
}

int64_t mx(int64_t a, int64_t b) { return a > b ? a : b; }

// What the config implies for each benchmark (docs/timing.md gives the rules).
std::map<std::string, int64_t> implied(const vz_timing_config &c)
{
    const int64_t load = c.latency[VZ_OC_LOAD];
    std::map<std::string, int64_t> v;
    // a chained load issues when the previous one's result is ready: issue +
    // latency.load on an L1D hit
    v["load_use"] = load;
    v["l1_hit"] = load;   // the same on 64 different lines that all fit L1D
    // 8 lines in one L1D set: every load misses L1D; they fit L2 (+ l2.latency);
    // without an L2 a miss goes to memory (+ memory.latency)
    v["l2_hit"] = load + (c.l2.size ? c.l2.latency : c.mem_latency);
    // 16 lines in one L2 set: every load misses L1D and L2
    v["mem"] = load + (c.l2.size ? c.l2.latency : 0) + c.mem_latency;
    // kseg1: + memory.uncached_latency, no cache
    v["uncached"] = load + c.uncached_latency;
    // a chained MUL/DIV waits for its operand (latency) and for the unit (interval)
    v["mul"] = mx(c.latency[VZ_OC_MUL], c.interval[VZ_OC_MUL]);
    v["div"] = mx(c.latency[VZ_OC_DIV], c.interval[VZ_OC_DIV]);
    // a jr whose BTB target is always the other one costs mispredict_penalty more
    // than a direct branch, which costs btb_miss_penalty when there is no BTB
    v["mispredict"] = (int64_t)c.mispredict_penalty - (c.btb_entries ? 0 : c.btb_miss_penalty);
    // 16 mapped pages round robin: every load misses the micro-TLB (root mode: no
    // guest extra); the miss delays the load's issue
    v["utlb_miss"] = load + c.utlb_miss_penalty;
    // syscall at t; handler dmfc0 EPC at t + exception_entry; daddiu after
    // latency.cp0; dmtc0 after latency.alu (= m); ERET (serializing, alone) at m +
    // max(1, latency.cp0 (dmtc0 completes), cp0_write_to_use); the instruction after
    // the syscall at ERET + eret. The nop it replaces costs 1 cycle with single
    // issue and pairs with the next instruction with dual issue.
    v["exception"] = (int64_t)c.exception_entry + c.latency[VZ_OC_CP0] + c.latency[VZ_OC_ALU] +
                     mx(1, mx(c.latency[VZ_OC_CP0], c.cp0_write_to_use)) + c.eret -
                     (c.issue_width == 1 ? 1 : 0);
    return v;
}

class Ubench : public testing::TestWithParam<const char *> {};

TEST_P(Ubench, EveryMeasuredLatencyEqualsTheConfig)
{
    vz_timing_config c = load_cfg(GetParam());
    Measured m = run_ubench(c);
    ASSERT_EQ(m.error, "");
    auto want = implied(c);
    for (const char *b : kBenches) {
        ASSERT_TRUE(m.v.count(b)) << b;
        EXPECT_EQ(m.v[b], want[b]) << GetParam() << " " << b;
    }
}

// Each knob + 7: exactly the benchmarks listed for it move, each by the change of
// its formula (an independent check of the formulas' dependencies: the lists are
// written by hand, the amounts come from implied()).
struct Knob {
    const char *name;
    std::function<unsigned &(vz_timing_config &)> field;
    const char *affects_i6400, *affects_classic5;
};

const Knob kKnobs[] = {
    { "latency.load", [](vz_timing_config &c) -> unsigned & { return c.latency[VZ_OC_LOAD]; },
      "load_use l1_hit l2_hit mem uncached utlb_miss", "load_use l1_hit l2_hit mem uncached utlb_miss" },
    { "latency.mul", [](vz_timing_config &c) -> unsigned & { return c.latency[VZ_OC_MUL]; }, "mul", "mul" },
    { "latency.div", [](vz_timing_config &c) -> unsigned & { return c.latency[VZ_OC_DIV]; }, "div", "div" },
    { "interval.div", [](vz_timing_config &c) -> unsigned & { return c.interval[VZ_OC_DIV]; }, "div", "div" },
    { "latency.alu", [](vz_timing_config &c) -> unsigned & { return c.latency[VZ_OC_ALU]; },
      "exception", "exception" },
    { "latency.cp0", [](vz_timing_config &c) -> unsigned & { return c.latency[VZ_OC_CP0]; },
      "exception", "exception" },
    // classic5 has no L2: its latency is unused there
    { "l2.latency", [](vz_timing_config &c) -> unsigned & { return c.l2.latency; }, "l2_hit mem", "" },
    { "memory.latency", [](vz_timing_config &c) -> unsigned & { return c.mem_latency; }, "mem",
      "l2_hit mem" },
    { "memory.uncached_latency", [](vz_timing_config &c) -> unsigned & { return c.uncached_latency; },
      "uncached", "uncached" },
    { "mispredict_penalty", [](vz_timing_config &c) -> unsigned & { return c.mispredict_penalty; },
      "mispredict", "mispredict" },
    // classic5 has no BTB: its direct branches pay btb_miss_penalty
    { "btb_miss_penalty", [](vz_timing_config &c) -> unsigned & { return c.btb_miss_penalty; }, "",
      "mispredict" },
    { "utlb_miss_penalty", [](vz_timing_config &c) -> unsigned & { return c.utlb_miss_penalty; },
      "utlb_miss", "utlb_miss" },
    { "guest_utlb_miss_extra", [](vz_timing_config &c) -> unsigned & { return c.guest_utlb_miss_extra; },
      "", "" },
    { "exception_entry", [](vz_timing_config &c) -> unsigned & { return c.exception_entry; },
      "exception", "exception" },
    { "eret", [](vz_timing_config &c) -> unsigned & { return c.eret; }, "exception", "exception" },
    { "cp0_write_to_use", [](vz_timing_config &c) -> unsigned & { return c.cp0_write_to_use; },
      "exception", "exception" },
    { "eret_to_guest", [](vz_timing_config &c) -> unsigned & { return c.eret_to_guest; }, "", "" },
    { "guest_exit_extra", [](vz_timing_config &c) -> unsigned & { return c.guest_exit_extra; }, "", "" },
    { "ehb", [](vz_timing_config &c) -> unsigned & { return c.ehb; }, "", "" },
    { "hostcall", [](vz_timing_config &c) -> unsigned & { return c.hostcall; }, "", "" },
};

bool listed(const char *list, const std::string &b)
{
    return (" " + std::string(list) + " ").find(" " + b + " ") != std::string::npos;
}

TEST_P(Ubench, ChangingOneValueMovesExactlyItsBenchmarks)
{
    const vz_timing_config base = load_cfg(GetParam());
    const bool i6400 = std::string(GetParam()) == "i6400.ini";
    Measured m0 = run_ubench(base);
    ASSERT_EQ(m0.error, "");
    auto f0 = implied(base);
    for (const Knob &k : kKnobs) {
        vz_timing_config c = base;
        k.field(c) += 7;
        Measured m = run_ubench(c);
        ASSERT_EQ(m.error, "") << k.name;
        auto f = implied(c);
        for (const char *b : kBenches) {
            const bool aff = listed(i6400 ? k.affects_i6400 : k.affects_classic5, b);
            EXPECT_EQ(m.v[b] != m0.v[b], aff) << k.name << " on " << b << ": " << m0.v[b]
                                             << " -> " << m.v[b];
            EXPECT_EQ(m.v[b] - m0.v[b], f[b] - f0[b]) << k.name << " on " << b;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Configs, Ubench, testing::Values("i6400.ini", "classic5.ini"),
                         [](const testing::TestParamInfo<const char *> &p) {
                             return std::string(p.param).substr(0, std::string(p.param).find('.'));
                         });

// ---------------------------------------------------------------- guest exit/entry

struct HyperResult {
    int64_t cycles = -1;   // one hypercall round trip (loop iteration)
    Counts per;            // functional counts per iteration
    std::string error;
};

HyperResult run_hyper(const vz_timing_config &c)
{
    HyperResult out;
    char err[512];
    vz_mem *mem = vz_mem_create();
    vz_cpu *cpu = nullptr;
    vz_hv *hv = nullptr;
    vz_timing *t = nullptr;
    Marks m;
    FILE *con = tmpfile();
    if (!mem || !con || vz_boston_map(mem, 0, err, sizeof err)) {
        out.error = "cannot build the memory map";
    } else {
        vz_cpu_config cc{};
        cpu = vz_cpu_create(mem, &cc);
        vz_hv_config hc{};
        hc.guest_ram = 16ull << 20;
        hc.console = con;
        hc.guest_id = 1;
        hv = vz_hv_create(mem, cpu, &hc, err, sizeof err);
        if (!hv || vz_hv_load_guest(hv, VZSIM_UBENCH_HYPER_ELF, err, sizeof err)) {
            out.error = err;
        } else {
            t = vz_timing_create(&c);
            m.t = t;
            vz_timing_attach(t, cpu);
            vz_timing_chain(t, Marks::observe, &m);
            vz_hv_status st = vz_hv_run(hv, 10000000);
            if (st != VZ_HV_EXITED || vz_hv_exit_status(hv) != 0)
                out.error = std::string("guest did not exit 0: ") + vz_hv_message(hv);
        }
    }
    vz_timing_destroy(t);
    vz_hv_destroy(hv);
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    if (con)
        fclose(con);
    if (!out.error.empty())
        return out;
    out.cycles = m.per_iteration(UB_HYPERCALL, &out.error);
    auto &cs = m.counts[UB_HYPERCALL];
    if (cs.size() != 4) {
        out.error = "hypercall markers missing";
        return out;
    }
    const int64_t dn = UB_N2 - UB_N1;
    auto per = [&](uint64_t Counts::*f) -> uint64_t {
        int64_t d = (int64_t)(cs[3].*f) - (int64_t)(cs[2].*f);
        if (d % dn)
            out.error = "functional counts not whole per iteration";
        return (uint64_t)(d / dn);
    };
    out.per.records = per(&Counts::records);
    out.per.exceptions = per(&Counts::exceptions);
    out.per.guest_exits = per(&Counts::guest_exits);
    out.per.erets_to_guest = per(&Counts::erets_to_guest);
    out.per.root_erets = per(&Counts::root_erets);
    out.per.hostcalls = per(&Counts::hostcalls);
    return out;
}

// A config where every instruction takes exactly one cycle: single issue, every
// latency and interval 1, no penalties, no miss costs. Then a round trip is one
// cycle per retired instruction (the faulting HYPCALL included) plus what the
// privileged parameters add (docs/timing.md):
//   + (exception_entry - 1) per exception (handler's first issue = fault's issue + it)
//   + guest_exit_extra per exception that leaves guest mode
//   + (eret_to_guest - 1) per ERET into the guest, (eret - 1) per root ERET
//   + hostcall per host call (the pipeline is empty: it starts the next cycle)
vz_timing_config flat(const vz_timing_config &from)
{
    vz_timing_config c = from;
    c.issue_width = 1;
    for (int k = 0; k < VZ_OC_COUNT; k++)
        c.latency[k] = c.interval[k] = 1;
    c.mispredict_penalty = c.btb_miss_penalty = 0;
    c.l2.latency = c.mem_latency = c.uncached_latency = 0;
    c.utlb_miss_penalty = c.guest_utlb_miss_extra = 0;
    c.ehb = c.cp0_write_to_use = c.wait = 1;
    return c;
}

TEST(UbenchGuest, HypercallRoundTripEqualsTheConfig)
{
    for (const char *name : { "i6400.ini", "classic5.ini" }) {
        vz_timing_config c = flat(load_cfg(name));
        c.hostcall = 11;   // a visible, explicit host handler cost
        HyperResult r = run_hyper(c);
        ASSERT_EQ(r.error, "") << name;
        const Counts &n = r.per;
        // one exit per hypercall: the HYPCALL traps to root, the exit path calls
        // the host handler, the re-entry ERETs into the guest
        EXPECT_EQ(n.exceptions, 1u) << name;
        EXPECT_EQ(n.guest_exits, 1u) << name;
        EXPECT_EQ(n.erets_to_guest, 1u) << name;
        EXPECT_EQ(n.hostcalls, 1u) << name;
        EXPECT_GT(n.records, 20u) << name;
        const int64_t want = (int64_t)n.records + (int64_t)n.exceptions * (c.exception_entry - 1) +
                             (int64_t)n.guest_exits * c.guest_exit_extra +
                             (int64_t)n.erets_to_guest * (c.eret_to_guest - 1) +
                             (int64_t)n.root_erets * (c.eret - 1) +
                             (int64_t)n.hostcalls * c.hostcall;
        EXPECT_EQ(r.cycles, want) << name << ": " << n.records << " instructions per round trip";
    }
}

// On the shipped configs: each privileged parameter moves the round trip by its
// count per round trip (from the functional stream) x the change.
TEST(UbenchGuest, PrivilegedParametersMoveTheRoundTrip)
{
    for (const char *name : { "i6400.ini", "classic5.ini" }) {
        const vz_timing_config base = load_cfg(name);
        HyperResult r0 = run_hyper(base);
        ASSERT_EQ(r0.error, "") << name;
        struct {
            const char *key;
            unsigned vz_timing_config::*field;
            uint64_t Counts::*count;
        } knobs[] = {
            { "exception_entry", &vz_timing_config::exception_entry, &Counts::exceptions },
            { "guest_exit_extra", &vz_timing_config::guest_exit_extra, &Counts::guest_exits },
            { "eret_to_guest", &vz_timing_config::eret_to_guest, &Counts::erets_to_guest },
            { "eret", &vz_timing_config::eret, &Counts::root_erets },
            { "hostcall", &vz_timing_config::hostcall, &Counts::hostcalls },
        };
        for (auto &k : knobs) {
            // (the host call's JALR resolves at the host-call address and the host
            // function returns as the RAS predicts, so no branch penalty overlaps
            // the host call: every knob adds exactly 7 per event from the shipped
            // value on)
            const vz_timing_config b = base;
            const int64_t c0 = r0.cycles;
            vz_timing_config c = b;
            c.*k.field += 7;
            HyperResult r = run_hyper(c);
            ASSERT_EQ(r.error, "") << name << " " << k.key;
            EXPECT_EQ(r.cycles - c0, (int64_t)(7 * (r0.per.*k.count))) << name << " " << k.key;
        }
        std::printf("%s: hypercall round trip %lld cycles (%llu instructions)\n", name,
                    (long long)r0.cycles, (unsigned long long)r0.per.records);
    }
}

}  // namespace
