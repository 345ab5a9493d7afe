/* tools/hvcmds.h - hypervisor subcommands of the vzsim CLI (see hvcmds.c), and the
 * pieces vzsim.c shares with them: signals and --trace-insns (the exit observer and
 * the trace plumbing are in tools/scenario.h). */
#ifndef VZSIM_TOOLS_HVCMDS_H
#define VZSIM_TOOLS_HVCMDS_H
#include <stddef.h>
#include <stdint.h>

#include "hv/entry/host.h"
#include "sim/core/cpu.h"
#include "sim/timing/timing.h"
#include "traces/trace.h"
#include "tools/scenario.h"

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

/* --trace-insns all | window:FROM-TO | around:N (docs/traces.md): 0 or -1 */
int vz_cli_parse_trace_insns(const char *s, vz_insn_opts *o);
/* Stop t's core at the next instruction boundary after SIGINT / SIGTERM. */
void vz_cli_stop_on_signal(vz_exit_timer *t);

#endif
