/*
 * traces/trace.h - the trace database writer and reader (docs/traces.md).
 *
 * One SQLite file per run of vzsim. The writer keeps one big transaction open,
 * inserts through prepared statements and commits every VZ_TRACE_COMMIT_ROWS rows
 * (and at vz_trace_checkpoint), so a killed run leaves a valid database with every
 * row up to the last commit. The run row is written 'interrupted' and committed at
 * once; only vz_trace_finish marks it 'complete'. The core does not link SQLite:
 * the commands feed this writer from their retire observers.
 */
#ifndef VZSIM_TRACES_TRACE_H
#define VZSIM_TRACES_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VZ_TRACE_SCHEMA_VERSION 1      /* PRAGMA user_version of the files we write */
#define VZ_TRACE_COMMIT_ROWS 65536     /* rows between periodic commits */

/* The schema (CREATE statements, no indexes), as documented in docs/traces.md. */
extern const char vz_trace_schema_sql[];
/* The indexes, created by vz_trace_finish / vz_trace_close after loading. */
extern const char vz_trace_index_sql[];

typedef struct vz_trace vz_trace;

typedef struct vz_trace_run_info {
    const char *config_name;   /* effective config's name ("i6400", "functional") */
    const char *config_file;   /* path of the config file, NULL if none */
    const char *config_text;   /* the effective config as vzsim config prints it */
    const char *program;       /* scenario names or program path */
    const char *command;       /* the command line */
    const char *vzsim_version;
} vz_trace_run_info;

/* One exit. Components are per unit; has_cycles / has_insns say which units are
 * known, and the *_known flags say whether the re-entry (and so the total) was
 * measured (not for the exit that ends the run) and whether the exiting guest
 * instruction was seen. */
typedef struct vz_trace_exit {
    const char *scenario;      /* NULL for a program run */
    const char *reason;        /* vz_exit_reason_name, or "none" */
    int exccode;               /* root Cause.ExcCode */
    int gexccode;              /* GuestCtl0.GExcCode, -1 when not a GE exit */
    int pc_known;
    uint64_t guest_pc;
    int start_known;           /* exiting instruction seen: exit_path known */
    int reentry_known;         /* first guest instruction after re-entry completed */
    int has_cycles, has_insns;
    uint64_t start_cycle;      /* cycle before the exiting instruction */
    uint64_t cycles[4];        /* exit_path, handler, reentry, total */
    uint64_t insns[4];
} vz_trace_exit;

/* Create path (an existing file and its journal are replaced) with the schema and
 * a run row marked 'interrupted'. NULL on error (message in err). */
vz_trace *vz_trace_create(const char *path, const vz_trace_run_info *ri, char *err, size_t errlen);
int64_t vz_trace_run_id(const vz_trace *t);
int vz_trace_add_exit(vz_trace *t, const vz_trace_exit *e);
/* mode: "root", "guest" or "all" (the CPU mode the statistic covers). */
int vz_trace_add_stat(vz_trace *t, const char *scenario, const char *name, double value,
                      const char *mode);
/* Commit what was written so far and open a new transaction. */
int vz_trace_checkpoint(vz_trace *t);
/* Create the indexes, mark the run 'complete', commit and close. Frees t. */
int vz_trace_finish(vz_trace *t);
/* Commit what was written, create the indexes and close, leaving the run
 * 'interrupted' (an unfinished run). Frees t. NULL is accepted. */
void vz_trace_close(vz_trace *t);

/* Print the latency report of the database at path: per run, scenario, exit
 * reason, unit and component, count / min / median / p90 / p99 / max (nearest-rank
 * percentiles). format: "text", "csv" or "json". Returns 0, or -1 with err. */
int vz_trace_report(const char *path, const char *format, FILE *out, char *err, size_t errlen);

/* Nearest-rank percentile p (1..100) of n > 0 sorted values: v[ceil(p*n/100)-1]. */
uint64_t vz_trace_percentile(const uint64_t *sorted, size_t n, unsigned p);

#ifdef __cplusplus
}
#endif
#endif
