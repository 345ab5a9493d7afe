// tests/traces: the trace database (docs/traces.md).
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "tests/traces/sql_query.h"
#include "tests/traces/temp_files.h"
#include "traces/trace.h"

namespace {

vz_trace *Create(const std::string &path)
{
    vz_trace_run_info ri = {};
    ri.config_name = "test";
    ri.config_text = "[core]\nissue = 2\n";
    ri.program = "alpha beta";
    ri.command = "trace_test";
    ri.vzsim_version = "0.0-test";
    char err[512] = "";
    vz_trace *t = vz_trace_create(path.c_str(), &ri, err, sizeof err);
    EXPECT_NE(t, nullptr) << err;
    return t;
}

// An exit whose exit path a splits as to_vector = a / 10, to_handler = the rest, and
// whose re-entry r as to_eret = r / 2, eret = the rest (unknown: no re-entry).
vz_trace_exit Exit(const char *scenario, const char *reason, int cycles, uint64_t a, uint64_t h,
                   uint64_t r, bool reentry_known = true)
{
    vz_trace_exit e = {};
    e.scenario = scenario;
    e.reason = reason;
    e.exccode = 27;
    e.gexccode = 2;
    e.pc_known = 1;
    e.guest_pc = 0xffffffff80001000ull;
    e.known = 7u | (reentry_known ? 24u : 0u);
    uint64_t *v = cycles ? e.cycles : e.insns;
    (cycles ? e.has_cycles : e.has_insns) = 1;
    v[VZ_TRACE_TO_VECTOR] = a / 10;
    v[VZ_TRACE_TO_HANDLER] = a - a / 10;
    v[VZ_TRACE_HANDLER] = h;
    v[VZ_TRACE_TO_ERET] = r / 2;
    v[VZ_TRACE_ERET] = r - r / 2;
    return e;
}

// The small database of the report tests; every expected statistic is worked out
// by hand in the comments (nearest rank: the ceil(p*n/100)-th smallest value).
std::string BuildSmall()
{
    std::string path = TempPath("small.db");
    vz_trace *t = Create(path);
    // alpha/gpsi in cycles, in the order 50 10 40 20 30 (60: the exit ending the run)
    const uint64_t a[5] = {50, 10, 40, 20, 30};
    for (int i = 0; i < 5; i++) {
        vz_trace_exit e = Exit("alpha", "gpsi", 1, a[i], 0, a[i] / 10);
        EXPECT_EQ(vz_trace_add_exit(t, &e), 0);
    }
    vz_trace_exit last = Exit("alpha", "gpsi", 1, 60, 0, 0, false);
    EXPECT_EQ(vz_trace_add_exit(t, &last), 0);
    // beta/mmio in instructions: exit path i, handler 0, re-entry 2i, i = 100 .. 1
    for (uint64_t i = 100; i >= 1; i--) {
        vz_trace_exit e = Exit("beta", "mmio", 0, i, 0, 2 * i);
        EXPECT_EQ(vz_trace_add_exit(t, &e), 0);
    }
    EXPECT_EQ(vz_trace_add_stat(t, "alpha", "exits.gpsi", 6, "all"), 0);
    EXPECT_EQ(vz_trace_add_stat(t, "beta", "ipc", 0.5, "guest"), 0);
    EXPECT_EQ(vz_trace_finish(t), 0);
    return path;
}

std::string Report(const std::string &path, const char *format)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    char err[512] = "";
    int rc = vz_trace_report(path.c_str(), format, f, err, sizeof err);
    fclose(f);
    EXPECT_EQ(rc, 0) << err;
    std::string s(buf, len);
    free(buf);
    return s;
}

TEST(TracePercentile, NearestRank)
{
    const uint64_t v[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    EXPECT_EQ(vz_trace_percentile(v, 10, 50), 5u);
    EXPECT_EQ(vz_trace_percentile(v, 10, 90), 9u);
    EXPECT_EQ(vz_trace_percentile(v, 10, 99), 10u);
    EXPECT_EQ(vz_trace_percentile(v, 10, 100), 10u);
    EXPECT_EQ(vz_trace_percentile(v, 1, 50), 1u);
    EXPECT_EQ(vz_trace_percentile(v, 5, 50), 3u);
}

TEST(TraceWriter, SchemaAndCompleteRun)
{
    std::string path = BuildSmall();
    EXPECT_EQ(One(path, "PRAGMA user_version"), std::to_string(VZ_TRACE_SCHEMA_VERSION));
    EXPECT_EQ(One(path, "SELECT status, end_reason, kind, config_name, config_text, program,"
                        " vzsim_version, finished_at IS NOT NULL FROM runs"),
              "complete|complete|run|test|[core]\nissue = 2\n|alpha beta|0.0-test|1");
    EXPECT_EQ(One(path, "SELECT COUNT(*), MIN(seq), MAX(seq) FROM exits"), "106|0|105");
    EXPECT_EQ(One(path, "SELECT exccode, gexccode, printf('%x', guest_pc) FROM exits LIMIT 1"),
              "27|2|ffffffff80001000");
    // the exit that ended the run: no re-entry, no total
    EXPECT_EQ(One(path, "SELECT to_vector_cycles, to_handler_cycles, to_eret_cycles, eret_cycles,"
                        " total_cycles, to_vector_insns FROM exits WHERE seq = 5"),
              "6|54|NULL|NULL|NULL|NULL");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM exits WHERE to_vector_cycles + to_handler_cycles +"
                        " handler_cycles + to_eret_cycles + eret_cycles != total_cycles OR"
                        " to_vector_insns + to_handler_insns + handler_insns + to_eret_insns +"
                        " eret_insns != total_insns"),
              "0");
    EXPECT_EQ(One(path, "SELECT value, mode FROM statistics WHERE name = 'ipc'"), "0.5|guest");
    // exits, statistics, insn_chunks (event_chunks: none, docs/traces.md), and the
    // one of trace_strings.text UNIQUE
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"), "4");
    EXPECT_EQ(One(path, "PRAGMA integrity_check"), "ok");
}

// Events are packed 4096 to a row of event_chunks (a new row at each change of
// scenario) and read back through the view events with the columns and NULLs of a
// plain table (docs/traces.md, "Events").
TEST(TraceWriter, EventsPackedBehindTheView)
{
    std::string path = TempPath("events.db");
    vz_trace *t = Create(path);
    // 5000 events in alpha: event i at cycle 10 * i, after i instructions, pc
    // 0xffffffff80000000 + 4 * i, guest when i is odd; kind "exception" with exccode
    // i % 32 for i % 3 == 0 (gexccode 2 when also i % 2 == 0), else "eret" with no
    // codes; detail "d<i % 7>" for i % 5 == 0, else NULL
    for (int i = 0; i < 5000; i++) {
        vz_trace_event e = {};
        e.scenario = "alpha";
        e.kind = i % 3 == 0 ? "exception" : "eret";
        e.has_cycle = 1;
        e.cycle = 10u * (unsigned)i;
        e.insn = (uint64_t)i;
        e.guest = i % 2;
        e.pc_known = 1;
        e.pc = 0xffffffff80000000ull + 4u * (unsigned)i;
        e.exccode = i % 3 == 0 ? i % 32 : -1;
        e.gexccode = i % 6 == 0 ? 2 : -1;
        std::string d = "d" + std::to_string(i % 7);
        e.detail = i % 5 == 0 ? d.c_str() : nullptr;
        ASSERT_EQ(vz_trace_add_event(t, &e), 0);
    }
    // then beta (no cycle, no pc: functional mode) and a NULL scenario
    vz_trace_event b = {};
    b.scenario = "beta";
    b.kind = "hostcall";
    b.insn = 7;
    b.exccode = b.gexccode = -1;
    ASSERT_EQ(vz_trace_add_event(t, &b), 0);
    b.scenario = nullptr;
    b.kind = "exit";
    b.exccode = 27;
    b.gexccode = 255;    // the largest a record holds
    ASSERT_EQ(vz_trace_add_event(t, &b), 0);
    b.exccode = 256;     // does not fit its byte: refused
    EXPECT_EQ(vz_trace_add_event(t, &b), -1);
    ASSERT_EQ(vz_trace_finish(t), 0);

    // Chunks end when full, at a change of scenario and at each commit (the writer
    // also commits once a second, so where alpha's chunks end depends on the host):
    // at most 4096 records of 40 bytes each, consecutive seqs from 0, alpha 5000
    // records (so at least two chunks), beta 1, the NULL scenario 1.
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM event_chunks WHERE count < 1 OR count > 4096 OR"
                        " length(data) != count * 40"),
              "0");
    EXPECT_EQ(One(path, "SELECT MIN(first_seq), COUNT(*) FILTER (WHERE scenario = 'alpha') >= 2"
                        " FROM event_chunks"),
              "0|1");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM event_chunks a JOIN event_chunks b ON"
                        " b.rowid = a.rowid + 1 WHERE b.first_seq != a.first_seq + a.count"),
              "0");
    EXPECT_EQ(One(path, "SELECT GROUP_CONCAT(s || ':' || n, ' ') FROM (SELECT IFNULL(scenario,"
                        " '-') AS s, SUM(count) AS n FROM event_chunks GROUP BY scenario"
                        " ORDER BY MIN(first_seq))"),
              "alpha:5000 beta:1 -:1");
    EXPECT_EQ(One(path, "SELECT COUNT(*), MIN(seq), MAX(seq), COUNT(DISTINCT seq) FROM events"),
              "5002|0|5001|5002");
    // kinds: exception, eret, hostcall, exit; details d0 .. d6
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM trace_strings"), "11");
    // i = 4095 (the last of the first chunk): 4095 % 3 = 0, % 6 = 3, % 5 = 0, % 7 = 0
    EXPECT_EQ(One(path, "SELECT * FROM events WHERE seq = 4095"),
              "1|4095|alpha|40950|4095|exception|guest|-2147467268|31|NULL|d0");
    // i = 4096 (the first of the second): % 3 = 1, % 5 = 1; pc 0xffffffff80004000
    EXPECT_EQ(One(path, "SELECT * FROM events WHERE seq = 4096"),
              "1|4096|alpha|40960|4096|eret|root|-2147467264|NULL|NULL|NULL");
    // i = 30: % 3 = 0, % 6 = 0, % 5 = 0, % 7 = 2
    EXPECT_EQ(One(path, "SELECT * FROM events WHERE seq = 30"),
              "1|30|alpha|300|30|exception|root|-2147483528|30|2|d2");
    EXPECT_EQ(Query(path, "SELECT * FROM events WHERE seq >= 5000 ORDER BY seq"),
              (std::vector<std::string>{"1|5000|beta|NULL|7|hostcall|root|NULL|NULL|NULL|NULL",
                                        "1|5001|NULL|NULL|7|exit|root|NULL|27|255|NULL"}));
    // counts worked out from the rules above: exception for i % 3 == 0 (1667 of
    // 0 .. 4999), gexccode for i % 6 == 0 (834) plus the exit, detail for i % 5 == 0
    // (1000), guest for odd i (2500)
    EXPECT_EQ(One(path, "SELECT SUM(kind = 'exception'), COUNT(exccode), COUNT(gexccode),"
                        " COUNT(detail), SUM(mode = 'guest'), COUNT(cycle), COUNT(pc) FROM events"),
              "1667|1668|835|1000|2500|5000|5000");
    // the view's rows come in seq order, as the table's did
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM (SELECT seq, LAG(seq) OVER () AS p FROM events)"
                        " WHERE seq != p + 1"),
              "0");
    EXPECT_EQ(One(path, "PRAGMA integrity_check"), "ok");
}

// Strings travel to the writer thread once, as ids (traces/trace.c "intern"): a
// buffer reused with new text must still give each row its own text; the
// fixed_strings promise only skips the comparison; an oversized string is refused
// without harming the rest.
TEST(TraceWriter, StringsKeepTheirTextThroughIds)
{
    std::string path = TempPath("strings.db");
    vz_trace *t = Create(path);
    char buf[32];
    for (int i = 0; i < 300; i++) {
        // one buffer for scenario, reason and stat name, rewritten every time
        snprintf(buf, sizeof buf, "s%d", i % 3);
        vz_trace_exit e = Exit(buf, i % 2 ? "gpsi" : "mmio", 1, 100, 0, 100);
        ASSERT_EQ(vz_trace_add_exit(t, &e), 0);
        snprintf(buf, sizeof buf, "n%d", i % 4);
        ASSERT_EQ(vz_trace_add_stat(t, "x", buf, i, "all"), 0);
        vz_trace_event ev = {};
        ev.kind = "exit";
        ev.exccode = ev.gexccode = -1;
        ev.fixed_strings = 1;                  // literals only
        ev.detail = i % 2 ? "gpsi" : "mmio";
        ASSERT_EQ(vz_trace_add_event(t, &ev), 0);
        snprintf(buf, sizeof buf, "v%d", i % 5);
        ev.fixed_strings = 0;                  // the reused buffer
        ev.detail = buf;
        ASSERT_EQ(vz_trace_add_event(t, &ev), 0);
    }
    std::string big(5000, 'x');
    vz_trace_event ev = {};
    ev.kind = big.c_str();
    ev.exccode = ev.gexccode = -1;
    EXPECT_EQ(vz_trace_add_event(t, &ev), -1);
    ASSERT_EQ(vz_trace_finish(t), 0);
    // exit i: scenario s<i % 3>, reason gpsi for odd i: 50 of each of the 6 pairs
    EXPECT_EQ(One(path, "SELECT GROUP_CONCAT(s, ' ') FROM (SELECT scenario || '/' || reason ||"
                        " '=' || COUNT(*) AS s FROM exits GROUP BY scenario, reason ORDER BY scenario,"
                        " reason)"),
              "s0/gpsi=50 s0/mmio=50 s1/gpsi=50 s1/mmio=50 s2/gpsi=50 s2/mmio=50");
    // stat i: name n<i % 4>, value i: n0 sums 0 + 4 + ... + 296 = 4 * (0 + ... + 74)
    EXPECT_EQ(One(path, "SELECT value FROM statistics WHERE name = 'n0' ORDER BY rowid LIMIT 1"
                        " OFFSET 74"), "296");
    EXPECT_EQ(One(path, "SELECT SUM(value) FROM statistics WHERE name = 'n0'"), "11100");
    // events alternate literal and buffer details: seq 2i is gpsi/mmio, 2i + 1 v<i % 5>
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM events WHERE seq % 2 = 0 AND detail !="
                        " CASE WHEN seq / 2 % 2 THEN 'gpsi' ELSE 'mmio' END"), "0");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM events WHERE seq % 2 = 1 AND detail !="
                        " 'v' || (seq / 2 % 5)"), "0");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM events"), "600");
    // trace_strings holds what events use (exit, gpsi, mmio, v0 .. v4), nothing else
    EXPECT_EQ(One(path, "SELECT GROUP_CONCAT(text, ' ') FROM (SELECT text FROM trace_strings"
                        " ORDER BY text)"), "exit gpsi mmio v0 v1 v2 v3 v4");
}

// More instruction records than the writer keeps chunks for (traces/trace.c
// MAX_CHUNKS = 128 chunks of 4096): chunks come back from the writer thread and are
// refilled, waiting for it when the simulation runs ahead; every record arrives.
TEST(TraceWriter, InstructionChunksAreReusedAndComplete)
{
    std::string path = TempPath("chunks.db");
    vz_trace *t = Create(path);
    const uint64_t n = 200 * 4096 + 17;                // 201 chunks
    for (uint64_t i = 0; i < n; i++) {
        vz_trace_insn_rec r = {};
        r.seq = i;
        r.pc = 0xffffffff80000000ull + 4 * (i % 1024);
        r.word = (uint32_t)i;
        r.fetch = 2 * i;
        r.decode = r.issue = r.execute = r.memory = r.commit = 2 * i + 1;
        r.exccode = -1;
        ASSERT_EQ(vz_trace_add_insn(t, &r), 0) << i;
    }
    ASSERT_EQ(vz_trace_finish(t), 0);
    EXPECT_EQ(One(path, "SELECT COUNT(*), SUM(count), MIN(first_seq), MAX(last_seq) FROM"
                        " insn_chunks"), "201|819217|0|819216");
    // chunks follow each other without gap or overlap
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM insn_chunks a JOIN insn_chunks b ON b.first_seq ="
                        " a.last_seq + 1"), "200");
    // one record read back by the reader: fetch 1000000 is seq 500000, word 500000
    std::vector<vz_trace_insn_rec> got;
    char err[256] = "";
    ASSERT_EQ(vz_trace_read_insns(path.c_str(), 0, nullptr, 1000000, 1000000,
                                  [](void *o, const vz_trace_insn_rec *r) {
                                      static_cast<std::vector<vz_trace_insn_rec> *>(o)
                                          ->push_back(*r);
                                      return 0;
                                  },
                                  &got, err, sizeof err),
              0)
        << err;
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].seq, 500000u);
    EXPECT_EQ(got[0].word, 500000u);
    EXPECT_EQ(got[0].commit, 1000001u);
}

TEST(TraceWriter, UnfinishedWriterLeavesInterruptedRun)
{
    std::string path = TempPath("unfinished.db");
    vz_trace *t = Create(path);
    ASSERT_NE(t, nullptr);
    // the writer thread's first transaction commits the run row, marked
    // interrupted: on disk once a checkpoint has waited for it
    ASSERT_EQ(vz_trace_checkpoint(t), 0);
    EXPECT_EQ(One(path, "SELECT status FROM runs"), "interrupted");
    for (int i = 0; i < 1000; i++) {
        vz_trace_exit e = Exit("alpha", "hypercall", 1, 100, 0, 100);
        ASSERT_EQ(vz_trace_add_exit(t, &e), 0);
    }
    vz_trace_close(t);   // destroyed without finishing
    EXPECT_EQ(One(path, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(One(path, "SELECT status, end_reason FROM runs"), "interrupted|error");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM exits"), "1000");
    std::string text = Report(path, "text");
    EXPECT_NE(text.find("run 1 (run, interrupted, end error)"), std::string::npos) << text;
}

TEST(TraceWriter, KilledWriterLeavesValidDatabase)
{
    std::string path = TempPath("killed.db");
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        char err[256];
        vz_trace_run_info ri = {};
        vz_trace *t = vz_trace_create(path.c_str(), &ri, err, sizeof err);
        if (!t)
            _exit(3);
        // two periodic commits and a checkpoint (it waits for the writer thread),
        // then rows in the open transaction
        for (int i = 0; i < 2 * VZ_TRACE_COMMIT_ROWS + 500; i++) {
            vz_trace_exit e = Exit("alpha", "gpsi", 1, 1, 0, 1);
            if (vz_trace_add_exit(t, &e) != 0)
                _exit(4);
            if (i == 2 * VZ_TRACE_COMMIT_ROWS - 1 && vz_trace_checkpoint(t) != 0)
                _exit(6);
        }
        raise(SIGKILL);
        _exit(5);
    }
    int st = 0;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << st;
    EXPECT_EQ(One(path, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(One(path, "SELECT status, end_reason FROM runs"), "interrupted|NULL");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM exits"), std::to_string(2 * VZ_TRACE_COMMIT_ROWS));
    std::string text = Report(path, "csv");
    EXPECT_NE(text.find("1,alpha,gpsi,cycles,total,131072,2,2,2,2,2\n"), std::string::npos) << text;
}

// vz_trace_end_for_exit: the database is complete when it returns (the run row
// ended, every row committed, no journal left), before the process exits; and the
// connection it leaves open is no leak (the child exits normally: under the
// sanitizers LeakSanitizer checks it, and a report fails the exit status).
TEST(TraceWriter, EndForExitLeavesACompleteDatabase)
{
    std::string path = TempPath("for_exit.db");
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        vz_trace *t = Create(path);
        if (!t)
            _exit(3);
        for (int i = 0; i < 1000; i++) {
            vz_trace_exit e = Exit("alpha", "gpsi", 1, 100, 5, 10);
            vz_trace_event ev = {};
            ev.scenario = "alpha";
            ev.kind = "exit";
            ev.insn = (uint64_t)i;
            ev.exccode = ev.gexccode = -1;
            if (vz_trace_add_exit(t, &e) != 0 || vz_trace_add_event(t, &ev) != 0)
                _exit(4);
        }
        if (vz_trace_add_stat(t, "alpha", "exits", 1000, "all") != 0)
            _exit(5);
        char err[256] = "";
        if (vz_trace_end_for_exit(t, "complete", err, sizeof err) != 0)
            _exit(6);
        if (access((path + "-journal").c_str(), F_OK) == 0)
            _exit(7);
        if (One(path, "SELECT status, end_reason, finished_at IS NOT NULL FROM runs") !=
                "complete|complete|1" ||
            One(path, "SELECT COUNT(*) FROM exits") != "1000" ||
            One(path, "SELECT COUNT(*), MAX(insn) FROM events") != "1000|999")
            _exit(8);
        exit(0);
    }
    int st = 0;
    ASSERT_EQ(waitpid(pid, &st, 0), pid);
    ASSERT_TRUE(WIFEXITED(st)) << st;
    ASSERT_EQ(WEXITSTATUS(st), 0);
    EXPECT_EQ(One(path, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(One(path, "SELECT status, end_reason FROM runs"), "complete|complete");
    EXPECT_EQ(One(path, "SELECT COUNT(*), SUM(total_cycles) FROM exits"), "1000|115000");
    EXPECT_EQ(One(path, "SELECT value FROM statistics WHERE name = 'exits'"), "1000");
}

// A statistic's mode is root, guest or all: the schema refuses anything else, and
// the end says so.
TEST(TraceWriter, StatisticModeIsChecked)
{
    std::string path = TempPath("bad_mode.db");
    vz_trace *t = Create(path);
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(vz_trace_add_stat(t, "alpha", "insns", 5, "guest"), 0);
    vz_trace_add_stat(t, "alpha", "insns", 6, "sideways");   // refused by the thread
    char err[512] = "";
    EXPECT_EQ(vz_trace_end(t, "complete", err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("CHECK constraint failed"), std::string::npos) << err;
    EXPECT_EQ(One(path, "SELECT status, end_reason FROM runs"), "interrupted|error");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM statistics"), "1");
}

// A trace replaces a regular file at its path: an older database (its runs go),
// any other file, one it may not write, and a symbolic link (the link, not the
// file it points to); a directory or a FIFO is refused at once, by name.
TEST(TraceWriter, ReplacesWhatIsAtItsPath)
{
    std::string path = TempPath("replaced.db");
    std::string old = BuildSmall();
    ASSERT_EQ(rename(old.c_str(), path.c_str()), 0);
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM exits"), "106");
    vz_trace *t = Create(path);
    ASSERT_NE(t, nullptr);
    vz_trace_exit e = Exit("gamma", "mmio", 1, 10, 1, 4);
    ASSERT_EQ(vz_trace_add_exit(t, &e), 0);
    ASSERT_EQ(vz_trace_finish(t), 0);
    EXPECT_EQ(One(path, "SELECT COUNT(*), MAX(scenario) FROM exits"), "1|gamma");
    EXPECT_EQ(One(path, "SELECT COUNT(*) FROM runs"), "1");

    FILE *f = fopen(path.c_str(), "w");           // not a database
    ASSERT_NE(f, nullptr);
    fputs("not a database\n", f);
    fclose(f);
    t = Create(path);
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(vz_trace_finish(t), 0);
    EXPECT_EQ(One(path, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(One(path, "SELECT status FROM runs"), "complete");

    std::string target = TempPath("link_target.txt");
    f = fopen(target.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("keep me\n", f);
    fclose(f);
    std::string link = TempPath("link.db");
    ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
    t = Create(link);
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(vz_trace_finish(t), 0);
    struct stat sb;
    ASSERT_EQ(lstat(link.c_str(), &sb), 0);
    EXPECT_TRUE(S_ISREG(sb.st_mode));
    EXPECT_EQ(One(link, "SELECT status FROM runs"), "complete");
    char buf[32] = "";
    f = fopen(target.c_str(), "r");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(fgets(buf, sizeof buf, f), nullptr);
    fclose(f);
    EXPECT_STREQ(buf, "keep me\n");

    std::string ro = TempPath("read_only.db");     // may be replaced, if not written
    f = fopen(ro.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fputs("old\n", f);
    fclose(f);
    ASSERT_EQ(chmod(ro.c_str(), 0444), 0);
    t = Create(ro);
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(vz_trace_finish(t), 0);
    EXPECT_EQ(One(ro, "SELECT status FROM runs"), "complete");

    // refused at once, by name, and left alone: a directory, a FIFO
    std::string dir = TempPath("a_directory.db");
    ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
    char err[512] = "";
    vz_trace_run_info ri = {};
    EXPECT_EQ(vz_trace_create(dir.c_str(), &ri, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find(dir + ": cannot replace"), std::string::npos) << err;
    EXPECT_EQ(rmdir(dir.c_str()), 0);
    std::string fifo = TempPath("a_fifo.db");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
    EXPECT_EQ(vz_trace_create(fifo.c_str(), &ri, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find(fifo + ": cannot replace: not a regular file"),
              std::string::npos) << err;
    ASSERT_EQ(lstat(fifo.c_str(), &sb), 0);
    EXPECT_TRUE(S_ISFIFO(sb.st_mode));
}

TEST(TraceReport, Csv)
{
    std::string path = BuildSmall();
    EXPECT_EQ(Report(path, "csv"),
              "run,scenario,reason,unit,component,count,min,median,p90,p99,max\n"
              // to_vector = a/10 of a = {50,10,40,20,30,60}: {1..6}; median 3rd = 3,
              // p90 ceil(5.4) = 6th = 6
              "1,alpha,gpsi,cycles,to_vector,6,1,3,6,6,6\n"
              // to_handler = a - a/10: {9,18,27,36,45,54}
              "1,alpha,gpsi,cycles,to_handler,6,9,27,54,54,54\n"
              "1,alpha,gpsi,cycles,handler,6,0,0,0,0,0\n"
              // re-entry r = a/10 of the five: {5,1,4,2,3}; to_eret = r/2: {0,1,1,2,2}:
              // median ceil(2.5) = 3rd = 1, p90 ceil(4.5) = 5th = 2
              "1,alpha,gpsi,cycles,to_eret,5,0,1,2,2,2\n"
              // eret = r - r/2: {1,1,2,2,3}
              "1,alpha,gpsi,cycles,eret,5,1,2,3,3,3\n"
              "1,alpha,gpsi,cycles,total,5,11,33,55,55,55\n"
              // i = 1..100, all non-decreasing in i: the p-th percentile is f(p)
              // to_vector floor(i/10): f(50) = 5, f(90) = 9, f(99) = 9, f(100) = 10
              "1,beta,mmio,instructions,to_vector,100,0,5,9,9,10\n"
              // i - floor(i/10): f(1) = 1, f(50) = 45, f(90) = 81, f(99) = 90, f(100) = 90
              "1,beta,mmio,instructions,to_handler,100,1,45,81,90,90\n"
              "1,beta,mmio,instructions,handler,100,0,0,0,0,0\n"
              // r = 2i: to_eret = eret = i
              "1,beta,mmio,instructions,to_eret,100,1,50,90,99,100\n"
              "1,beta,mmio,instructions,eret,100,1,50,90,99,100\n"
              "1,beta,mmio,instructions,total,100,3,150,270,297,300\n");
}

TEST(TraceReport, Json)
{
    std::string path = BuildSmall();
    std::string j = Report(path, "json");
    EXPECT_EQ(j.rfind("{\"schema_version\": 3, \"runs\": [", 0), 0u) << j;
    EXPECT_NE(j.find("\"status\": \"complete\", \"config_name\": \"test\""), std::string::npos);
    EXPECT_NE(j.find("{\"scenario\": \"alpha\", \"reason\": \"gpsi\", \"exits\": 6, \"cycles\":"
                     " {\"to_vector\": {\"count\": 6, \"min\": 1, \"median\": 3, \"p90\": 6,"
                     " \"p99\": 6, \"max\": 6}, "),
              std::string::npos) << j;
    EXPECT_NE(j.find("\"exits\": 100, \"instructions\": {\"to_vector\": {\"count\": 100, \"min\":"
                     " 0, \"median\": 5, \"p90\": 9, \"p99\": 9, \"max\": 10}, "),
              std::string::npos) << j;
    EXPECT_NE(j.find("\"total\": {\"count\": 100, \"min\": 3, \"median\": 150, \"p90\": 270,"
                     " \"p99\": 297, \"max\": 300}}}]}\n]}\n"),
              std::string::npos) << j;
}

TEST(TraceReport, Text)
{
    std::string path = BuildSmall();
    std::string t = Report(path, "text");
    EXPECT_NE(t.find("run 1 (run, complete, end complete): config test, program alpha beta,"
                     " vzsim 0.0-test"),
              std::string::npos) << t;
    EXPECT_NE(t.find("alpha      gpsi       cycles       to_eret          5       0       1"
                     "       2       2       2\n"),
              std::string::npos) << t;
    EXPECT_NE(t.find("beta       mmio       instructions total          100       3     150"
                     "     270     297     300\n"),
              std::string::npos) << t;
}

TEST(TraceReport, RefusesUnknownFormatAndVersion)
{
    std::string path = BuildSmall();
    char err[256] = "";
    EXPECT_EQ(vz_trace_report(path.c_str(), "xml", stdout, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("unknown format"), std::string::npos);
    sqlite3 *db;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    EXPECT_EQ(vz_trace_report(path.c_str(), "text", stdout, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("schema version 99"), std::string::npos) << err;
    // version 2 (events a plain table) is refused too
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 2", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    EXPECT_EQ(vz_trace_report(path.c_str(), "text", stdout, err, sizeof err), -1);
    EXPECT_NE(std::string(err).find("schema version 2, this vzsim reads 3"), std::string::npos)
        << err;
}

#ifdef VZSIM_HAVE_GUESTS
// vzsim scenarios --trace: every exit of every scenario, checked with SQL.
class ScenarioTrace : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        for (int functional = 0; functional < 2; functional++) {
            path_[functional] = TempPath(functional ? "functional.db" : "cycles.db");
            // the cycle-level run also traces every instruction
            std::string cmd = std::string(VZSIM_EXE) + " scenarios " +
                              (functional ? "--functional " : "--trace-insns all ") + "--trace " +
                              path_[functional] + " >/dev/null";
            ASSERT_EQ(system(cmd.c_str()), 0) << cmd;
        }
    }
    static std::string path_[2];
};
std::string ScenarioTrace::path_[2];

TEST_F(ScenarioTrace, ExitRowsEqualTheHypervisorsCounters)
{
    for (const std::string &path : path_) {
        // per scenario and reason: rows = the hypervisor's counter (statistics exits.*)
        auto diff = Query(path,
                          "SELECT s.scenario, s.name, s.value, COUNT(e.seq) FROM statistics s"
                          " LEFT JOIN exits e ON e.scenario = s.scenario"
                          "   AND 'exits.' || e.reason = s.name"
                          " WHERE s.name LIKE 'exits.%' AND s.name != 'exits.total'"
                          " GROUP BY s.scenario, s.name HAVING s.value != COUNT(e.seq)");
        EXPECT_TRUE(diff.empty()) << path << ": " << diff[0];
        auto total = Query(path,
                           "SELECT s.scenario, s.value, (SELECT COUNT(*) FROM exits e"
                           " WHERE e.scenario = s.scenario) AS n FROM statistics s"
                           " WHERE s.name = 'exits.total' AND s.value != n");
        EXPECT_TRUE(total.empty()) << path << ": " << total[0];
        EXPECT_EQ(One(path, "SELECT COUNT(DISTINCT scenario) FROM statistics"), "9");
        EXPECT_EQ(One(path, "SELECT value FROM statistics WHERE scenario = 'hypercall' AND"
                            " name = 'exits.hypercall'"), "102");
        EXPECT_EQ(One(path, "SELECT COUNT(*) FROM exits WHERE reason = 'none'"), "0");
    }
}

TEST_F(ScenarioTrace, ComponentsAddUpToTheTotal)
{
    for (int functional = 0; functional < 2; functional++) {
        const std::string &path = path_[functional];
        EXPECT_EQ(One(path, "SELECT COUNT(*) FROM exits WHERE to_vector_insns + to_handler_insns"
                            " + handler_insns + to_eret_insns + eret_insns != total_insns OR"
                            " to_vector_cycles + to_handler_cycles + handler_cycles +"
                            " to_eret_cycles + eret_cycles != total_cycles"), "0");
        // only the exit that ends each scenario lacks a re-entry
        EXPECT_EQ(One(path, "SELECT COUNT(*), COUNT(DISTINCT scenario) FROM exits"
                            " WHERE total_insns IS NULL"), "9|9");
        EXPECT_EQ(One(path, "SELECT COUNT(*) FROM exits WHERE to_vector_insns IS NULL OR"
                            " to_handler_insns IS NULL OR guest_pc IS NULL"), "0");
        EXPECT_EQ(One(path, "SELECT COUNT(*) FROM exits WHERE total_cycles IS NOT NULL"),
                  functional ? "0" : One(path, "SELECT COUNT(*) FROM exits WHERE total_insns"
                                               " IS NOT NULL"));
    }
    // hypercall round trip (docs/hv.md): 83 + 63 instructions, 228 cycles median
    EXPECT_EQ(One(path_[1], "SELECT DISTINCT to_vector_insns + to_handler_insns, handler_insns,"
                            " to_eret_insns + eret_insns FROM exits WHERE scenario = 'hypercall'"
                            " AND reason = 'hypercall' AND total_insns IS NOT NULL"), "83|0|63");
    // GE exits carry GExcCode (2 = hypercall), the others none
    EXPECT_EQ(One(path_[0], "SELECT DISTINCT exccode, gexccode FROM exits WHERE reason ="
                            " 'hypercall'"), "27|2");
    EXPECT_EQ(One(path_[0], "SELECT COUNT(*) FROM exits WHERE reason = 'gpa-fault' AND"
                            " gexccode IS NOT NULL"), "0");
}

TEST_F(ScenarioTrace, CyclesAreMonotonic)
{
    EXPECT_EQ(One(path_[0], "SELECT COUNT(*) FROM exits a JOIN exits b ON a.run_id = b.run_id"
                            " AND a.scenario = b.scenario AND b.seq = a.seq + 1"
                            " WHERE b.start_cycle < a.start_cycle + a.to_vector_cycles +"
                            " a.to_handler_cycles + a.handler_cycles + IFNULL(a.to_eret_cycles,"
                            " 0) + IFNULL(a.eret_cycles, 0)"), "0");
}

TEST_F(ScenarioTrace, EventsAreConsistentWithExits)
{
    for (const std::string &path : path_) {
        // one 'exit' event per exit row, per scenario, in the same order, naming the
        // exit's reason and codes, at its handler call c(H) = c(E) + to_vector +
        // to_handler (cycles) and after c(E)'s instruction count + the exit path
        const std::string pairs =
            " FROM (SELECT scenario, cycle, insn, pc, exccode, gexccode, detail,"
            " ROW_NUMBER() OVER (PARTITION BY scenario ORDER BY seq) AS n FROM events WHERE"
            " kind = 'exit') ev JOIN (SELECT *, ROW_NUMBER() OVER (PARTITION BY scenario"
            " ORDER BY seq) AS n FROM exits) x ON x.scenario = ev.scenario AND x.n = ev.n";
        EXPECT_EQ(One(path, "SELECT COUNT(*) FROM events WHERE kind = 'exit'"),
                  One(path, "SELECT COUNT(*) FROM exits"));
        EXPECT_EQ(One(path, "SELECT COUNT(*)" + pairs + " WHERE x.reason = ev.detail AND"
                            " x.guest_pc = ev.pc AND x.exccode = ev.exccode AND x.gexccode IS"
                            " ev.gexccode AND (ev.cycle IS NULL OR ev.cycle = x.start_cycle +"
                            " x.to_vector_cycles + x.to_handler_cycles)"),
                  One(path, "SELECT COUNT(*) FROM exits"));
        // each exit event follows the host call it is (same cycle, same instruction)
        EXPECT_EQ(One(path, "SELECT COUNT(*) FROM events e JOIN events h ON h.run_id = e.run_id"
                            " AND h.seq = e.seq - 1 WHERE e.kind = 'exit' AND (h.kind !="
                            " 'hostcall' OR h.insn != e.insn OR h.cycle IS NOT e.cycle)"), "0");
        // each exception event is a guest- or root-mode exception with its code
        EXPECT_EQ(One(path, "SELECT COUNT(*) FROM events WHERE kind = 'exception' AND"
                            " (exccode IS NULL OR pc IS NULL)"), "0");
        // the wait scenario: 100 interrupts injected (IP7) while the guest waits,
        // withdrawn, and taken in the guest (scenarios.c: one timer tick per iteration)
        EXPECT_EQ(One(path, "SELECT group_concat(n, ' ') FROM (SELECT mode || ':' || detail"
                            " || ':' || COUNT(*) AS n FROM events WHERE scenario = 'wait' AND"
                            " kind = 'interrupt' GROUP BY mode, detail ORDER BY 1)"),
                  "guest:taken:100 root:injected IP7:100 root:withdrawn IP7:100");
        // the timer scenario: the same 100 guest interrupts, and before each the root
        // timer interrupt taken in root mode that made the exit (docs/hv.md)
        EXPECT_EQ(One(path, "SELECT group_concat(n, ' ') FROM (SELECT mode || ':' || detail"
                            " || ':' || COUNT(*) AS n FROM events WHERE scenario = 'timer' AND"
                            " kind = 'interrupt' GROUP BY mode, detail ORDER BY 1)"),
                  "guest:taken:100 root:injected IP7:100 root:taken:100 root:withdrawn IP7:100");
    }
}

struct InsnCheck {
    std::map<std::string, uint64_t> count, last_commit, last_seq;
    int bad = 0;
};

int CheckInsn(void *opaque, const vz_trace_insn_rec *r)
{
    auto *c = static_cast<InsnCheck *>(opaque);
    std::string sc = r->scenario ? r->scenario : "";
    if (c->count[sc] && (r->seq != c->last_seq[sc] + 1 || r->commit < c->last_commit[sc] ||
                         r->fetch > r->decode || r->decode > r->issue ||
                         r->issue > r->execute || r->execute > r->memory ||
                         r->memory > r->commit))
        c->bad++;
    c->count[sc]++;
    c->last_seq[sc] = r->seq;
    c->last_commit[sc] = r->commit;
    return 0;
}

TEST_F(ScenarioTrace, CyclesAreMonotonicInEventsAndInstructions)
{
    // events: cycle and instruction count never go back within a scenario
    EXPECT_EQ(One(path_[0], "SELECT COUNT(*) FROM events a JOIN events b ON b.run_id = a.run_id"
                            " AND b.seq = a.seq + 1 AND b.scenario = a.scenario WHERE"
                            " b.cycle < a.cycle OR b.insn < a.insn"), "0");
    EXPECT_EQ(One(path_[0], "SELECT COUNT(*) FROM events WHERE cycle IS NULL"), "0");
    EXPECT_EQ(One(path_[1], "SELECT COUNT(*) FROM events WHERE cycle IS NOT NULL"), "0");
    // the instruction trace (all): every instruction of every scenario, seq 0, 1, ...,
    // commits in order, fetch <= decode <= issue <= execute <= memory <= commit
    // (sim/timing/timing.h)
    InsnCheck c;
    char err[256] = "";
    ASSERT_EQ(vz_trace_read_insns(path_[0].c_str(), 1, nullptr, 0, UINT64_MAX, CheckInsn, &c,
                                  err, sizeof err), 0) << err;
    EXPECT_EQ(c.bad, 0);
    EXPECT_EQ(c.count.size(), 9u);   // the nine scenarios
    for (auto &kv : c.count)
        EXPECT_EQ(std::to_string(kv.second),
                  One(path_[0], "SELECT SUM(value) FROM statistics WHERE scenario = '" +
                                    kv.first + "' AND name = 'insns' AND mode != 'all'"))
            << kv.first;
    // the last instruction commits before the scenario's cycle count (vz_timing_cycles:
    // up to the cycle after the last commit)
    for (auto &kv : c.last_commit)
        EXPECT_LT(kv.second, std::stoull(One(path_[0], "SELECT value FROM statistics WHERE"
                                                       " scenario = '" + kv.first +
                                                       "' AND name = 'cycles'")))
            << kv.first;
}

TEST_F(ScenarioTrace, RunIsCompleteWithTheEffectiveConfig)
{
    EXPECT_EQ(One(path_[0], "SELECT status, config_name, config_file LIKE '%/configs/i6400.ini',"
                            " config_text LIKE '%[%]%', program FROM runs"),
              "complete|i6400|1|1|hypercall gpsi gsfc ghfc gpafault mmio wait timer tlbmiss");
    EXPECT_EQ(One(path_[1], "SELECT status, end_reason, kind, config_name, config_text LIKE"
                            " '[scenarios]%trace_insns = off%' FROM runs"),
              "complete|complete|scenarios|functional|1");
    EXPECT_EQ(One(path_[0], "PRAGMA integrity_check"), "ok");
}
#endif

}  // namespace
