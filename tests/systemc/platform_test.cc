// tests/systemc/platform_test.cc - vzsim-platform (the core inside a SystemC TLM
// platform) against vzsim (the core on its own), run as subprocesses: a SystemC
// simulation can be elaborated once per process.
//
// Expected values are never copied from output: every comparison is between two
// runs (standalone vs platform, DMI on vs off, quantum 1 vs 10000), or derived
// from the options given (device latencies).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Result {
    int status = -1;
    std::string out, err;
};

// Run cmd with sh; stdout and stderr captured separately.
Result run(const std::string &cmd)
{
    char errpath[] = "/tmp/vzsim-systemc-XXXXXX";
    int fd = mkstemp(errpath);
    close(fd);
    Result r;
    FILE *p = popen((cmd + " 2>" + errpath).c_str(), "r");
    if (!p)
        return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    FILE *e = fopen(errpath, "r");
    while (e && (n = fread(buf, 1, sizeof buf, e)) > 0)
        r.err.append(buf, n);
    if (e)
        fclose(e);
    unlink(errpath);
    return r;
}

// The number that follows the first occurrence of key (spaces skipped), or -1.
long long after(const std::string &s, const std::string &key)
{
    size_t i = s.find(key);
    if (i == std::string::npos)
        return -1;
    i += key.size();
    while (i < s.size() && s[i] == ' ')
        i++;
    if (i >= s.size() || s[i] < '0' || s[i] > '9')
        return -1;
    return std::stoll(s.substr(i));
}

// The number that ends right before the first occurrence of key, or -1.
long long before(const std::string &s, const std::string &key)
{
    size_t i = s.find(key);
    if (i == std::string::npos || i == 0)
        return -1;
    size_t j = i;
    while (j > 0 && s[j - 1] >= '0' && s[j - 1] <= '9')
        j--;
    return j == i ? -1 : std::stoll(s.substr(j, i - j));
}

// s without the lines that contain what.
std::string drop_lines(const std::string &s, const std::string &what)
{
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        size_t e = s.find('\n', i);
        e = e == std::string::npos ? s.size() : e + 1;
        if (s.substr(i, e - i).find(what) == std::string::npos)
            out += s.substr(i, e - i);
        i = e;
    }
    return out;
}

const std::string kVzsim = VZSIM_BIN;
const std::string kPlatform = PLATFORM_BIN;
const std::string kGuests = GUEST_DIR;
const std::string kI6400 = std::string(CONFIG_DIR) + "/i6400.ini";

std::string tmpdb(const char *tag)
{
    return std::string("/tmp/vzsim-systemc-") + tag + "-" + std::to_string(getpid()) + ".db";
}

// Every row of query q in database path, as text.
std::string dump(const std::string &path, const char *q)
{
    sqlite3 *db = nullptr;
    std::string out;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "cannot open " << path;
        sqlite3_close(db);
        return out;
    }
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, q, -1, &st, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sqlite3_errmsg(db) << " in " << q;
    } else {
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                const unsigned char *t = sqlite3_column_text(st, i);
                out += t ? reinterpret_cast<const char *>(t) : "NULL";
                out += '|';
            }
            out += '\n';
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

const char *kStats = "SELECT scenario, name, mode, value FROM statistics ORDER BY scenario, name, mode";
const char *kExits =
    "SELECT scenario, reason, exccode, gexccode, guest_pc, start_cycle, to_vector_cycles, "
    "to_handler_cycles, handler_cycles, to_eret_cycles, eret_cycles, total_cycles, "
    "to_vector_insns, to_handler_insns, handler_insns, to_eret_insns, eret_insns, total_insns "
    "FROM exits ORDER BY scenario, start_cycle, guest_pc";
const char *kEvents =
    "SELECT scenario, cycle, insn, kind, mode, pc, exccode, gexccode, detail FROM events "
    "ORDER BY scenario, seq";

// (a) the scenario suite: same table, same statistics (instructions and cycles per
// scenario), same exits with the same cycles, as `vzsim scenarios`.
void same_scenarios(const std::string &mode_opts, const std::string &platform_opts)
{
    std::string a = tmpdb("alone"), b = tmpdb("platform");
    Result alone = run(kVzsim + " scenarios " + mode_opts + " --trace " + a);
    Result plat = run(kPlatform + " " + platform_opts + " --trace " + b + " scenarios " + mode_opts);
    ASSERT_EQ(alone.status, 0) << alone.err;
    ASSERT_EQ(plat.status, 0) << plat.err;
    EXPECT_EQ(alone.out, plat.out);
    std::string sa = dump(a, kStats), sb = dump(b, kStats);
    EXPECT_NE(sa.find("|insns|all|"), std::string::npos) << sa;
    EXPECT_EQ(sa, sb);
    std::string ea = dump(a, kExits), eb = dump(b, kExits);
    EXPECT_GT(ea.size(), 1000u);
    EXPECT_EQ(ea, eb);
    std::string va = dump(a, kEvents), vb = dump(b, kEvents);   // every event, in order
    EXPECT_GT(va.size(), 1000u);
    EXPECT_EQ(va, vb);
    Result cmp = run(kVzsim + " compare " + a + " " + b + " --tolerance 0");
    EXPECT_EQ(cmp.status, 0) << cmp.out << cmp.err;
    unlink(a.c_str());
    unlink(b.c_str());
}

TEST(SystemCScenarios, SameInstructionsAndCyclesAsVzsim)
{
    // the exit table also has the cycles: the stat table has "cycles" per scenario
    same_scenarios("--config " + kI6400, "");
}

TEST(SystemCScenarios, MemoryLatencyOfThePlatformDoesNotDoubleCount)
{
    // memories annotating 1000 ns per access: the core's cache model is the
    // authority for memory (docs/systemc.md), so the cycles stay those of vzsim
    same_scenarios("--config " + kI6400, "--mem-latency 1000 --clock-period 2");
}

TEST(SystemCScenarios, FunctionalModeSameInstructionCounts)
{
    same_scenarios("--functional", "--dmi off");
}

// (b) DMI on/off and quantum 1 / 10000: identical architectural results.
void same_architecture(const std::string &what, const std::string &base_opts)
{
    Result ref;
    for (const char *dmi : {"on", "off"}) {
        for (const char *q : {"1", "10000"}) {
            Result r = run(kPlatform + " --stats --dump-regs --dmi " + dmi + " --quantum " + q + " " +
                           base_opts + " " + what);
            std::string key = std::string("dmi ") + dmi + " quantum " + q;
            // drop the wrapper's statistics line (syncs, transactions differ by design)
            r.err = drop_lines(r.err, ": sim time ");
            if (ref.status < 0) {
                ref = r;
                continue;
            }
            EXPECT_EQ(r.status, ref.status) << key;
            EXPECT_EQ(r.out, ref.out) << key;
            EXPECT_EQ(r.err, ref.err) << key;
        }
    }
    EXPECT_NE(ref.err.find(" instructions"), std::string::npos) << ref.err;
}

TEST(SystemCDmiQuantum, BareMetalProgramCycleLevel)
{
    same_architecture("run " + kGuests + "/demo.elf", "--timing " + kI6400);
    // and the same as vzsim run
    Result alone = run(kVzsim + " run --stats --timing " + kI6400 + " " + kGuests + "/demo.elf");
    Result plat = run(kPlatform + " --timing " + kI6400 + " run " + kGuests + "/demo.elf");
    EXPECT_EQ(alone.status, plat.status);
    EXPECT_EQ(alone.out, plat.out);
    long long cycles = after(alone.err, "\ncycles ");
    ASSERT_GT(cycles, 0) << alone.err;
    EXPECT_EQ(before(plat.err, " cycles\n"), cycles) << plat.err;
}

TEST(SystemCDmiQuantum, BareMetalProgramFunctional)
{
    same_architecture("run " + kGuests + "/loadstore.elf", "");
    Result alone = run(kVzsim + " run --stats " + kGuests + "/loadstore.elf");
    Result plat = run(kPlatform + " --stats run " + kGuests + "/loadstore.elf");
    EXPECT_EQ(alone.status, plat.status);
    EXPECT_EQ(alone.out, plat.out);
    EXPECT_NE(plat.err.find(alone.err), std::string::npos) << alone.err << plat.err;
}

TEST(SystemCDmiQuantum, Scenarios)
{
    same_architecture("scenarios hypercall timer", "");
}

TEST(SystemCDmi, OffMeansTransactionsOnMeansGrants)
{
    Result off = run(kPlatform + " --stats --dmi off run " + kGuests + "/demo.elf");
    Result on = run(kPlatform + " --stats --dmi on run " + kGuests + "/demo.elf");
    EXPECT_NE(off.err.find(" 0 DMI grants"), std::string::npos) << off.err;
    EXPECT_EQ(on.err.find(" 0 DMI grants"), std::string::npos) << on.err;
    EXPECT_EQ(off.err.find(" 0 transactions"), std::string::npos) << off.err;
    EXPECT_NE(on.err.find(" 0 transactions"), std::string::npos) << on.err;
}

TEST(SystemCDmi, InvalidationsKeepResults)
{
    Result ref = run(kPlatform + " --stats --timing " + kI6400 + " run " + kGuests + "/demo.elf");
    // quantum 100 cycles: the invalidations land between the core's instructions
    Result inv = run(kPlatform + " --stats --timing " + kI6400 +
                     " --quantum 100 --dmi-invalidate-every 300 run " +
                     kGuests + "/demo.elf");
    EXPECT_EQ(inv.status, ref.status);
    EXPECT_EQ(inv.out, ref.out);
    EXPECT_GT(before(inv.err, " DMI invalidations"), 10) << inv.err;
    EXPECT_GT(before(inv.err, " DMI grants"), 10) << inv.err;   // re-acquired after each
    EXPECT_GT(before(ref.err, " cycles\n"), 0) << ref.err;
    EXPECT_EQ(before(ref.err, " cycles\n"), before(inv.err, " cycles\n"));
}

// Device delays: each access to a device target stalls the core by the delay it
// annotates; the timing model's cycles do not change. 2N + 2 UART accesses (LSR
// read + THR write per byte, N 'u' and a newline), each 7 ns: the end of
// simulated time moves by exactly (2N + 2) x 7 ns.
TEST(SystemCDelays, DeviceLatencyAddsToTimeNotToCycles)
{
    const int n = 40;
    std::string cmd = " --stats --timing " + kI6400 + " run " + kGuests + "/systemc_irq.elf uart " +
                      std::to_string(n);
    Result fast = run(kPlatform + cmd);
    Result slow = run(kPlatform + " --uart-latency 7" + cmd);
    ASSERT_EQ(fast.status, 0) << fast.err;
    ASSERT_EQ(slow.status, 0) << slow.err;
    EXPECT_EQ(fast.out, std::string(n, 'u') + "\n");
    EXPECT_EQ(slow.out, fast.out);
    long long t_fast = after(fast.err, "sim time "), t_slow = after(slow.err, "sim time ");
    long long c_fast = before(fast.err, " cycles,"), c_slow = before(slow.err, " cycles,");
    ASSERT_GT(t_fast, 0) << fast.err;
    ASSERT_GT(c_fast, 0) << fast.err;
    EXPECT_EQ(c_fast, c_slow);                                  // same cycles
    EXPECT_EQ(after(fast.err, "transactions ("), 2 * n + 2);    // device accesses
    EXPECT_EQ(t_fast, c_fast);                                  // 1 ns clock, no delay
    EXPECT_EQ(t_slow, t_fast + (2 * n + 2) * 7);
}

// (c) an interrupt raised by a SystemC target reaches the core: in root mode the
// program's handler runs, whatever the quantum.
TEST(SystemCIrq, RootModeHandlerRuns)
{
    for (const char *q : {"1", "10000"}) {
        Result r = run(kPlatform + " --quantum " + q + " run " + kGuests + "/systemc_irq.elf");
        EXPECT_EQ(r.status, 0) << r.out << r.err;
        EXPECT_NE(r.out.find("interrupts handled: 1, raised by the timer: 1, status after ack: 0"),
                  std::string::npos)
            << r.out;
    }
}

// In guest mode the host's device line IP2 causes root interrupt exits, which the
// hypervisor counts, and the guest still completes.
TEST(SystemCIrq, GuestModeInterruptExits)
{
    std::string db = tmpdb("irq");
    Result r = run(kPlatform + " --quantum 100 --irq-pulse-at 5000 --irq-pulse-cycles 50 --trace " +
                   db + " scenarios hypercall");
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    std::string s = dump(db, "SELECT value FROM statistics WHERE scenario = 'hypercall' AND "
                             "name = 'exits.interrupt'");
    ASSERT_FALSE(s.empty());
    EXPECT_GE(std::stod(s), 1.0) << s;
    // without the pulse: none
    Result q = run(kPlatform + " --quantum 100 --trace " + db + " scenarios hypercall");
    EXPECT_EQ(q.status, 0);
    std::string none = dump(db, "SELECT value FROM statistics WHERE scenario = 'hypercall' AND "
                                "name = 'exits.interrupt'");
    ASSERT_FALSE(none.empty());
    EXPECT_EQ(std::stod(none), 0.0) << none;
    unlink(db.c_str());
}

TEST(SystemCPlatform, BadInputIsAClearError)
{
    Result r = run(kPlatform + " run /nonexistent.elf");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("/nonexistent.elf"), std::string::npos) << r.err;
    Result q = run(kPlatform + " --quantum 0 run x.elf");
    EXPECT_EQ(q.status, 2);
    Result d = run(kPlatform + " --dmi maybe run x.elf");
    EXPECT_EQ(d.status, 2);
    EXPECT_NE(d.err.find("--dmi"), std::string::npos);
}

}  // namespace
