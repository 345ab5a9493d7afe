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

void vz_cli_insn_opts_print(char *out, size_t n, const vz_insn_opts *o)
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
struct exit_timer {
    uint64_t n;              /* instructions seen (retired or faulting) */
    vz_timing *timing;       /* NULL: count instructions */
    uint64_t exit_path[MAX_SAMPLES], handler[MAX_SAMPLES], reentry[MAX_SAMPLES];
    uint64_t total[MAX_SAMPLES];
    uint8_t reason[MAX_SAMPLES];  /* vz_exit_reason of each sample */
    size_t nsamples;
    int cur_reason;          /* reason of the pending exit */
    uint64_t handler_pc;     /* --handler mips: the handler's entry (0: native, whose */
    uint64_t ret_pc;         /* host call is the handler); ret_from_exit ends it */
    int in_handler;          /* --handler mips: between its entry and ret_from_exit */
    int after_guest;         /* the last instruction was a completed guest instruction */
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
    if (t)
        free(t->ring);
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
        .exccode = exccode, .gexccode = gexccode, .detail = detail,
    };
    if (vz_trace_add_event(t->trace, &e) != 0)
        t->trace_failed = 1;
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
        t->nsamples < MAX_SAMPLES) {
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
    if (g_signal)
        vz_cpu_request_stop(t->cpu);         /* see vz_cli_signals_install */
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

static void timer_retire(void *opaque, const vz_retire_info *ri)
{
    exit_timer *t = opaque;
    uint64_t now = t->timing ? vz_timing_cycles(t->timing) : t->n + 1;
    trace_retire(t, ri, now);
    if (ri->exception != -2)
        t->n++;
}

/* Interrupts are taken between instructions, without a retire event: the
 * exception observer sees them (mode: where the handler runs). */
static void timer_exception(void *opaque, int exccode, uint64_t epc, uint64_t vector)
{
    exit_timer *t = opaque;
    (void)vector;
    if (exccode == VZ_EXC_INT)
        put_event(t, "interrupt", vz_cpu_in_guest(t->cpu), 1, epc, 0, -1, "taken");
}

void vz_exit_timer_attach(exit_timer *t, vz_cpu *cpu, vz_timing *timing, vz_hv *hv)
{
    if (t->trace)
        vz_cpu_set_exception_observer(cpu, timer_exception, t);
    if (hv && t->handler_pc == 0 && vz_hv_handler_entry(hv) != VZ_HV_KSEG0(VZ_HV_HOSTCALL_PA)) {
        t->handler_pc = vz_hv_handler_entry(hv);    /* --handler mips */
        t->ret_pc = vz_hv_layout(hv)->ret_from_exit;
    }
    t->cpu = cpu;
    t->hv = hv;
    t->timing = timing;
    if (timing)
        vz_timing_chain(timing, timer_retire, t);
    else
        vz_cpu_set_retire_observer(cpu, timer_retire, t);
}

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

/* ---------------- one guest under the host ---------------- */

/* --handler mips: the ELF of the cross-compiled exit handler (NULL: native) */
static const char *mips_handler;
static char mips_handler_elf[PATH_MAX + 32];
static int guest_dir(char *out, size_t n);

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
    if (guest_dir(dir, sizeof dir) != 0) {
        fprintf(stderr, "vzsim %s: cannot find the guests directory\n", cmd);
        return -1;
    }
    snprintf(mips_handler_elf, sizeof mips_handler_elf, "%s/hv_handler.elf", dir);
    mips_handler = mips_handler_elf;
    return 0;
}

typedef struct guest_run {
    vz_hv_status status;
    int exit_status;
    uint64_t exits[VZ_EXIT_NREASONS];
    uint64_t total_exits;
    uint64_t insns;
    int has_cycles;
    uint64_t cycles;
    int exit_limit;          /* VZ_HV_LIMIT because of max_exits */
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
    }
    if (timer)
        vz_exit_timer_attach(timer, cpu, timing, hv);
    vz_cli_signal_cpu(cpu);
    if (!vz_cli_signal())                     /* a signal before the run: do not start */
        out->status = vz_hv_run(hv, max_insns);
    else
        out->status = VZ_HV_ERROR;
    vz_cli_signal_cpu(NULL);
    if (timer)
        vz_exit_timer_flush(timer);          /* the exit that ended the run */
    out->exit_status = vz_hv_exit_status(hv);
    for (int r = 0; r < VZ_EXIT_NREASONS; r++)
        out->exits[r] = vz_hv_exits(hv, (vz_exit_reason)r);
    out->total_exits = vz_hv_total_exits(hv);
    out->exit_limit = out->status == VZ_HV_LIMIT && max_exits && out->total_exits > max_exits;
    out->insns = vz_cpu_insns(cpu);
    out->has_cycles = timing != NULL;
    out->cycles = timing ? vz_timing_cycles(timing) : 0;
    snprintf(out->msg, sizeof out->msg, "%s", vz_hv_message(hv));
    rc = 0;
done:
    vz_timing_destroy(timing);
    vz_hv_destroy(hv);
    vz_cpu_destroy(cpu);
    vz_mem_destroy(mem);
    return rc;
}

/* runs.end_reason of a guest run (docs/traces.md) */
static const char *guest_end_reason(const guest_run *r)
{
    if (vz_cli_signal_name())
        return vz_cli_signal_name();
    switch (r->status) {
    case VZ_HV_EXITED: return "complete";
    case VZ_HV_LIMIT: return r->exit_limit ? "exit-limit" : "insn-limit";
    default: return "guest-error";
    }
}

/* The hypervisor's counters and the run's totals, as statistics. */
static int guest_stats(vz_trace *trace, const char *sn, const guest_run *r, const exit_timer *t)
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

vz_trace *vz_cli_trace_create(const char *path, const char *kind,
                              const vz_timing_config *tcfg, const char *config_file,
                              const char *program, int argc, char **argv, const char *extra,
                              char *err, size_t errlen)
{
    char command[4096] = "vzsim";
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
    exit_timer *timer = NULL;
    if (trace_path) {
        char extra[256], ins[64];
        vz_cli_insn_opts_print(ins, sizeof ins, &io);
        snprintf(extra, sizeof extra, "[guest]\nmax_insns = %" PRIu64 "\nmax_exits = %" PRIu64
                 "\ntrace_insns = %s\n", max_insns, max_exits, ins);
        trace = vz_cli_trace_create(trace_path, "guest", timing_path ? &tcfg : NULL, timing_path,
                                    argv[i], argc, argv, extra, err, sizeof err);
        if (!trace || !(timer = vz_exit_timer_create(trace, NULL, &io))) {
            fprintf(stderr, "vzsim guest: %s\n", trace ? "out of memory" : err);
            vz_trace_close(trace);
            return 2;
        }
    }
    vz_cli_signals_install();
    guest_run r;
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
        int bad = vz_exit_timer_failed(timer) | guest_stats(trace, NULL, &r, timer);
        vz_exit_timer_destroy(timer);
        if (vz_trace_end(trace, guest_end_reason(&r)) != 0 || bad) {
            fprintf(stderr, "vzsim guest: %s: cannot write the trace\n", trace_path);
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

static int wanted(int argc, char **argv, const char *name)
{
    if (argc <= 1)
        return 1;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], name))
            return 1;
    return 0;
}

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
    if (guest_dir(dir, sizeof dir) != 0) {
        fprintf(stderr, "vzsim scenarios: cannot find the guests directory\n");
        return 2;
    }
    int failures = 0, ran = 0;
    const uint64_t max_insns = 200000000ull, max_exits = 100000;
    vz_trace *trace = NULL;
    const char *end_reason = "complete";
    if (trace_path) {
        char program[1024] = "", err[512], extra[256], ins[64];
        for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0]; s++) {
            size_t k = strlen(program);
            if (wanted(argc, argv, scenarios[s].name))
                snprintf(program + k, sizeof program - k, "%s%s", k ? " " : "", scenarios[s].name);
        }
        vz_cli_insn_opts_print(ins, sizeof ins, &io);
        snprintf(extra, sizeof extra, "[scenarios]\nmax_insns = %" PRIu64 "\nmax_exits = %" PRIu64
                 "\ntrace_insns = %s\n", max_insns, max_exits, ins);
        trace = vz_cli_trace_create(trace_path, "scenarios", functional ? NULL : &tcfg, config,
                                    program, all_argc, all_argv, extra, err, sizeof err);
        if (!trace) {
            fprintf(stderr, "vzsim scenarios: %s\n", err);
            return 2;
        }
    }
    vz_cli_signals_install();
    if (functional)
        printf("vzsim scenarios (functional mode: instruction counts)%s\n",
               mips_handler ? ", cross-compiled exit handler" : "");
    else
        printf("vzsim scenarios (cycles, timing config %s)%s\n", config,
               mips_handler ? ", cross-compiled exit handler" : "");
    printf("%-10s %6s  %-10s %s\n", "scenario", "exits", "reason",
           functional ? "per exit, instructions: min / median / max"
                      : "per exit, cycles: min / median / max");
    for (size_t s = 0; s < sizeof scenarios / sizeof scenarios[0] && !vz_cli_signal(); s++) {
        if (!wanted(argc, argv, scenarios[s].name))
            continue;
        ran++;
        char elf[PATH_MAX + 64];
        snprintf(elf, sizeof elf, "%s/scenario_%s.elf", dir, scenarios[s].name);
        exit_timer *timer = vz_exit_timer_create(trace, scenarios[s].name, &io);
        if (!timer) {
            fprintf(stderr, "vzsim scenarios: out of memory\n");
            vz_trace_close(trace);
            return 2;
        }
        FILE *con = tmpfile();
        guest_run r;
        if (run_guest(elf, max_insns, max_exits, con, timer, functional ? NULL : &tcfg,
                      &r) != 0) {
            fprintf(stderr, "vzsim scenarios: %s: %s\n", scenarios[s].name, r.msg);
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
        if (trace) {
            if (strcmp(guest_end_reason(&r), "complete") && !strcmp(end_reason, "complete"))
                end_reason = guest_end_reason(&r);
            /* (no commit here: the writer commits at least once a second) */
            if (vz_exit_timer_failed(timer) || guest_stats(trace, scenarios[s].name, &r, timer)) {
                fprintf(stderr, "vzsim scenarios: %s: cannot write the trace\n", trace_path);
                vz_exit_timer_destroy(timer);
                vz_trace_close(trace);
                return 2;
            }
        }
        if (vz_cli_signal()) {
            vz_exit_timer_destroy(timer);
            fprintf(stderr, "vzsim scenarios: %s: interrupted by %s after %" PRIu64
                    " instructions, %" PRIu64 " exits\n", scenarios[s].name,
                    vz_cli_signal_name(), r.insns, r.total_exits);
            break;
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
        for (size_t i = 0; i < timer->nsamples; i++) {
            if (scenarios[s].reason != VZ_EXIT_OTHER && timer->reason[i] != scenarios[s].reason)
                continue;
            timer->exit_path[k] = timer->exit_path[i];
            timer->handler[k] = timer->handler[i];
            timer->reentry[k] = timer->reentry[i];
            timer->total[k] = timer->total[i];
            k++;
        }
        char a[96], b[96], c[96], d[96];
        summary("exit", timer->exit_path, k, a, sizeof a);
        summary("handler", timer->handler, k, b, sizeof b);
        summary("re-entry", timer->reentry, k, c, sizeof c);
        summary("round trip", timer->total, k, d, sizeof d);
        vz_exit_timer_destroy(timer);
        printf("%-10s %6" PRIu64 "  %-10s %s\n%30s%s\n%30s%s\n%30s%s   (all exits: %" PRIu64 ")%s\n",
               scenarios[s].name, got, vz_exit_reason_name(scenarios[s].reason), a, "", b, "",
               c, "", d, r.total_exits, ok ? "" : "  <-- UNEXPECTED");
        if (!ok) {
            failures++;
            fprintf(stderr, "vzsim scenarios: %s: status %d, exit status %d: %s\n",
                    scenarios[s].name, (int)r.status, r.exit_status, r.msg);
        }
    }
    if (vz_cli_signal()) {
        if (trace && vz_trace_end(trace, vz_cli_signal_name()) != 0) {
            fprintf(stderr, "vzsim scenarios: %s: cannot finish the trace\n", trace_path);
            return 2;
        }
        return 128 + vz_cli_signal();
    }
    if (!ran) {
        fprintf(stderr, "vzsim scenarios: no such scenario\n");
        vz_trace_close(trace);
        return 2;
    }
    if (trace && vz_trace_end(trace, end_reason) != 0) {
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
