/*
 * tools/hvcmds.c - the hypervisor commands of the vzsim CLI:
 *   vzsim guest [--max-insns N] [--max-exits N] PROG.elf   run a guest under the host
 *   vzsim scenarios [--iterations-check] [NAME ...]         run the built-in scenarios
 *   vzsim entry --listing                                   print the generated code
 *   vzsim report [--format text|csv|json] DB                latency report of a trace
 * In functional mode every number is an instruction count (the timing model turns
 * them into cycles): per exit, the exit path (guest instruction that exited ->
 * exit handler call), the handler (native: 0 instructions) and the re-entry
 * (handler return -> first guest instruction completed).
 */
#include "tools/hvcmds.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/entry/host.h"
#include "tools/scenario.h"
#include "traces/trace.h"
#include "sim/timing/timing.h"
#include "sim/isa/isa.h"
#include "sim/mem/boston.h"

/* ---------------- one guest under the host ---------------- */

typedef vz_guest_result guest_run;

static int run_guest(const char *elf, uint64_t max_insns, uint64_t max_exits, FILE *console,
                     vz_exit_timer *timer, const vz_timing_config *tcfg, guest_run *out)
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
    vz_hv_config hcfg = { .guest_ram = VZ_SCENARIO_GUEST_RAM, .max_exits = max_exits,
                          .console = console, .guest_id = 1 };
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
        if (timer)
            vz_timing_chain(timing, vz_exit_timer_retire, timer);
    } else if (timer) {
        vz_cpu_set_retire_observer(cpu, vz_exit_timer_retire, timer);
    }
    if (timer)
        vz_exit_timer_bind(timer, cpu, hv, timing);
    vz_hv_status st = vz_hv_run(hv, max_insns);
    if (timer)
        vz_exit_timer_end(timer);
    vz_guest_result_get(out, st, hv, cpu);
    rc = 0;
done:
    vz_timing_destroy(timing);
    vz_hv_destroy(hv);
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    return rc;
}

int vz_cmd_guest(int argc, char **argv)
{
    uint64_t max_insns = 1000000000ull, max_exits = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--max-insns") && i + 1 < argc && !vz_cli_parse_u64(argv[i + 1], &max_insns))
            i++;
        else if (!strcmp(argv[i], "--max-exits") && i + 1 < argc &&
                 !vz_cli_parse_u64(argv[i + 1], &max_exits))
            i++;
        else {
            fprintf(stderr, "vzsim guest: bad option '%s' (--max-insns N, --max-exits N)\n",
                    argv[i]);
            return 2;
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: vzsim guest [--max-insns N] [--max-exits N] PROG.elf\n");
        return 2;
    }
    guest_run r;
    if (run_guest(argv[i], max_insns, max_exits, stdout, NULL, NULL, &r) != 0) {
        fprintf(stderr, "vzsim guest: %s\n", r.msg);
        return 2;
    }
    fprintf(stderr, "vzsim guest: %" PRIu64 " instructions, %" PRIu64 " exits:", r.insns,
            r.total_exits);
    for (int k = 0; k < VZ_EXIT_NREASONS; k++)
        if (r.exits[k])
            fprintf(stderr, " %s %" PRIu64, vz_exit_reason_name((vz_exit_reason)k), r.exits[k]);
    fprintf(stderr, "\n");
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
    int functional = 0;
    int first = 1;
    char command[2048] = "vzsim";
    for (int i = 0; i < argc; i++) {
        size_t k = strlen(command);
        snprintf(command + k, sizeof command - k, " %s", argv[i]);
    }
    while (first < argc && argv[first][0] == '-') {
        if (!strcmp(argv[first], "--trace") && first + 1 < argc) {
            trace_path = argv[first + 1];
            first += 2;
        } else if (!strcmp(argv[first], "--config") && first + 1 < argc) {
            config = argv[first + 1];
            first += 2;
        } else if (!strcmp(argv[first], "--functional")) {
            functional = 1;
            first++;
        } else {
            fprintf(stderr, "usage: vzsim scenarios [--config FILE.ini | --functional]"
                            " [--trace FILE.db] [NAME ...]\n");
            return 2;
        }
    }
    int nnames = argc - first;
    char **names = argv + first;
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
    if (trace_path) {
        char err[512];
        trace = vz_scenarios_trace_create(trace_path, functional ? NULL : &tcfg, config, nnames,
                                          names, command, err, sizeof err);
        if (!trace) {
            fprintf(stderr, "vzsim scenarios: %s\n", err);
            return 2;
        }
    }
    vz_scenarios_print_header(stdout, functional, config);
    for (size_t s = 0; s < vz_nscenarios; s++) {
        const vz_scenario *sc = &vz_scenarios[s];
        if (!vz_scenario_wanted(sc, nnames, names))
            continue;
        ran++;
        char elf[PATH_MAX + 64];
        snprintf(elf, sizeof elf, "%s/scenario_%s.elf", dir, sc->name);
        vz_exit_timer *timer = vz_exit_timer_create(trace, sc->name);
        FILE *con = tmpfile();
        guest_run r;
        if (!timer || run_guest(elf, VZ_SCENARIO_MAX_INSNS, VZ_SCENARIO_MAX_EXITS, con, timer,
                                functional ? NULL : &tcfg, &r) != 0) {
            fprintf(stderr, "vzsim scenarios: %s: %s\n", sc->name, timer ? r.msg : "out of memory");
            failures++;
            if (con)
                fclose(con);
            vz_exit_timer_destroy(timer);
            continue;
        }
        if (con)
            fclose(con);
        int k = vz_scenario_finish(sc, timer, &r, trace, functional, stdout, "vzsim scenarios");
        vz_exit_timer_destroy(timer);
        if (k < 0) {
            fprintf(stderr, "vzsim scenarios: %s: cannot write the trace\n", trace_path);
            vz_trace_close(trace);
            return 2;
        }
        failures += k;
    }
    if (!ran) {
        fprintf(stderr, "vzsim scenarios: no such scenario\n");
        vz_trace_close(trace);
        return 2;
    }
    if (trace && vz_trace_finish(trace) != 0) {
        fprintf(stderr, "vzsim scenarios: %s: cannot finish the trace\n", trace_path);
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
        fprintf(stderr, "usage: vzsim report [--format text|csv|json] DB\n");
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
