// tests/traces/export_test.cc: the HTML report, the Kanata and the Chrome
// trace-event exports (docs/traces.md "HTML report", "Exports"), on a small schema-3
// database built here with every expected value worked out by hand, on hand-made
// per-instruction records, and end to end on a traced scenario run. JSON, HTML and
// the Kanata grammar are checked by tests/traces/check_exports.py (Python's json and
// html.parser; headless Chromium for the rendering).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/isa/isa.h"
#include "tests/traces/temp_files.h"
#include "traces/export.h"

namespace {

std::string ReadFile(const std::string &path)
{
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

void WriteFile(const std::string &path, const std::string &text)
{
    std::ofstream f(path);
    f << text;
}

// Runs a shell command; its exit status, stdout+stderr in *out.
int Shell(const std::string &cmd, std::string *out)
{
    FILE *p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p)
        return -1;
    char buf[4096];
    size_t n;
    out->clear();
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        out->append(buf, n);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int Check(const std::string &what, const std::string &file, const std::string &db, std::string *out)
{
    return Shell(std::string(PYTHON3) + " " + CHECKER + " " + what + " '" + file + "' '" + db + "'",
               out);
}

void Exec(const std::string &path, const std::string &sql)
{
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char *msg = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg), SQLITE_OK)
        << (msg ? msg : "") << "\n" << sql;
    sqlite3_free(msg);
    sqlite3_close(db);
}

// The columns of schema version 3 as a reader sees them (coord TRACE-SPEC.md), written
// by hand so these tests do not depend on the writer. The writer stores events
// packed in event_chunks behind a view events with these columns; a plain table
// with the same columns is the same to every reader, and lets the tests write rows
// with INSERT (the end-to-end tests below read the writer's own view).
const char kSchema3[] =
    "CREATE TABLE runs (id INTEGER PRIMARY KEY, kind TEXT, config_name TEXT, config_file TEXT,"
    " config_text TEXT, program TEXT, command TEXT, vzsim_version TEXT, started_at TEXT,"
    " finished_at TEXT, status TEXT, end_reason TEXT);"
    "CREATE TABLE exits (run_id, seq, scenario, reason, exccode, gexccode, guest_pc,"
    " start_cycle, to_vector_cycles, to_handler_cycles, handler_cycles, to_eret_cycles,"
    " eret_cycles, total_cycles, to_vector_insns, to_handler_insns, handler_insns,"
    " to_eret_insns, eret_insns, total_insns);"
    "CREATE TABLE events (run_id, seq, scenario, cycle, insn, kind, mode, pc, exccode,"
    " gexccode, detail);"
    "CREATE TABLE statistics (run_id, scenario, name, value, mode);"
    "PRAGMA user_version = 3;";

// One exit row: components in cycles (-1: NULL) and instructions (the cycles / 10).
std::string ExitRow(int seq, const char *scenario, const char *reason, long start,
                    std::vector<long> c)
{
    auto v = [](long x) { return x < 0 ? std::string("NULL") : std::to_string(x); };
    long total = 0;
    for (long x : c)
        total = (x < 0 || total < 0) ? -1 : total + x;
    std::string s = "INSERT INTO exits VALUES (1, " + std::to_string(seq) + ", '" + scenario +
                    "', '" + reason + "', 27, 0, -2147479552, " + std::to_string(start);
    for (long x : c)
        s += ", " + v(x);
    s += ", " + v(total);
    for (long x : c)
        s += ", " + v(x < 0 ? -1 : x / 10);
    s += ", " + v(total < 0 ? -1 : total / 10) + ");\n";
    return s;
}

// The hand-built run. Scenario alpha: gpsi exits with totals 100 110 110 100 200,
// hypercall exits of 80 and one without re-entry (the run's end); scenario "b<&>"
// (a name to escape): one mmio exit of 50.
std::string BuildSmall()
{
    std::string path = TempPath("small.db");
    unlink(path.c_str());
    std::string sql = kSchema3;
    sql += "INSERT INTO runs VALUES (1, 'scenarios', 'i6400 <b>&\"x\"', NULL,"
           " '[core]\nname = i6400\nstages = IF, IT, ID, IS, RF, EX, MEM, WB, CM\n"
           "issue_stage = IS\n', 'alpha b<&>', 'vzsim scenarios --trace t.db',"
           " '0.1.0-test', '2026-01-01T00:00:00Z', NULL, 'interrupted', 'SIGINT');\n";
    sql += ExitRow(0, "alpha", "gpsi", 1000, {10, 20, 0, 30, 40});
    sql += ExitRow(1, "alpha", "gpsi", 2000, {12, 20, 0, 30, 48});
    sql += ExitRow(2, "alpha", "gpsi", 3000, {10, 25, 0, 35, 40});
    sql += ExitRow(3, "alpha", "gpsi", 4000, {11, 20, 0, 30, 39});
    sql += ExitRow(4, "alpha", "gpsi", 5000, {10, 20, 0, 30, 140});
    sql += ExitRow(5, "alpha", "hypercall", 6000, {8, 16, 5, 20, 31});
    sql += ExitRow(6, "alpha", "hypercall", 7000, {8, 16, 5, -1, -1});
    sql += ExitRow(7, "b<&>", "mmio", 500, {5, 10, 0, 10, 25});
    sql += "INSERT INTO events VALUES (1, 0, 'alpha', 900, 100, 'entry', 'guest',"
           " -2147483648, NULL, NULL, NULL);\n"
           "INSERT INTO events VALUES (1, 1, 'alpha', 1010, 104, 'exit', 'root', -2147483264,"
           " 27, 0, 'gpsi <x>');\n";
    sql += "INSERT INTO statistics VALUES (1, 'alpha', 'exits.gpsi', 5, 'all'),"
           " (1, 'alpha', 'exits.hypercall', 2, 'all'), (1, 'alpha', 'exits.wait', 0, 'all'),"
           " (1, 'alpha', 'exits.total', 7, 'all'), (1, 'alpha', 'cycles', 7500, 'all'),"
           " (1, 'b<&>', 'exits.mmio', 1, 'all'), (1, 'b<&>', 'exits.total', 1, 'all'),"
           " (1, 'b<&>', 'cycles', 700, 'all');\n";
    Exec(path, sql);
    return path;
}

std::string Html(const std::string &db, int *rc)
{
    std::string out = TempPath("report.html");
    FILE *f = fopen(out.c_str(), "w");
    char err[512] = "";
    *rc = vz_trace_report_html(db.c_str(), f, err, sizeof err);
    fclose(f);
    return *rc ? std::string(err) : ReadFile(out);
}

// ---------------- HTML report ----------------

TEST(ExportHtml, TablesHoldTheHandComputedStatistics)
{
    int rc;
    std::string h = Html(BuildSmall(), &rc);
    ASSERT_EQ(rc, 0) << h;
    // alpha/gpsi total cycles, sorted 100 100 110 110 200 (n = 5): nearest rank
    // median = 3rd = 110, p90 = ceil(4.5) = 5th = 200, p99 = 5th = 200
    EXPECT_NE(h.find("<td class=\"l\">gpsi</td><td class=\"l\">5</td><td class=\"l\">cycles</td>"
                     "<td class=\"l\">total</td><td>5</td><td>100</td><td>110</td><td>200</td>"
                     "<td>200</td><td>200</td>"), std::string::npos);
    // to_vector 10 10 10 11 12: median 10, p90 = p99 = max = 12
    EXPECT_NE(h.find("<td class=\"l\">to_vector</td><td>5</td><td>10</td><td>10</td><td>12</td>"
                     "<td>12</td><td>12</td>"), std::string::npos);
    // instructions are the cycles / 10: total 10 10 11 11 20
    EXPECT_NE(h.find("<td class=\"l\">instructions</td><td class=\"l\">total</td><td>5</td>"
                     "<td>10</td><td>11</td><td>20</td><td>20</td><td>20</td>"),
              std::string::npos);
    // hypercall: 2 exits, one with a re-entry (80); to_eret known once (20)
    EXPECT_NE(h.find("<td class=\"l\">hypercall</td><td class=\"l\">2</td><td class=\"l\">cycles"
                     "</td><td class=\"l\">to_vector</td><td>2</td><td>8</td><td>8</td><td>8</td>"),
              std::string::npos);
    EXPECT_NE(h.find("<td class=\"l\">to_eret</td><td>1</td><td>20</td>"), std::string::npos);
    // histogram of alpha: 80 100 100 110 110 200, span 121 -> 20 bins of ceil(121/20)
    // = 7 cycles -> ceil(121/7) = 18 bins; 80 in bin 0, 100 in bin 2, 110 in bin 4,
    // 200 in bin 17: four bars
    EXPECT_NE(h.find("class=\"plot histogram\" data-scenario=\"alpha\" data-bars=\"4\""
                     " data-exits=\"6\""), std::string::npos);
    // stacked: gpsi means 10.6 21 0 31 61.4 (handler 0: no segment), hypercall 8 16
    // 5 20 31: 4 + 5 segments in 2 reasons
    EXPECT_NE(h.find("class=\"plot stacked\" data-scenario=\"alpha\" data-bars=\"9\""
                     " data-reasons=\"2\""), std::string::npos);
    EXPECT_NE(h.find("data-component=\"eret\" data-mean=\"61.40\""), std::string::npos);
    // statistics: exits.gpsi, exits.hypercall, exits.mmio (exits.wait is 0, total left out)
    EXPECT_NE(h.find("class=\"plot statistics\" data-bars=\"3\""), std::string::npos);
    EXPECT_NE(h.find("<td class=\"l\">alpha</td><td class=\"l\">cycles</td><td class=\"l\">all"
                     "</td><td>7500</td>"), std::string::npos);
}

TEST(ExportHtml, MetadataAndEscaping)
{
    int rc;
    std::string h = Html(BuildSmall(), &rc);
    ASSERT_EQ(rc, 0) << h;
    EXPECT_NE(h.find("<th class=\"l\">config</th><td class=\"l\">i6400 &lt;b&gt;&amp;&quot;x&quot;"
                     "</td>"), std::string::npos);
    EXPECT_NE(h.find("<th class=\"l\">status</th><td class=\"l\">interrupted</td>"),
              std::string::npos);
    EXPECT_NE(h.find("<th class=\"l\">end reason</th><td class=\"l\">SIGINT</td>"),
              std::string::npos);
    EXPECT_NE(h.find("<th class=\"l\">vzsim version</th><td class=\"l\">0.1.0-test</td>"),
              std::string::npos);
    EXPECT_NE(h.find("<h3>Scenario b&lt;&amp;&gt;</h3>"), std::string::npos);
    EXPECT_EQ(h.find("b<&>"), std::string::npos);
    EXPECT_EQ(h.find("<b>"), std::string::npos);
}

TEST(ExportHtml, SelfContainedAndPlotsMatchTheDatabase)
{
    std::string db = BuildSmall();
    int rc;
    std::string h = Html(db, &rc);
    ASSERT_EQ(rc, 0) << h;
    EXPECT_EQ(h.find("http://"), std::string::npos);
    EXPECT_EQ(h.find("https://"), std::string::npos);
    std::string file = TempPath("checked.html"), out;
    WriteFile(file, h);
    EXPECT_EQ(Check("html", file, db, &out), 0) << out;
    // the checker fails a page that loads something from the network
    std::string bad = h;
    bad.insert(bad.find("</head>"), "<script src=\"https://example.org/d3.js\"></script>");
    WriteFile(file, bad);
    EXPECT_EQ(Check("html", file, db, &out), 1) << out;
    // and one whose histogram lost a bar
    bad = h;
    size_t at = bad.find("<rect class=\"bar\" data-count=");
    ASSERT_NE(at, std::string::npos);
    bad.erase(at, bad.find("</rect>", at) + 7 - at);
    WriteFile(file, bad);
    EXPECT_EQ(Check("html", file, db, &out), 1) << out;
}

// Headless Chromium renders the page: its script records how many bars of each plot
// were laid out with a non-zero size. Fails (does not skip) without chromium.
TEST(ExportHtml, ChromiumDrawsThePlots)
{
    std::string db = BuildSmall();
    int rc;
    std::string h = Html(db, &rc);
    ASSERT_EQ(rc, 0) << h;
    std::string file = TempPath("chromium.html"), out;
    WriteFile(file, h);
    EXPECT_EQ(Check("chromium", file, db, &out), 0) << out;
    // a bar the browser cannot draw (zero width) is caught
    std::string bad = h;
    size_t at = bad.find("class=\"bar seg\"");
    ASSERT_NE(at, std::string::npos);
    at = bad.find(" width=\"", at);
    bad.replace(at, bad.find('"', at + 8) + 1 - at, " width=\"0\"");
    WriteFile(file, bad);
    EXPECT_EQ(Check("chromium", file, db, &out), 1) << out;
}

// A functional-mode run has no cycles: the histogram is of the round trips in
// instructions (alpha: 10 10 11 11 20 and hypercall 8: span 13 -> 13 bins of 1;
// bars at 8, 10, 11, 20), no stacked bars, and Chromium still draws the plots.
TEST(ExportHtml, FunctionalRunPlotsInstructions)
{
    std::string db = BuildSmall();
    Exec(db, "UPDATE exits SET start_cycle = NULL, to_vector_cycles = NULL,"
             " to_handler_cycles = NULL, handler_cycles = NULL, to_eret_cycles = NULL,"
             " eret_cycles = NULL, total_cycles = NULL; DELETE FROM statistics WHERE"
             " name = 'cycles';");
    int rc;
    std::string h = Html(db, &rc);
    ASSERT_EQ(rc, 0) << h;
    EXPECT_NE(h.find("<h4>Round trips (total instructions)</h4>"), std::string::npos);
    EXPECT_NE(h.find("class=\"plot histogram\" data-scenario=\"alpha\" data-bars=\"4\""
                     " data-exits=\"6\""), std::string::npos) << h;
    EXPECT_EQ(h.find("class=\"plot stacked\""), std::string::npos);
    EXPECT_NE(h.find("<p>No exit with all components in cycles.</p>"), std::string::npos);
    std::string file = TempPath("functional.html"), out;
    WriteFile(file, h);
    EXPECT_EQ(Check("chromium", file, db, &out), 0) << out;
}

TEST(ExportHtml, BadInputIsRefused)
{
    int rc;
    std::string e = Html("/nonexistent/x.db", &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_NE(e.find("/nonexistent/x.db"), std::string::npos) << e;
    std::string v1 = TempPath("v1.db");
    unlink(v1.c_str());
    Exec(v1, "CREATE TABLE runs (id INTEGER PRIMARY KEY); PRAGMA user_version = 1;");
    e = Html(v1, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_NE(e.find("schema version 1"), std::string::npos) << e;
    // version 2 (events a plain table, before packing) is refused as well
    std::string v2 = BuildSmall();
    Exec(v2, "PRAGMA user_version = 2;");
    e = Html(v2, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_NE(e.find("schema version 2, this vzsim reads 3"), std::string::npos) << e;
    std::string text = TempPath("text.db");
    WriteFile(text, "this is not a database, only some text that is long enough\n");
    e = Html(text, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_NE(e.find(text), std::string::npos) << e;
}

// ---------------- Kanata ----------------

TEST(ExportKanata, StageNamesFromTheConfig)
{
    char buf[VZ_KANATA_STAGES][16];
    const char *n[VZ_KANATA_STAGES];
    // configs/i6400.ini: IF IT ID IS RF EX MEM WB CM, issue stage IS
    vz_kanata_stage_names("[core]\nname = i6400\nstages = IF, IT, ID, IS, RF, EX, MEM, WB, CM"
                          " ; comment\nissue_stage = IS\n[units]\nstages = X\n", buf, n);
    const char *want[] = {"IF", "ID", "IS", "EX", "MEM", "CM"};
    for (int i = 0; i < VZ_KANATA_STAGES; i++)
        EXPECT_STREQ(n[i], want[i]) << i;
    // configs/classic5.ini: IF ID EX MEM WB, issue stage ID
    vz_kanata_stage_names("[core]\nstages = IF, ID, EX, MEM, WB\nissue_stage = ID\n", buf, n);
    const char *want5[] = {"IF", "ID", "ID", "EX", "MEM", "WB"};
    for (int i = 0; i < VZ_KANATA_STAGES; i++)
        EXPECT_STREQ(n[i], want5[i]) << i;
    // no config (functional mode): the generic names; unknown stages keep them too
    vz_kanata_stage_names(nullptr, buf, n);
    EXPECT_STREQ(n[1], "decode");
    vz_kanata_stage_names("[core]\nstages = A, B\n", buf, n);
    EXPECT_STREQ(n[0], "A");
    EXPECT_STREQ(n[1], "decode");
    EXPECT_STREQ(n[2], "issue");
    EXPECT_STREQ(n[5], "B");
}

vz_trace_insn_rec Rec(uint64_t seq, uint64_t pc, uint32_t word, std::vector<uint64_t> t,
                      int exccode = -1)
{
    vz_trace_insn_rec r = {};
    r.seq = seq;
    r.pc = pc;
    r.word = word;
    r.guest = 1;
    r.exccode = exccode;
    r.fetch = t[0];
    r.decode = t[1];
    r.issue = t[2];
    r.execute = t[3];
    r.memory = t[4];
    r.commit = t[5];
    return r;
}

std::string KanataText(const std::vector<vz_trace_insn_rec> &recs, int *rc, std::string *err)
{
    vz_kanata *k = vz_kanata_new(nullptr);
    char e[512] = "";
    *rc = 0;
    for (const auto &r : recs)
        if ((*rc = vz_kanata_add(k, &r, e, sizeof e)) != 0)
            break;
    std::string path = TempPath("k.log");
    FILE *f = fopen(path.c_str(), "w");
    if (*rc == 0)
        *rc = vz_kanata_write(k, f, e, sizeof e);
    fclose(f);
    vz_kanata_free(k);
    *err = e;
    return ReadFile(path);
}

std::string Label(uint32_t word, uint64_t pc)
{
    char text[128];
    vz_disasm_opts o = {};
    vz_disasm(word, pc, &o, text, sizeof text);
    for (char *c = text; *c; c++)
        if (*c == '\t')
            *c = ' ';
    return text;
}

// Two overlapping instructions, the log derived by hand: A goes through six stages of
// one cycle from cycle 10; B is fetched at 11, decoded at 12, issues at 14, executes
// and reaches memory at 15 (an execute stage of zero cycles is not drawn) and
// commits at 17. Events are in time order; at one cycle, A's before B's.
TEST(ExportKanata, TwoInstructionsByHand)
{
    const uint64_t pc = 0xffffffff80000000ull;
    int rc;
    std::string err;
    std::string got = KanataText({Rec(0, pc, 0x00000000, {10, 11, 12, 13, 14, 15}),
                                  Rec(1, pc + 4, 0x03e00009, {11, 12, 14, 15, 15, 17})},
                                 &rc, &err);
    ASSERT_EQ(rc, 0) << err;
    std::string want =
        "Kanata\t0004\nC=\t10\n"
        "I\t0\t0\t0\nL\t0\t0\tffffffff80000000: " + Label(0, pc) + "\n"
        "L\t0\t1\tseq 0, guest mode, word 00000000\nS\t0\t0\tfetch\n"
        "C\t1\nE\t0\t0\tfetch\nS\t0\t0\tdecode\n"
        "I\t1\t1\t0\nL\t1\t0\tffffffff80000004: " + Label(0x03e00009, pc + 4) + "\n"
        "L\t1\t1\tseq 1, guest mode, word 03e00009\nS\t1\t0\tfetch\n"
        "C\t1\nE\t0\t0\tdecode\nS\t0\t0\tissue\nE\t1\t0\tfetch\nS\t1\t0\tdecode\n"
        "C\t1\nE\t0\t0\tissue\nS\t0\t0\texecute\n"
        "C\t1\nE\t0\t0\texecute\nS\t0\t0\tmemory\nE\t1\t0\tdecode\nS\t1\t0\tissue\n"
        "C\t1\nE\t0\t0\tmemory\nS\t0\t0\tcommit\nE\t1\t0\tissue\nS\t1\t0\tmemory\n"
        "C\t1\nE\t0\t0\tcommit\nR\t0\t0\t0\n"
        "C\t1\nE\t1\t0\tmemory\nS\t1\t0\tcommit\n"
        "C\t1\nE\t1\t0\tcommit\nR\t1\t1\t0\n";
    EXPECT_EQ(got, want);
    EXPECT_EQ(Label(0, pc), "nop");
}

// An instruction that raised an exception is flushed (R type 1) after the last
// stage it reached (times that go back are stages it never reached). A completed
// instruction whose result is ready after its commit (memory 20 > commit 15, as the
// timing model's "complete" can be) is drawn with memory ending at the commit: fetch
// 10, decode 11, issue = execute 12..15, memory of zero cycles (left out), commit
// 15..16; the hover label gives the recorded times.
TEST(ExportKanata, ExceptionsFlushAndOutOfOrderTimesAreDrawnInOrder)
{
    int rc;
    std::string err;
    std::string got = KanataText({Rec(7, 0x1000, 0, {20, 21, 22, 0, 0, 0}, 10)}, &rc, &err);
    ASSERT_EQ(rc, 0) << err;
    EXPECT_NE(got.find("S\t0\t0\tissue\nC\t1\nE\t0\t0\tissue\nR\t0\t0\t1\n"), std::string::npos)
        << got;
    EXPECT_NE(got.find("exception 10 (flushed)"), std::string::npos);
    EXPECT_EQ(got.find("execute"), std::string::npos);
    got = KanataText({Rec(9, 0x1004, 0, {10, 11, 12, 12, 20, 15})}, &rc, &err);
    ASSERT_EQ(rc, 0) << err;
    EXPECT_NE(got.find("I\t0\t9\t0\n"), std::string::npos) << got;
    EXPECT_NE(got.find("S\t0\t0\texecute\nC\t3\nE\t0\t0\texecute\nS\t0\t0\tcommit\nC\t1\n"
                       "E\t0\t0\tcommit\nR\t0\t0\t0\n"), std::string::npos) << got;
    EXPECT_EQ(got.find("memory\n"), std::string::npos) << got;
    EXPECT_NE(got.find("stage times out of order as recorded: fetch 10 decode 11 issue 12"
                       " execute 12 memory 20 commit 15\n"), std::string::npos) << got;
}

// Many overlapping instructions in a dual-issue-like pattern (a fixed pseudo-random
// sequence): the output passes the grammar checker, and the checker fails broken
// logs.
TEST(ExportKanata, GrammarOfALongLogAndTheCheckerFailsBrokenLogs)
{
    std::vector<vz_trace_insn_rec> recs;
    uint64_t x = 12345, fetch = 100;
    for (uint64_t i = 0; i < 2000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        fetch += (x >> 60) & 1;
        std::vector<uint64_t> t = {fetch};
        for (int s = 1; s < 6; s++)
            t.push_back(t.back() + ((x >> (8 * s)) & 3));
        recs.push_back(Rec(i, 0x80000000ull + 4 * i, (uint32_t)(x >> 32), t,
                           (x >> 20) % 97 == 0 ? 27 : -1));
    }
    int rc;
    std::string err;
    std::string log = KanataText(recs, &rc, &err);
    ASSERT_EQ(rc, 0) << err;
    std::string file = TempPath("long.kanata"), out;
    WriteFile(file, log);
    EXPECT_EQ(Check("kanata", file, "", &out), 0) << out;
    EXPECT_NE(out.find("\"insns\": 2000"), std::string::npos) << out;
    const std::vector<std::pair<std::string, std::string>> broken = {
        {"header", "Kanata\t0003\nC=\t0\n"},
        {"time back", "Kanata\t0004\nC=\t0\nI\t0\t0\t0\nL\t0\t0\ta\nC\t0\nR\t0\t0\t0\n"},
        {"no retire", "Kanata\t0004\nC=\t0\nI\t0\t0\t0\nL\t0\t0\ta\nS\t0\t0\tF\nE\t0\t0\tF\n"},
        {"end before start", "Kanata\t0004\nC=\t0\nI\t0\t0\t0\nL\t0\t0\ta\nE\t0\t0\tF\nR\t0\t0\t0\n"},
        {"unknown command", "Kanata\t0004\nC=\t0\nX\t0\t0\t0\n"},
        {"fields", "Kanata\t0004\nC=\t0\nI\t0\t0\nR\t0\t0\t0\n"},
        {"after retire", "Kanata\t0004\nC=\t0\nI\t0\t0\t0\nL\t0\t0\ta\nR\t0\t0\t0\nS\t0\t0\tF\n"},
        {"open stage", "Kanata\t0004\nC=\t0\nI\t0\t0\t0\nL\t0\t0\ta\nS\t0\t0\tF\nR\t0\t0\t0\n"},
        {"retire id", "Kanata\t0004\nC=\t0\nI\t0\t0\t0\nL\t0\t0\ta\nR\t0\t1\t0\n"},
    };
    for (const auto &b : broken) {
        WriteFile(file, b.second);
        EXPECT_EQ(Check("kanata", file, "", &out), 1) << b.first << ": " << out;
    }
}

// ---------------- Chrome trace events ----------------

std::string Perfetto(const std::string &db, int *rc)
{
    std::string out = TempPath("trace.json");
    FILE *f = fopen(out.c_str(), "w");
    char err[512] = "";
    *rc = vz_export_perfetto(db.c_str(), 0, f, err, sizeof err);
    fclose(f);
    return *rc ? std::string(err) : ReadFile(out);
}

TEST(ExportPerfetto, SlicesOfTheHandBuiltRun)
{
    std::string db = BuildSmall();
    int rc;
    std::string j = Perfetto(db, &rc);
    ASSERT_EQ(rc, 0) << j;
    // alpha is process 1 (its exits come first): exit 0 at cycle 1000 lasts 100
    // cycles (1 ns each: ts 1.000 us, dur 0.100 us); its components 10 20 0 30 40 tile
    // it: to_handler 1010..1030, handler 0 (no slice), to_eret 1030..1060, eret
    // 1060..1100
    EXPECT_NE(j.find("{\"ph\":\"X\",\"pid\":1,\"tid\":3,\"cat\":\"exit\",\"name\":\"gpsi\","
                     "\"ts\":1.000,\"dur\":0.100,\"args\":{\"seq\":0,"), std::string::npos) << j;
    EXPECT_NE(j.find("\"to_vector\":10,\"to_handler\":20,\"handler\":0,\"to_eret\":30,"
                     "\"eret\":40,\"total_cycles\":100,"), std::string::npos);
    EXPECT_NE(j.find("\"name\":\"to_handler\",\"ts\":1.010,\"dur\":0.020}"), std::string::npos);
    EXPECT_EQ(j.find("\"name\":\"handler\",\"ts\":1.030,"), std::string::npos);
    // hypercall exit 5 at 6000: 8 16 5 20 31, its handler 6024..6029
    EXPECT_NE(j.find("\"name\":\"handler\",\"ts\":6.024,\"dur\":0.005}"), std::string::npos);
    EXPECT_NE(j.find("\"name\":\"to_eret\",\"ts\":1.030,\"dur\":0.030}"), std::string::npos);
    EXPECT_NE(j.find("\"name\":\"eret\",\"ts\":1.060,\"dur\":0.040}"), std::string::npos);
    // modes: root from 0 to the entry event at 900, guest 900..1010 (the vector),
    // root 1010..1100 (the re-entry)
    EXPECT_NE(j.find("\"tid\":2,\"cat\":\"mode\",\"name\":\"root\",\"ts\":0.000,\"dur\":0.900}"),
              std::string::npos);
    EXPECT_NE(j.find("\"tid\":1,\"cat\":\"mode\",\"name\":\"guest\",\"ts\":0.900,\"dur\":0.110}"),
              std::string::npos);
    EXPECT_NE(j.find("\"tid\":2,\"cat\":\"mode\",\"name\":\"root: gpsi exit\",\"ts\":1.010,"
                     "\"dur\":0.090}"), std::string::npos);
    // the last exit (7000, no re-entry) lasts its known 8 + 16 + 5 cycles; root from
    // its vector (7008) to the scenario's end (statistic cycles 7500)
    EXPECT_NE(j.find("\"name\":\"hypercall\",\"ts\":7.000,\"dur\":0.029,"), std::string::npos);
    EXPECT_NE(j.find("\"name\":\"root: hypercall exit\",\"ts\":7.008,\"dur\":0.492}"),
              std::string::npos);
    // the counter after exit 5: gpsi 5, hypercall 1
    EXPECT_NE(j.find("\"name\":\"exits by reason\",\"ts\":6.000,\"args\":{\"gpsi\":5,"
                     "\"hypercall\":1}}"), std::string::npos);
    // the escaped scenario name, and the events' detail
    EXPECT_NE(j.find("\"args\":{\"name\":\"b<&>\"}"), std::string::npos);
    EXPECT_NE(j.find("\"detail\":\"gpsi <x>\""), std::string::npos);
    std::string file = TempPath("small.json"), out;
    WriteFile(file, j);
    EXPECT_EQ(Check("perfetto", file, db, &out), 0) << out;
    // the checker fails overlapping slices on one track and components that do not
    // add up to their exit
    std::string bad = j;
    size_t at = bad.find("\"name\":\"to_eret\",\"ts\":1.030,\"dur\":0.030}");
    bad.replace(bad.find("0.030}", at), 6, "0.031}");
    WriteFile(file, bad);
    EXPECT_EQ(Check("perfetto", file, db, &out), 1) << out;
    bad = j;
    at = bad.find("\"name\":\"guest\",\"ts\":0.900,\"dur\":0.110}");
    bad.replace(bad.find("0.110}", at), 6, "1.150}");
    bad.replace(bad.find("\"tid\":1,", bad.rfind("{", at)), 8, "\"tid\":2,");
    WriteFile(file, bad);
    EXPECT_EQ(Check("perfetto", file, db, &out), 1) << out;
    WriteFile(file, j.substr(0, j.size() / 2));
    EXPECT_EQ(Check("perfetto", file, db, &out), 1) << out;
}

// A bare-metal program run (vzsim run): no scenario, no exit. One process,
// "program", root from 0 to its 5000 cycles, its exceptions as instants.
TEST(ExportPerfetto, ProgramRunWithoutExits)
{
    std::string db = TempPath("prog.db");
    unlink(db.c_str());
    Exec(db, std::string(kSchema3) +
                 "INSERT INTO runs (id, kind, config_name, status, end_reason) VALUES"
                 " (1, 'run', 'i6400', 'complete', 'complete');"
                 "INSERT INTO events VALUES (1, 0, NULL, 1200, 300, 'exception', 'root', 4096,"
                 " 8, NULL, NULL);"
                 "INSERT INTO statistics VALUES (1, NULL, 'cycles', 5000, 'all');");
    int rc;
    std::string j = Perfetto(db, &rc);
    ASSERT_EQ(rc, 0) << j;
    EXPECT_NE(j.find("{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":"
                     "{\"name\":\"program\"}}"), std::string::npos) << j;
    EXPECT_NE(j.find("\"tid\":2,\"cat\":\"mode\",\"name\":\"root\",\"ts\":0.000,\"dur\":5.000}"),
              std::string::npos) << j;
    EXPECT_NE(j.find("{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":2,\"cat\":\"event\",\"name\":"
                     "\"exception\",\"ts\":1.200,\"args\":{\"seq\":0,\"insn\":300,"
                     "\"pc\":\"0000000000001000\",\"exccode\":8}}"), std::string::npos) << j;
    std::string file = TempPath("prog.json"), out;
    WriteFile(file, j);
    EXPECT_EQ(Check("perfetto", file, db, &out), 0) << out;
    // functional mode: no cycles anywhere
    Exec(db, "UPDATE events SET cycle = NULL; DELETE FROM statistics;");
    j = Perfetto(db, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_NE(j.find("no cycle counts"), std::string::npos) << j;
}

TEST(ExportPerfetto, BadInputIsRefused)
{
    std::string db = BuildSmall();
    Exec(db, "UPDATE exits SET total_cycles = 99 WHERE seq = 2;");
    int rc;
    std::string e = Perfetto(db, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_NE(e.find("exit 2: total_cycles 99 is not the sum"), std::string::npos) << e;
    // a functional-mode run (no cycles)
    db = BuildSmall();
    Exec(db, "UPDATE exits SET start_cycle = NULL, to_vector_cycles = NULL,"
             " to_handler_cycles = NULL, handler_cycles = NULL, to_eret_cycles = NULL,"
             " eret_cycles = NULL, total_cycles = NULL;");
    e = Perfetto(db, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_NE(e.find("functional-mode"), std::string::npos) << e;
    db = BuildSmall();
    Exec(db, "UPDATE exits SET start_cycle = 1050 WHERE seq = 1;");
    e = Perfetto(db, &rc);
    EXPECT_EQ(rc, -1);
    EXPECT_NE(e.find("exit 1 starts at cycle 1050, before the previous exit"), std::string::npos)
        << e;
}

// ---------------- the command ----------------

TEST(ExportCommand, BadArgumentsFailWithAMessage)
{
    std::string db = BuildSmall(), out;
    const std::string vz = VZSIM_EXE;
    EXPECT_EQ(Shell(vz + " export", &out), 2);
    EXPECT_NE(out.find("one trace database expected"), std::string::npos) << out;
    EXPECT_EQ(Shell(vz + " export " + db, &out), 2);
    EXPECT_NE(out.find("--kanata FILE or --perfetto FILE"), std::string::npos) << out;
    EXPECT_EQ(Shell(vz + " export " + db + " --kanata - --window 9:3", &out), 2);
    EXPECT_NE(out.find("FROM <= TO"), std::string::npos) << out;
    EXPECT_EQ(Shell(vz + " export " + db + " --kanata - --window 1:2 --exit 3", &out), 2);
    EXPECT_EQ(Shell(vz + " export " + db + " --perfetto - --exit 3", &out), 2);
    std::string json = TempPath("cmd.json");
    EXPECT_EQ(Shell(vz + " export /nonexistent/x.db --perfetto " + json, &out), 2);
    EXPECT_NE(out.find("/nonexistent/x.db"), std::string::npos) << out;
    EXPECT_NE(access(json.c_str(), F_OK), 0) << "an unfinished output file is left";
    EXPECT_EQ(Shell(vz + " export " + db + " --perfetto " + json, &out), 0) << out;
    EXPECT_EQ(Check("perfetto", json, db, &out), 0) << out;
}

// ---------------- end to end ----------------

#ifdef VZSIM_HAVE_GUESTS
// A golden run made here with fixed arguments: the hypercall and gpsi scenarios
// traced with every instruction. docs/hv.md gives the hypercall round trip as 228
// cycles; the exiting instruction of a hypercall exit is HYPCALL.
TEST(ExportEndToEnd, TracedScenarioRunExportsAndReport)
{
    const std::string vz = VZSIM_EXE;
    std::string db = TempPath("e2e.db"), json = TempPath("e2e.json"),
                kan = TempPath("e2e.kanata"), page = TempPath("e2e.html"), out;
    ASSERT_EQ(Shell(vz + " scenarios --trace " + db + " --trace-insns all hypercall gpsi", &out), 0)
        << out;
    // Perfetto: parses, nests, agrees with the exits table; a 228-cycle round trip
    ASSERT_EQ(Shell(vz + " export " + db + " --perfetto " + json, &out), 0) << out;
    EXPECT_EQ(Check("perfetto", json, db, &out), 0) << out;
    std::string j = ReadFile(json);
    EXPECT_NE(j.find("\"cat\":\"exit\",\"name\":\"hypercall\","), std::string::npos);
    size_t at = j.find("\"cat\":\"exit\",\"name\":\"hypercall\",");
    EXPECT_NE(j.find("\"dur\":0.228,", at), std::string::npos);
    // Kanata around the first hypercall exit: the grammar holds, HYPCALL is in it and
    // was flushed (it raised the exception that exited)
    std::string first = "0";
    {
        sqlite3 *h = nullptr;
        ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
        sqlite3_stmt *q = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(h, "SELECT MIN(seq) FROM exits WHERE reason = 'hypercall'",
                                     -1, &q, nullptr), SQLITE_OK);
        ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
        first = std::to_string(sqlite3_column_int64(q, 0));
        sqlite3_finalize(q);
        sqlite3_close(h);
    }
    ASSERT_EQ(Shell(vz + " export " + db + " --kanata " + kan + " --exit " + first +
                        " --around 40", &out), 0) << out;
    EXPECT_EQ(Check("kanata", kan, "", &out), 0) << out;
    std::string k = ReadFile(kan);
    at = k.find(": hypcall");
    ASSERT_NE(at, std::string::npos) << k.substr(0, 2000);
    EXPECT_NE(k.find("exception", at), std::string::npos);
    // a window with no instruction is an error, not an empty log
    EXPECT_EQ(Shell(vz + " export " + db + " --kanata " + kan + " --window 900000000:900000001"
                        " --scenario gpsi", &out), 2);
    EXPECT_NE(out.find("no traced instruction fetched in cycles 900000000..900000001"),
              std::string::npos) << out;
    ASSERT_EQ(Shell(vz + " export " + db + " --kanata " + kan + " --exit " + first +
                        " --around 40", &out), 0) << out;
    // stage names from the run's config (configs/i6400.ini: IF ... CM)
    EXPECT_NE(k.find("\tIF\n"), std::string::npos);
    EXPECT_NE(k.find("\tCM\n"), std::string::npos);
    // the report: self-contained, its plots match the database and Chromium draws them
    int rc;
    std::string h = Html(db, &rc);
    ASSERT_EQ(rc, 0) << h;
    WriteFile(page, h);
    EXPECT_EQ(Check("html", page, db, &out), 0) << out;
    EXPECT_EQ(Check("chromium", page, db, &out), 0) << out;
    EXPECT_NE(h.find("<td class=\"l\">hypercall</td>"), std::string::npos);
}
#endif

}  // namespace
