// tests/traces: vzsim's --trace on run, guest and scenarios; the per-instruction
// trace; interruption by SIGINT, SIGTERM and SIGKILL (docs/traces.md).
#include <elf.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <random>
#include <string>
#include <vector>

#include "tests/traces/sql_query.h"
#include "tests/traces/temp_files.h"
#include "traces/trace.h"

namespace {

// A minimal ELF64 little-endian MIPS executable: words at vaddr (kseg0), entry there.
std::string WriteElf(const char *name, uint64_t vaddr, const std::vector<uint32_t> &words)
{
    std::string path = TempPath(name);
    Elf64_Ehdr eh = {};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_MIPS;
    eh.e_version = EV_CURRENT;
    eh.e_entry = vaddr;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph = {};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_X;
    ph.p_offset = sizeof eh + sizeof ph;
    ph.p_vaddr = ph.p_paddr = vaddr;
    ph.p_filesz = ph.p_memsz = 4 * words.size();
    ph.p_align = 4;
    FILE *f = fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    fwrite(&eh, sizeof eh, 1, f);
    fwrite(&ph, sizeof ph, 1, f);
    fwrite(words.data(), 4, words.size(), f);   // the host is little-endian (x86-64)
    fclose(f);
    return path;
}

// A guest that makes NOP hypercalls for ever (one exit per loop):
//   0: addiu v0, zero, 0   (VZ_HC_NOP)   4: hypcall   8: b 0   c: nop
std::string LoopingGuest()
{
    static std::string p;
    if (p.empty())
        p = WriteElf("loop_guest.elf", 0xffffffff80010000ull,
                     {0x24020000u, 0x42000028u, 0x1000fffdu, 0x00000000u});
    return p;
}

// A bare-metal program that loops for ever: 0: addiu t0, t0, 1  4: b 0  8: nop
std::string LoopingProgram()
{
    static std::string p;
    if (p.empty())
        p = WriteElf("loop_prog.elf", 0xffffffff80100000ull,
                     {0x25080001u, 0x1000fffeu, 0x00000000u});
    return p;
}

int Shell(const std::string &cmd)
{
    int st = system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Start argv, wait ms, send sig, return the wait status.
int RunAndSignal(std::vector<std::string> args, int ms, int sig)
{
    pid_t pid = fork();
    if (pid == 0) {
        std::vector<char *> av;
        for (auto &a : args)
            av.push_back(const_cast<char *>(a.c_str()));
        av.push_back(nullptr);
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execv(av[0], av.data());
        _exit(127);
    }
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, nullptr);
    kill(pid, sig);
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
}

int RandomMs(int lo, int hi)
{
    std::random_device rd;
    return std::uniform_int_distribution<int>(lo, hi)(rd);
}

// ---- the per-instruction trace: writer, reader and view agree ----

struct Collected {
    std::vector<vz_trace_insn_rec> recs;
    std::vector<std::string> scen;
};

int Collect(void *opaque, const vz_trace_insn_rec *r)
{
    auto *c = static_cast<Collected *>(opaque);
    c->recs.push_back(*r);
    c->scen.push_back(r->scenario ? r->scenario : "NULL");
    return 0;
}

TEST(TraceInsns, WriterReaderAndViewAgree)
{
    std::string path = TempPath("insns.db");
    char err[256] = "";
    vz_trace_run_info ri = {};
    ri.kind = "run";
    vz_trace *t = vz_trace_create(path.c_str(), &ri, err, sizeof err);
    ASSERT_NE(t, nullptr) << err;
    // 10000 records: two full chunks and a partial one, then a second scenario
    const int n = 2 * VZ_TRACE_CHUNK_RECORDS + 1808;
    for (int i = 0; i < n + 3; i++) {
        vz_trace_insn_rec r = {};
        r.scenario = i < n ? "a" : "b";
        r.seq = (uint64_t)i;
        r.pc = 0xffffffff80000000ull + 4 * (uint64_t)i;
        r.word = 0x24020000u + (uint32_t)i;
        r.guest = i & 1;
        r.exccode = i % 7 == 0 ? 27 : -1;
        r.fetch = 10 * (uint64_t)i;
        r.decode = r.fetch + 1;
        r.issue = r.fetch + 2;
        r.execute = r.fetch + 3;
        r.memory = r.fetch + 4 + (uint64_t)(i % 5);
        r.commit = r.fetch + 4000000000ull;   // offsets up to 32 bits
        ASSERT_EQ(vz_trace_add_insn(t, &r), 0) << i;
    }
    vz_trace_insn_rec bad = {};
    bad.fetch = 5;
    bad.commit = 4;                          // before fetch: refused
    EXPECT_EQ(vz_trace_add_insn(t, &bad), -1);
    ASSERT_EQ(vz_trace_finish(t), 0);
    EXPECT_EQ(One(path, "SELECT COUNT(*), SUM(count), MIN(first_seq), MAX(last_seq) FROM"
                        " insn_chunks"),
              "4|" + std::to_string(n + 3) + "|0|" + std::to_string(n + 2));
    Collected all;
    ASSERT_EQ(vz_trace_read_insns(path.c_str(), 0, nullptr, 0, UINT64_MAX, Collect, &all, err,
                                  sizeof err), 0) << err;
    ASSERT_EQ(all.recs.size(), (size_t)n + 3);
    for (int i = 0; i < n + 3; i++) {
        const vz_trace_insn_rec &r = all.recs[i];
        ASSERT_EQ(r.seq, (uint64_t)i);
        EXPECT_EQ(all.scen[i], i < n ? "a" : "b");
        EXPECT_EQ(r.pc, 0xffffffff80000000ull + 4 * (uint64_t)i);
        EXPECT_EQ(r.word, 0x24020000u + (uint32_t)i);
        EXPECT_EQ(r.guest, i & 1);
        EXPECT_EQ(r.exccode, i % 7 == 0 ? 27 : -1);
        EXPECT_EQ(r.fetch, 10 * (uint64_t)i);
        EXPECT_EQ(r.decode - r.fetch, 1u);
        EXPECT_EQ(r.memory - r.fetch, 4u + (uint64_t)(i % 5));
        EXPECT_EQ(r.commit - r.fetch, 4000000000ull);
    }
    // a window by fetch cycle (inclusive) of one scenario
    Collected w;
    ASSERT_EQ(vz_trace_read_insns(path.c_str(), 1, "a", 40950, 41000, Collect, &w, err,
                                  sizeof err), 0);
    ASSERT_EQ(w.recs.size(), 6u);            // fetch 40950, 40960, ..., 41000
    EXPECT_EQ(w.recs[0].seq, 4095u);
    EXPECT_EQ(w.recs[5].seq, 4100u);
    // the SQL view decodes the same bytes
    EXPECT_EQ(One(path, "SELECT seq, printf('%x', pc), word, guest, exccode, fetch, decode,"
                        " issue, execute, memory, \"commit\" FROM insns WHERE seq = 4097"),
              "4097|ffffffff80004004|" + std::to_string(0x24020000u + 4097) +
                  "|1|-1|40970|40971|40972|40973|40976|4000040970");
    EXPECT_EQ(One(path, "SELECT exccode, scenario FROM insns WHERE seq = 7"), "27|a");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM insns"), std::to_string(n + 3));
}

// ---- vzsim guest --trace: interruption ----

#ifdef VZSIM_EXE
TEST(TraceInterrupt, SigintLeavesInterruptedRunWithEveryExit)
{
    for (int sig : {SIGINT, SIGTERM}) {
        std::string db = TempPath(sig == SIGINT ? "sigint.db" : "sigterm.db");
        int ms = RandomMs(300, 1500);
        int st = RunAndSignal({VZSIM_EXE, "guest", "--trace", db, LoopingGuest()}, ms, sig);
        ASSERT_TRUE(WIFEXITED(st)) << "killed by the signal instead of stopping: " << st;
        EXPECT_EQ(WEXITSTATUS(st), 128 + sig);
        EXPECT_EQ(One(db, "PRAGMA integrity_check"), "ok");
        EXPECT_EQ(One(db, "SELECT kind, status, end_reason FROM runs"),
                  std::string("guest|interrupted|") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
        // every exit up to the stop: rows = the hypervisor's counters at the stop
        std::string total = One(db, "SELECT value FROM statistics WHERE name = 'exits.total'");
        EXPECT_EQ(One(db, "SELECT COUNT(*) FROM exits"), total) << "after " << ms << " ms";
        EXPECT_EQ(One(db, "SELECT value FROM statistics WHERE name = 'exits.hypercall'"),
                  One(db, "SELECT COUNT(*) FROM exits WHERE reason = 'hypercall'"));
        EXPECT_GT(atoll(total.c_str()), 10) << "after " << ms << " ms";
        EXPECT_EQ(One(db, "SELECT COUNT(*) FROM events WHERE kind = 'exit'"), total);
        // every exit but the one cut off by the stop has its re-entry
        EXPECT_EQ(One(db, "SELECT COUNT(*) <= 1 FROM exits WHERE total_insns IS NULL"), "1");
    }
}

TEST(TraceInterrupt, SigkillLeavesValidDatabase)
{
    std::string db = TempPath("sigkill.db");
    int ms = RandomMs(200, 1500);
    int st = RunAndSignal({VZSIM_EXE, "guest", "--trace", db, "--trace-insns", "all",
                           LoopingGuest()}, ms, SIGKILL);
    ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << st;
    EXPECT_EQ(One(db, "PRAGMA integrity_check"), "ok") << "after " << ms << " ms";
    EXPECT_EQ(One(db, "SELECT status, end_reason FROM runs"), "interrupted|NULL");
    // the committed rows are whole: every exit row has its event, chunks their bytes
    EXPECT_EQ(One(db, "SELECT COUNT(*) FROM insn_chunks WHERE length(data) != count * " +
                          std::to_string(VZ_TRACE_INSN_RECORD_SIZE)), "0");
}

TEST(TraceInterrupt, BareMetalRunSigint)
{
    std::string db = TempPath("run_sigint.db");
    int st = RunAndSignal({VZSIM_EXE, "run", "--trace", db, "--trace-insns", "all",
                           LoopingProgram()}, RandomMs(300, 1000), SIGINT);
    ASSERT_TRUE(WIFEXITED(st)) << st;
    EXPECT_EQ(WEXITSTATUS(st), 128 + SIGINT);
    EXPECT_EQ(One(db, "SELECT kind, status, end_reason FROM runs"), "run|interrupted|SIGINT");
    EXPECT_EQ(One(db, "SELECT config_name, config_text LIKE '[run]%tlb_entries = 64%trace_insns ="
                      " all%' FROM runs"), "functional|1");
    // every instruction up to the stop is in the trace
    EXPECT_EQ(One(db, "SELECT SUM(count) = (SELECT value FROM statistics WHERE name = 'insns'"
                      " AND mode = 'all') FROM insn_chunks"), "1");
    EXPECT_EQ(One(db, "SELECT MAX(last_seq) + 1 = SUM(count) FROM insn_chunks"), "1");
}

TEST(TraceLimits, InstructionAndExitLimitsAreMarked)
{
    std::string db = TempPath("limit.db");
    EXPECT_EQ(Shell(std::string(VZSIM_EXE) + " guest --max-insns 20000 --trace " + db + " " +
                  LoopingGuest() + " 2>/dev/null"), 124);
    EXPECT_EQ(One(db, "SELECT status, end_reason FROM runs"), "interrupted|insn-limit");
    EXPECT_EQ(One(db, "SELECT COUNT(*) = (SELECT value FROM statistics WHERE name ="
                      " 'exits.total') FROM exits"), "1");
    EXPECT_EQ(Shell(std::string(VZSIM_EXE) + " guest --max-exits 50 --trace " + db + " " +
                  LoopingGuest() + " 2>/dev/null"), 124);
    EXPECT_EQ(One(db, "SELECT status, end_reason FROM runs"), "interrupted|exit-limit");
    // 50 hypercalls and the 51st exit that the limit refused (reason none)
    EXPECT_EQ(One(db, "SELECT COUNT(*), SUM(reason = 'none') FROM exits"), "51|1");
    EXPECT_EQ(Shell(std::string(VZSIM_EXE) + " run --max-insns 1000 --trace " + db + " " +
                  LoopingProgram() + " 2>/dev/null"), 124);
    EXPECT_EQ(One(db, "SELECT kind, status, end_reason FROM runs"), "run|interrupted|insn-limit");
    EXPECT_EQ(One(db, "SELECT value FROM statistics WHERE name = 'insns' AND mode = 'all'"),
              "1000");
}

// Reading a database while a run writes it (vzsim report, the sqlite3 shell): the
// writer commits every few ms and must wait for readers, not fail the run; the
// readers wait out its commits.
TEST(TraceReaders, ReportsWhileARunWritesIt)
{
    std::string db = TempPath("live.db");
    std::string log = TempPath("live.log");
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen(log.c_str(), "w", stderr))
            _exit(126);
        execl(VZSIM_EXE, VZSIM_EXE, "guest", "--max-exits", "100000", "--trace", db.c_str(),
              LoopingGuest().c_str(), (char *)nullptr);
        _exit(127);
    }
    int st = 0, reports = 0, failed = 0;
    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (access(db.c_str(), F_OK) == 0) {
            char *buf = nullptr;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            char err[512] = "";
            // an empty file (the thread has not written the schema yet) has no
            // schema version: only count failures once the run row is there
            int rc = vz_trace_report(db.c_str(), "text", f, err, sizeof err);
            fclose(f);
            free(buf);
            if (rc == 0)
                reports++;
            else if (strstr(err, "schema version 0") == nullptr)
                failed++, ADD_FAILURE() << err;
        }
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, nullptr);
    }
    ASSERT_TRUE(WIFEXITED(st)) << st;
    EXPECT_EQ(WEXITSTATUS(st), 124);           // the exit limit, not a trace failure
    EXPECT_GT(reports, 3);
    EXPECT_EQ(failed, 0);
    FILE *f = fopen(log.c_str(), "r");
    ASSERT_NE(f, nullptr);
    char line[512];
    while (fgets(line, sizeof line, f))
        EXPECT_EQ(strstr(line, "cannot write"), nullptr) << line;
    fclose(f);
    EXPECT_EQ(One(db, "SELECT status, end_reason FROM runs"), "interrupted|exit-limit");
    EXPECT_EQ(One(db, "SELECT COUNT(*) = (SELECT value FROM statistics WHERE name ="
                      " 'exits.total') FROM exits"), "1");
}

// A trace that cannot be written (here: the file size limit, as a full disk would)
// fails the command with the writer's reason and leaves a valid database whose run
// says 'error'.
TEST(TraceLimits, UnwritableTraceSaysWhy)
{
    std::string db = TempPath("full.db");
    std::string log = TempPath("full.log");
    EXPECT_EQ(Shell("trap '' XFSZ; ulimit -f 400; " + std::string(VZSIM_EXE) +
                    " guest --max-exits 100000 --trace " + db + " " + LoopingGuest() +
                    " >/dev/null 2>" + log),
              2);
    FILE *f = fopen(log.c_str(), "r");
    ASSERT_NE(f, nullptr);
    std::string text;
    char line[512];
    while (fgets(line, sizeof line, f))
        text += line;
    fclose(f);
    // what failed (a commit, or an insert when SQLite spills its cache) and SQLite's
    // reason (write(2) fails with EFBIG, which SQLite reports as an I/O error)
    size_t at = text.find(db + ": cannot write the trace: ");
    ASSERT_NE(at, std::string::npos) << text;
    std::string why = text.substr(at, text.find('\n', at) - at);
    EXPECT_NE(why.find(": disk I/O error"), std::string::npos) << why;
    EXPECT_EQ(One(db, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(One(db, "SELECT status, end_reason FROM runs"), "interrupted|error");
}

TEST(TraceLimits, GuestErrorIsMarked)
{
    // a guest store to GPA 0x1e000000 (kseg1), where there is neither RAM nor a
    // device: the host stops with an error (hv/entry/host.c)
    //   lui t0, 0xbe00; sw zero, 0(t0); b .; nop
    std::string elf = WriteElf("bad_guest.elf", 0xffffffff80010000ull,
                               {0x3c08be00u, 0xad000000u, 0x1000ffffu, 0x00000000u});
    std::string db = TempPath("guest_error.db");
    EXPECT_EQ(Shell(std::string(VZSIM_EXE) + " guest --trace " + db + " " + elf + " 2>/dev/null"),
              125);
    EXPECT_EQ(One(db, "SELECT status, end_reason FROM runs"), "interrupted|guest-error");
    // the failed exit is there, without a re-entry
    EXPECT_EQ(One(db, "SELECT reason, printf('%x', guest_pc), total_insns FROM exits ORDER BY seq"
                      " DESC LIMIT 1"), "other|ffffffff80010004|NULL");
}

// ---- the exit components and --trace-insns on a guest (functional and timed) ----

TEST(TraceGuest, ComponentsEventsAndAroundWindow)
{
    std::string db = TempPath("guest_around.db");
    ASSERT_EQ(Shell(std::string(VZSIM_EXE) + " guest --max-exits 20 --timing " + VZSIM_CONFIG +
                  " --trace " + db + " --trace-insns around:5 " + LoopingGuest() +
                  " 2>/dev/null"), 124);
    EXPECT_EQ(One(db, "SELECT config_name, config_text LIKE '%[guest]%max_exits = 20%trace_insns"
                      " = around:5%' FROM runs"), "i6400|1");
    // components add up; every re-entered exit has all five
    EXPECT_EQ(One(db, "SELECT COUNT(*) FROM exits WHERE total_cycles != to_vector_cycles +"
                      " to_handler_cycles + handler_cycles + to_eret_cycles + eret_cycles"),
              "0");
    EXPECT_EQ(One(db, "SELECT COUNT(*) FROM exits WHERE reason = 'hypercall' AND"
                      " total_cycles IS NULL"), "0");
    // one exit event per exit row, in the same order, at the handler call c(H) =
    // start_cycle + to_vector + to_handler, naming the same reason and codes
    const char *exit_events =
        "(SELECT cycle, insn, pc, exccode, gexccode, detail, ROW_NUMBER() OVER (ORDER BY seq) - 1"
        " AS n FROM events WHERE kind = 'exit') ev JOIN exits x ON x.seq = ev.n";
    EXPECT_EQ(One(db, "SELECT COUNT(*) FROM events WHERE kind = 'exit'"),
              One(db, "SELECT COUNT(*) FROM exits"));
    EXPECT_EQ(One(db, std::string("SELECT COUNT(*) FROM ") + exit_events +
                          " WHERE x.start_cycle + x.to_vector_cycles + x.to_handler_cycles ="
                          " ev.cycle AND x.guest_pc = ev.pc AND x.exccode = ev.exccode AND"
                          " x.gexccode IS ev.gexccode AND x.reason = ev.detail"),
              One(db, "SELECT COUNT(*) FROM exits"));
    // each re-entered exit's ERET R is an 'entry' event at c(R) = c(H) + handler + to_eret
    EXPECT_EQ(One(db, std::string("SELECT COUNT(*) FROM ") + exit_events +
                          " WHERE x.eret_cycles IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events"
                          " e WHERE e.kind = 'entry' AND e.cycle = ev.cycle + x.handler_cycles +"
                          " x.to_eret_cycles AND e.insn = ev.insn + x.to_eret_insns)"), "0");
    // the guest's exceptions: the first touch of its page (TLBL, exits as gpa-fault
    // after the root refill fast path) and the hypercalls (GE, GExcCode 2)
    EXPECT_EQ(One(db, "SELECT group_concat(x, ' ') FROM (SELECT DISTINCT mode || ':' || exccode"
                      " || ':' || IFNULL(gexccode, '-') AS x FROM events WHERE kind ="
                      " 'exception' ORDER BY x)"), "guest:27:2 guest:2:-");
    // events: cycles and instruction counts never go back
    EXPECT_EQ(One(db, "SELECT COUNT(*) FROM events a JOIN events b ON b.seq = a.seq + 1"
                      " WHERE b.cycle < a.cycle OR b.insn < a.insn"), "0");
    // around:5 writes 5 instructions before each exiting instruction, the exit itself
    // and 5 after the re-entry: every exit's HYPCALL (exccode 27) is in the trace
    EXPECT_EQ(One(db, "SELECT COUNT(*) FROM insns WHERE exccode = 27"),
              One(db, "SELECT COUNT(*) FROM exits WHERE exccode = 27"));
    // the instruction trace (the reader): seq strictly increasing, commits in order,
    // every stage at or after fetch
    Collected c;
    char err[256] = "";
    ASSERT_EQ(vz_trace_read_insns(db.c_str(), 0, nullptr, 0, UINT64_MAX, Collect, &c, err,
                                  sizeof err), 0) << err;
    ASSERT_GT(c.recs.size(), 100u);
    for (size_t i = 1; i < c.recs.size(); i++) {
        EXPECT_GT(c.recs[i].seq, c.recs[i - 1].seq) << i;
        EXPECT_GE(c.recs[i].commit, c.recs[i - 1].commit) << i;
        EXPECT_LE(c.recs[i].fetch, c.recs[i].decode);
        EXPECT_LE(c.recs[i].decode, c.recs[i].issue);
        EXPECT_LE(c.recs[i].issue, c.recs[i].commit);
    }
    // the 5 instructions before the first hypercall's HYPCALL are there
    EXPECT_EQ(One(db, "SELECT COUNT(*) FROM insns WHERE seq BETWEEN (SELECT MIN(seq) FROM insns"
                      " WHERE exccode = 27) - 5 AND (SELECT MIN(seq) FROM insns WHERE exccode ="
                      " 27)"), "6");
    // ... and gaps only between exits: not every instruction is written
    EXPECT_LT(atoll(One(db, "SELECT COUNT(*) FROM insns").c_str()),
              atoll(One(db, "SELECT value FROM statistics WHERE name = 'insns' AND"
                            " mode = 'all'").c_str()));
}

TEST(TraceGuest, WindowIsTheFullTraceCut)
{
    std::string all = TempPath("guest_all.db"), win = TempPath("guest_window.db");
    const std::string cmd = std::string(VZSIM_EXE) + " guest --max-exits 20 --timing " +
                            VZSIM_CONFIG + " --trace ";
    ASSERT_EQ(Shell(cmd + all + " --trace-insns all " + LoopingGuest() + " 2>/dev/null"), 124);
    ASSERT_EQ(Shell(cmd + win + " --trace-insns window:1000-5000 " + LoopingGuest() +
                    " 2>/dev/null"), 124);
    // all: every instruction (retired or faulting) the run saw
    EXPECT_EQ(One(all, "SELECT SUM(count) FROM insn_chunks"),
              One(all, "SELECT SUM(value) FROM statistics WHERE name = 'insns' AND mode !="
                       " 'all'"));
    Collected a, w;
    char err[256] = "";
    ASSERT_EQ(vz_trace_read_insns(all.c_str(), 1, nullptr, 1000, 5000, Collect, &a, err,
                                  sizeof err), 0) << err;
    ASSERT_EQ(vz_trace_read_insns(win.c_str(), 1, nullptr, 0, UINT64_MAX, Collect, &w, err,
                                  sizeof err), 0) << err;
    ASSERT_GT(w.recs.size(), 100u);
    ASSERT_EQ(w.recs.size(), a.recs.size());
    for (size_t i = 0; i < w.recs.size(); i++)
        EXPECT_TRUE(w.recs[i].seq == a.recs[i].seq && w.recs[i].pc == a.recs[i].pc &&
                    w.recs[i].commit == a.recs[i].commit) << i;
    // bad specifications, or instructions without a database
    EXPECT_EQ(Shell(std::string(VZSIM_EXE) + " guest --trace-insns window:5-1 --trace " + win +
                    " " + LoopingGuest() + " 2>/dev/null"), 2);
    EXPECT_EQ(Shell(std::string(VZSIM_EXE) + " guest --trace-insns all " + LoopingGuest() +
                    " 2>/dev/null"), 2);
}
#endif

}  // namespace
