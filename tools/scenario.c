/*
 * tools/scenario.c - the scenario suite, the per-exit observer and the trace
 * plumbing (see scenario.h), shared by the vzsim commands (tools/hvcmds.c,
 * tools/vzsim.c) and the SystemC platform (sim/systemc/platform.cc), so both
 * count, time, print and trace exits with the same code.
 */
#include "tools/scenario.h"

#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/isa/isa.h"

typedef vz_exit_timer exit_timer;

/* ---------------- --trace-insns (parsed by tools/hvcmds.c) ---------------- */

void vz_insn_opts_print(char *out, size_t n, const vz_insn_opts *o)
{
    switch (o->mode) {
    case VZ_INSNS_ALL: snprintf(out, n, "all"); break;
    case VZ_INSNS_WINDOW:
        snprintf(out, n, "window:%" PRIu64 "-%" PRIu64, o->from, o->to);
        break;
    case VZ_INSNS_AROUND: snprintf(out, n, "around:%" PRIu64, o->around); break;
    default: snprintf(out, n, "off"); break;
    }
}

/* ---------------- per-exit instruction accounting ---------------- */

#define MAX_SAMPLES 100000
/* One state machine times every exit (docs/traces.md "Exit components"): E the
 * exiting guest instruction (or, for a root interrupt taken in guest mode, the
 * boundary after the last completed guest instruction), V the first root
 * instruction after it, H the exit handler (the native handler's host call, or the
 * cross-compiled handler from its entry to ret_from_exit), R the ERET that re-enters
 * the guest and G the first guest instruction completed after it. Counted in
 * instructions, or in cycles when a timing model is attached (then this observer
 * runs after it). Each completed round trip is also kept as a sample for the
 * printed summary of `vzsim scenarios`; the trace database gets every exit. */
struct vz_exit_timer {
    uint64_t n;              /* instructions seen (retired or faulting) */
    vz_timing *timing;       /* NULL: count instructions */
    /* the samples, grown on demand up to MAX_SAMPLES (a scenario has ~100) */
    uint64_t *exit_path, *handler, *reentry, *total;
    uint8_t *reason;         /* vz_exit_reason of each sample */
    size_t nsamples, cap;
    int cur_reason;          /* reason of the pending exit */
    uint64_t handler_pc;     /* --handler mips: the handler's entry (0: native, whose */
    uint64_t ret_pc;         /* host call is the handler); ret_from_exit ends it */
    int in_handler;          /* --handler mips: between its entry and ret_from_exit */
    int after_guest;         /* the last instruction was a completed guest instruction */
    const volatile sig_atomic_t *stop_flag;  /* non-zero: stop the core (a signal) */
    /* the trace database (docs/traces.md): every exit, event, and optionally
     * instruction; c(X) = tlast, the cycle before instruction X */
    vz_trace *trace;         /* NULL: no trace */
    const char *scenario;
    vz_cpu *cpu;
    vz_hv *hv;               /* NULL: a bare-metal run (no exits) */
    int trace_failed;
    uint64_t tlast;          /* c(X) of the next instruction */
    uint64_t seen_exits[VZ_EXIT_NREASONS], seen_total, seen_vip;
    uint64_t insns_root, insns_guest;
    /* the exit being measured: E (exiting guest instruction), V (first root
     * instruction after it), H (exit handler call), R (ERET into the guest) */
    int s_valid, v_valid, pend_open, r_valid;
    uint64_t s_c, s_i, s_pc, v_c, v_i, h_c, h_end, h_i, r_c, r_i;
    vz_trace_exit pend;
    /* per-instruction trace */
    vz_insn_opts io;
    vz_trace_insn_rec *ring; /* around:N: the last ring_cap instructions */
    size_t ring_cap;
    uint64_t written;        /* instructions [0, written) are decided (written or not) */
    uint64_t after_left;     /* around:N: instructions still to write after an exit */
    uint64_t ring_from;      /* around:N: first seq to write at the next exit */
};

exit_timer *vz_exit_timer_create(vz_trace *trace, const char *scenario,
                                 const vz_insn_opts *io)
{
    exit_timer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->trace = trace;
    t->scenario = scenario;
    if (io)
        t->io = *io;
    if (t->io.mode == VZ_INSNS_AROUND) {
        /* N before the exiting instruction, plus the exit path up to the handler */
        t->ring_cap = (size_t)t->io.around + 4096;
        t->ring = calloc(t->ring_cap, sizeof *t->ring);
        if (!t->ring) {
            free(t);
            return NULL;
        }
    }
    return t;
}

void vz_exit_timer_destroy(exit_timer *t)
{
    if (t) {
        free(t->ring);
        free(t->exit_path);
        free(t->handler);
        free(t->reentry);
        free(t->total);
        free(t->reason);
    }
    free(t);
}

static void put_event(exit_timer *t, const char *kind, int guest, int pc_known, uint64_t pc,
                      int exccode, int gexccode, const char *detail)
{
    if (!t->trace)
        return;
    vz_trace_event e = {
        .scenario = t->scenario, .kind = kind, .has_cycle = t->timing != NULL,
        .cycle = t->tlast, .insn = t->n, .guest = guest, .pc_known = pc_known, .pc = pc,
        .exccode = exccode, .gexccode = gexccode, .detail = detail, .fixed_strings = 1,
    };
    if (vz_trace_add_event(t->trace, &e) != 0)
        t->trace_failed = 1;
}

/* Double the sample arrays (a failure only stops the printed summary's sampling;
 * the trace gets every exit regardless). */
static int grow_samples(exit_timer *t)
{
    size_t cap = t->cap ? 2 * t->cap : 256;
    if (cap > MAX_SAMPLES)
        cap = MAX_SAMPLES;
    uint64_t **a[4] = {&t->exit_path, &t->handler, &t->reentry, &t->total};
    for (int i = 0; i < 4; i++) {
        uint64_t *p = realloc(*a[i], cap * sizeof **a[i]);
        if (!p)
            return -1;
        *a[i] = p;
    }
    uint8_t *r = realloc(t->reason, cap);
    if (!r)
        return -1;
    t->reason = r;
    t->cap = cap;
    return 0;
}

/* Write the pending exit; reentry_known: G completed (now, now_i = after it). */
static void trace_put(exit_timer *t, int reentry_known, uint64_t now, uint64_t now_i)
{
    vz_trace_exit *e = &t->pend;
    if (t->r_valid) {
        e->cycles[VZ_TRACE_TO_ERET] = t->r_c - t->h_end;
        e->insns[VZ_TRACE_TO_ERET] = t->r_i - t->h_i;
        e->known |= 1u << VZ_TRACE_TO_ERET;
        if (reentry_known) {
            e->cycles[VZ_TRACE_ERET] = now - t->r_c;
            e->insns[VZ_TRACE_ERET] = now_i - t->r_i;
            e->known |= 1u << VZ_TRACE_ERET;
        }
    }
    if (reentry_known && t->r_valid && (e->known & (1u << VZ_TRACE_TO_VECTOR)) &&
        t->nsamples < MAX_SAMPLES && (t->nsamples < t->cap || grow_samples(t) == 0)) {
        size_t k = t->nsamples++;
        const uint64_t *c = t->timing ? e->cycles : e->insns;
        t->reason[k] = (uint8_t)t->cur_reason;
        t->exit_path[k] = c[VZ_TRACE_TO_VECTOR] + c[VZ_TRACE_TO_HANDLER];
        t->handler[k] = c[VZ_TRACE_HANDLER];
        t->reentry[k] = c[VZ_TRACE_TO_ERET] + c[VZ_TRACE_ERET];
        t->total[k] = t->exit_path[k] + t->handler[k] + t->reentry[k];
    }
    if (t->trace && vz_trace_add_exit(t->trace, e) != 0)
        t->trace_failed = 1;
    t->pend_open = 0;
    t->r_valid = 0;
}

/* The exit handler has run (H up to now: h_c/h_i at its start, h_end/h_i_end
 * after it); its counters say the reason. */
static void trace_exit(exit_timer *t, uint64_t h_c, uint64_t h_i, uint64_t h_end,
                       uint64_t h_i_end)
{
    if (t->pend_open)
        trace_put(t, 0, 0, 0);               /* exited again before re-entry completed */
    vz_trace_exit *e = &t->pend;
    memset(e, 0, sizeof *e);
    e->scenario = t->scenario;
    e->reason = "none";                      /* e.g. the exit limit */
    e->fixed_strings = 1;                    /* literals, vz_exit_reason_name, scenario names */
    t->cur_reason = VZ_EXIT_OTHER;
    for (int r = 0; r < VZ_EXIT_NREASONS; r++) {
        uint64_t v = vz_hv_exits(t->hv, (vz_exit_reason)r);
        if (v > t->seen_exits[r]) {
            e->reason = vz_exit_reason_name((vz_exit_reason)r);
            t->cur_reason = r;
        }
        t->seen_exits[r] = v;
    }
    e->exccode = (int)((vz_cpu_get_cp0(t->cpu, VZ_CP0_CAUSE) >> 2) & 31);
    e->gexccode = e->exccode == VZ_EXC_GE
                      ? (int)((vz_cpu_get_cp0(t->cpu, VZ_CP0_GUESTCTL0) >> 2) & 31) : -1;
    e->has_cycles = t->timing != NULL;
    e->has_insns = 1;
    e->pc_known = t->s_valid;
    e->guest_pc = t->s_pc;
    e->start_cycle = t->s_c;
    /* (an exit without a guest exception seen before it has no start: NULLs) */
    if (t->s_valid && t->v_valid) {
        e->cycles[VZ_TRACE_TO_VECTOR] = t->v_c - t->s_c;
        e->insns[VZ_TRACE_TO_VECTOR] = t->v_i - t->s_i;
        e->known |= 1u << VZ_TRACE_TO_VECTOR;
    }
    if (t->v_valid) {
        e->cycles[VZ_TRACE_TO_HANDLER] = h_c - t->v_c;
        e->insns[VZ_TRACE_TO_HANDLER] = h_i - t->v_i;
        e->known |= 1u << VZ_TRACE_TO_HANDLER;
    }
    t->h_c = h_c;
    t->h_end = h_end;
    t->h_i = h_i_end;
    e->cycles[VZ_TRACE_HANDLER] = h_end - h_c;
    e->insns[VZ_TRACE_HANDLER] = h_i_end - h_i;
    e->known |= 1u << VZ_TRACE_HANDLER;
    put_event(t, "exit", 0, e->pc_known, e->guest_pc, e->exccode, e->gexccode, e->reason);
    t->s_valid = t->v_valid = 0;
    t->pend_open = 1;
    t->r_valid = 0;
}

static void insn_write(exit_timer *t, const vz_trace_insn_rec *r)
{
    if (vz_trace_add_insn(t->trace, r) != 0)
        t->trace_failed = 1;
}

/* around:N at an exit: the ring's instructions from N before E up to now */
static void ring_flush(exit_timer *t)
{
    uint64_t from = t->ring_from;
    if (t->n > t->ring_cap && from < t->n - t->ring_cap)
        from = t->n - t->ring_cap;           /* longer than the ring: what is left */
    if (from < t->written)
        from = t->written;
    for (uint64_t q = from; q < t->n; q++)
        insn_write(t, &t->ring[q % t->ring_cap]);
    if (t->n > t->written)
        t->written = t->n;
    t->after_left = UINT64_MAX;              /* the exit itself, up to re-entry */
}

static void trace_insn(exit_timer *t, const vz_retire_info *ri)
{
    vz_trace_insn_rec r;
    r.scenario = t->scenario;
    r.seq = t->n;
    r.pc = ri->pc;
    r.word = ri->word;
    r.guest = ri->guest;
    r.exccode = ri->exception;
    if (t->timing) {
        vz_timing_insn ti;                   /* stage entry times (docs/timing.md) */
        vz_timing_last(t->timing, &ti);
        r.fetch = ti.fetch;
        r.decode = ti.decode;
        r.issue = ti.issue;
        r.execute = ti.execute;
        r.memory = ti.memory;
        r.commit = ti.commit;
    } else {
        r.fetch = r.decode = r.issue = r.execute = r.memory = r.commit = t->n;
    }
    switch (t->io.mode) {
    case VZ_INSNS_ALL:
        insn_write(t, &r);
        break;
    case VZ_INSNS_WINDOW:
        if (r.fetch >= t->io.from && r.fetch <= t->io.to)
            insn_write(t, &r);
        break;
    case VZ_INSNS_AROUND:
        if (t->after_left) {
            insn_write(t, &r);
            t->after_left--;
            t->written = t->n + 1;
        } else {
            t->ring[t->n % t->ring_cap] = r;
        }
        break;
    default:
        break;
    }
}

/* The trace's view of one retire event (runs before the summary's state machine). */
static void trace_retire(exit_timer *t, const vz_retire_info *ri, uint64_t now)
{
    if (t->stop_flag && *t->stop_flag)
        vz_cpu_request_stop(t->cpu);         /* a signal (tools/hvcmds.c) */
    if (ri->exception == -2) {
        put_event(t, "hostcall", 0, 1, ri->pc, -1, -1, NULL);
        uint64_t total = t->hv ? vz_hv_total_exits(t->hv) : 0;
        if (total != t->seen_total && !t->handler_pc) {
            /* the native handler: the host call is H; 0 instructions, the configured
             * host-call cost in cycles */
            t->seen_total = total;
            trace_exit(t, t->tlast, t->n, t->timing ? now : t->tlast, t->n);
            if (t->io.mode == VZ_INSNS_AROUND)
                ring_flush(t);
        }
        /* interrupts the handler injected or withdrew (GuestCtl2.VIP) */
        uint64_t vip = (vz_cpu_get_cp0(t->cpu, VZ_CP0_GUESTCTL2) >> 10) & 0x3f;
        for (unsigned ip = 2; ip < 8; ip++) {
            uint64_t bit = 1ull << (ip - 2);
            if ((vip ^ t->seen_vip) & bit) {
                static const char *const names[2][6] = {
                    {"withdrawn IP2", "withdrawn IP3", "withdrawn IP4", "withdrawn IP5",
                     "withdrawn IP6", "withdrawn IP7"},
                    {"injected IP2", "injected IP3", "injected IP4", "injected IP5",
                     "injected IP6", "injected IP7"}};
                put_event(t, "interrupt", 0, 0, 0, -1, -1, names[!!(vip & bit)][ip - 2]);
            }
        }
        t->seen_vip = vip;
        t->tlast = now;
        return;
    }
    uint64_t now_i = t->n + 1;
    if (t->io.mode)
        trace_insn(t, ri);
    if (t->handler_pc && !ri->guest) {
        /* the cross-compiled handler: from its entry to ret_from_exit (a host call it
         * makes to forward an exit to the native handler is part of it) */
        if (!t->in_handler && ri->pc == t->handler_pc) {
            t->in_handler = 1;
            t->h_c = t->tlast;
            t->h_i = t->n;
        } else if (t->in_handler && ri->pc == t->ret_pc) {
            t->in_handler = 0;
            t->seen_total = t->hv ? vz_hv_total_exits(t->hv) : 0;
            trace_exit(t, t->h_c, t->h_i, t->tlast, t->n);
            if (t->io.mode == VZ_INSNS_AROUND)
                ring_flush(t);
        }
    }
    if (!ri->guest && t->after_guest && !t->s_valid) {
        /* a root instruction right after a completed guest instruction: a root
         * interrupt was taken in guest mode, an exit with no exiting instruction;
         * E is the boundary, the guest PC the interrupted one (root EPC) */
        t->s_valid = 1;
        t->v_valid = 0;
        t->s_c = t->tlast;
        t->s_i = t->n;
        t->s_pc = vz_cpu_get_cp0(t->cpu, VZ_CP0_EPC);
        t->ring_from = t->n > t->io.around ? t->n - t->io.around : 0;
    }
    t->after_guest = ri->guest && ri->exception < 0;
    if (ri->guest)
        t->insns_guest++;
    else
        t->insns_root++;
    if (ri->exception >= 0) {
        int gexc = -1;
        if (ri->exception == VZ_EXC_GE)
            gexc = (int)((vz_cpu_get_cp0(t->cpu, VZ_CP0_GUESTCTL0) >> 2) & 31);
        if (ri->exception == VZ_EXC_INT)
            put_event(t, "interrupt", ri->guest, 1, ri->pc, 0, -1, "taken");
        else
            put_event(t, "exception", ri->guest, 1, ri->pc, ri->exception, gexc, NULL);
    } else if (ri->id == VZ_I_ERET || ri->id == VZ_I_ERETNC) {
        /* it has executed: the core's mode is where it went */
        int entry = !ri->guest && vz_cpu_in_guest(t->cpu);
        put_event(t, entry ? "entry" : "eret", ri->guest, 1, ri->pc, -1, -1, NULL);
        if (entry && t->pend_open && !t->r_valid) {
            t->r_valid = 1;                  /* R: the ERET that re-enters the guest */
            t->r_c = t->tlast;
            t->r_i = t->n;
        }
    }
    if (ri->guest) {
        if (ri->exception >= 0) {
            /* maybe the start of the next exit; during a re-entry it may also be a root
             * TLB refill (fast path) that the re-entry includes, and an exit that retries
             * after the fast path starts at the first attempt, as in the summary */
            if (!t->s_valid) {
                t->s_valid = 1;
                t->v_valid = 0;
                t->s_c = t->tlast;
                t->s_i = t->n;
                t->s_pc = ri->pc;
                t->ring_from = t->n > t->io.around ? t->n - t->io.around : 0;
            }
        } else {
            if (t->pend_open) {
                trace_put(t, 1, now, now_i);
                if (t->io.mode == VZ_INSNS_AROUND)
                    t->after_left = t->io.around;
            }
            t->s_valid = t->v_valid = 0;
        }
    } else if (t->s_valid && !t->v_valid) {
        /* V: the first instruction of the vector, counted up to its completion, so
         * the exception entry (flush, redirect) lands in to_vector */
        t->v_valid = 1;
        t->v_c = now;
        t->v_i = now_i;
    }
    t->tlast = now;
}

/* The exit that ended the run (or was cut off by a stop) has no re-entry. */
void vz_exit_timer_flush(exit_timer *t)
{
    if (t->trace && t->pend_open)
        trace_put(t, 0, 0, 0);
}

int vz_exit_timer_failed(const exit_timer *t) { return t->trace_failed; }

void vz_trace_give_up(vz_trace *t, const char *who, const char *path)
{
    char err[512] = "";
    vz_trace_end(t, "error", err, sizeof err);
    fprintf(stderr, "%s: %s: cannot write the trace%s%s\n", who, path, err[0] ? ": " : "", err);
}

void vz_exit_timer_retire(void *opaque, const vz_retire_info *ri)
{
    exit_timer *t = opaque;
    uint64_t now = t->timing ? vz_timing_cycles(t->timing) : t->n + 1;
    trace_retire(t, ri, now);
    if (ri->exception != -2)
        t->n++;
}

/* Interrupts are taken between instructions, without a retire event: the
 * exception observer sees them (mode: where the handler runs). */
void vz_exit_timer_exception(void *opaque, int exccode, uint64_t epc, uint64_t vector)
{
    exit_timer *t = opaque;
    (void)vector;
    if (exccode == VZ_EXC_INT)
        put_event(t, "interrupt", vz_cpu_in_guest(t->cpu), 1, epc, 0, -1, "taken");
}

void vz_exit_timer_bind(exit_timer *t, vz_cpu *cpu, vz_hv *hv, vz_timing *timing)
{
    t->cpu = cpu;
    t->hv = hv;
    t->timing = timing;
    if (hv && t->handler_pc == 0 && vz_hv_handler_entry(hv) != VZ_HV_KSEG0(VZ_HV_HOSTCALL_PA)) {
        t->handler_pc = vz_hv_handler_entry(hv);    /* --handler mips */
        t->ret_pc = vz_hv_layout(hv)->ret_from_exit;
    }
}

void vz_exit_timer_attach(exit_timer *t, vz_cpu *cpu, vz_timing *timing, vz_hv *hv)
{
    vz_exit_timer_bind(t, cpu, hv, timing);
    if (t->trace)
        vz_cpu_set_exception_observer(cpu, vz_exit_timer_exception, t);
    if (timing)
        vz_timing_chain(timing, vz_exit_timer_retire, t);
    else
        vz_cpu_set_retire_observer(cpu, vz_exit_timer_retire, t);
}

void vz_exit_timer_stop_on(exit_timer *t, const volatile sig_atomic_t *flag)
{
    t->stop_flag = flag;
}

uint64_t vz_exit_timer_now(const exit_timer *t) { return t->tlast; }

int vz_exit_timer_traces_insns(const exit_timer *t) { return t->trace && t->io.mode; }

uint64_t vz_exit_timer_insns(const exit_timer *t, int mode)
{
    return mode == 0 ? t->insns_root : mode == 1 ? t->insns_guest : t->n;
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

/* The hypervisor's counters and the run's totals, as statistics. */
int vz_guest_stats(vz_trace *trace, const char *sn, const vz_guest_result *r, const exit_timer *t)
{
    int bad = 0;
    for (int k = 0; k < VZ_EXIT_NREASONS; k++) {
        char name[64];
        snprintf(name, sizeof name, "exits.%s", vz_exit_reason_name((vz_exit_reason)k));
        bad |= vz_trace_add_stat(trace, sn, name, (double)r->exits[k], "all");
    }
    bad |= vz_trace_add_stat(trace, sn, "exits.total", (double)r->total_exits, "all");
    bad |= vz_trace_add_stat(trace, sn, "insns", (double)r->insns, "all");
    bad |= vz_trace_add_stat(trace, sn, "insns", (double)vz_exit_timer_insns(t, 0), "root");
    bad |= vz_trace_add_stat(trace, sn, "insns", (double)vz_exit_timer_insns(t, 1), "guest");
    if (r->has_cycles)
        bad |= vz_trace_add_stat(trace, sn, "cycles", (double)r->cycles, "all");
    bad |= vz_trace_add_stat(trace, sn, "exit_status", (double)r->exit_status, "all");
    return bad;
}

vz_trace *vz_run_trace_create(const char *path, const char *tool, const char *kind,
                              const vz_timing_config *tcfg, const char *config_file,
                              const char *program, int argc, char **argv, const char *extra,
                              char *err, size_t errlen)
{
    char command[4096];
    snprintf(command, sizeof command, "%s", tool);
    for (int i = 0; i < argc; i++) {
        size_t k = strlen(command);
        snprintf(command + k, sizeof command - k, " %s", argv[i]);
    }
    char *ctext = NULL;
    size_t clen = 0;
    FILE *f = open_memstream(&ctext, &clen);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (tcfg)
        vz_timing_config_print(f, tcfg);
    if (extra)
        fprintf(f, "%s%s", tcfg ? "\n" : "", extra);
    fclose(f);
    vz_trace_run_info ri = {
        .kind = kind,
        .config_name = tcfg ? tcfg->name : "functional",
        .config_file = tcfg ? config_file : NULL,
        .config_text = clen ? ctext : NULL,
        .program = program,
        .command = command,
        .vzsim_version = VZSIM_PROJECT_VERSION,
    };
    vz_trace *t = vz_trace_create(path, &ri, err, errlen);
    free(ctext);
    return t;
}

/* ---------------- scenarios ---------------- */

const vz_scenario vz_scenarios[] = {
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
const size_t vz_nscenarios = sizeof vz_scenarios / sizeof vz_scenarios[0];

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

int vz_scenario_wanted(const vz_scenario *s, int n, char **names)
{
    if (n <= 0)
        return 1;
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s->name))
            return 1;
    return 0;
}


void vz_guest_result_get(vz_guest_result *r, vz_hv_status status, vz_hv *hv, vz_cpu *cpu,
                         const vz_timing *timing, uint64_t max_exits)
{
    memset(r, 0, sizeof *r);
    r->status = status;
    r->exit_status = vz_hv_exit_status(hv);
    for (int k = 0; k < VZ_EXIT_NREASONS; k++)
        r->exits[k] = vz_hv_exits(hv, (vz_exit_reason)k);
    r->total_exits = vz_hv_total_exits(hv);
    r->exit_limit = status == VZ_HV_LIMIT && max_exits && r->total_exits > max_exits;
    r->insns = vz_cpu_insns(cpu);
    r->has_cycles = timing != NULL;
    r->cycles = timing ? vz_timing_cycles(timing) : 0;
    snprintf(r->msg, sizeof r->msg, "%s", vz_hv_message(hv));
}

const char *vz_guest_end_reason(const vz_guest_result *r)
{
    switch (r->status) {
    case VZ_HV_EXITED: return "complete";
    case VZ_HV_LIMIT: return r->exit_limit ? "exit-limit" : "insn-limit";
    default: return "guest-error";
    }
}

vz_trace *vz_scenarios_trace_create(const char *path, const vz_timing_config *config,
                                    const char *config_path, int n, char **names,
                                    const vz_insn_opts *io, const char *tool, int argc,
                                    char **argv, char *err, size_t errlen)
{
    char program[1024] = "", extra[256], ins[64];
    for (size_t s = 0; s < vz_nscenarios; s++) {
        size_t k = strlen(program);
        if (vz_scenario_wanted(&vz_scenarios[s], n, names))
            snprintf(program + k, sizeof program - k, "%s%s", k ? " " : "", vz_scenarios[s].name);
    }
    vz_insn_opts off = {0};
    vz_insn_opts_print(ins, sizeof ins, io ? io : &off);
    snprintf(extra, sizeof extra, "[scenarios]\nmax_insns = %llu\nmax_exits = %llu\n"
             "trace_insns = %s\n", (unsigned long long)VZ_SCENARIO_MAX_INSNS,
             (unsigned long long)VZ_SCENARIO_MAX_EXITS, ins);
    return vz_run_trace_create(path, tool, "scenarios", config, config_path, program, argc, argv,
                               extra, err, errlen);
}

void vz_scenarios_print_header(FILE *out, int functional, const char *config_path,
                               int mips_handler)
{
    if (functional)
        fprintf(out, "vzsim scenarios (functional mode: instruction counts)%s\n",
                mips_handler ? ", cross-compiled exit handler" : "");
    else
        fprintf(out, "vzsim scenarios (cycles, timing config %s)%s\n", config_path,
                mips_handler ? ", cross-compiled exit handler" : "");
    fprintf(out, "%-10s %6s  %-10s %s\n", "scenario", "exits", "reason",
            functional ? "per exit, instructions: min / median / max"
                       : "per exit, cycles: min / median / max");
}

int vz_scenario_finish(const vz_scenario *s, exit_timer *t, const vz_guest_result *r,
                       vz_trace *trace, FILE *out, const char *who)
{
    if (trace && (vz_exit_timer_failed(t) || vz_guest_stats(trace, s->name, r, t) ||
                  vz_trace_flush(trace) != 0))
        return -1;
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
    fprintf(out, "%-10s %6" PRIu64 "  %-10s %s\n%30s%s\n%30s%s\n%30s%s   (all exits: %" PRIu64
            ")%s\n", s->name, got, vz_exit_reason_name(s->reason), a, "", b, "", c, "", d,
            r->total_exits, ok ? "" : "  <-- UNEXPECTED");
    if (!ok) {
        fprintf(stderr, "%s: %s: status %d, exit status %d: %s\n", who, s->name, (int)r->status,
                r->exit_status, r->msg);
        return 1;
    }
    return 0;
}
