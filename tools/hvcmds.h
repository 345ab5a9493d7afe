/* tools/hvcmds.h - hypervisor subcommands of the vzsim CLI (see hvcmds.c), and the
 * pieces vzsim.c shares with them: signals, --trace-insns, the trace observer. */
#ifndef VZSIM_TOOLS_HVCMDS_H
#define VZSIM_TOOLS_HVCMDS_H
#include <stddef.h>
#include <stdint.h>

#include "hv/entry/host.h"
#include "sim/core/cpu.h"
#include "sim/timing/timing.h"
#include "traces/trace.h"

int vz_cmd_guest(int argc, char **argv);
int vz_cmd_scenarios(int argc, char **argv);
int vz_cmd_entry(int argc, char **argv);
int vz_cmd_report(int argc, char **argv);
int vz_cmd_compare(int argc, char **argv);
int vz_cli_parse_u64(const char *s, uint64_t *v);

/* SIGINT / SIGTERM stop the run at the next instruction boundary: install the
 * handler, name the core it stops, ask which signal came (0: none). */
void vz_cli_signals_install(void);
void vz_cli_signal_cpu(vz_cpu *cpu);
int vz_cli_signal(void);
const char *vz_cli_signal_name(void);   /* "SIGINT", "SIGTERM" or NULL */

/* --trace-insns all | window:FROM-TO | around:N (docs/traces.md) */
enum { VZ_INSNS_OFF, VZ_INSNS_ALL, VZ_INSNS_WINDOW, VZ_INSNS_AROUND };
typedef struct vz_insn_opts {
    int mode;
    uint64_t from, to;       /* window: fetch cycles, inclusive */
    uint64_t around;         /* around: instructions before and after each exit */
} vz_insn_opts;
int vz_cli_parse_trace_insns(const char *s, vz_insn_opts *o);   /* 0 or -1 */
void vz_cli_insn_opts_print(char *out, size_t n, const vz_insn_opts *o);

/* The retire observer that times exits and feeds the trace database (events,
 * exits, instructions). trace NULL: only the scenario summary. */
typedef struct exit_timer exit_timer;
exit_timer *vz_exit_timer_create(vz_trace *trace, const char *scenario, const vz_insn_opts *io);
void vz_exit_timer_destroy(exit_timer *t);
/* Chain after timing (if any; else install as cpu's retire observer). hv may be NULL. */
void vz_exit_timer_attach(exit_timer *t, vz_cpu *cpu, vz_timing *timing, vz_hv *hv);
/* At the end of a run: write the exit still waiting for its re-entry. */
void vz_exit_timer_flush(exit_timer *t);
int vz_exit_timer_failed(const exit_timer *t);
/* Instructions seen: mode 0 root, 1 guest, 2 all (faulting ones included). */
uint64_t vz_exit_timer_insns(const exit_timer *t, int mode);

/* Create the trace database of one command: the run row with the effective config
 * (the timing config as `vzsim config` prints it, or functional, plus the command's
 * settings in extra, e.g. "[run]\nmax_insns = ...\n"). */
vz_trace *vz_cli_trace_create(const char *path, const char *kind,
                              const vz_timing_config *tcfg, const char *config_file,
                              const char *program, int argc, char **argv, const char *extra,
                              char *err, size_t errlen);
#endif
