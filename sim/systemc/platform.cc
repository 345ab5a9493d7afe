/*
 * sim/systemc/platform.cc - vzsim-platform: an example SystemC virtual platform
 * around vzsim::Core (docs/systemc.md).
 *
 *   vzsim-platform [options] run PROG.elf [ARGS...]   a bare-metal program on the
 *       boston memory map with UHI semihosting, as `vzsim run`
 *   vzsim-platform [options] scenarios [NAME...]      the hypervisor scenarios, as
 *       `vzsim scenarios` (same table, same trace database)
 *
 * Per core: a Router with boston's DDR (a Memory at 0x80000000 and its low window at
 * 0), the boot flash (a ROM Memory at 0x18000000), a Uart at boston's UART address
 * and a Timer (interrupt source) at 0x17ff0000 whose irq drives the core's IP2.
 * Each scenario gets its own core and platform (they run side by side in one
 * simulation, as `vzsim scenarios` gives each a fresh machine).
 */
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "sim/systemc/core.h"
#include "sim/systemc/devices.h"

#include "hv/entry/host.h"
#include "sim/mem/boston.h"
#include "tools/scenario.h"

namespace po = boost::program_options;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

/* SystemC's banner on stderr would precede every run's messages: off unless the
 * user set SYSTEMC_DISABLE_COPYRIGHT_MESSAGE (SystemC reads it before sc_main) */
const int kQuietBanner = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

constexpr uint64_t kTimerBase = 0x17ff0000;
constexpr unsigned kTimerIp = 2;   // the Timer drives Cause.IP2

struct Options {
    std::string mode;
    std::vector<std::string> args;
    std::string timing;            // run: cycle-level when set
    std::string config;            // scenarios: timing config
    bool functional = false;
    double period_ns = 1;
    uint64_t quantum = 10000;
    bool dmi = true;
    double mem_ns = -1;            // < 0: the config's memory latency x period
    double uart_ns = 0, timer_ns = 0;
    uint64_t max_insns = 10000000000ull;
    uint64_t ram_mib = 1024;
    std::string trace;
    bool stats = false;
    bool dump_regs = false;
    uint64_t pulse_at = 0, pulse_cycles = 0;
    uint64_t invalidate_every = 0;
};

/* One core with its platform. */
struct Board {
    std::unique_ptr<vzsim::Core> core;
    std::unique_ptr<vzsim::Router> router;
    std::unique_ptr<vzsim::Memory> ddr, flash;
    std::unique_ptr<vzsim::Uart> uart;
    std::unique_ptr<vzsim::Timer> timer;
    std::vector<std::unique_ptr<sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>>> lines;

    Board(const std::string &name, const Options &o, const vzsim::CoreParams &cp, sc_time mem_lat)
    {
        sc_time period(o.period_ns, SC_NS);
        core.reset(new vzsim::Core((name + "_core").c_str(), cp));
        if (core->timing())   // no pipeline view here: skip the stage times (no cycle changes)
            vz_timing_set_stage_times(core->timing(), 0);
        router.reset(new vzsim::Router((name + "_bus").c_str(), 4));
        ddr.reset(new vzsim::Memory((name + "_ddr").c_str(), o.ram_mib << 20, mem_lat, false));
        flash.reset(new vzsim::Memory((name + "_flash").c_str(), VZ_BOSTON_FLASH_SIZE, mem_lat, true));
        uart.reset(new vzsim::Uart((name + "_uart").c_str(), stdout, sc_time(o.uart_ns, SC_NS)));
        timer.reset(new vzsim::Timer((name + "_timer").c_str(), period, sc_time(o.timer_ns, SC_NS)));
        core->socket.bind(router->in);
        router->out(0).bind(ddr->socket);
        router->out(1).bind(flash->socket);
        router->out(2).bind(uart->socket);
        router->out(3).bind(timer->socket);
        uint64_t ram = o.ram_mib << 20;
        router->map(VZ_BOSTON_HIGHDDR_BASE, ram, 0, 0);
        router->map(VZ_BOSTON_LOWDDR_BASE, ram < VZ_BOSTON_LOWDDR_MAX ? ram : VZ_BOSTON_LOWDDR_MAX, 0, 0);
        router->map(VZ_BOSTON_FLASH_BASE, VZ_BOSTON_FLASH_SIZE, 1, 0);
        router->map(VZ_BOSTON_UART_BASE, 0x1000, 2, 0);
        router->map(kTimerBase, 0x1000, 3, 0);
        for (unsigned i = 0; i < core->irq.size(); i++) {
            lines.emplace_back(new sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>((name + "_ip" + std::to_string(i + 2)).c_str()));
            core->irq[i].bind(*lines.back());
        }
        timer->irq.bind(*lines[kTimerIp - 2]);
        if (o.pulse_cycles)
            timer->pulse(period * double(o.pulse_at), period * double(o.pulse_cycles));
    }
};

/* Withdraws the DDR's DMI pointers every n cycles while the core runs (tests). */
struct Invalidator : sc_core::sc_module {
    Board *b;
    sc_time every;
    Invalidator(sc_core::sc_module_name n, Board *board, sc_time t) : sc_module(n), b(board), every(t)
    {
        SC_HAS_PROCESS(Invalidator);
        SC_THREAD(run);
    }
    void run()
    {
        while (!b->core->finished()) {
            wait(every);
            b->ddr->invalidate_dmi();
        }
    }
};

void print_stats(const char *who, Board &b)
{
    const vzsim::CoreStats &s = b.core->stats();
    std::fprintf(stderr,
                 "%s: sim time %s, %" PRIu64 " cycles, %" PRIu64 " syncs, %" PRIu64
                 " transactions (%" PRIu64 " to devices, delay %s), %" PRIu64 " debug, %" PRIu64
                 " DMI grants, %" PRIu64 " DMI invalidations\n",
                 who, b.core->end_time().to_string().c_str(), b.core->cycles(), s.syncs,
                 s.transactions, s.device_transactions, s.device_delay.to_string().c_str(),
                 s.debug_transactions, s.dmi_grants, s.dmi_invalidations);
}

int parse(int argc, char **argv, Options &o)
{
    po::options_description desc(
        "usage: vzsim-platform [options] run PROG.elf [ARGS...]\n"
        "       vzsim-platform [options] scenarios [NAME...]\noptions");
    std::string dmi = "on";
    desc.add_options()
        ("help,h", "this text")
        ("timing", po::value(&o.timing), "run: cycle-level with this timing config (default: functional)")
        ("config", po::value(&o.config)->default_value(VZSIM_DEFAULT_CONFIG),
         "scenarios: timing config")
        ("functional", po::bool_switch(&o.functional), "scenarios: functional mode (instruction counts)")
        ("clock-period", po::value(&o.period_ns)->default_value(1.0), "core clock period in ns")
        ("quantum", po::value(&o.quantum)->default_value(10000), "global quantum in core cycles (>= 1)")
        ("dmi", po::value(&dmi)->default_value("on"), "on|off: DMI pointers as the core's fast path")
        ("mem-latency", po::value(&o.mem_ns),
         "latency the memories annotate, ns (default: the config's memory.latency cycles; the core "
         "ignores it, see docs/systemc.md)")
        ("uart-latency", po::value(&o.uart_ns)->default_value(0.0), "UART access latency, ns")
        ("timer-latency", po::value(&o.timer_ns)->default_value(0.0), "timer access latency, ns")
        ("max-insns", po::value(&o.max_insns)->default_value(10000000000ull),
         "run: instruction limit (0: none)")
        ("ram-mib", po::value(&o.ram_mib)->default_value(1024), "DDR size in MiB (1..2048)")
        ("trace", po::value(&o.trace), "scenarios: write the trace database FILE.db")
        ("stats", po::bool_switch(&o.stats), "print the instruction count and the wrapper's statistics")
        ("dump-regs", po::bool_switch(&o.dump_regs), "run: print PC and GPRs at the end (stderr)")
        ("irq-pulse-at", po::value(&o.pulse_at)->default_value(0), "timer: raise IP2 at this cycle ...")
        ("irq-pulse-cycles", po::value(&o.pulse_cycles)->default_value(0), "... for this many cycles (0: never)")
        ("dmi-invalidate-every", po::value(&o.invalidate_every)->default_value(0),
         "withdraw the DDR's DMI pointers every N cycles (0: never)");
    po::options_description hidden;
    hidden.add_options()("mode", po::value(&o.mode))("args", po::value(&o.args));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description pos;
    pos.add("mode", 1).add("args", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos)
                      .style(po::command_line_style::default_style &
                             ~po::command_line_style::allow_guessing)
                      .run(), vm);
        po::notify(vm);
    } catch (const po::error &e) {
        std::fprintf(stderr, "vzsim-platform: %s\n", e.what());
        return 2;
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return 0;
    }
    if (dmi != "on" && dmi != "off") {
        std::fprintf(stderr, "vzsim-platform: --dmi must be on or off, not '%s'\n", dmi.c_str());
        return 2;
    }
    o.dmi = dmi == "on";
    if (o.quantum == 0 || !(o.period_ns > 0) || o.ram_mib == 0 || o.ram_mib > 2048) {
        std::fprintf(stderr, "vzsim-platform: --quantum must be >= 1, --clock-period > 0, "
                             "--ram-mib 1..2048\n");
        return 2;
    }
    if (o.mode == "run" ? o.args.empty() : o.mode != "scenarios") {
        std::cerr << desc << "\n";
        return 2;
    }
    return -1;
}

/* ---------------- run: a bare-metal program ---------------- */

int run_program(const Options &o)
{
    static vz_timing_config tcfg;
    char err[512];
    vzsim::CoreParams cp;
    cp.clock_period = sc_time(o.period_ns, SC_NS);
    cp.quantum_cycles = o.quantum;
    cp.dmi = o.dmi;
    if (!o.timing.empty()) {
        if (vz_timing_config_load(o.timing.c_str(), &tcfg, err, sizeof err) != 0) {
            std::fprintf(stderr, "vzsim-platform: %s\n", err);
            return 2;
        }
        cp.timing = &tcfg;
    }
    std::vector<char *> gargv;
    for (auto &a : o.args)
        gargv.push_back(const_cast<char *>(a.c_str()));
    cp.cpu.semihosting = 1;
    cp.cpu.argc = int(gargv.size());
    cp.cpu.argv = gargv.data();
    sc_time mem_lat = o.mem_ns >= 0 ? sc_time(o.mem_ns, SC_NS)
                                    : cp.clock_period * double(cp.timing ? tcfg.mem_latency : 0);
    Board b("cpu0", o, cp, mem_lat);
    std::unique_ptr<Invalidator> inv;
    if (o.invalidate_every)
        inv.reset(new Invalidator("invalidator", &b, cp.clock_period * double(o.invalidate_every)));
    int rc = 2;
    const char *prog = o.args[0].c_str();
    b.core->set_program([&](vzsim::Core &core) {
        vz_boot_state boot;
        char e[512];
        if (vz_boston_load_kernel(core.mem(), prog, &boot, nullptr, e, sizeof e) != 0) {
            std::fprintf(stderr, "vzsim-platform: %s\n", e);
            rc = 2;
            return;
        }
        vz_cpu *cpu = core.cpu();
        for (unsigned r = 1; r < 32; r++)
            vz_cpu_set_gpr(cpu, r, boot.gpr[r]);
        vz_cpu_set_cp0(cpu, VZ_CP0_STATUS, boot.cp0_status);
        vz_cpu_set_pc(cpu, boot.pc);
        vz_stop why = core.run(o.max_insns);
        std::fflush(stdout);
        switch (why) {
        case VZ_STOP_EXIT:
            rc = vz_cpu_exit_code(cpu) & 0xff;
            break;
        case VZ_STOP_LIMIT:
            std::fprintf(stderr, "vzsim: instruction limit of %" PRIu64 " reached at pc 0x%016" PRIx64 "\n",
                         o.max_insns, vz_cpu_get_pc(cpu));
            rc = 124;
            break;
        default:
            std::fprintf(stderr, "vzsim: program stopped: %s\n", vz_cpu_stop_message(cpu));
            rc = 125;
            break;
        }
    });
    sc_core::sc_start();
    std::fflush(stdout);
    if (o.stats)
        std::fprintf(stderr, "vzsim: %" PRIu64 " instructions\n", vz_cpu_insns(b.core->cpu()));
    if (b.core->timing())
        std::fprintf(stderr, "vzsim: %" PRIu64 " cycles\n", vz_timing_cycles(b.core->timing()));
    if (o.stats)
        print_stats("vzsim-platform", b);
    if (o.dump_regs) {
        std::fprintf(stderr, "pc %016" PRIx64, vz_cpu_get_pc(b.core->cpu()));
        for (unsigned r = 1; r < 32; r++)
            std::fprintf(stderr, " r%u %016" PRIx64, r, vz_cpu_get_gpr(b.core->cpu(), r));
        std::fprintf(stderr, "\n");
    }
    return rc;
}

/* ---------------- scenarios: the hypervisor suite ---------------- */

struct ScenarioRun {
    const vz_scenario *s;
    std::unique_ptr<Board> board;
    vz_exit_timer *timer = nullptr;
    vz_guest_result r = {};
    int failed = 0;
    std::FILE *con = nullptr;
};

int run_scenarios(const Options &o, int argc, char **argv)
{
    static vz_timing_config tcfg;
    char err[512];
    if (!o.functional && vz_timing_config_load(o.config.c_str(), &tcfg, err, sizeof err) != 0) {
        std::fprintf(stderr, "vzsim-platform: %s\n", err);
        return 2;
    }
    char dir[PATH_MAX];
    if (vz_scenario_guest_dir(dir, sizeof dir) != 0) {
        std::fprintf(stderr, "vzsim-platform: cannot find the guests directory\n");
        return 2;
    }
    std::vector<char *> names;
    for (auto &a : o.args)
        names.push_back(const_cast<char *>(a.c_str()));
    vz_trace *trace = nullptr;
    if (!o.trace.empty()) {
        trace = vz_scenarios_trace_create(o.trace.c_str(), o.functional ? nullptr : &tcfg,
                                          o.config.c_str(), int(names.size()), names.data(),
                                          nullptr, "vzsim-platform", argc - 1, argv + 1, err,
                                          sizeof err);
        if (!trace) {
            std::fprintf(stderr, "vzsim-platform: %s\n", err);
            return 2;
        }
    }
    vzsim::CoreParams cp;
    cp.clock_period = sc_time(o.period_ns, SC_NS);
    cp.quantum_cycles = o.quantum;
    cp.dmi = o.dmi;
    cp.timing = o.functional ? nullptr : &tcfg;
    cp.stop_when_done = false;           // the other scenarios go on
    sc_time mem_lat = o.mem_ns >= 0 ? sc_time(o.mem_ns, SC_NS)
                                    : cp.clock_period * double(cp.timing ? tcfg.mem_latency : 0);
    std::vector<std::unique_ptr<ScenarioRun>> runs;
    std::vector<std::unique_ptr<Invalidator>> invs;
    for (size_t i = 0; i < vz_nscenarios; i++) {
        const vz_scenario *s = &vz_scenarios[i];
        if (!vz_scenario_wanted(s, int(names.size()), names.data()))
            continue;
        runs.emplace_back(new ScenarioRun);
        ScenarioRun *run = runs.back().get();
        run->s = s;
        run->board.reset(new Board(s->name, o, cp, mem_lat));
        run->timer = vz_exit_timer_create(trace, s->name, nullptr);
        run->con = std::tmpfile();
        if (!run->timer) {
            std::fprintf(stderr, "vzsim-platform: out of memory\n");
            return 2;
        }
        if (o.invalidate_every)
            invs.emplace_back(new Invalidator((std::string(s->name) + "_inv").c_str(), run->board.get(),
                                              cp.clock_period * double(o.invalidate_every)));
        std::string elf = std::string(dir) + "/scenario_" + s->name + ".elf";
        run->board->core->set_program([run, elf](vzsim::Core &core) {
            char e[512];
            vz_hv_config hcfg = {};
            hcfg.guest_ram = VZ_SCENARIO_GUEST_RAM;
            hcfg.max_exits = VZ_SCENARIO_MAX_EXITS;
            hcfg.console = run->con;
            hcfg.guest_id = 1;
            vz_hv *hv = vz_hv_create(core.mem(), core.cpu(), &hcfg, e, sizeof e);
            if (!hv || vz_hv_load_guest(hv, elf.c_str(), e, sizeof e) != 0) {
                std::fprintf(stderr, "vzsim-platform: %s: %s\n", run->s->name, e);
                run->failed = 1;
                vz_hv_destroy(hv);
                return;
            }
            /* the host takes its platform's device interrupt (IP2) while a guest runs */
            vz_cpu *cpu = core.cpu();
            vz_cpu_set_cp0(cpu, VZ_CP0_STATUS,
                           vz_cpu_get_cp0(cpu, VZ_CP0_STATUS) | (1u << (8 + kTimerIp)));
            vz_exit_timer_bind(run->timer, cpu, hv, core.timing());
            core.add_observer(vz_exit_timer_retire, run->timer);
            vz_cpu_set_exception_observer(cpu, vz_exit_timer_exception, run->timer);
            vz_hv_status st = vz_hv_run(hv, VZ_SCENARIO_MAX_INSNS);
            vz_exit_timer_flush(run->timer);
            vz_guest_result_get(&run->r, st, hv, cpu, core.timing(), VZ_SCENARIO_MAX_EXITS);
            vz_hv_destroy(hv);
        });
    }
    if (runs.empty()) {
        std::fprintf(stderr, "vzsim-platform: no such scenario\n");
        vz_trace_close(trace);
        return 2;
    }
    sc_core::sc_start();
    vz_scenarios_print_header(stdout, o.functional, o.config.c_str(), 0);
    int failures = 0;
    std::string end_reason = "complete";     // runs.end_reason, as vzsim scenarios
    for (auto &run : runs) {
        if (run->con)
            std::fclose(run->con);
        const char *why = run->failed ? "error" : vz_guest_end_reason(&run->r);
        if (end_reason == "complete")
            end_reason = why;
        if (run->failed) {
            failures++;
        } else {
            int k = vz_scenario_finish(run->s, run->timer, &run->r, trace, stdout,
                                       "vzsim-platform");
            if (k < 0) {
                vz_trace_give_up(trace, "vzsim-platform", o.trace.c_str());
                return 2;
            }
            failures += k;
        }
        if (o.stats) {
            std::fprintf(stderr, "%s: %" PRIu64 " instructions\n", run->s->name, run->r.insns);
            print_stats(run->s->name, *run->board);
        }
        vz_exit_timer_destroy(run->timer);
    }
    char terr[512] = "";
    if (trace && vz_trace_end(trace, end_reason.c_str(), terr, sizeof terr) != 0) {
        std::fprintf(stderr, "vzsim-platform: %s: cannot finish the trace: %s\n", o.trace.c_str(),
                     terr);
        return 2;
    }
    return failures ? 1 : 0;
}

}  // namespace

int sc_main(int argc, char **argv)
{
    (void)kQuietBanner;
    Options o;
    int rc = parse(argc, argv, o);
    /* sc_stop() at the end of a program is the normal way out: no "stopped by user"
     * information on stdout, which carries the program's output */
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    if (rc >= 0)
        return rc;
    try {
        return o.mode == "run" ? run_program(o) : run_scenarios(o, argc, argv);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "vzsim-platform: %s\n", e.what());
        return 2;
    }
}
