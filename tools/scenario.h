/*
 * tools/scenario.h - the scenario suite and its per-exit observer, shared by
 * `vzsim scenarios` (tools/hvcmds.c, the core run on its own) and the SystemC
 * platform (sim/systemc/platform.cc, the core inside a virtual platform), so that
 * both count, time, print and trace exits with the same code.
 *
 * The exit timer is a retire observer that runs after the timing model (if any):
 * per exit it measures the exit path, the handler, the re-entry and the round trip
 * (docs/architecture.md "Timing one exit"), in cycles with a timing model and in
 * instructions without, and writes every exit to a trace database when given one.
 */
#ifndef VZSIM_TOOLS_SCENARIO_H
#define VZSIM_TOOLS_SCENARIO_H

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

typedef struct vz_exit_timer vz_exit_timer;

/* trace (may be NULL) receives every exit of scenario (NULL for a program run). */
vz_exit_timer *vz_exit_timer_create(vz_trace *trace, const char *scenario);
void vz_exit_timer_destroy(vz_exit_timer *t);
/* The core, the host and the timing model (NULL: functional) it observes. */
void vz_exit_timer_bind(vz_exit_timer *t, vz_cpu *cpu, vz_hv *hv, vz_timing *timing);
/* The observer (opaque = the timer): install it after the timing model
 * (vz_timing_chain), or alone in functional mode. */
void vz_exit_timer_retire(void *opaque, const vz_retire_info *ri);
/* After the run: record the exit that ended it (its re-entry never completed). */
void vz_exit_timer_end(vz_exit_timer *t);
/* Cycles (or instructions) up to the last retired instruction. */
uint64_t vz_exit_timer_now(const vz_exit_timer *t);

/* What one guest run under the host gave. */
typedef struct vz_guest_result {
    vz_hv_status status;
    int exit_status;
    uint64_t exits[VZ_EXIT_NREASONS];
    uint64_t total_exits;
    uint64_t insns;
    char msg[1024];
} vz_guest_result;
/* Fill r from the host and the core after vz_hv_run returned status. */
void vz_guest_result_get(vz_guest_result *r, vz_hv_status status, vz_hv *hv, vz_cpu *cpu);

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
/* dir of the guest ELFs: <directory of this executable>/../guests. 0 or -1. */
int vz_scenario_guest_dir(char *out, size_t n);

/* Create the trace of a scenarios run (config NULL: functional mode). */
vz_trace *vz_scenarios_trace_create(const char *path, const vz_timing_config *config,
                                    const char *config_path, int n, char **names,
                                    const char *command, char *err, size_t errlen);
/* The heading lines of the printed table. */
void vz_scenarios_print_header(FILE *out, int functional, const char *config_path);
/* After scenario s ran (r) under timer t: add its statistics to trace (may be
 * NULL), print its lines to out and say whether it did what it must. Returns 0 when
 * it did, 1 when not (a message went to stderr, prefixed with who), -1 when the
 * trace could not be written. */
int vz_scenario_finish(const vz_scenario *s, vz_exit_timer *t, const vz_guest_result *r,
                       vz_trace *trace, int functional, FILE *out, const char *who);

#ifdef __cplusplus
}
#endif
#endif
