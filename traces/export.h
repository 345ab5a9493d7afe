/*
 * traces/export.h - views of a trace database (docs/traces.md): the self-contained
 * HTML report, the Kanata v4 pipeline log (Konata) and the Chrome trace-event JSON
 * (Perfetto UI, chrome://tracing). Formats: shared/docs/timing-facts.md.
 *
 * Every function reads the database at path with its own SQL against the columns of
 * schema version 3 and returns 0, or -1 with a message in err (naming the file, and
 * the row where one is at fault).
 */
#ifndef VZSIM_TRACES_EXPORT_H
#define VZSIM_TRACES_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The HTML report: metadata of each run, per scenario and exit reason the table of
 * count / min / median / p90 / p99 / max of every component (cycles and
 * instructions), a histogram of the round trips, stacked bars of the mean components
 * per reason, and the statistics table. Inline SVG only: no network, no external
 * file. */
int vz_trace_report_html(const char *path, FILE *out, char *err, size_t errlen);

/* ---- Kanata v4 ---- */

/* The six stage times of a per-instruction trace record, in this order. */
#define VZ_KANATA_STAGES 6
extern const char *const vz_kanata_default_stages[VZ_KANATA_STAGES]; /* fetch ... commit */

/* The stage labels of a run from its effective config text (the [core] keys
 * `stages` and `issue_stage`): fetch = the first stage, decode = ID/DE/DEC,
 * issue = issue_stage, execute = EX/EXE, memory = MEM/DC, commit = the last stage;
 * a stage not found keeps its default name. names[i] points into buf. */
void vz_kanata_stage_names(const char *config_text, char buf[VZ_KANATA_STAGES][16],
                           const char *names[VZ_KANATA_STAGES]);

/* Collects per-instruction records and writes them as one Kanata log with time
 * moving only forward: every instruction is started (I) at its fetch cycle, labelled
 * (L 0: pc and disassembly; L 1: seq, mode, word), goes through its stages (S/E,
 * lane 0; a stage of zero cycles is left out, the last stage lasts one cycle) and is
 * retired (R type 0) or, when it raised an exception, flushed (R type 1). */
typedef struct vz_kanata vz_kanata;
vz_kanata *vz_kanata_new(const char *const stage_names[VZ_KANATA_STAGES]);
/* Stage times out of order: an instruction that raised an exception stops at the
 * first time that goes back (stages it did not reach); for another one an earlier
 * stage is drawn no later than the next (the commit time is kept) and the hover
 * label shows the recorded times. -1 with err only when out of memory. */
int vz_kanata_add(vz_kanata *k, const vz_trace_insn_rec *r, char *err, size_t errlen);
size_t vz_kanata_count(const vz_kanata *k);
int vz_kanata_write(vz_kanata *k, FILE *out, char *err, size_t errlen);
void vz_kanata_free(vz_kanata *k);

/* Which instructions vzsim export --kanata writes. */
typedef struct vz_kanata_select {
    int64_t run_id;            /* 0: the database's last run */
    const char *scenario;      /* NULL: the run's only scenario (or a program run) */
    int by_exit;               /* 1: around exit exit_seq, else the window */
    int64_t exit_seq;
    uint64_t around;           /* cycles of context on each side of the exit */
    uint64_t from, to;         /* window of fetch cycles, inclusive */
} vz_kanata_select;
#define VZ_KANATA_MAX_INSNS 2000000   /* more: refused, ask for a smaller window */

int vz_export_kanata(const char *path, const vz_kanata_select *sel, FILE *out, char *err,
                     size_t errlen);

/* ---- Chrome trace events ---- */

/* The run's exits as Chrome trace-event JSON ({"traceEvents": [...]}). One process
 * per scenario, three threads: "guest" and "root" (the mode spans), "exits" (one
 * slice per exit, named by its reason, with its five components as nested child
 * slices), instants for the events table, and a counter of the cumulative exits by
 * reason. Clock: 1 cycle = 1 ns (a stated 1 GHz), ts in microseconds. run_id 0: the
 * last run. Needs cycles (a timing-mode run). */
int vz_export_perfetto(const char *path, int64_t run_id, FILE *out, char *err, size_t errlen);

/* `vzsim export DB --kanata FILE [...] | --perfetto FILE` (argv[0] is "export"). */
int vz_cmd_export(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
