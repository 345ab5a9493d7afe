/*
 * tools/scenario.h - the scenario suite, the per-exit observer and the trace
 * plumbing shared by the vzsim commands (tools/hvcmds.c, tools/vzsim.c) and the
 * SystemC platform (sim/systemc/platform.cc), so that both count, time, print and
 * trace exits with the same code (docs/traces.md "Exit components").
 *
 * The exit timer is a retire observer that runs after the timing model (if any):
 * per exit it marks E (the exiting guest instruction), V (the first vector
 * instruction), H (the exit handler), R (the re-entering ERET) and G (the first
 * guest instruction completed after it), in cycles with a timing model and in
 * instructions without; it keeps the round trips for the printed summary and, when
 * given a trace, writes every exit, event and (optionally) instruction to it.
 */
#ifndef VZSIM_TOOLS_SCENARIO_H
#define VZSIM_TOOLS_SCENARIO_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hv/entry/host.h"
#include "sim/core/cpu.h"
#include "sim/timing/timing.h"
#include "traces/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --trace-insns all | window:FROM-TO | around:N (docs/traces.md) */
enum { VZ_INSNS_OFF, VZ_INSNS_ALL, VZ_INSNS_WINDOW, VZ_INSNS_AROUND };
typedef struct vz_insn_opts {
    int mode;
    uint64_t from, to;       /* window: fetch cycles, inclusive */
    uint64_t around;         /* around: instructions before and after each exit */
} vz_insn_opts;
/* "off", "all", "window:FROM-TO" or "around:N" */
void vz_insn_opts_print(char *out, size_t n, const vz_insn_opts *o);

typedef struct vz_exit_timer vz_exit_timer;

/* trace (may be NULL: only the summary) receives every exit of scenario (NULL for
 * a program run; otherwise a fixed string, such as vz_scenarios[k].name, that is
 * not changed while the trace is open); io (may be NULL: off) selects the
 * per-instruction trace. */
vz_exit_timer *vz_exit_timer_create(vz_trace *trace, const char *scenario,
                                    const vz_insn_opts *io);
void vz_exit_timer_destroy(vz_exit_timer *t);
/* The core, the host (NULL: a bare-metal run) and the timing model (NULL:
 * functional) it observes, without installing it (for a caller with its own
 * observer chain: call vz_exit_timer_retire after the timing model, and
 * vz_exit_timer_exception from the core's exception observer). */
void vz_exit_timer_bind(vz_exit_timer *t, vz_cpu *cpu, vz_hv *hv, vz_timing *timing);
void vz_exit_timer_retire(void *opaque, const vz_retire_info *ri);
void vz_exit_timer_exception(void *opaque, int exccode, uint64_t epc, uint64_t vector);
/* Bind and install: chained after timing (if any; else cpu's retire observer), and
 * as cpu's exception observer when tracing. */
void vz_exit_timer_attach(vz_exit_timer *t, vz_cpu *cpu, vz_timing *timing, vz_hv *hv);
/* Ask the core to stop at the next instruction once *flag is non-zero (a signal). */
void vz_exit_timer_stop_on(vz_exit_timer *t, const volatile sig_atomic_t *flag);
/* At the end of a run: write the exit still waiting for its re-entry. */
void vz_exit_timer_flush(vz_exit_timer *t);
int vz_exit_timer_failed(const vz_exit_timer *t);
/* A trace that could not be written: end it (end_reason 'error') and say so on
 * stderr as "WHO: PATH: cannot write the trace: REASON". */
void vz_trace_give_up(vz_trace *t, const char *who, const char *path);
/* Instructions seen: mode 0 root, 1 guest, 2 all (faulting ones included). */
uint64_t vz_exit_timer_insns(const vz_exit_timer *t, int mode);
/* Cycles (or instructions) up to the last retired instruction. */
uint64_t vz_exit_timer_now(const vz_exit_timer *t);
/* Does it write a per-instruction trace (which reads the timing model's stage
 * times, vz_timing_set_stage_times)? */
int vz_exit_timer_traces_insns(const vz_exit_timer *t);

/* What one guest run under the host gave. */
typedef struct vz_guest_result {
    vz_hv_status status;
    int exit_status;
    uint64_t exits[VZ_EXIT_NREASONS];
    uint64_t total_exits;
    uint64_t insns;
    int has_cycles;
    uint64_t cycles;
    int exit_limit;          /* VZ_HV_LIMIT because of max_exits */
    char msg[1024];
} vz_guest_result;
/* Fill r from the host, the core and the timing model (NULL: functional) after
 * vz_hv_run returned status under the exit limit max_exits (0: none). */
void vz_guest_result_get(vz_guest_result *r, vz_hv_status status, vz_hv *hv, vz_cpu *cpu,
                         const vz_timing *timing, uint64_t max_exits);
/* runs.end_reason: "complete", "exit-limit", "insn-limit" or "guest-error". */
const char *vz_guest_end_reason(const vz_guest_result *r);
/* The hypervisor's counters and the run's totals as statistics of scenario sn
 * (NULL: a program). 0, or non-zero when the trace could not be written. */
int vz_guest_stats(vz_trace *trace, const char *sn, const vz_guest_result *r,
                   const vz_exit_timer *t);

/* Create the trace database of one command: the run row (kind "run", "guest" or
 * "scenarios") with the effective config (the timing config as `vzsim config`
 * prints it, or functional, plus the command's settings in extra, e.g.
 * "[run]\nmax_insns = ...\n") and the command line: tool ("vzsim") followed by
 * argv[0..argc). */
vz_trace *vz_run_trace_create(const char *path, const char *tool, const char *kind,
                              const vz_timing_config *tcfg, const char *config_file,
                              const char *program, int argc, char **argv, const char *extra,
                              char *err, size_t errlen);

/* The built-in scenarios: guests/scenario_NAME.elf, each repeating one exit reason. */
typedef struct vz_scenario {
    const char *name;
    vz_exit_reason reason;
    uint64_t expect;         /* exits of that reason the guest must cause (0: >= 100) */
} vz_scenario;
extern const vz_scenario vz_scenarios[];
extern const size_t vz_nscenarios;
#define VZ_SCENARIO_MAX_INSNS 200000000ull   /* per scenario */
#define VZ_SCENARIO_MAX_EXITS 100000ull
#define VZ_SCENARIO_GUEST_RAM (16ull << 20)

/* Is scenario s selected by names[0..n) (n == 0: all)? */
int vz_scenario_wanted(const vz_scenario *s, int n, char **names);
/* The directory of the guest ELFs: <directory of this executable>/../guests. 0 or -1. */
int vz_scenario_guest_dir(char *out, size_t n);

/* The trace of a scenarios run (config NULL: functional mode) of the scenarios
 * names[0..n) selects, io its per-instruction trace (NULL: off). */
vz_trace *vz_scenarios_trace_create(const char *path, const vz_timing_config *config,
                                    const char *config_path, int n, char **names,
                                    const vz_insn_opts *io, const char *tool, int argc,
                                    char **argv, char *err, size_t errlen);
/* The heading lines of the printed table. */
void vz_scenarios_print_header(FILE *out, int functional, const char *config_path,
                               int mips_handler);
/* After scenario s ran (r) under timer t: add its statistics to trace (may be
 * NULL), print its lines to out and say whether it did what it must. Returns 0 when
 * it did, 1 when not (a message went to stderr, prefixed with who), -1 when the
 * trace could not be written. */
int vz_scenario_finish(const vz_scenario *s, vz_exit_timer *t, const vz_guest_result *r,
                       vz_trace *trace, FILE *out, const char *who);

#ifdef __cplusplus
}
#endif
#endif
