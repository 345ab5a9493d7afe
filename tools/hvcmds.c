/*
 * tools/hvcmds.c - the hypervisor commands of the vzsim CLI:
 *   vzsim guest [--max-insns N] [--max-exits N] [--timing FILE.ini] [--handler native|mips]
 *               [--trace FILE.db [--trace-insns SPEC]] PROG.elf   run a guest under the host
 *   vzsim scenarios [--config FILE.ini | --functional] [--handler native|mips]
 *               [--trace FILE.db [--trace-insns SPEC]] [NAME ...] run the built-in scenarios
 *   vzsim entry --listing                                        print the generated code
 *   vzsim report [--format text|csv|json|html] DB                     latency report of a trace
 * and what vzsim.c shares with them: SIGINT/SIGTERM handling, --trace-insns, and the
 * exit_timer retire observer that times every exit and feeds the trace database
 * (docs/traces.md). In functional mode every number is an instruction count (the
 * timing model turns them into cycles).
 */
#include "tools/hvcmds.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/entry/host.h"
#include "traces/trace.h"
#include "sim/timing/timing.h"
#include "sim/isa/isa.h"
#include "sim/mem/boston.h"

/* ---------------- signals ---------------- */

/* SIGINT / SIGTERM: the handler only records the signal and asks the core to stop;
 * the run loop (and the trace observer, at the next instruction boundary, in case
 * the request fell between two vz_cpu_run calls) stops, and the command writes and
 * commits the trace outside the handler. */
static volatile sig_atomic_t g_signal;
static vz_cpu *volatile g_signal_cpu;

static void on_signal(int sig)
{
    g_signal = sig;
    if (g_signal_cpu)
        vz_cpu_request_stop(g_signal_cpu);
}

void vz_cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void vz_cli_signal_cpu(vz_cpu *cpu) { g_signal_cpu = cpu; }
void vz_cli_stop_on_signal(vz_exit_timer *t) { vz_exit_timer_stop_on(t, &g_signal); }
int vz_cli_signal(void) { return g_signal; }
const char *vz_cli_signal_name(void)
{
    return g_signal == SIGINT ? "SIGINT" : g_signal == SIGTERM ? "SIGTERM" : NULL;
}

/* ---------------- --trace-insns ---------------- */

int vz_cli_parse_trace_insns(const char *s, vz_insn_opts *o)
{
    memset(o, 0, sizeof *o);
    char buf[64];
    if (!strcmp(s, "all")) {
        o->mode = VZ_INSNS_ALL;
        return 0;
    }
    if (!strncmp(s, "around:", 7)) {
        o->mode = VZ_INSNS_AROUND;
        /* the ring holds N + 4096 records of ~80 bytes: at most 1 M before each exit */
        return vz_cli_parse_u64(s + 7, &o->around) != 0 || o->around > 1000000 ? -1 : 0;
    }
    if (!strncmp(s, "window:", 7) && strlen(s + 7) < sizeof buf) {
        snprintf(buf, sizeof buf, "%s", s + 7);
        char *dash = strchr(buf, '-');
        if (!dash)
            return -1;
        *dash = 0;
        o->mode = VZ_INSNS_WINDOW;
        if (vz_cli_parse_u64(buf, &o->from) != 0 || vz_cli_parse_u64(dash + 1, &o->to) != 0 ||
            o->to < o->from)
            return -1;
        return 0;
    }
    return -1;
}

/* ---------------- one guest under the host ---------------- */

/* --handler mips: the ELF of the cross-compiled exit handler (NULL: native) */
static const char *mips_handler;
static char mips_handler_elf[PATH_MAX + 32];

/* "native" or "mips" (then the handler ELF next to the guests); 0, or -1 with a
 * message naming cmd */
static int set_handler(const char *cmd, const char *which)
{
    mips_handler = NULL;
    if (!strcmp(which, "native"))
        return 0;
    char dir[PATH_MAX];
    if (strcmp(which, "mips") != 0) {
        fprintf(stderr, "vzsim %s: --handler is native or mips, not '%s'\n", cmd, which);
        return -1;
    }
    if (vz_scenario_guest_dir(dir, sizeof dir) != 0) {
        fprintf(stderr, "vzsim %s: cannot find the guests directory\n", cmd);
        return -1;
    }
    snprintf(mips_handler_elf, sizeof mips_handler_elf, "%s/hv_handler.elf", dir);
    mips_handler = mips_handler_elf;
    return 0;
}


static int run_guest(const char *elf, uint64_t max_insns, uint64_t max_exits, FILE *console,
                     vz_exit_timer *timer, const vz_timing_config *tcfg, vz_guest_result *out)
{
    vz_timing *timing = NULL;
    char err[512];
    vz_mem *mem = vz_mem_create();
    vz_cpu *cpu = NULL;
    vz_hv *hv = NULL;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!mem || vz_boston_map(mem, 0, err, sizeof err) != 0) {
        snprintf(out->msg, sizeof out->msg, "cannot build the memory map");
        goto done;
    }
    vz_cpu_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cpu = vz_cpu_create(mem, &cfg);
    if (!cpu) {
        snprintf(out->msg, sizeof out->msg, "out of memory");
        goto done;
    }
    vz_hv_config hcfg = { .guest_ram = 16ull << 20, .max_exits = max_exits, .console = console,
                          .guest_id = 1, .mips_handler = mips_handler };
    hv = vz_hv_create(mem, cpu, &hcfg, err, sizeof err);
    if (!hv || vz_hv_load_guest(hv, elf, err, sizeof err) != 0) {
        snprintf(out->msg, sizeof out->msg, "%s", err);
        goto done;
    }
    if (tcfg) {
        timing = vz_timing_create(tcfg);
        if (!timing) {
            snprintf(out->msg, sizeof out->msg, "cannot create the timing model");
            goto done;
        }
        vz_timing_attach(timing, cpu);
        /* per-instruction stage times only feed --trace-insns (about 10% of the
         * model's time otherwise; they never change a cycle) */
        vz_timing_set_stage_times(timing, timer && vz_exit_timer_traces_insns(timer));
    }
    if (timer) {
        vz_exit_timer_attach(timer, cpu, timing, hv);
        vz_cli_stop_on_signal(timer);
    }
    vz_cli_signal_cpu(cpu);
    if (!vz_cli_signal())                     /* a signal before the run: do not start */
        out->status = vz_hv_run(hv, max_insns);
    else
        out->status = VZ_HV_ERROR;
    vz_cli_signal_cpu(NULL);
    if (timer)
        vz_exit_timer_flush(timer);          /* the exit that ended the run */
    vz_guest_result_get(out, out->status, hv, cpu, timing, max_exits);
    rc = 0;
done:
    vz_timing_destroy(timing);
    vz_hv_destroy(hv);
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    return rc;
}

/* runs.end_reason of a guest run (docs/traces.md): a signal, or how the run ended */
static const char *guest_end_reason(const vz_guest_result *r)
{
    return vz_cli_signal_name() ? vz_cli_signal_name() : vz_guest_end_reason(r);
}

int vz_cmd_guest(int argc, char **argv)
{
    uint64_t max_insns = 1000000000ull, max_exits = 0;
    const char *trace_path = NULL, *timing_path = NULL;
    vz_insn_opts io = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--max-insns") && i + 1 < argc && !vz_cli_parse_u64(argv[i + 1], &max_insns))
            i++;
        else if (!strcmp(argv[i], "--max-exits") && i + 1 < argc &&
                 !vz_cli_parse_u64(argv[i + 1], &max_exits))
            i++;
        else if (!strcmp(argv[i], "--trace") && i + 1 < argc)
            trace_path = argv[++i];
        else if (!strcmp(argv[i], "--timing") && i + 1 < argc)
            timing_path = argv[++i];
        else if (!strcmp(argv[i], "--handler") && i + 1 < argc) {
            if (set_handler("guest", argv[++i]) != 0)
                return 2;
        }
        else if (!strcmp(argv[i], "--trace-insns") && i + 1 < argc &&
                 !vz_cli_parse_trace_insns(argv[i + 1], &io))
            i++;
        else {
            fprintf(stderr, "vzsim guest: bad option '%s' (--max-insns N, --max-exits N,"
                            " --timing FILE.ini, --handler native|mips, --trace FILE.db,"
                            " --trace-insns all | window:FROM-TO | around:N)\n", argv[i]);
            return 2;
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: vzsim guest [--max-insns N] [--max-exits N] [--timing FILE.ini]"
                        " [--handler native|mips] [--trace FILE.db [--trace-insns SPEC]]"
                        " PROG.elf\n");
        return 2;
    }
    if (io.mode && !trace_path) {
        fprintf(stderr, "vzsim guest: --trace-insns needs --trace FILE.db\n");
        return 2;
    }
    static vz_timing_config tcfg;
    char err[512];
    if (timing_path && vz_timing_config_load(timing_path, &tcfg, err, sizeof err) != 0) {
        fprintf(stderr, "vzsim guest: %s\n", err);
        return 2;
    }
    vz_trace *trace = NULL;
    vz_exit_timer *timer = NULL;
    if (trace_path) {
        char extra[256], ins[64];
        vz_insn_opts_print(ins, sizeof ins, &io);
        snprintf(extra, sizeof extra, "[guest]\nmax_insns = %" PRIu64 "\nmax_exits = %" PRIu64
                 "\ntrace_insns = %s\n", max_insns, max_exits, ins);
        trace = vz_run_trace_create(trace_path, "vzsim", "guest", timing_path ? &tcfg : NULL, timing_path,
                                    argv[i], argc, argv, extra, err, sizeof err);
        if (!trace || !(timer = vz_exit_timer_create(trace, NULL, &io))) {
            fprintf(stderr, "vzsim guest: %s\n", trace ? "out of memory" : err);
            vz_trace_close(trace);
            return 2;
        }
    }
    vz_cli_signals_install();
    vz_guest_result r;
    if (run_guest(argv[i], max_insns, max_exits, stdout, timer, timing_path ? &tcfg : NULL,
                  &r) != 0) {
        fprintf(stderr, "vzsim guest: %s\n", r.msg);
        vz_exit_timer_destroy(timer);
        vz_trace_close(trace);
        return 2;
    }
    fprintf(stderr, "vzsim guest: %" PRIu64 " instructions, %" PRIu64 " exits:", r.insns,
            r.total_exits);
    for (int k = 0; k < VZ_EXIT_NREASONS; k++)
        if (r.exits[k])
            fprintf(stderr, " %s %" PRIu64, vz_exit_reason_name((vz_exit_reason)k), r.exits[k]);
    fprintf(stderr, "\n");
    if (trace) {
        int bad = vz_exit_timer_failed(timer) | vz_guest_stats(trace, NULL, &r, timer);
        vz_exit_timer_destroy(timer);
        char terr[512] = "";
        if (vz_trace_end_for_exit(trace, guest_end_reason(&r), terr, sizeof terr) != 0 || bad) {
            fprintf(stderr, "vzsim guest: %s: cannot write the trace%s%s\n", trace_path,
                    terr[0] ? ": " : "", terr);
            return 2;
        }
    }
    if (vz_cli_signal()) {
        fprintf(stderr, "vzsim guest: interrupted by %s\n", vz_cli_signal_name());
        return 128 + vz_cli_signal();
    }
    if (r.status == VZ_HV_EXITED)
        return r.exit_status & 0xff;
    fprintf(stderr, "vzsim guest: %s\n", r.msg);
    return r.status == VZ_HV_LIMIT ? 124 : 125;
}

/* ---------------- scenarios ---------------- */

int vz_cmd_scenarios(int argc, char **argv)
{
    const char *config = VZSIM_DEFAULT_CONFIG;
    const char *trace_path = NULL;
    vz_insn_opts io = {0};
    int functional = 0;
    int first = 1;
    const int all_argc = argc;
    char **const all_argv = argv;
    while (first < argc && argv[first][0] == '-') {
        if (!strcmp(argv[first], "--trace") && first + 1 < argc) {
            trace_path = argv[first + 1];
            first += 2;
        } else if (!strcmp(argv[first], "--trace-insns") && first + 1 < argc &&
                   !vz_cli_parse_trace_insns(argv[first + 1], &io)) {
            first += 2;
        } else if (!strcmp(argv[first], "--config") && first + 1 < argc) {
            config = argv[first + 1];
            first += 2;
        } else if (!strcmp(argv[first], "--functional")) {
            functional = 1;
            first++;
        } else if (!strcmp(argv[first], "--handler") && first + 1 < argc) {
            if (set_handler("scenarios", argv[first + 1]) != 0)
                return 2;
            first += 2;
        } else {
            fprintf(stderr, "usage: vzsim scenarios [--config FILE.ini | --functional]"
                            " [--handler native|mips] [--trace FILE.db [--trace-insns all |"
                            " window:FROM-TO | around:N]] [NAME ...]\n");
            return 2;
        }
    }
    if (io.mode && !trace_path) {
        fprintf(stderr, "vzsim scenarios: --trace-insns needs --trace FILE.db\n");
        return 2;
    }
    argc -= first - 1;
    argv += first - 1;
    static vz_timing_config tcfg;
    if (!functional) {
        char err[512];
        if (vz_timing_config_load(config, &tcfg, err, sizeof err) != 0) {
            fprintf(stderr, "vzsim scenarios: %s\n", err);
            return 2;
        }
    }
    char dir[PATH_MAX];
    if (vz_scenario_guest_dir(dir, sizeof dir) != 0) {
        fprintf(stderr, "vzsim scenarios: cannot find the guests directory\n");
        return 2;
    }
    int failures = 0, ran = 0;
    vz_trace *trace = NULL;
    const char *end_reason = "complete";
    if (trace_path) {
        char err[512];
        trace = vz_scenarios_trace_create(trace_path, functional ? NULL : &tcfg, config,
                                          argc - 1, argv + 1, &io, "vzsim", all_argc, all_argv, err,
                                          sizeof err);
        if (!trace) {
            fprintf(stderr, "vzsim scenarios: %s\n", err);
            return 2;
        }
    }
    vz_cli_signals_install();
    vz_scenarios_print_header(stdout, functional, config, mips_handler != NULL);
    for (size_t s = 0; s < vz_nscenarios && !vz_cli_signal(); s++) {
        const vz_scenario *sc = &vz_scenarios[s];
        if (!vz_scenario_wanted(sc, argc - 1, argv + 1))
            continue;
        ran++;
        char elf[PATH_MAX + 64];
        snprintf(elf, sizeof elf, "%s/scenario_%s.elf", dir, sc->name);
        vz_exit_timer *timer = vz_exit_timer_create(trace, sc->name, &io);
        if (!timer) {
            fprintf(stderr, "vzsim scenarios: out of memory\n");
            vz_trace_close(trace);
            return 2;
        }
        FILE *con = tmpfile();
        vz_guest_result r;
        if (run_guest(elf, VZ_SCENARIO_MAX_INSNS, VZ_SCENARIO_MAX_EXITS, con, timer, functional ? NULL : &tcfg,
                      &r) != 0) {
            fprintf(stderr, "vzsim scenarios: %s: %s\n", sc->name, r.msg);
            failures++;
            if (con)
                fclose(con);
            vz_exit_timer_destroy(timer);
            if (!strcmp(end_reason, "complete"))
                end_reason = "error";
            continue;
        }
        if (con)
            fclose(con);
        if (trace && strcmp(guest_end_reason(&r), "complete") && !strcmp(end_reason, "complete"))
            end_reason = guest_end_reason(&r);
        /* (no commit here: the writer commits at least once a second) */
        if (vz_cli_signal()) {
            int bad = trace && (vz_exit_timer_failed(timer) ||
                                vz_guest_stats(trace, sc->name, &r, timer));
            vz_exit_timer_destroy(timer);
            fprintf(stderr, "vzsim scenarios: %s: interrupted by %s after %" PRIu64
                    " instructions, %" PRIu64 " exits\n", sc->name,
                    vz_cli_signal_name(), r.insns, r.total_exits);
            if (bad) {
                vz_trace_give_up(trace, "vzsim scenarios", trace_path);
                return 2;
            }
            break;
        }
        int k = vz_scenario_finish(sc, timer, &r, trace, stdout, "vzsim scenarios");
        vz_exit_timer_destroy(timer);
        if (k < 0) {
            vz_trace_give_up(trace, "vzsim scenarios", trace_path);
            return 2;
        }
        failures += k;
    }
    if (vz_cli_signal()) {
        char err[512] = "";
        if (trace && vz_trace_end_for_exit(trace, vz_cli_signal_name(), err, sizeof err) != 0) {
            fprintf(stderr, "vzsim scenarios: %s: cannot finish the trace: %s\n", trace_path,
                    err);
            return 2;
        }
        return 128 + vz_cli_signal();
    }
    if (!ran) {
        fprintf(stderr, "vzsim scenarios: no such scenario\n");
        vz_trace_close(trace);
        return 2;
    }
    char err[512] = "";
    if (trace && vz_trace_end_for_exit(trace, end_reason, err, sizeof err) != 0) {
        fprintf(stderr, "vzsim scenarios: %s: cannot finish the trace: %s\n", trace_path, err);
        return 2;
    }
    return failures ? 1 : 0;
}

int vz_cmd_report(int argc, char **argv)
{
    const char *format = "text", *db = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format = argv[++i];
        else if (argv[i][0] != '-' && !db)
            db = argv[i];
        else
            db = NULL, argc = -1;
    }
    if (!db || argc < 0) {
        fprintf(stderr, "usage: vzsim report [--format text|csv|json|html] DB\n");
        return 2;
    }
    char err[512];
    if (vz_trace_report(db, format, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "vzsim report: %s\n", err);
        return 2;
    }
    return 0;
}

int vz_cmd_entry(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "--listing") != 0) {
        fprintf(stderr, "usage: vzsim entry --listing\n");
        return 2;
    }
    vz_mem *mem = vz_mem_create();
    char err[512];
    vz_cpu_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (!mem || vz_boston_map(mem, 0, err, sizeof err) != 0)
        return 2;
    vz_cpu *cpu = vz_cpu_create(mem, &cfg);
    vz_entry_cfg ecfg;
    if (!cpu || vz_entry_setup(&ecfg, (uint32_t)vz_cpu_get_cp0(cpu, VZ_CP0_CONFIG4), 1) != 0) {
        fprintf(stderr, "vzsim entry: the core lacks two KScratch registers\n");
        return 2;
    }
    static uint32_t block[VZ_ENTRY_BLOCK_SIZE / 4];
    static vz_entry_layout l;
    uint64_t base = VZ_HV_KSEG0(VZ_HV_BLOCK_PA);
    if (vz_entry_generate(block, base, &ecfg, &l, err, sizeof err) != 0) {
        fprintf(stderr, "vzsim entry: %s\n", err);
        return 1;
    }
    printf("# vzsim guest entry/exit code, generated for the per-vcpu block at 0x%016" PRIx64 "\n"
           "# scratch registers: vcpu pointer in KScratch (31,%u), guest k1 in KScratch (31,%u)\n",
           base, ecfg.scratch_vcpu, ecfg.scratch_tmp);
    const struct { uint64_t addr; const char *name; } labels[] = {
        {l.refill, "tlb_refill (+0x080)"}, {l.general, "general exception (+0x180)"},
        {l.exit, "exit_common (+0x2000)"}, {l.ret_from_exit, "ret_from_exit"},
        {l.ret_to_guest, "ret_to_guest"}, {l.ret_to_host, "return_to_host"},
        {l.vcpu_run, "vcpu_run"},
    };
    unsigned note = 0;
    vz_disasm_opts o;
    memset(&o, 0, sizeof o);
    for (uint64_t addr = base; addr < l.end; addr += 4) {
        uint32_t w = block[(addr - base) / 4];
        for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++)
            if (labels[k].addr == addr)
                printf("\n%016" PRIx64 " <%s>:\n", addr, labels[k].name);
        while (note < l.nnotes && l.notes[note].addr < addr)
            note++;
        while (note < l.nnotes && l.notes[note].addr == addr) {
            printf("                          # [%s] %s\n", l.notes[note].builder,
                   l.notes[note].text);
            note++;
        }
        uint32_t prev = addr > base ? block[(addr - base) / 4 - 1] : 0;
        if (w == 0 && !(vz_insn_table[vz_decode(prev)].flags & VZ_F_DS))
            continue;       /* NOP padding between vectors (delay-slot NOPs are shown) */
        char text[128];
        vz_disasm(w, addr, &o, text, sizeof text);
        printf("%16" PRIx64 ":\t%08x\t%s\n", addr, w, text);
    }
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    return 0;
}
