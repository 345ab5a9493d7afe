/*
 * tools/hvcmds.c - the hypervisor commands of the vzsim CLI:
 *   vzsim guest [--max-insns N] [--max-exits N] [--handler native|mips] PROG.elf
 *                                                           run a guest under the host
 *   vzsim scenarios [--handler native|mips] [NAME ...]      run the built-in scenarios
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
#include "traces/trace.h"
#include "sim/timing/timing.h"
#include "sim/isa/isa.h"
#include "sim/mem/boston.h"

/* ---------------- per-exit instruction accounting ---------------- */

#define MAX_SAMPLES 100000
/* Per exit: c0 = the exiting guest instruction, c2 = the call of the exit handler,
 * c3 = its return, c5 = the first guest instruction completed after re-entry
 * (docs/architecture.md "Timing one exit"). Counted in instructions, or in cycles
 * when a timing model is attached (then this observer runs after it). */
typedef struct exit_timer {
    uint64_t n;              /* instructions seen (retired or faulting) */
    vz_timing *timing;       /* NULL: count instructions */
    int state;               /* 0 in guest, 1 exit path, 2 re-entry */
    uint64_t c0, c2, c3, last;
    uint64_t exit_path[MAX_SAMPLES], handler[MAX_SAMPLES], reentry[MAX_SAMPLES];
    uint64_t total[MAX_SAMPLES];
    uint8_t reason[MAX_SAMPLES];  /* vz_exit_reason of each sample */
    size_t nsamples;
    uint64_t sum_seen[VZ_EXIT_NREASONS];  /* the host's counters at the last exit */
    int cur_reason;
    uint64_t handler_pc;     /* --handler mips: the handler's entry (0: native, whose */
    uint64_t ret_pc;         /* host call marks the handler); ret_from_exit ends it */
    int after_guest;         /* the last event was a completed guest instruction: a
                                root instruction now means a root interrupt was taken
                                in guest mode (an exit without a faulting instruction) */
    /* the trace database (docs/traces.md): every exit, in cycles and instructions */
    vz_trace *trace;         /* NULL: no trace */
    const char *scenario;
    vz_cpu *cpu;
    vz_hv *hv;
    int trace_failed;
    int tstate;              /* as state, but an exit ends at the next exit too */
    int s_valid;             /* s_c0, s_i0, s_pc hold a guest exception's start */
    uint64_t seen_exits[VZ_EXIT_NREASONS], seen_total;
    uint64_t last_i;         /* instructions before the current one */
    uint64_t insns_root, insns_guest;
    vz_trace_exit pend;      /* the exit whose re-entry is being timed */
    uint64_t s_c0, s_i0, s_pc, p_c3, p_i3;
} exit_timer;

static void trace_put(exit_timer *t, int reentry_known, uint64_t now, uint64_t now_i)
{
    vz_trace_exit *e = &t->pend;
    e->reentry_known = reentry_known;
    if (reentry_known) {
        e->cycles[2] = now - t->p_c3;
        e->insns[2] = now_i - t->p_i3;
        e->cycles[3] = e->cycles[0] + e->cycles[1] + e->cycles[2];
        e->insns[3] = e->insns[0] + e->insns[1] + e->insns[2];
    }
    if (vz_trace_add_exit(t->trace, e) != 0)
        t->trace_failed = 1;
    t->tstate = 0;
}

/* The trace's view of one retire event (runs before the summary's state machine). */
static void trace_retire(exit_timer *t, const vz_retire_info *ri, uint64_t now)
{
    uint64_t now_i = t->n + 1;
    if (ri->exception == -2) {
        uint64_t total = vz_hv_total_exits(t->hv);
        if (total == t->seen_total)
            return;                          /* another host call, not the exit handler */
        t->seen_total = total;
        if (t->tstate == 2)
            trace_put(t, 0, 0, 0);           /* exited again before re-entry completed */
        /* (an exit without a guest exception seen before it has no start: NULLs) */
        vz_trace_exit *e = &t->pend;
        memset(e, 0, sizeof *e);
        e->scenario = t->scenario;
        e->reason = "none";                  /* e.g. the exit limit */
        for (int r = 0; r < VZ_EXIT_NREASONS; r++) {
            uint64_t v = vz_hv_exits(t->hv, (vz_exit_reason)r);
            if (v > t->seen_exits[r])
                e->reason = vz_exit_reason_name((vz_exit_reason)r);
            t->seen_exits[r] = v;
        }
        e->exccode = (int)((vz_cpu_get_cp0(t->cpu, VZ_CP0_CAUSE) >> 2) & 31);
        e->gexccode = e->exccode == VZ_EXC_GE
                          ? (int)((vz_cpu_get_cp0(t->cpu, VZ_CP0_GUESTCTL0) >> 2) & 31) : -1;
        e->has_cycles = t->timing != NULL;
        e->has_insns = 1;
        e->start_known = e->pc_known = t->s_valid;
        t->s_valid = 0;
        e->guest_pc = t->s_pc;
        e->start_cycle = t->s_c0;
        uint64_t c2 = t->last, i2 = t->last_i;
        t->p_c3 = t->timing ? now : c2;
        t->p_i3 = i2;                        /* the native handler: 0 instructions */
        e->cycles[0] = c2 - t->s_c0;
        e->insns[0] = i2 - t->s_i0;
        e->cycles[1] = t->p_c3 - c2;
        e->insns[1] = 0;
        t->tstate = 2;
        return;
    }
    if (ri->guest)
        t->insns_guest++;
    else
        t->insns_root++;
    if (!ri->guest) {
        if (t->after_guest && !t->s_valid) {
            /* a root interrupt exit: it starts after the last guest instruction,
             * at the interrupted PC (root EPC) */
            t->s_c0 = t->last;
            t->s_i0 = t->last_i;
            t->s_pc = vz_cpu_get_cp0(t->cpu, VZ_CP0_EPC);
            t->s_valid = 1;
            t->tstate = 1;
        }
        return;
    }
    if (ri->exception >= 0) {
        /* maybe the start of the next exit; during a re-entry it may also be a root
         * TLB refill (fast path) that the re-entry includes, and an exit that retries
         * after the fast path starts at the first attempt, as in the summary */
        if (!t->s_valid) {
            t->s_c0 = t->last;
            t->s_i0 = t->last_i;
            t->s_pc = ri->pc;
            t->s_valid = 1;
        }
        if (t->tstate != 2)
            t->tstate = 1;
    } else {
        if (t->tstate == 2)
            trace_put(t, 1, now, now_i);
        t->tstate = 0;
        t->s_valid = 0;
    }
}

static void timer_retire(void *opaque, const vz_retire_info *ri)
{
    exit_timer *t = opaque;
    uint64_t now = t->timing ? vz_timing_cycles(t->timing) : t->n + 1;
    if (t->trace) {
        trace_retire(t, ri, now);
        if (ri->exception != -2)
            t->last_i = t->n + 1;
    }
    if (ri->exception == -2) {               /* the exit handler host call */
        if (t->state == 1) {
            t->c2 = t->last;
            t->c3 = t->timing ? now : t->last;
            t->state = 2;
            /* the handler has run: the counter it bumped is this exit's reason */
            t->cur_reason = VZ_EXIT_OTHER;
            for (int r = 0; t->hv && r < VZ_EXIT_NREASONS; r++) {
                uint64_t v = vz_hv_exits(t->hv, (vz_exit_reason)r);
                if (v > t->sum_seen[r])
                    t->cur_reason = r;
                t->sum_seen[r] = v;
            }
        }
        return;
    }
    if (t->handler_pc && !ri->guest) {
        /* the cross-compiled handler: from its first instruction to ret_from_exit
         * (a forwarded exit's host call inside it is part of it) */
        if (t->state == 1 && ri->pc == t->handler_pc) {
            t->c2 = t->last;
            t->state = 3;
        } else if (t->state == 3 && ri->pc == t->ret_pc) {
            t->c3 = t->last;
            t->state = 2;
            t->cur_reason = VZ_EXIT_OTHER;
            for (int r = 0; r < VZ_EXIT_NREASONS; r++) {
                uint64_t v = vz_hv_exits(t->hv, (vz_exit_reason)r);
                if (v > t->sum_seen[r])
                    t->cur_reason = r;
                t->sum_seen[r] = v;
            }
        }
    }
    if (!ri->guest && t->state == 0 && t->after_guest) {
        t->c0 = t->last;                     /* a root interrupt taken in guest mode */
        t->state = 1;
    }
    t->after_guest = ri->guest && ri->exception < 0;
    if (ri->guest && ri->exception < 0) {
        if (t->state == 2 && t->nsamples < MAX_SAMPLES) {
            t->reason[t->nsamples] = (uint8_t)t->cur_reason;
            t->exit_path[t->nsamples] = t->c2 - t->c0;
            t->handler[t->nsamples] = t->c3 - t->c2;
            t->reentry[t->nsamples] = now - t->c3;
            t->total[t->nsamples] = now - t->c0;
            t->nsamples++;
        }
        t->state = 0;
    } else if (ri->guest && ri->exception >= 0 && t->state == 0) {
        t->c0 = t->last;                     /* before the exiting guest instruction */
        t->state = 1;
    }
    t->n++;
    t->last = now;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void summary(const char *what, uint64_t *v, size_t n, char *out, size_t len)
{
    if (!n) {
        snprintf(out, len, "%-10s -", what);
        return;
    }
    qsort(v, n, sizeof *v, cmp_u64);
    snprintf(out, len, "%-10s %5" PRIu64 " / %5" PRIu64 " / %5" PRIu64, what, v[0], v[n / 2],
             v[n - 1]);
}

/* ---------------- one guest under the host ---------------- */

/* --handler mips: the ELF of the cross-compiled exit handler (NULL: native) */
static const char *mips_handler;
static int guest_dir(char *out, size_t n);

typedef struct guest_run {
    vz_hv_status status;
    int exit_status;
    uint64_t exits[VZ_EXIT_NREASONS];
    uint64_t total_exits;
    uint64_t insns;
    char msg[1024];
} guest_run;

static int run_guest(const char *elf, uint64_t max_insns, uint64_t max_exits, FILE *console,
                     exit_timer *timer, const vz_timing_config *tcfg, guest_run *out)
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
        if (timer) {
            timer->timing = timing;
            vz_timing_chain(timing, timer_retire, timer);
        }
    } else if (timer) {
        vz_cpu_set_retire_observer(cpu, timer_retire, timer);
    }
    if (timer) {
        timer->cpu = cpu;
        timer->hv = hv;
        if (mips_handler) {
            timer->handler_pc = vz_hv_handler_entry(hv);
            timer->ret_pc = vz_hv_layout(hv)->ret_from_exit;
        }
    }
    out->status = vz_hv_run(hv, max_insns);
    if (timer && timer->trace && timer->tstate == 2)
        trace_put(timer, 0, 0, 0);           /* the exit that ended the run */
    out->exit_status = vz_hv_exit_status(hv);
    for (int r = 0; r < VZ_EXIT_NREASONS; r++)
        out->exits[r] = vz_hv_exits(hv, (vz_exit_reason)r);
    out->total_exits = vz_hv_total_exits(hv);
    out->insns = vz_cpu_insns(cpu);
    snprintf(out->msg, sizeof out->msg, "%s", vz_hv_message(hv));
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
        else if (!strcmp(argv[i], "--handler") && i + 1 < argc &&
                 (!strcmp(argv[i + 1], "native") || !strcmp(argv[i + 1], "mips"))) {
            static char elf[PATH_MAX + 32];
            char dir[PATH_MAX];
            mips_handler = NULL;
            if (!strcmp(argv[++i], "mips")) {
                if (guest_dir(dir, sizeof dir) != 0) {
                    fprintf(stderr, "vzsim guest: cannot find the guests directory\n");
                    return 2;
                }
                snprintf(elf, sizeof elf, "%s/hv_handler.elf", dir);
                mips_handler = elf;
            }
        } else {
            fprintf(stderr, "vzsim guest: bad option '%s' (--max-insns N, --max-exits N, "
                            "--handler native|mips)\n", argv[i]);
            return 2;
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: vzsim guest [--max-insns N] [--max-exits N] "
                        "[--handler native|mips] PROG.elf\n");
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

static const struct scenario {
    const char *name;
    vz_exit_reason reason;
    uint64_t expect;         /* exits of that reason the guest must cause */
} scenarios[] = {
    {"hypercall", VZ_EXIT_HYPERCALL, 102},  /* 100 NOPs, the printed line, the exit */
    {"gpsi", VZ_EXIT_GPSI, 100},
    {"gsfc", VZ_EXIT_GSFC, 100},
    {"ghfc", VZ_EXIT_GHFC, 200},             /* 100 SYSCALLs: exception entry + ERET */
    {"gpafault", VZ_EXIT_GPA_FAULT, 0},      /* 100 plus the image's own pages */
    {"mmio", VZ_EXIT_MMIO, 101},
    {"wait", VZ_EXIT_WAIT, 100},             /* + 4 GPSI per tick: Count, Compare twice */
    {"timer", VZ_EXIT_INTERRUPT, 100},       /* root timer exits; + 4 GPSI per tick */
    {"tlbmiss", VZ_EXIT_OTHER, 0},
};

static int guest_dir(char *out, size_t n)
{
    char exe[PATH_MAX - 16];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
        return -1;
    exe[k] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = 0;                               /* .../build/tools */
    snprintf(out, n, "%s/../guests", exe);
    return 0;
}

int vz_cmd_scenarios(int argc, char **argv)
{
    const char *config = VZSIM_DEFAULT_CONFIG;
    const char *trace_path = NULL;
    int functional = 0, handler_mips = 0;
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
        } else if (!strcmp(argv[first], "--handler") && first + 1 < argc &&
                   (!strcmp(argv[first + 1], "native") || !strcmp(argv[first + 1], "mips"))) {
            handler_mips = !strcmp(argv[first + 1], "mips");
            first += 2;
        } else {
            fprintf(stderr, "usage: vzsim scenarios [--config FILE.ini | --functional]"
                            " [--handler native|mips] [--trace FILE.db] [NAME ...]\n");
            return 2;
        }
    }
    if (handler_mips && trace_path) {
        fprintf(stderr, "vzsim scenarios: --trace records exits through the native handler's "
                        "host call; with --handler mips it is not supported yet\n");
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
    if (guest_dir(dir, sizeof dir) != 0) {
        fprintf(stderr, "vzsim scenarios: cannot find the guests directory\n");
        return 2;
    }
    static char handler_elf[PATH_MAX + 32];
    if (handler_mips) {
        snprintf(handler_elf, sizeof handler_elf, "%s/hv_handler.elf", dir);
        mips_handler = handler_elf;
    }
    int failures = 0, ran = 0;
    static exit_timer timer;
    vz_trace *trace = NULL;
    if (trace_path) {
        char program[1024] = "", err[512];
        for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
            int wanted = argc <= 1;
            for (int i = 1; i < argc; i++)
                if (!strcmp(argv[i], scenarios[s].name))
                    wanted = 1;
            size_t k = strlen(program);
            if (wanted)
                snprintf(program + k, sizeof program - k, "%s%s", k ? " " : "", scenarios[s].name);
        }
        char *ctext = NULL;
        size_t clen = 0;
        if (!functional) {
            FILE *f = open_memstream(&ctext, &clen);
            if (f) {
                vz_timing_config_print(f, &tcfg);
                fclose(f);
            }
        }
        vz_trace_run_info ri = {
            .config_name = functional ? "functional" : tcfg.name,
            .config_file = functional ? NULL : config,
            .config_text = ctext,
            .program = program,
            .command = command,
            .vzsim_version = VZSIM_PROJECT_VERSION,
        };
        trace = vz_trace_create(trace_path, &ri, err, sizeof err);
        free(ctext);
        if (!trace) {
            fprintf(stderr, "vzsim scenarios: %s\n", err);
            return 2;
        }
    }
    if (functional)
        printf("vzsim scenarios (functional mode: instruction counts)%s\n",
               handler_mips ? ", cross-compiled exit handler" : "");
    else
        printf("vzsim scenarios (cycles, timing config %s)%s\n", config,
               handler_mips ? ", cross-compiled exit handler" : "");
    printf("%-10s %6s  %-10s %s\n", "scenario", "exits", "reason",
           functional ? "per exit, instructions: min / median / max"
                      : "per exit, cycles: min / median / max");
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
        int wanted = argc <= 1;
        for (int i = 1; i < argc; i++)
            if (!strcmp(argv[i], scenarios[s].name))
                wanted = 1;
        if (!wanted)
            continue;
        ran++;
        char elf[PATH_MAX + 64];
        snprintf(elf, sizeof elf, "%s/scenario_%s.elf", dir, scenarios[s].name);
        memset(&timer, 0, sizeof timer);
        timer.trace = trace;
        timer.scenario = scenarios[s].name;
        FILE *con = tmpfile();
        guest_run r;
        if (run_guest(elf, 200000000ull, 100000, con, &timer, functional ? NULL : &tcfg, &r) != 0) {
            fprintf(stderr, "vzsim scenarios: %s: %s\n", scenarios[s].name, r.msg);
            failures++;
            if (con)
                fclose(con);
            continue;
        }
        if (con)
            fclose(con);
        if (trace) {
            const char *sn = scenarios[s].name;
            int bad = timer.trace_failed;
            for (int k = 0; k < VZ_EXIT_NREASONS; k++) {
                char name[64];
                snprintf(name, sizeof name, "exits.%s", vz_exit_reason_name((vz_exit_reason)k));
                bad |= vz_trace_add_stat(trace, sn, name, (double)r.exits[k], "all");
            }
            bad |= vz_trace_add_stat(trace, sn, "exits.total", (double)r.total_exits, "all");
            bad |= vz_trace_add_stat(trace, sn, "insns", (double)r.insns, "all");
            bad |= vz_trace_add_stat(trace, sn, "insns", (double)timer.insns_root, "root");
            bad |= vz_trace_add_stat(trace, sn, "insns", (double)timer.insns_guest, "guest");
            if (!functional)
                bad |= vz_trace_add_stat(trace, sn, "cycles", (double)timer.last, "all");
            bad |= vz_trace_add_stat(trace, sn, "exit_status", (double)r.exit_status, "all");
            if (bad || vz_trace_checkpoint(trace) != 0) {
                fprintf(stderr, "vzsim scenarios: %s: cannot write the trace\n", trace_path);
                vz_trace_close(trace);
                return 2;
            }
        }
        uint64_t got = r.exits[scenarios[s].reason];
        int ok = r.status == VZ_HV_EXITED && r.exit_status == 0;
        if (scenarios[s].reason == VZ_EXIT_OTHER)
            ok = ok && got == 0;
        else if (scenarios[s].expect)
            ok = ok && got == scenarios[s].expect;
        else
            ok = ok && got >= 100;
        /* statistics of the scenario's own exit reason (all exits for tlbmiss,
         * whose point is to have none of its own) */
        size_t k = 0;
        for (size_t i = 0; i < timer.nsamples; i++) {
            if (scenarios[s].reason != VZ_EXIT_OTHER && timer.reason[i] != scenarios[s].reason)
                continue;
            timer.exit_path[k] = timer.exit_path[i];
            timer.handler[k] = timer.handler[i];
            timer.reentry[k] = timer.reentry[i];
            timer.total[k] = timer.total[i];
            k++;
        }
        char a[96], b[96], c[96], d[96];
        summary("exit", timer.exit_path, k, a, sizeof a);
        summary("handler", timer.handler, k, b, sizeof b);
        summary("re-entry", timer.reentry, k, c, sizeof c);
        summary("round trip", timer.total, k, d, sizeof d);
        printf("%-10s %6" PRIu64 "  %-10s %s\n%30s%s\n%30s%s\n%30s%s   (all exits: %" PRIu64 ")%s\n",
               scenarios[s].name, got, vz_exit_reason_name(scenarios[s].reason), a, "", b, "",
               c, "", d, r.total_exits, ok ? "" : "  <-- UNEXPECTED");
        if (!ok) {
            failures++;
            fprintf(stderr, "vzsim scenarios: %s: status %d, exit status %d: %s\n",
                    scenarios[s].name, (int)r.status, r.exit_status, r.msg);
        }
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
