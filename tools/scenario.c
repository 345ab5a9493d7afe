/*
 * tools/scenario.c - the scenario suite and its per-exit observer (see scenario.h),
 * shared by `vzsim scenarios` and the SystemC platform.
 */
#include "tools/scenario.h"

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------- per-exit instruction accounting ---------------- */

#define MAX_SAMPLES 100000
/* Per exit: c0 = the exiting guest instruction, c2 = the call of the exit handler,
 * c3 = its return, c5 = the first guest instruction completed after re-entry
 * (docs/architecture.md "Timing one exit"). Counted in instructions, or in cycles
 * when a timing model is attached (then this observer runs after it). */
struct vz_exit_timer {
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
};
typedef vz_exit_timer exit_timer;

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
    if (!ri->guest)
        return;
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

void vz_exit_timer_retire(void *opaque, const vz_retire_info *ri)
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


vz_exit_timer *vz_exit_timer_create(vz_trace *trace, const char *scenario)
{
    vz_exit_timer *t = calloc(1, sizeof *t);
    if (t) {
        t->trace = trace;
        t->scenario = scenario;
    }
    return t;
}

void vz_exit_timer_destroy(vz_exit_timer *t)
{
    free(t);
}

void vz_exit_timer_bind(vz_exit_timer *t, vz_cpu *cpu, vz_hv *hv, vz_timing *timing)
{
    t->cpu = cpu;
    t->hv = hv;
    t->timing = timing;
}

void vz_exit_timer_end(vz_exit_timer *t)
{
    if (t->trace && t->tstate == 2)
        trace_put(t, 0, 0, 0);               /* the exit that ended the run */
}

uint64_t vz_exit_timer_now(const vz_exit_timer *t)
{
    return t->last;
}

void vz_guest_result_get(vz_guest_result *r, vz_hv_status status, vz_hv *hv, vz_cpu *cpu)
{
    memset(r, 0, sizeof *r);
    r->status = status;
    r->exit_status = vz_hv_exit_status(hv);
    for (int k = 0; k < VZ_EXIT_NREASONS; k++)
        r->exits[k] = vz_hv_exits(hv, (vz_exit_reason)k);
    r->total_exits = vz_hv_total_exits(hv);
    r->insns = vz_cpu_insns(cpu);
    snprintf(r->msg, sizeof r->msg, "%s", vz_hv_message(hv));
}

/* ---------------- scenarios ---------------- */

const vz_scenario vz_scenarios[] = {
    {"hypercall", VZ_EXIT_HYPERCALL, 102},  /* 100 NOPs, the printed line, the exit */
    {"gpsi", VZ_EXIT_GPSI, 100},
    {"gsfc", VZ_EXIT_GSFC, 100},
    {"gpafault", VZ_EXIT_GPA_FAULT, 0},      /* 100 plus the image's own pages */
    {"mmio", VZ_EXIT_MMIO, 101},
    {"timer", VZ_EXIT_WAIT, 100},            /* + 3 GPSI per tick: Count, Compare twice */
    {"tlbmiss", VZ_EXIT_OTHER, 0},
};
const size_t vz_nscenarios = sizeof vz_scenarios / sizeof vz_scenarios[0];

int vz_scenario_wanted(const vz_scenario *s, int n, char **names)
{
    if (n <= 0)
        return 1;
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s->name))
            return 1;
    return 0;
}

int vz_scenario_guest_dir(char *out, size_t n)
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

vz_trace *vz_scenarios_trace_create(const char *path, const vz_timing_config *config,
                                    const char *config_path, int n, char **names,
                                    const char *command, char *err, size_t errlen)
{
    char program[1024] = "";
    for (size_t s = 0; s < vz_nscenarios; s++) {
        size_t k = strlen(program);
        if (vz_scenario_wanted(&vz_scenarios[s], n, names))
            snprintf(program + k, sizeof program - k, "%s%s", k ? " " : "", vz_scenarios[s].name);
    }
    char *ctext = NULL;
    size_t clen = 0;
    if (config) {
        FILE *f = open_memstream(&ctext, &clen);
        if (f) {
            vz_timing_config_print(f, config);
            fclose(f);
        }
    }
    vz_trace_run_info ri = {
        .config_name = config ? config->name : "functional",
        .config_file = config ? config_path : NULL,
        .config_text = ctext,
        .program = program,
        .command = command,
        .vzsim_version = VZSIM_PROJECT_VERSION,
    };
    vz_trace *trace = vz_trace_create(path, &ri, err, errlen);
    free(ctext);
    return trace;
}

void vz_scenarios_print_header(FILE *out, int functional, const char *config_path)
{
    if (functional)
        fprintf(out, "vzsim scenarios (functional mode: instruction counts)\n");
    else
        fprintf(out, "vzsim scenarios (cycles, timing config %s)\n", config_path);
    fprintf(out, "%-10s %6s  %-10s %s\n", "scenario", "exits", "reason",
            functional ? "per exit, instructions: min / median / max"
                       : "per exit, cycles: min / median / max");
}

int vz_scenario_finish(const vz_scenario *s, vz_exit_timer *t, const vz_guest_result *r,
                       vz_trace *trace, int functional, FILE *out, const char *who)
{
    if (trace) {
        const char *sn = s->name;
        int bad = t->trace_failed;
        for (int k = 0; k < VZ_EXIT_NREASONS; k++) {
            char name[64];
            snprintf(name, sizeof name, "exits.%s", vz_exit_reason_name((vz_exit_reason)k));
            bad |= vz_trace_add_stat(trace, sn, name, (double)r->exits[k], "all");
        }
        bad |= vz_trace_add_stat(trace, sn, "exits.total", (double)r->total_exits, "all");
        bad |= vz_trace_add_stat(trace, sn, "insns", (double)r->insns, "all");
        bad |= vz_trace_add_stat(trace, sn, "insns", (double)t->insns_root, "root");
        bad |= vz_trace_add_stat(trace, sn, "insns", (double)t->insns_guest, "guest");
        if (!functional)
            bad |= vz_trace_add_stat(trace, sn, "cycles", (double)t->last, "all");
        bad |= vz_trace_add_stat(trace, sn, "exit_status", (double)r->exit_status, "all");
        if (bad || vz_trace_checkpoint(trace) != 0)
            return -1;
    }
    uint64_t got = r->exits[s->reason];
    int ok = r->status == VZ_HV_EXITED && r->exit_status == 0;
    if (s->reason == VZ_EXIT_OTHER)
        ok = ok && got == 0;
    else if (s->expect)
        ok = ok && got == s->expect;
    else
        ok = ok && got >= 100;
    /* statistics of the scenario's own exit reason (all exits for tlbmiss,
     * whose point is to have none of its own) */
    size_t k = 0;
    for (size_t i = 0; i < t->nsamples; i++) {
        if (s->reason != VZ_EXIT_OTHER && t->reason[i] != s->reason)
            continue;
        t->exit_path[k] = t->exit_path[i];
        t->handler[k] = t->handler[i];
        t->reentry[k] = t->reentry[i];
        t->total[k] = t->total[i];
        k++;
    }
    char a[96], b[96], c[96], d[96];
    summary("exit", t->exit_path, k, a, sizeof a);
    summary("handler", t->handler, k, b, sizeof b);
    summary("re-entry", t->reentry, k, c, sizeof c);
    summary("round trip", t->total, k, d, sizeof d);
    fprintf(out, "%-10s %6" PRIu64 "  %-10s %s\n%30s%s\n%30s%s\n%30s%s   (all exits: %" PRIu64 ")%s\n",
            s->name, got, vz_exit_reason_name(s->reason), a, "", b, "", c, "", d, r->total_exits,
            ok ? "" : "  <-- UNEXPECTED");
    if (!ok) {
        fprintf(stderr, "%s: %s: status %d, exit status %d: %s\n", who, s->name, (int)r->status,
                r->exit_status, r->msg);
        return 1;
    }
    return 0;
}
