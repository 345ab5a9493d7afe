/*
 * traces/trace.h - the trace database writer and reader (docs/traces.md, schema
 * version 3: /work/coord/TRACE-SPEC.md is the contract with the exports).
 *
 * One SQLite file per run of vzsim. A writer thread makes every SQLite call until
 * the end (which writes the rest itself): the add functions only append to a
 * batch. It keeps one big transaction open, inserts
 * through prepared statements and commits every VZ_TRACE_COMMIT_ROWS rows, when
 * idle, at least once a second and at vz_trace_checkpoint, so a killed run leaves a
 * valid database with every row up to the last commit. Its first transaction writes
 * the schema and the run row marked 'interrupted'; only vz_trace_end(t, "complete")
 * marks it 'complete'. The core does not link SQLite: the commands feed this writer
 * from their retire observers.
 */
#ifndef VZSIM_TRACES_TRACE_H
#define VZSIM_TRACES_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VZ_TRACE_SCHEMA_VERSION 3      /* PRAGMA user_version of the files we write */
#define VZ_TRACE_COMMIT_ROWS 65536     /* rows between periodic commits */

/* The per-instruction trace is stored as fixed-size little-endian records packed
 * into BLOBs of up to VZ_TRACE_CHUNK_RECORDS (table insn_chunks, docs/traces.md). */
#define VZ_TRACE_INSN_RECORD_SIZE 48
#define VZ_TRACE_CHUNK_RECORDS 4096
/* Events likewise (table event_chunks, strings in trace_strings, view events). */
#define VZ_TRACE_EVENT_RECORD_SIZE 40

/* The schema (CREATE statements, no indexes), as documented in docs/traces.md. */
extern const char vz_trace_schema_sql[];
/* The indexes, created with the schema by the writer thread (docs/traces.md "Writer"). */
extern const char vz_trace_index_sql[];

typedef struct vz_trace vz_trace;

typedef struct vz_trace_run_info {
    const char *kind;          /* "scenarios", "run" or "guest" */
    const char *config_name;   /* effective config's name ("i6400", "functional") */
    const char *config_file;   /* path of the config file, NULL if none */
    const char *config_text;   /* the effective config as vzsim config prints it, plus
                                  the command's own settings (see the commands) */
    const char *program;       /* scenario names or program path */
    const char *command;       /* the command line */
    const char *vzsim_version;
} vz_trace_run_info;

/* Exit components, in the order of the exits table's columns. */
enum {
    VZ_TRACE_TO_VECTOR, VZ_TRACE_TO_HANDLER, VZ_TRACE_HANDLER, VZ_TRACE_TO_ERET,
    VZ_TRACE_ERET, VZ_TRACE_TOTAL, VZ_TRACE_NCOMP
};
/* Their column stems: "to_vector", ..., "total". */
extern const char *const vz_trace_component_names[VZ_TRACE_NCOMP];

/* One exit. has_cycles / has_insns say which units are measured (cycles: only with
 * the timing model); bit k of known says that component k was seen (the total is
 * written only when all five are known). */
typedef struct vz_trace_exit {
    const char *scenario;      /* NULL for a program run */
    const char *reason;        /* vz_exit_reason_name, or "none" */
    int exccode;               /* root Cause.ExcCode */
    int gexccode;              /* GuestCtl0.GExcCode, -1 when not a GE exit */
    int pc_known;
    uint64_t guest_pc;
    int has_cycles, has_insns;
    unsigned known;            /* bit VZ_TRACE_TO_VECTOR ... VZ_TRACE_ERET */
    uint64_t start_cycle;      /* c(E): cycle before the exiting instruction */
    uint64_t cycles[VZ_TRACE_NCOMP];   /* [VZ_TRACE_TOTAL] is computed by the writer */
    uint64_t insns[VZ_TRACE_NCOMP];
    int fixed_strings;         /* 1: scenario and reason are never changed while the
                                  trace is open (literals, static tables): known by
                                  their address after the first time */
} vz_trace_exit;

/* One event (view events; packed into event_chunks by the writer thread). */
typedef struct vz_trace_event {
    const char *scenario;      /* NULL for a program run */
    const char *kind;          /* "exception", "exit", "entry", "eret", "interrupt",
                                  "hostcall" */
    int has_cycle;             /* 0 in functional mode: cycle is NULL */
    uint64_t cycle;            /* c(X) of the event's instruction */
    uint64_t insn;             /* instructions (and faulting ones) before it */
    int guest;                 /* mode of the instruction / event */
    int pc_known;
    uint64_t pc;
    int exccode, gexccode;     /* negative: NULL; at most 255 */
    const char *detail;        /* NULL or free text */
    int fixed_strings;         /* 1: scenario, kind and detail are never changed while
                                  the trace is open (as for vz_trace_exit) */
} vz_trace_event;

/* One traced instruction, as the reader returns it (TRACE-SPEC.md). */
typedef struct vz_trace_insn_rec {
    const char *scenario;       /* NULL for a program run */
    uint64_t seq;               /* retire order, 0-based, per run (and scenario) */
    uint64_t pc; uint32_t word; int guest;  /* guest: 1 if retired in guest mode */
    int exccode;                /* -1, or the exception it raised (it did not complete) */
    uint64_t fetch, decode, issue, execute, memory, commit;  /* cycles (stage entry times) */
} vz_trace_insn_rec;
typedef int (*vz_trace_insn_fn)(void *opaque, const vz_trace_insn_rec *r); /* !=0 stops */

/* Create path (an existing file and its journal are replaced) and start the
 * writer thread, which writes the schema and a run row marked 'interrupted' first.
 * NULL on error (message in err): a path that cannot be replaced or created. A
 * later failure of the thread makes the add functions, vz_trace_checkpoint and
 * vz_trace_end return -1 (vz_trace_end with the message). */
vz_trace *vz_trace_create(const char *path, const vz_trace_run_info *ri, char *err, size_t errlen);
int vz_trace_add_exit(vz_trace *t, const vz_trace_exit *e);
int vz_trace_add_event(vz_trace *t, const vz_trace_event *e);
/* mode: "root", "guest" or "all" (the CPU mode the statistic covers). */
int vz_trace_add_stat(vz_trace *t, const char *scenario, const char *name, double value,
                      const char *mode);
/* One instruction of the per-instruction trace (r->scenario is the scenario). Records
 * are packed into chunks; a chunk is written when it is full, when the scenario
 * changes, at each checkpoint and at the end. Stage offsets from fetch must fit in
 * 32 bits (-1 otherwise). */
int vz_trace_add_insn(vz_trace *t, const vz_trace_insn_rec *r);
/* Hand what was added so far to the writer thread now, without waiting (e.g. at
 * the end of a scenario, so that the thread is not left with it at the end). */
int vz_trace_flush(vz_trace *t);
/* Commit what was written so far and open a new transaction. */
int vz_trace_checkpoint(vz_trace *t);
/* Write what is queued (from this thread: the writer thread stops writing, and is
 * waited for only while it is busy), set end_reason (and status 'complete' when it
 * is "complete" and nothing failed, else 'interrupted') and finished_at, commit,
 * close. Frees t. Returns 0, or -1 with the first failure in err (which may be
 * NULL). */
int vz_trace_end(vz_trace *t, const char *end_reason, char *err, size_t errlen);
/* vz_trace_end for a process that exits soon after: returns as soon as the last
 * commit is done (the file is then complete, with no journal and no lock held) and
 * leaves the connection to the process's exit, which closes the file (the writer
 * thread, told to end, is not waited for). Closing them costs the simulation ~0.25 ms, about 1.5 % of the
 * scenario suite (docs/traces.md, "Performance"). t must not be used again. */
int vz_trace_end_for_exit(vz_trace *t, const char *end_reason, char *err, size_t errlen);
/* vz_trace_end(t, "complete", NULL, 0). */
int vz_trace_finish(vz_trace *t);
/* Unfinished: vz_trace_end(t, "error"), result ignored. NULL is accepted. */
void vz_trace_close(vz_trace *t);

/* Read the per-instruction trace of run_id (0: every run) and scenario (NULL: every
 * scenario) whose fetch cycle is in [from_cycle, to_cycle], in retire order, calling
 * fn for each until it returns non-zero. Returns 0, or -1 with err; no rows is not an
 * error. */
int vz_trace_read_insns(const char *path, int64_t run_id, const char *scenario,
                        uint64_t from_cycle, uint64_t to_cycle,
                        vz_trace_insn_fn fn, void *opaque, char *err, size_t errlen);

/* Print the latency report of the database at path: per run, scenario, exit
 * reason, unit and component, count / min / median / p90 / p99 / max (nearest-rank
 * percentiles). format: "text", "csv", "json" or "html" (traces/html.c). Returns 0, or -1 with err. */
int vz_trace_report(const char *path, const char *format, FILE *out, char *err, size_t errlen);

/* Nearest-rank percentile p (1..100) of n > 0 sorted values: v[ceil(p*n/100)-1]. */
uint64_t vz_trace_percentile(const uint64_t *sorted, size_t n, unsigned p);

#ifdef __cplusplus
}
#endif
#endif
