/*
 * traces/trace.c - the trace database writer and the report (docs/traces.md).
 */
#include "traces/trace.h"
#include "traces/export.h"
#include "traces/export_db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char vz_trace_schema_sql[] =
    "CREATE TABLE runs (\n"
    "  id            INTEGER PRIMARY KEY,\n"
    "  kind          TEXT NOT NULL CHECK (kind IN ('scenarios', 'run', 'guest')),\n"
    "  config_name   TEXT,\n"
    "  config_file   TEXT,\n"
    "  config_text   TEXT,\n"
    "  program       TEXT,\n"
    "  command       TEXT,\n"
    "  vzsim_version TEXT NOT NULL,\n"
    "  started_at    TEXT NOT NULL,\n"
    "  finished_at   TEXT,\n"
    "  status        TEXT NOT NULL CHECK (status IN ('interrupted', 'complete')),\n"
    "  end_reason    TEXT\n"
    ");\n"
    "CREATE TABLE exits (\n"
    "  run_id             INTEGER NOT NULL REFERENCES runs(id),\n"
    "  seq                INTEGER NOT NULL,\n"
    "  scenario           TEXT,\n"
    "  reason             TEXT NOT NULL,\n"
    "  exccode            INTEGER,\n"
    "  gexccode           INTEGER,\n"
    "  guest_pc           INTEGER,\n"
    "  start_cycle        INTEGER,\n"
    "  to_vector_cycles   INTEGER,\n"
    "  to_handler_cycles  INTEGER,\n"
    "  handler_cycles     INTEGER,\n"
    "  to_eret_cycles     INTEGER,\n"
    "  eret_cycles        INTEGER,\n"
    "  total_cycles       INTEGER,\n"
    "  to_vector_insns    INTEGER,\n"
    "  to_handler_insns   INTEGER,\n"
    "  handler_insns      INTEGER,\n"
    "  to_eret_insns      INTEGER,\n"
    "  eret_insns         INTEGER,\n"
    "  total_insns        INTEGER\n"
    ");\n"
    "CREATE TABLE trace_strings (\n"
    "  id   INTEGER PRIMARY KEY,\n"
    "  text TEXT NOT NULL UNIQUE\n"
    ");\n"
    "CREATE TABLE event_chunks (\n"
    "  run_id    INTEGER NOT NULL REFERENCES runs(id),\n"
    "  scenario  TEXT,\n"
    "  first_seq INTEGER NOT NULL,\n"
    "  count     INTEGER NOT NULL,\n"
    "  data      BLOB NOT NULL\n"
    ");\n"    "CREATE TABLE statistics (\n"
    "  run_id   INTEGER NOT NULL REFERENCES runs(id),\n"
    "  scenario TEXT,\n"
    "  name     TEXT NOT NULL,\n"
    "  value    NUMERIC,\n"
    "  mode     TEXT NOT NULL CHECK (mode = 'root' OR mode = 'guest' OR mode = 'all')\n"
    ");\n"
    "CREATE TABLE insn_chunks (\n"
    "  run_id      INTEGER NOT NULL REFERENCES runs(id),\n"
    "  scenario    TEXT,\n"
    "  first_seq   INTEGER NOT NULL,\n"
    "  last_seq    INTEGER NOT NULL,\n"
    "  first_fetch INTEGER NOT NULL,\n"
    "  last_fetch  INTEGER NOT NULL,\n"
    "  count       INTEGER NOT NULL,\n"
    "  data        BLOB NOT NULL\n"
    ");\n";

const char vz_trace_index_sql[] =
    "CREATE INDEX IF NOT EXISTS exits_by_reason ON exits(run_id, scenario, reason);\n"
    "CREATE INDEX IF NOT EXISTS statistics_by_name ON statistics(run_id, scenario, name);\n"
    "CREATE INDEX IF NOT EXISTS insn_chunks_by_fetch ON insn_chunks(run_id, first_fetch);\n";

const char *const vz_trace_component_names[VZ_TRACE_NCOMP] = {
    "to_vector", "to_handler", "handler", "to_eret", "eret", "total",
};

/* commit the per-instruction trace at least every this many bytes */
#define INSN_COMMIT_BYTES (32u << 20)
/* an idle writer commits when this much time has passed since the last commit */
#define IDLE_COMMIT_MS 4
/* how long the writer waits for readers to let it commit before it gives up */
#define WRITER_BUSY_MS 60000
/* the writer thread looks for work this often when nobody wakes it (submit) */
#define POLL_US 1000
/* SQLite page size: small, so that a short run writes little */
#define PAGE_SIZE 4096
#define CHUNK_BYTES ((size_t)VZ_TRACE_CHUNK_RECORDS * VZ_TRACE_INSN_RECORD_SIZE)

/* The writer thread: the simulation thread only appends ops to batches; a thread
 * of the writer makes every SQLite call between vz_trace_create and the end, so
 * the simulation does not wait for SQLite. At the end (take_over_and_end) the
 * calling thread takes its place and writes what is left itself. A batch is a byte
 * stream of ops, each an op_head and its payload (8-byte aligned). A string travels
 * once, as OP_STRING with the id the simulation thread gave it (intern); the other
 * ops carry ids. An event is already its 40-byte record of event_chunks. */
enum { OP_STRING = 1, OP_EXIT, OP_EVSCEN, OP_EVENT, OP_STAT, OP_CHUNK, OP_COMMIT };
typedef struct op_head { uint32_t type, len; } op_head;   /* len: payload bytes */
typedef struct exit_op { uint32_t scenario, reason; vz_trace_exit e; } exit_op;
typedef struct stat_op { double value; uint32_t scenario, name, mode; } stat_op;
typedef struct chunk_op {
    unsigned char *data;
    uint32_t n, scenario;
    uint64_t first_seq, last_seq, min_fetch, max_fetch;
} chunk_op;
#define STR_MAX 4096                 /* the longest string an op carries, with its NUL */
#define BATCH_BYTES (16u << 10)
#define QUEUE_BATCHES 64
typedef struct batch {
    size_t used;
    _Alignas(8) unsigned char data[BATCH_BYTES];
} batch;
#define PCACHE 64                    /* intern's cache of recently seen pointers */
/* instruction chunks allocated at most (~25 MiB): a simulation that runs ahead of
 * the thread waits for it instead of buffering without bound (a functional run
 * with --trace-insns all buffered ~500 MB for 30 M instructions) */
#define MAX_CHUNKS 128

/* The run row's texts, copied at vz_trace_create for the writer thread. */
enum { RI_KIND, RI_CONFIG_NAME, RI_CONFIG_FILE, RI_CONFIG_TEXT, RI_PROGRAM, RI_COMMAND,
       RI_VERSION, RI_STARTED, RI_N };

struct vz_trace {
    sqlite3 *db;
    sqlite3_stmt *ins_exit, *ins_stat, *ins_event, *ins_chunk;
    sqlite3_stmt *end_run;       /* the run row's end (prepared with the inserts) */
    int64_t run_id;
    /* writer-thread side */
    uint64_t seq, event_seq;
    uint64_t pending;            /* rows since the last commit */
    uint64_t pending_bytes;      /* per-instruction trace bytes since the last commit */
    sqlite3_stmt *ins_string;
    unsigned char *ev;           /* the event chunk being filled (writer thread) */
    unsigned nev;
    uint64_t ev_first_seq;
    uint32_t ev_scen;            /* the chunk's scenario (string id, 0: none) */
    uint32_t ev_next_scen;       /* the last OP_EVSCEN */
    char **wstr;                 /* the thread's copy of each string, by id */
    unsigned char *wstr_in;      /* 1: in trace_strings already */
    uint32_t wstr_cap;
    uint64_t last_commit_ms;     /* CLOCK_MONOTONIC of the last commit */
    char *path;
    char *ri[RI_N];              /* the run row (w_setup) */
    char errmsg[256];            /* the first failure (under mu once the thread runs) */
    const char *end_reason;      /* w_finish writes it */
    int busy;                    /* under mu: the thread is setting up or writing a batch */
    int taken;                   /* under mu: the end writes the rest, the thread ends
                                    (take_over_and_end) */
    vz_trace *next_open;         /* the list of traces left open */
    /* the queue */
    pthread_t thread;
    cpu_set_t cpus;              /* the CPUs the process may use */
    int pinned;                  /* the thread is kept off the simulation's CPU */
    int boosted;                 /* the thread runs as an ordinary thread now */
    int set_up;                  /* w_setup succeeded (writer thread) */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_room, cv_done, cv_chunk;
    batch *queue[QUEUE_BATCHES];
    unsigned qhead, qlen;
    batch *free_batches[QUEUE_BATCHES + 2];    /* reused, never freed before the end */
    unsigned nfree_batches;
    unsigned char *free_chunks[MAX_CHUNKS];    /* under mu: returned by the thread */
    unsigned nfree_chunks;
    unsigned nchunks;            /* chunks allocated (simulation thread) */
    int chunk_waiter;            /* under mu: get_chunk waits on cv_chunk */
    uint64_t commits_asked, commits_done;
    int failed;                  /* a write failed: set under mu by whoever writes (the
                                    thread, or the end once it has taken over), which
                                    alone may read it without mu */
    /* simulation-thread side */
    batch *cur;
    unsigned char *chunk;        /* the chunk being filled (allocated on first use) */
    unsigned nrec;
    uint32_t chunk_scen;         /* its scenario's string id */
    uint64_t first_seq, last_seq, min_fetch, max_fetch;
    char **sstr;                 /* interned strings by id (1..nsstr) */
    uint32_t nsstr, sstr_cap;
    uint32_t *stab;              /* open addressing over sstr: ids, 0 = empty */
    uint32_t stab_cap;
    struct { const char *p; uint32_t id; } pcache[PCACHE];
    uint32_t ev_scen_sent;       /* the scenario of the last OP_EVSCEN */
    int ev_scen_valid;
};

static void set_err(char *err, size_t n, const char *what, sqlite3 *db)
{
    if (err && n)
        snprintf(err, n, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void now_iso(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* ---- the record layout of insn_chunks.data (docs/traces.md) ---- */

enum {
    R_PC = 0, R_FETCH = 8, R_WORD = 16, R_SEQ = 20, R_FLAGS = 24, R_EXC = 25, R_DECODE = 28,
    R_ISSUE = 32, R_EXECUTE = 36, R_MEMORY = 40, R_COMMIT = 44,
};

/* ---- the record layout of event_chunks.data (docs/traces.md) ---- */

enum {
    E_CYCLE = 0, E_INSN = 8, E_PC = 16, E_KIND = 24, E_DETAIL = 28, E_FLAGS = 32, E_EXC = 33,
    E_GEXC = 34,
};
enum { EF_GUEST = 1, EF_CYCLE = 2, EF_PC = 4, EF_EXC = 8, EF_GEXC = 16 };
_Static_assert(E_GEXC < VZ_TRACE_EVENT_RECORD_SIZE, "an event record holds its fields");

static void put_le(unsigned char *p, uint64_t v, int n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* n is a constant at every call: one store straight into the record (the loop
     * below was assembled on the stack and copied, a stall on every event) */
    memcpy(p, &v, (size_t)n);
#else
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
#endif
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The view insns: the records decoded in SQL (slow: for small traces and ad-hoc
 * queries; vz_trace_read_insns is the fast reader). Bytes come from hex(). */
static size_t sql_le(char *out, size_t n, int off, int len)
{
    size_t k = 0;
    k += (size_t)snprintf(out, n, "(");
    for (int b = 0; b < len; b++)
        k += (size_t)snprintf(out + k, k < n ? n - k : 0,
                              "%s(((instr('0123456789ABCDEF', substr(x, %d, 1)) - 1) * 16 +"
                              " instr('0123456789ABCDEF', substr(x, %d, 1)) - 1) << %d)",
                              b ? " | " : "", 2 * (off + b) + 1, 2 * (off + b) + 2, 8 * b);
    k += (size_t)snprintf(out + k, k < n ? n - k : 0, ")");
    return k;
}

static void view_sql(char *out, size_t n)
{
    size_t k = 0;
#define ADD(...) (k += (size_t)snprintf(out + k, k < n ? n - k : 0, __VA_ARGS__))
#define LE(off, len) (k += sql_le(out + k, k < n ? n - k : 0, off, len))
    /* slots: 0 .. VZ_TRACE_CHUNK_RECORDS - 1, one row per record of a chunk, made by
     * each query (a table of them cost ~1 ms to fill at every vz_trace_create); CROSS
     * JOIN keeps the chunks outermost, so rows come in the order of seq */
#define SLOTS "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %d), "
    ADD("CREATE VIEW insns AS " SLOTS "h AS MATERIALIZED (SELECT c.run_id, c.scenario,"
        " c.first_seq, hex(substr(c.data, s.i * %d + 1, %d)) AS x FROM insn_chunks c"
        " CROSS JOIN s WHERE s.i < c.count) SELECT run_id, scenario, first_seq + ",
        VZ_TRACE_CHUNK_RECORDS - 1, VZ_TRACE_INSN_RECORD_SIZE, VZ_TRACE_INSN_RECORD_SIZE);
    LE(R_SEQ, 4);
    ADD(" AS seq, ");
    LE(R_PC, 8);
    ADD(" AS pc, ");
    LE(R_WORD, 4);
    ADD(" AS word, ");
    LE(R_FLAGS, 1);
    ADD(" & 1 AS guest, CASE WHEN ");
    LE(R_EXC, 1);
    ADD(" = 255 THEN -1 ELSE ");
    LE(R_EXC, 1);
    ADD(" END AS exccode, ");
    LE(R_FETCH, 8);
    ADD(" AS fetch");
    static const struct { const char *name; int off; } f[] = {
        {"decode", R_DECODE}, {"issue", R_ISSUE}, {"execute", R_EXECUTE},
        {"memory", R_MEMORY}, {"commit", R_COMMIT},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        ADD(", ");
        LE(R_FETCH, 8);
        ADD(" + ");
        LE(f[i].off, 4);
        ADD(" AS \"%s\"", f[i].name);
    }
    ADD(" FROM h;\n");
    /* events: the records of event_chunks, with the strings of trace_strings */
    ADD("CREATE VIEW events AS " SLOTS "h AS MATERIALIZED (SELECT c.run_id, c.scenario,"
        " c.first_seq + s.i AS seq, hex(substr(c.data, s.i * %d + 1, %d)) AS x FROM"
        " event_chunks c CROSS JOIN s WHERE s.i < c.count), r AS (SELECT run_id, seq,"
        " scenario, ", VZ_TRACE_CHUNK_RECORDS - 1, VZ_TRACE_EVENT_RECORD_SIZE,
        VZ_TRACE_EVENT_RECORD_SIZE);
    static const struct { const char *name; int off, len; } g[] = {
        {"c", E_CYCLE, 8}, {"i", E_INSN, 8}, {"p", E_PC, 8}, {"k", E_KIND, 4},
        {"d", E_DETAIL, 4}, {"f", E_FLAGS, 1}, {"e", E_EXC, 1}, {"g", E_GEXC, 1},
    };
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        ADD("%s", i ? ", " : "");
        LE(g[i].off, g[i].len);
        ADD(" AS %s", g[i].name);
    }
    ADD(" FROM h) SELECT run_id, seq, scenario, CASE WHEN f & %d THEN c END AS cycle,"
        " i AS insn, (SELECT text FROM trace_strings WHERE id = k) AS kind,"
        " CASE WHEN f & %d THEN 'guest' ELSE 'root' END AS mode,"
        " CASE WHEN f & %d THEN p END AS pc, CASE WHEN f & %d THEN e END AS exccode,"
        " CASE WHEN f & %d THEN g END AS gexccode,"
        " (SELECT text FROM trace_strings WHERE id = d) AS detail FROM r;\n",
        EF_CYCLE, EF_GUEST, EF_PC, EF_EXC, EF_GEXC);
#undef SLOTS
#undef LE
#undef ADD
}

static void *writer_main(void *opaque);

static void free_trace(vz_trace *t)
{
    for (int i = 0; i < RI_N; i++)
        free(t->ri[i]);
    for (uint32_t i = 1; i <= t->nsstr; i++)
        free(t->sstr[i]);
    free(t->sstr);
    free(t->stab);
    for (uint32_t i = 0; i < t->wstr_cap; i++)
        free(t->wstr[i]);
    free(t->wstr);
    free(t->wstr_in);
    free(t->path);
    free(t->chunk);
    free(t->cur);
    free(t->ev);
    free(t);
}

/* free_trace, for a trace whose lock and conditions exist (and whose thread, if it
 * was started, has ended): them, and the buffers the thread gave back. */
static void destroy_trace(vz_trace *t)
{
    for (unsigned i = 0; i < t->nfree_chunks; i++)
        free(t->free_chunks[i]);
    for (unsigned i = 0; i < t->nfree_batches; i++)
        free(t->free_batches[i]);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv_work);
    pthread_cond_destroy(&t->cv_room);
    pthread_cond_destroy(&t->cv_done);
    pthread_cond_destroy(&t->cv_chunk);
    free_trace(t);
}

/* Only what can fail for a reason the user can fix happens here: checking the path
 * (and creating the file). Replacing it, opening it with SQLite, the schema, the
 * run row and everything after are the writer thread's (w_setup), so that SQLite's
 * start-up, parsing and first commit overlap with the simulation; a failure there
 * shows at the next add and at the end. */
vz_trace *vz_trace_create(const char *path, const vz_trace_run_info *ri, char *err, size_t errlen)
{
    vz_trace *t = calloc(1, sizeof *t);
    if (!t || !(t->cur = malloc(sizeof *t->cur))) {
        set_err(err, errlen, path, NULL);
        if (t)
            free_trace(t);
        return NULL;
    }
    /* The path must hold a regular file we may write, or nothing: checked here with
     * two system calls, so that a bad path is refused at once. The thread replaces
     * the file (it unlinks it and its -journal before SQLite creates the new one):
     * unlinking frees a database's blocks, 0.1 ms of the simulation's time for the
     * suite's 600 KB. A symbolic link, or a file that may be replaced but not
     * written, is unlinked here (the link, not what it points to); a directory, a
     * device or a FIFO is refused. */
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0 && (errno == ELOOP || errno == EACCES || errno == EPERM)) {
        if (unlink(path) != 0) {
            snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
            free_trace(t);
            return NULL;
        }
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    }
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        if (fd >= 0)
            snprintf(err, errlen, "%s: cannot replace: not a regular file", path);
        else if (e == EISDIR || e == ENXIO)
            snprintf(err, errlen, "%s: cannot replace: %s", path,
                     e == EISDIR ? strerror(e) : "not a regular file");
        else
            snprintf(err, errlen, "%s: %s", path, strerror(e));
        if (fd >= 0)
            close(fd);
        free_trace(t);
        return NULL;
    }
    close(fd);
    t->cur->used = 0;
    char started[32];
    now_iso(started, sizeof started);
    const char *v[RI_N] = {
        ri && ri->kind ? ri->kind : "run", ri ? ri->config_name : NULL,
        ri ? ri->config_file : NULL, ri ? ri->config_text : NULL, ri ? ri->program : NULL,
        ri ? ri->command : NULL, ri && ri->vzsim_version ? ri->vzsim_version : "unknown",
        started,
    };
    for (int i = 0; i < RI_N; i++) {
        if (v[i] && !(t->ri[i] = strdup(v[i]))) {
            set_err(err, errlen, path, NULL);
            free_trace(t);
            return NULL;
        }
    }
    if (!(t->path = strdup(path))) {
        set_err(err, errlen, path, NULL);
        free_trace(t);
        return NULL;
    }
    pthread_mutex_init(&t->mu, NULL);
    pthread_condattr_t ca;                   /* POLL_US waits on the monotonic clock */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cv_work, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&t->cv_room, NULL);
    pthread_cond_init(&t->cv_done, NULL);
    pthread_cond_init(&t->cv_chunk, NULL);
    /* the thread takes no signals: SIGINT / SIGTERM stay with the simulation */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    /* SCHED_IDLE from its first instruction: the thread runs when a CPU would
     * otherwise be idle, and never preempts the simulation (docs/traces.md) */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    struct sched_param sp = {0};
    pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&attr, SCHED_IDLE);
    pthread_attr_setschedparam(&attr, &sp);
    /* and not on the simulation's CPU when there is another: the scheduler would
     * often wake it there, next to the simulation, rather than on an idle CPU
     * (docs/traces.md "Cost"). Whoever waits for the thread boosts it first. */
    int here = sched_getcpu();
    if (here >= 0 && pthread_getaffinity_np(pthread_self(), sizeof t->cpus, &t->cpus) == 0 &&
        CPU_ISSET(here, &t->cpus) && CPU_COUNT(&t->cpus) > 1) {
        cpu_set_t others = t->cpus;
        CPU_CLR(here, &others);
        pthread_attr_setaffinity_np(&attr, sizeof others, &others);
        t->pinned = 1;
    }
    t->busy = 1;                             /* until w_setup is done */
    int prc = pthread_create(&t->thread, &attr, writer_main, t);
    if (prc == EPERM || prc == EINVAL) {     /* not allowed here: an ordinary thread */
        prc = pthread_create(&t->thread, NULL, writer_main, t);
        t->boosted = 1;
        t->pinned = 0;
    }
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (prc != 0) {
        snprintf(err, errlen, "%s: cannot start the writer thread: %s", path, strerror(prc));
        destroy_trace(t);
        return NULL;
    }
    return t;
}

/* ---- the writer thread: every SQLite call of a running writer ---- */

static int w_flush_events(vz_trace *t);

static int w_commit(vz_trace *t)
{
    if (w_flush_events(t) != 0)
        return -1;
    t->pending = 0;
    t->pending_bytes = 0;
    return exec(t->db, "COMMIT; BEGIN");
}

/* Step insert s: one row more. bound_all: every parameter was bound (NULLs too),
 * so none needs clearing for the next row. */
static int w_row(vz_trace *t, sqlite3_stmt *s, int bound_all)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (!bound_all)
        sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return -1;
    if (++t->pending >= VZ_TRACE_COMMIT_ROWS)
        return w_commit(t);
    return 0;
}

static void bind_static(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void bind_or_null(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static unsigned str_hash(const char *v)    /* FNV-1a */
{
    unsigned h = 2166136261u;
    for (; *v; v++)
        h = (h ^ (unsigned char)*v) * 16777619u;
    return h;
}

static const char *w_str(const vz_trace *t, uint32_t id)
{
    return id && id < t->wstr_cap ? t->wstr[id] : NULL;
}

static int w_exit(vz_trace *t, const exit_op *x)
{
    const vz_trace_exit *e = &x->e;
    sqlite3_stmt *s = t->ins_exit;
    const char *reason = w_str(t, x->reason);
    /* every parameter is bound, NULL included (cheaper than clearing them all) */
    sqlite3_bind_int64(s, 1, t->run_id);
    sqlite3_bind_int64(s, 2, (int64_t)t->seq++);
    bind_or_null(s, 3, w_str(t, x->scenario));
    bind_or_null(s, 4, reason ? reason : "none");
    sqlite3_bind_int(s, 5, e->exccode);
    if (e->gexccode >= 0)
        sqlite3_bind_int(s, 6, e->gexccode);
    else
        sqlite3_bind_null(s, 6);
    if (e->pc_known)
        sqlite3_bind_int64(s, 7, (int64_t)e->guest_pc);
    else
        sqlite3_bind_null(s, 7);
    if (e->has_cycles && (e->known & (1u << VZ_TRACE_TO_VECTOR)))
        sqlite3_bind_int64(s, 8, (int64_t)e->start_cycle);
    else
        sqlite3_bind_null(s, 8);
    const unsigned all = (1u << VZ_TRACE_TOTAL) - 1;
    for (int unit = 0; unit < 2; unit++) {
        int has = unit ? e->has_insns : e->has_cycles;
        const uint64_t *v = unit ? e->insns : e->cycles;
        int base = unit ? 15 : 9;
        uint64_t total = 0;
        for (int k = 0; k < VZ_TRACE_TOTAL; k++) {
            if (has && (e->known & (1u << k))) {
                sqlite3_bind_int64(s, base + k, (int64_t)v[k]);
                total += v[k];
            } else {
                sqlite3_bind_null(s, base + k);
            }
        }
        if (has && (e->known & all) == all)
            sqlite3_bind_int64(s, base + VZ_TRACE_TOTAL, (int64_t)total);
        else
            sqlite3_bind_null(s, base + VZ_TRACE_TOTAL);
    }
    return w_row(t, s, 1);
}

/* The id of string v in trace_strings, inserting it the first time (0: failed). */
/* OP_STRING: the text of id. */
static int w_string_def(vz_trace *t, uint32_t id, const char *v)
{
    if (id >= t->wstr_cap) {
        uint32_t cap = t->wstr_cap ? 2 * t->wstr_cap : 64;
        while (cap <= id)
            cap *= 2;
        char **ns = realloc(t->wstr, cap * sizeof *ns);
        if (!ns)
            return -1;
        t->wstr = ns;
        unsigned char *ni = realloc(t->wstr_in, cap);
        if (!ni)
            return -1;
        t->wstr_in = ni;
        memset(ns + t->wstr_cap, 0, (cap - t->wstr_cap) * sizeof *ns);
        memset(ni + t->wstr_cap, 0, cap - t->wstr_cap);
        t->wstr_cap = cap;
    }
    free(t->wstr[id]);
    t->wstr[id] = strdup(v);
    return t->wstr[id] ? 0 : -1;
}

/* An event uses string id: into trace_strings the first time. */
static int w_string_use(vz_trace *t, uint32_t id)
{
    if (!id)
        return 0;
    const char *v = w_str(t, id);
    if (!v)
        return -1;
    if (t->wstr_in[id])
        return 0;
    sqlite3_stmt *st = t->ins_string;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, v, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return -1;
    t->wstr_in[id] = 1;
    return 0;
}

/* Write the event chunk being filled as one row of event_chunks. */
static int w_flush_events(vz_trace *t)
{
    if (!t->nev)
        return 0;
    sqlite3_stmt *s = t->ins_event;
    sqlite3_bind_int64(s, 1, t->run_id);
    bind_static(s, 2, w_str(t, t->ev_scen));
    sqlite3_bind_int64(s, 3, (int64_t)t->ev_first_seq);
    sqlite3_bind_int64(s, 4, t->nev);
    sqlite3_bind_blob(s, 5, t->ev, (int)(t->nev * VZ_TRACE_EVENT_RECORD_SIZE), SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    t->nev = 0;
    return rc == SQLITE_DONE ? 0 : -1;
}

/* OP_EVENT: rec is the event's record (its string ids from the simulation thread). */
static int w_event(vz_trace *t, const unsigned char *rec)
{
    if (t->nev && (t->ev_scen != t->ev_next_scen || t->nev == VZ_TRACE_CHUNK_RECORDS) &&
        w_flush_events(t) != 0)
        return -1;
    t->ev_scen = t->ev_next_scen;
    if (w_string_use(t, (uint32_t)get_le(rec + E_KIND, 4)) != 0 ||
        w_string_use(t, (uint32_t)get_le(rec + E_DETAIL, 4)) != 0)
        return -1;
    if (!t->nev)
        t->ev_first_seq = t->event_seq;
    t->event_seq++;
    memcpy(t->ev + (size_t)t->nev++ * VZ_TRACE_EVENT_RECORD_SIZE, rec,
           VZ_TRACE_EVENT_RECORD_SIZE);
    /* counted as a row: the periodic commit (which writes the chunk) sees it */
    if (++t->pending >= VZ_TRACE_COMMIT_ROWS)
        return w_commit(t);
    return 0;
}

static int w_stat(vz_trace *t, const stat_op *o)
{
    sqlite3_stmt *s = t->ins_stat;
    double value = o->value;
    sqlite3_bind_int64(s, 1, t->run_id);
    bind_static(s, 2, w_str(t, o->scenario));
    bind_static(s, 3, w_str(t, o->name));
    if (value == (double)(int64_t)value)
        sqlite3_bind_int64(s, 4, (int64_t)value);
    else
        sqlite3_bind_double(s, 4, value);
    bind_static(s, 5, w_str(t, o->mode));
    return w_row(t, s, 0);
}

static int w_chunk(vz_trace *t, const chunk_op *o)
{
    sqlite3_stmt *s = t->ins_chunk;
    sqlite3_bind_int64(s, 1, t->run_id);
    bind_static(s, 2, w_str(t, o->scenario));
    sqlite3_bind_int64(s, 3, (int64_t)o->first_seq);
    sqlite3_bind_int64(s, 4, (int64_t)o->last_seq);
    sqlite3_bind_int64(s, 5, (int64_t)o->min_fetch);
    sqlite3_bind_int64(s, 6, (int64_t)o->max_fetch);
    sqlite3_bind_int64(s, 7, o->n);
    size_t bytes = (size_t)o->n * VZ_TRACE_INSN_RECORD_SIZE;
    sqlite3_bind_blob(s, 8, o->data, (int)bytes, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    t->pending_bytes += bytes;
    if (rc != SQLITE_DONE)
        return -1;
    if (t->pending_bytes >= INSN_COMMIT_BYTES)
        return w_commit(t);
    return 0;
}

/* Record the first failure as "what: why" (what was being done, and why it failed);
 * returns 1 (failed). */
static int w_fail_why(vz_trace *t, const char *what, const char *why)
{
    pthread_mutex_lock(&t->mu);
    if (!t->errmsg[0])
        snprintf(t->errmsg, sizeof t->errmsg, "%s: %s", what, why);
    t->failed = 1;
    pthread_mutex_unlock(&t->mu);
    return 1;
}

static int w_fail(vz_trace *t, const char *what)
{
    return w_fail_why(t, what, t->db ? sqlite3_errmsg(t->db) : "out of memory");
}

/* The schema, the run row marked 'interrupted' and the prepared inserts, in one
 * transaction committed at once; then the transaction that collects the rows. */
static int w_setup(vz_trace *t)
{
    if (!(t->ev = malloc((size_t)VZ_TRACE_CHUNK_RECORDS * VZ_TRACE_EVENT_RECORD_SIZE))) {
        w_fail(t, "allocating the event chunk");
        return -1;
    }
    if (sqlite3_open_v2(t->path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        w_fail(t, t->path);
        return -1;
    }
    /* a reader (vzsim report, the sqlite3 shell) may hold the file while we commit:
     * wait for it rather than fail the run (the queue fills meanwhile, and then the
     * simulation waits too) */
    sqlite3_busy_timeout(t->db, WRITER_BUSY_MS);
    char *sql = malloc(65536);
    if (!sql) {
        w_fail(t, "creating the schema");
        return -1;
    }
    /* rollback journal: the .db file alone is always valid; synchronous OFF only
     * risks the tail on an OS crash, not on a killed process */
    int k = snprintf(sql, 65536,
                     "PRAGMA page_size = %d; PRAGMA journal_mode = DELETE;"
                     " PRAGMA synchronous = OFF; BEGIN; %s", PAGE_SIZE, vz_trace_schema_sql);
    view_sql(sql + k, 65536 - (size_t)k - 64);
    k += (int)strlen(sql + k);
    snprintf(sql + k, 65536 - (size_t)k, "%s PRAGMA user_version = %d;", vz_trace_index_sql,
             VZ_TRACE_SCHEMA_VERSION);
    int rc = exec(t->db, sql);
    free(sql);
    if (rc != 0) {
        w_fail(t, "creating the schema");
        return -1;
    }
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(t->db,
                           "INSERT INTO runs (kind, config_name, config_file, config_text, program,"
                           " command, vzsim_version, started_at, status)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'interrupted')",
                           -1, &s, NULL) != SQLITE_OK) {
        w_fail(t, "preparing the run row");
        return -1;
    }
    for (int i = 0; i < RI_N; i++)
        bind_text(s, i + 1, t->ri[i]);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        w_fail(t, "writing the run row");
        return -1;
    }
    t->run_id = sqlite3_last_insert_rowid(t->db);
    if (sqlite3_prepare_v2(t->db,
                           "INSERT INTO exits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                           " ?, ?, ?, ?, ?, ?)", -1, &t->ins_exit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, "INSERT INTO statistics VALUES (?, ?, ?, ?, ?)", -1,
                           &t->ins_stat, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, "INSERT INTO event_chunks VALUES (?, ?, ?, ?, ?)", -1,
                           &t->ins_event, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, "INSERT INTO trace_strings VALUES (?, ?)", -1,
                           &t->ins_string, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, "INSERT INTO insn_chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &t->ins_chunk, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, "UPDATE runs SET status = ?, end_reason = ?, finished_at = ?"
                           " WHERE id = ?", -1, &t->end_run, NULL) != SQLITE_OK) {
        w_fail(t, "preparing the inserts");
        return -1;
    }
    if (exec(t->db, "COMMIT; BEGIN") != 0) {
        w_fail(t, "committing the schema");
        return -1;
    }
    t->set_up = 1;
    t->last_commit_ms = now_ms();
    return 0;
}

/* After the last op: the rest of the events and the run's end, committed with the
 * open transaction; -1 if this or an earlier write failed. */
static int w_finish(vz_trace *t)
{
    int rc = t->failed ? -1 : 0;
    if (t->set_up && rc == 0 && w_flush_events(t) != 0)
        rc = -w_fail(t, "writing the events");
    sqlite3_finalize(t->ins_exit);
    sqlite3_finalize(t->ins_stat);
    sqlite3_finalize(t->ins_event);
    sqlite3_finalize(t->ins_chunk);
    sqlite3_finalize(t->ins_string);
    if (t->set_up) {
        sqlite3_stmt *s = t->end_run;
        char fin[32];
        now_iso(fin, sizeof fin);
        /* a trace that failed says so, whatever ended the run */
        const char *why = rc == 0 ? t->end_reason : "error";
        int complete = rc == 0 && why && !strcmp(why, "complete");
        bind_text(s, 1, complete ? "complete" : "interrupted");
        bind_text(s, 2, why ? why : "error");
        bind_text(s, 3, fin);
        sqlite3_bind_int64(s, 4, t->run_id);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = -w_fail(t, "ending the run");
        if (exec(t->db, "COMMIT") != 0)
            rc = -w_fail(t, "committing");
    }
    sqlite3_finalize(t->end_run);
    return rc;
}

/* One op of a batch (p: its payload, maybe unaligned); *what names it for the
 * failure message. */
static int w_op(vz_trace *t, uint32_t type, const unsigned char *p, const char **what)
{
    switch (type) {
    case OP_STRING: {
        uint32_t id;
        memcpy(&id, p, sizeof id);
        *what = "keeping a string";
        return w_string_def(t, id, (const char *)p + 8);
    }
    case OP_EXIT: {
        exit_op x;
        memcpy(&x, p, sizeof x);
        *what = "writing an exit";
        return w_exit(t, &x);
    }
    case OP_EVSCEN:
        memcpy(&t->ev_next_scen, p, sizeof t->ev_next_scen);
        return 0;
    case OP_EVENT:
        *what = "writing an event";
        return w_event(t, p);
    case OP_STAT: {
        stat_op o;
        memcpy(&o, p, sizeof o);
        *what = "writing a statistic";
        return w_stat(t, &o);
    }
    case OP_CHUNK: {
        chunk_op o;
        memcpy(&o, p, sizeof o);
        *what = "writing instructions";
        return w_chunk(t, &o);
    }
    case OP_COMMIT:
        *what = "committing";
        return w_commit(t);
    }
    *what = "reading the queue";
    return -1;
}

/* The ops of batch b, in order (chunks go back as they are written); returns the
 * number of OP_COMMITs. Run by whoever owns the connection. */
static uint64_t w_batch(vz_trace *t, const batch *b)
{
    uint64_t commits = 0;
    for (size_t off = 0; off < b->used;) {
        op_head h;
        memcpy(&h, b->data + off, sizeof h);
        const unsigned char *p = b->data + off + sizeof h;
        off += sizeof h + h.len;
        const char *what = NULL;
        if (!t->failed && w_op(t, h.type, p, &what) != 0)
            w_fail(t, what);
        if (h.type == OP_COMMIT)
            commits++;
        if (h.type == OP_CHUNK) {                  /* back, written or not */
            chunk_op o;
            memcpy(&o, p, sizeof o);
            pthread_mutex_lock(&t->mu);            /* room for all of them */
            t->free_chunks[t->nfree_chunks++] = o.data;
            if (t->chunk_waiter)
                pthread_cond_signal(&t->cv_chunk);
            pthread_mutex_unlock(&t->mu);
        }
    }
    return commits;
}

static void *writer_main(void *opaque)
{
    vz_trace *t = opaque;
    /* a name of its own: bench/trace.sh tells its CPU time from the simulation's */
    pthread_setname_np(pthread_self(), "vzsim-trace");
    /* replace the file (vz_trace_create checked that it may) */
    char journal[4096 + 16];
    snprintf(journal, sizeof journal, "%s-journal", t->path);
    if ((unlink(t->path) != 0 && errno != ENOENT) || (unlink(journal) != 0 && errno != ENOENT)) {
        char why[128];
        snprintf(why, sizeof why, "cannot replace: %s", strerror(errno));
        w_fail_why(t, t->path, why);
    } else {
        w_setup(t);                          /* (a failure sets t->failed) */
    }
    pthread_mutex_lock(&t->mu);
    t->busy = 0;
    pthread_cond_broadcast(&t->cv_done);
    for (;;) {
        while (!t->qlen && !t->taken) {
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_nsec += POLL_US * 1000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&t->cv_work, &t->mu, &until);
        }
        if (t->taken) {                      /* the end writes the rest (take_over_and_end) */
            pthread_mutex_unlock(&t->mu);
            return NULL;
        }
        batch *b = t->queue[t->qhead];
        t->qhead = (t->qhead + 1) % QUEUE_BATCHES;
        t->qlen--;
        t->busy = 1;
        pthread_cond_signal(&t->cv_room);
        pthread_mutex_unlock(&t->mu);
        uint64_t commits = w_batch(t, b);
        /* at least once a second, so that a killed run loses little; more often
         * when the queue is empty (the thread has time), so that the commit at the
         * end, which the simulation waits for, has little left to write */
        uint64_t now = now_ms();
        pthread_mutex_lock(&t->mu);
        int idle = !t->qlen;
        pthread_mutex_unlock(&t->mu);
        if (!t->failed && t->pending + t->pending_bytes &&
            now - t->last_commit_ms >= (idle ? IDLE_COMMIT_MS : 1000)) {
            if (w_commit(t) != 0)
                w_fail(t, "committing");
            t->last_commit_ms = now;
        }
        pthread_mutex_lock(&t->mu);
        t->commits_done += commits;
        t->busy = 0;
        /* vz_trace_checkpoint waits for commits, the end (take_over_and_end) for !busy */
        int tell = commits || t->failed || t->taken;
        if (t->nfree_batches < sizeof t->free_batches / sizeof t->free_batches[0]) {
            t->free_batches[t->nfree_batches++] = b;
            b = NULL;
        }
        if (tell)
            pthread_cond_broadcast(&t->cv_done);
        if (b) {
            pthread_mutex_unlock(&t->mu);
            free(b);
            pthread_mutex_lock(&t->mu);
        }
    }
}

/* ---- the simulation-thread side: copy into batches ---- */

/* Hand the current batch to the thread (waiting while the queue is full). The
 * thread looks at the queue every POLL_US; it is woken only when the queue is half
 * full or when someone waits for it (urgent): waking a sleeping thread on another
 * CPU costs the simulation far more than copying a batch (an IPI, in a VM an exit). */
/* Before waiting for the thread: from now on it runs as an ordinary thread on any
 * CPU, so that it is never starved by other work while the simulation waits. */
static void boost(vz_trace *t)
{
    if (t->boosted)
        return;
    t->boosted = 1;
    struct sched_param sp = {0};
    pthread_setschedparam(t->thread, SCHED_OTHER, &sp);
    if (t->pinned)
        pthread_setaffinity_np(t->thread, sizeof t->cpus, &t->cpus);
}

static int submit_urgent(vz_trace *t, int urgent)
{
    if (urgent)
        boost(t);
    pthread_mutex_lock(&t->mu);
    if (t->qlen == QUEUE_BATCHES) {
        pthread_mutex_unlock(&t->mu);
        boost(t);
        pthread_mutex_lock(&t->mu);
        pthread_cond_signal(&t->cv_work);
    }
    while (t->qlen == QUEUE_BATCHES)
        pthread_cond_wait(&t->cv_room, &t->mu);
    t->queue[(t->qhead + t->qlen) % QUEUE_BATCHES] = t->cur;
    t->qlen++;
    if (urgent || t->qlen >= QUEUE_BATCHES / 2)
        pthread_cond_signal(&t->cv_work);
    batch *next = t->nfree_batches ? t->free_batches[--t->nfree_batches] : NULL;
    int f = t->failed;
    pthread_mutex_unlock(&t->mu);
    if (!next && !(next = malloc(sizeof *next))) {
        t->cur = NULL;
        return -1;
    }
    next->used = 0;
    t->cur = next;
    return f ? -1 : 0;
}

static int submit(vz_trace *t) { return submit_urgent(t, 0); }

/* Room for an op with len payload bytes at the end of the current batch (which is
 * handed over when full). NULL when memory ran out. */
static unsigned char *reserve(vz_trace *t, uint32_t type, size_t len)
{
    len = (len + 7) & ~(size_t)7;
    if (!t->cur || (t->cur->used + sizeof(op_head) + len > BATCH_BYTES &&
                    submit(t) != 0 && !t->cur))
        return NULL;
    unsigned char *p = t->cur->data + t->cur->used;
    op_head h = {type, (uint32_t)len};
    memcpy(p, &h, sizeof h);
    t->cur->used += sizeof h + len;
    return p + sizeof h;
}

/* *id = the id of string v (0 for NULL), sent to the thread the first time. The
 * callers pass the same few strings again and again (often literals), so a cache
 * keyed by the pointer answers most calls with one strcmp, or none when the caller
 * says that its strings are fixed (a fixed string's address is never another
 * string's: literals and static tables live as long as the program). */
static int intern_slow(vz_trace *t, const char *v, unsigned slot, uint32_t *id);

static inline int intern_fixed(vz_trace *t, const char *v, int fixed, uint32_t *id)
{
    if (!v) {
        *id = 0;
        return 0;
    }
    uintptr_t a = (uintptr_t)v;
    unsigned slot = (unsigned)((a >> 3) ^ (a >> 11)) % PCACHE;
    if (t->pcache[slot].p == v && (fixed || !strcmp(t->sstr[t->pcache[slot].id], v))) {
        *id = t->pcache[slot].id;
        return 0;
    }
    return intern_slow(t, v, slot, id);
}

/* intern_fixed when v is not in the pointer cache (at slot) */
static int intern_slow(vz_trace *t, const char *v, unsigned slot, uint32_t *id)
{
    size_t n = strlen(v);
    if (n >= STR_MAX)
        return -1;
    if ((t->nsstr + 1) * 2 > t->stab_cap) {          /* grow: load <= 1/2 */
        uint32_t cap = t->stab_cap ? 2 * t->stab_cap : 64;
        uint32_t *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return -1;
        for (uint32_t k = 1; k <= t->nsstr; k++) {
            unsigned j = str_hash(t->sstr[k]) & (cap - 1);
            while (ns[j])
                j = (j + 1) & (cap - 1);
            ns[j] = k;
        }
        free(t->stab);
        t->stab = ns;
        t->stab_cap = cap;
    }
    unsigned j = str_hash(v) & (t->stab_cap - 1);
    for (; t->stab[j]; j = (j + 1) & (t->stab_cap - 1))
        if (!strcmp(t->sstr[t->stab[j]], v))
            break;
    if (!t->stab[j]) {                               /* new: keep it, send it */
        if (t->nsstr + 1 >= t->sstr_cap) {
            uint32_t cap = t->sstr_cap ? 2 * t->sstr_cap : 64;
            char **ns = realloc(t->sstr, cap * sizeof *ns);
            if (!ns)
                return -1;
            t->sstr = ns;
            t->sstr_cap = cap;
        }
        uint32_t nid = t->nsstr + 1;
        char *copy = strdup(v);
        unsigned char *p = copy ? reserve(t, OP_STRING, 8 + n + 1) : NULL;
        if (!p) {
            free(copy);
            return -1;
        }
        t->sstr[nid] = copy;
        memcpy(p, &nid, sizeof nid);
        memcpy(p + 8, v, n + 1);
        t->nsstr = nid;
        t->stab[j] = nid;
    }
    t->pcache[slot].p = v;
    t->pcache[slot].id = t->stab[j];
    *id = t->stab[j];
    return 0;
}

static int intern(vz_trace *t, const char *v, uint32_t *id)
{
    return intern_fixed(t, v, 0, id);
}

int vz_trace_add_exit(vz_trace *t, const vz_trace_exit *e)
{
    uint32_t ids[2];
    if (intern_fixed(t, e->scenario, e->fixed_strings, &ids[0]) != 0 ||
        intern_fixed(t, e->reason, e->fixed_strings, &ids[1]) != 0)
        return -1;
    unsigned char *p = reserve(t, OP_EXIT, sizeof(exit_op));
    if (!p)
        return -1;
    memcpy(p + offsetof(exit_op, scenario), &ids[0], sizeof ids[0]);
    memcpy(p + offsetof(exit_op, reason), &ids[1], sizeof ids[1]);
    memcpy(p + offsetof(exit_op, e), e, sizeof *e);
    return 0;
}

int vz_trace_add_event(vz_trace *t, const vz_trace_event *e)
{
    uint32_t scen, kind, detail;
    if (!e->kind || e->exccode > 255 || e->gexccode > 255 ||
        intern_fixed(t, e->scenario, e->fixed_strings, &scen) != 0 ||
        intern_fixed(t, e->kind, e->fixed_strings, &kind) != 0 ||
        intern_fixed(t, e->detail, e->fixed_strings, &detail) != 0)
        return -1;
    if (!t->ev_scen_valid || scen != t->ev_scen_sent) {
        unsigned char *q = reserve(t, OP_EVSCEN, sizeof scen);
        if (!q)
            return -1;
        memcpy(q, &scen, sizeof scen);
        t->ev_scen_sent = scen;
        t->ev_scen_valid = 1;
    }
    unsigned char *p = reserve(t, OP_EVENT, VZ_TRACE_EVENT_RECORD_SIZE);
    if (!p)
        return -1;
    memset(p, 0, VZ_TRACE_EVENT_RECORD_SIZE);
    put_le(p + E_CYCLE, e->has_cycle ? e->cycle : 0, 8);
    put_le(p + E_INSN, e->insn, 8);
    put_le(p + E_PC, e->pc_known ? e->pc : 0, 8);
    put_le(p + E_KIND, kind, 4);
    put_le(p + E_DETAIL, detail, 4);
    p[E_FLAGS] = (unsigned char)((e->guest ? EF_GUEST : 0) | (e->has_cycle ? EF_CYCLE : 0) |
                                 (e->pc_known ? EF_PC : 0) | (e->exccode >= 0 ? EF_EXC : 0) |
                                 (e->gexccode >= 0 ? EF_GEXC : 0));
    p[E_EXC] = (unsigned char)(e->exccode >= 0 ? e->exccode : 0);
    p[E_GEXC] = (unsigned char)(e->gexccode >= 0 ? e->gexccode : 0);
    return 0;
}

int vz_trace_add_stat(vz_trace *t, const char *scenario, const char *name, double value,
                      const char *mode)
{
    stat_op o = {.value = value};
    if (!name || intern(t, scenario, &o.scenario) != 0 || intern(t, name, &o.name) != 0 ||
        intern(t, mode ? mode : "all", &o.mode) != 0)
        return -1;
    unsigned char *p = reserve(t, OP_STAT, sizeof o);
    if (!p)
        return -1;
    memcpy(p, &o, sizeof o);
    return 0;
}

/* Hand the chunk being filled to the thread and start a new one. */
static int flush_chunk(vz_trace *t)
{
    if (!t->nrec)
        return 0;
    chunk_op o = {
        .data = t->chunk, .n = t->nrec, .scenario = t->chunk_scen, .first_seq = t->first_seq,
        .last_seq = t->last_seq, .min_fetch = t->min_fetch, .max_fetch = t->max_fetch,
    };
    unsigned char *p = reserve(t, OP_CHUNK, sizeof o);
    if (!p)
        return -1;
    memcpy(p, &o, sizeof o);
    t->nrec = 0;
    t->chunk = NULL;                         /* the next one: get_chunk */
    return 0;
}

/* A chunk to fill: one the thread has written, a new one while fewer than
 * MAX_CHUNKS exist, or else (the simulation runs ahead of the thread) one the
 * thread returns after we hand it what we have. */
static unsigned char *get_chunk(vz_trace *t)
{
    pthread_mutex_lock(&t->mu);
    if (!t->nfree_chunks && t->nchunks == MAX_CHUNKS) {
        pthread_mutex_unlock(&t->mu);
        if (t->cur && t->cur->used && submit_urgent(t, 1) != 0 && !t->cur)
            return NULL;
        boost(t);
        pthread_mutex_lock(&t->mu);
        t->chunk_waiter = 1;
        while (!t->nfree_chunks)
            pthread_cond_wait(&t->cv_chunk, &t->mu);
        t->chunk_waiter = 0;
    }
    unsigned char *c = t->nfree_chunks ? t->free_chunks[--t->nfree_chunks] : NULL;
    pthread_mutex_unlock(&t->mu);
    if (!c && (c = malloc(CHUNK_BYTES)))
        t->nchunks++;
    return c;
}

int vz_trace_add_insn(vz_trace *t, const vz_trace_insn_rec *r)
{
    uint32_t sid;
    if (intern(t, r->scenario, &sid) != 0)
        return -1;
    const uint64_t st[5] = {r->decode, r->issue, r->execute, r->memory, r->commit};
    for (int i = 0; i < 5; i++)
        if (st[i] < r->fetch || st[i] - r->fetch > UINT32_MAX)
            return -1;
    if (t->nrec && (sid != t->chunk_scen || r->seq < t->first_seq ||
                    r->seq - t->first_seq > UINT32_MAX || t->nrec == VZ_TRACE_CHUNK_RECORDS)) {
        if (flush_chunk(t) != 0)
            return -1;
    }
    if (!t->chunk && !(t->chunk = get_chunk(t)))
        return -1;
    t->chunk_scen = sid;
    if (!t->nrec) {
        t->first_seq = r->seq;
        t->min_fetch = t->max_fetch = r->fetch;
    }
    unsigned char *p = t->chunk + (size_t)t->nrec++ * VZ_TRACE_INSN_RECORD_SIZE;
    put_le(p + R_PC, r->pc, 8);
    put_le(p + R_FETCH, r->fetch, 8);
    put_le(p + R_WORD, r->word, 4);
    put_le(p + R_SEQ, r->seq - t->first_seq, 4);
    p[R_FLAGS] = r->guest ? 1 : 0;
    p[R_EXC] = (unsigned char)(r->exccode < 0 ? 255 : r->exccode);
    p[R_EXC + 1] = p[R_EXC + 2] = 0;
    for (int i = 0; i < 5; i++)
        put_le(p + R_DECODE + 4 * i, st[i] - r->fetch, 4);
    t->last_seq = r->seq;
    if (r->fetch < t->min_fetch)
        t->min_fetch = r->fetch;
    if (r->fetch > t->max_fetch)
        t->max_fetch = r->fetch;
    return 0;
}

int vz_trace_flush(vz_trace *t)
{
    if (!t->cur || !t->cur->used)
        return t->cur ? 0 : -1;
    return submit(t);
}

/* Commit everything written so far and wait until it is on disk (in the file). */
int vz_trace_checkpoint(vz_trace *t)
{
    if (flush_chunk(t) != 0 || !reserve(t, OP_COMMIT, 0))
        return -1;
    pthread_mutex_lock(&t->mu);
    uint64_t want = ++t->commits_asked;
    pthread_mutex_unlock(&t->mu);
    int rc = submit_urgent(t, 1);
    pthread_mutex_lock(&t->mu);
    while (t->commits_done < want && !t->failed)
        pthread_cond_wait(&t->cv_done, &t->mu);
    if (t->failed)
        rc = -1;
    pthread_mutex_unlock(&t->mu);
    return rc;
}

/* End the run from this thread: take the writer thread's place (it writes nothing
 * once taken is set; when it is busy, setting up or writing a batch, wait for it,
 * boosted), write what is queued, then the run row and the last commit. The thread
 * is idle most of the time (it looks at the queue every POLL_US): waking it to do
 * this and waiting to be woken in turn cost ~0.1 ms more on a virtual machine.
 * Returns -1 if anything failed. */
static int take_over_and_end(vz_trace *t, const char *end_reason)
{
    int rc = flush_chunk(t);
    if (t->cur && t->cur->used && submit(t) != 0)
        rc = -1;
    pthread_mutex_lock(&t->mu);
    t->end_reason = end_reason;
    t->taken = 1;
    if (t->busy) {
        pthread_mutex_unlock(&t->mu);
        boost(t);
        pthread_mutex_lock(&t->mu);
        while (t->busy)
            pthread_cond_wait(&t->cv_done, &t->mu);
    }
    /* woken now, the thread ends while this writes */
    pthread_cond_signal(&t->cv_work);
    batch *q[QUEUE_BATCHES];
    unsigned n = t->qlen;
    for (unsigned i = 0; i < n; i++)
        q[i] = t->queue[(t->qhead + i) % QUEUE_BATCHES];
    t->qlen = 0;
    pthread_mutex_unlock(&t->mu);
    for (unsigned i = 0; i < n; i++) {
        w_batch(t, q[i]);
        free(q[i]);
    }
    return w_finish(t) != 0 ? -1 : rc;
}

static int end_message(vz_trace *t, int rc, char *err, size_t errlen)
{
    if (rc != 0 && err && errlen)
        snprintf(err, errlen, "%s", t->errmsg[0] ? t->errmsg : "out of memory");
    return rc;
}

/* Traces left open stay reachable (for LeakSanitizer, at the process's exit). */
static vz_trace *left_open;
static pthread_mutex_t left_open_mu = PTHREAD_MUTEX_INITIALIZER;

int vz_trace_end_for_exit(vz_trace *t, const char *end_reason, char *err, size_t errlen)
{
    int rc = take_over_and_end(t, end_reason);
    /* the database is complete (committed: no journal, no lock held); the process's
     * exit closes the file and ends the thread */
    pthread_detach(t->thread);
    pthread_mutex_lock(&left_open_mu);
    t->next_open = left_open;
    left_open = t;
    pthread_mutex_unlock(&left_open_mu);
    return end_message(t, rc, err, errlen);
}

int vz_trace_end(vz_trace *t, const char *end_reason, char *err, size_t errlen)
{
    int rc = take_over_and_end(t, end_reason);
    pthread_join(t->thread, NULL);
    if (sqlite3_close(t->db) != SQLITE_OK)
        rc = -1;
    rc = end_message(t, rc, err, errlen);
    destroy_trace(t);
    return rc;
}

int vz_trace_finish(vz_trace *t) { return vz_trace_end(t, "complete", NULL, 0); }

void vz_trace_close(vz_trace *t)
{
    if (t)
        vz_trace_end(t, "error", NULL, 0);
}

/* ---------------- reader ---------------- */

/* Open a database for reading: read-write (never create) when allowed, since the
 * first reader of a killed run's database rolls back its hot journal, which a
 * read-only connection cannot; check the schema version. */
sqlite3 *vz_trace_open_db(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (access(path, F_OK) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        db = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            set_err(err, errlen, path, db);
            sqlite3_close(db);
            return NULL;
        }
    }
    /* a run still writing it commits every few ms: wait out its commits */
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *uv = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &uv, NULL) != SQLITE_OK ||
        sqlite3_step(uv) != SQLITE_ROW) {
        set_err(err, errlen, path, db);
        sqlite3_finalize(uv);
        sqlite3_close(db);
        return NULL;
    }
    int version = sqlite3_column_int(uv, 0);
    sqlite3_finalize(uv);
    if (version != VZ_TRACE_SCHEMA_VERSION) {
        snprintf(err, errlen, "%s: schema version %d, this vzsim reads %d", path, version,
                 VZ_TRACE_SCHEMA_VERSION);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

int vz_trace_read_insns(const char *path, int64_t run_id, const char *scenario,
                        uint64_t from_cycle, uint64_t to_cycle,
                        vz_trace_insn_fn fn, void *opaque, char *err, size_t errlen)
{
    sqlite3 *db = vz_trace_open_db(path, err, errlen);
    if (!db)
        return -1;
    sqlite3_stmt *s = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT scenario, first_seq, count, data FROM insn_chunks"
                           " WHERE (?1 = 0 OR run_id = ?1) AND (?2 IS NULL OR scenario = ?2)"
                           " AND last_fetch >= ?3 AND first_fetch <= ?4 ORDER BY rowid",
                           -1, &s, NULL) != SQLITE_OK) {
        set_err(err, errlen, path, db);
        goto done;
    }
    sqlite3_bind_int64(s, 1, run_id);
    bind_text(s, 2, scenario);
    /* fetch cycles are stored as signed 64-bit integers: clamp the range */
    sqlite3_bind_int64(s, 3, from_cycle > INT64_MAX ? INT64_MAX : (int64_t)from_cycle);
    sqlite3_bind_int64(s, 4, to_cycle > INT64_MAX ? INT64_MAX : (int64_t)to_cycle);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *sc = (const char *)sqlite3_column_text(s, 0);
        uint64_t first = (uint64_t)sqlite3_column_int64(s, 1);
        int64_t n = sqlite3_column_int64(s, 2);
        const unsigned char *d = sqlite3_column_blob(s, 3);
        int bytes = sqlite3_column_bytes(s, 3);
        if (n < 0 || (int64_t)bytes != n * VZ_TRACE_INSN_RECORD_SIZE) {
            snprintf(err, errlen, "%s: insn_chunks row of %" PRId64 " records has %d bytes",
                     path, n, bytes);
            goto done;
        }
        for (int64_t i = 0; i < n; i++) {
            const unsigned char *p = d + i * VZ_TRACE_INSN_RECORD_SIZE;
            vz_trace_insn_rec r;
            r.scenario = sc;
            r.seq = first + get_le(p + R_SEQ, 4);
            r.pc = get_le(p + R_PC, 8);
            r.word = (uint32_t)get_le(p + R_WORD, 4);
            r.guest = p[R_FLAGS] & 1;
            r.exccode = p[R_EXC] == 255 ? -1 : p[R_EXC];
            r.fetch = get_le(p + R_FETCH, 8);
            r.decode = r.fetch + get_le(p + R_DECODE, 4);
            r.issue = r.fetch + get_le(p + R_ISSUE, 4);
            r.execute = r.fetch + get_le(p + R_EXECUTE, 4);
            r.memory = r.fetch + get_le(p + R_MEMORY, 4);
            r.commit = r.fetch + get_le(p + R_COMMIT, 4);
            if (r.fetch < from_cycle || r.fetch > to_cycle)
                continue;
            if (fn(opaque, &r)) {
                rc = 0;
                goto done;
            }
        }
    }
    if (step != SQLITE_DONE) {
        set_err(err, errlen, path, db);
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc;
}

/* ---------------- report ---------------- */

uint64_t vz_trace_percentile(const uint64_t *sorted, size_t n, unsigned p)
{
    size_t rank = ((size_t)p * n + 99) / 100;     /* ceil(p * n / 100) */
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

#define components vz_trace_component_names
static const char *const units[2] = {"cycles", "insns"};
static const char *const unit_names[2] = {"cycles", "instructions"};

static void csv_str(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

typedef struct stats6 {
    size_t count;
    uint64_t min, median, p90, p99, max;
} stats6;

/* the sorted non-NULL values of one column for (run, scenario, reason) */
static int column_stats(sqlite3 *db, int64_t run, const char *scenario, const char *reason,
                        const char *col, stats6 *out)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM exits WHERE run_id = ? AND scenario IS ? AND reason = ?"
             " AND %s IS NOT NULL ORDER BY %s", col, col, col);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, run);
    bind_text(s, 2, scenario);
    bind_text(s, 3, reason);
    size_t n = 0, cap = 0;
    uint64_t *v = NULL;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            uint64_t *nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                free(v);
                sqlite3_finalize(s);
                return -1;
            }
            v = nv;
        }
        v[n++] = (uint64_t)sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    memset(out, 0, sizeof *out);
    out->count = n;
    if (n) {
        out->min = v[0];
        out->median = vz_trace_percentile(v, n, 50);
        out->p90 = vz_trace_percentile(v, n, 90);
        out->p99 = vz_trace_percentile(v, n, 99);
        out->max = v[n - 1];
    }
    free(v);
    return rc == SQLITE_DONE ? 0 : -1;
}

static char *dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

int vz_trace_report(const char *path, const char *format, FILE *out, char *err, size_t errlen)
{
    if (!strcmp(format, "html"))
        return vz_trace_report_html(path, out, err, errlen);   /* traces/html.c */
    int fmt = !strcmp(format, "text") ? 0 : !strcmp(format, "csv") ? 1
            : !strcmp(format, "json") ? 2 : -1;
    if (fmt < 0) {
        snprintf(err, errlen, "unknown format '%s' (text, csv, json, html)", format);
        return -1;
    }
    sqlite3 *db = vz_trace_open_db(path, err, errlen);
    if (!db)
        return -1;
    sqlite3_stmt *runs = NULL, *groups = NULL;
    int rc = -1;
    const int version = VZ_TRACE_SCHEMA_VERSION;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, status, config_name, config_file, program, vzsim_version,"
                           " started_at, kind, end_reason FROM runs ORDER BY id", -1, &runs, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT scenario, reason, COUNT(*) FROM exits WHERE run_id = ?"
                           " GROUP BY scenario, reason ORDER BY MIN(seq)", -1, &groups,
                           NULL) != SQLITE_OK) {
        set_err(err, errlen, path, db);
        goto done;
    }
    if (fmt == 1)
        fprintf(out, "run,scenario,reason,unit,component,count,min,median,p90,p99,max\n");
    if (fmt == 2)
        fprintf(out, "{\"schema_version\": %d, \"runs\": [", version);
    int nrun = 0, step;
    while ((step = sqlite3_step(runs)) == SQLITE_ROW) {
        int64_t run = sqlite3_column_int64(runs, 0);
        const char *hdr[8];
        for (int i = 0; i < 8; i++)
            hdr[i] = (const char *)sqlite3_column_text(runs, i + 1);
        if (fmt == 0)
            fprintf(out, "%srun %" PRId64 " (%s, %s, end %s): config %s%s%s%s, program %s,"
                    " vzsim %s, started %s\n%-10s %-10s %-12s %-10s %7s %7s %7s %7s %7s %7s\n",
                    nrun ? "\n" : "", run, hdr[6], hdr[0], hdr[7] ? hdr[7] : "-",
                    hdr[1] ? hdr[1] : "-",
                    hdr[2] ? " (" : "", hdr[2] ? hdr[2] : "", hdr[2] ? ")" : "",
                    hdr[3] ? hdr[3] : "-", hdr[4], hdr[5], "scenario", "reason", "unit",
                    "component", "count", "min", "median", "p90", "p99", "max");
        if (fmt == 2) {
            static const char *const keys[8] = {"status", "config_name", "config_file",
                                                 "program", "vzsim_version", "started_at",
                                                 "kind", "end_reason"};
            fprintf(out, "%s\n {\"id\": %" PRId64, nrun ? "," : "", run);
            for (int i = 0; i < 8; i++) {
                fprintf(out, ", \"%s\": ", keys[i]);
                vz_export_json_str(out, hdr[i]);
            }
            fprintf(out, ", \"groups\": [");
        }
        sqlite3_reset(groups);
        sqlite3_bind_int64(groups, 1, run);
        int ngroup = 0;
        while ((step = sqlite3_step(groups)) == SQLITE_ROW) {
            char *scenario = dup_col(groups, 0), *reason = dup_col(groups, 1);
            int64_t nexits = sqlite3_column_int64(groups, 2);
            if (fmt == 2) {
                fprintf(out, "%s\n  {\"scenario\": ", ngroup ? "," : "");
                vz_export_json_str(out, scenario);
                fprintf(out, ", \"reason\": ");
                vz_export_json_str(out, reason);
                fprintf(out, ", \"exits\": %" PRId64, nexits);
            }
            for (int u = 0; u < 2; u++) {
                int nshown = 0;
                for (int k = 0; k < VZ_TRACE_NCOMP; k++) {
                    char col[64];
                    snprintf(col, sizeof col, "%s_%s", components[k], units[u]);
                    stats6 st;
                    if (column_stats(db, run, scenario, reason, col, &st) != 0) {
                        set_err(err, errlen, path, db);
                        free(scenario);
                        free(reason);
                        goto done;
                    }
                    if (!st.count)
                        continue;
                    if (fmt == 0)
                        fprintf(out, "%-10s %-10s %-12s %-10s %7zu %7" PRIu64 " %7" PRIu64
                                " %7" PRIu64 " %7" PRIu64 " %7" PRIu64 "\n",
                                scenario ? scenario : "-", reason, unit_names[u],
                                components[k], st.count, st.min, st.median, st.p90, st.p99,
                                st.max);
                    else if (fmt == 1) {
                        fprintf(out, "%" PRId64 ",", run);
                        csv_str(out, scenario);
                        fputc(',', out);
                        csv_str(out, reason);
                        fprintf(out, ",%s,%s,%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                                ",%" PRIu64 "\n", unit_names[u], components[k], st.count, st.min,
                                st.median, st.p90, st.p99, st.max);
                    } else {
                        if (!nshown)
                            fprintf(out, ", \"%s\": {", unit_names[u]);
                        fprintf(out, "%s\"%s\": {\"count\": %zu, \"min\": %" PRIu64
                                ", \"median\": %" PRIu64 ", \"p90\": %" PRIu64 ", \"p99\": %"
                                PRIu64 ", \"max\": %" PRIu64 "}", nshown ? ", " : "",
                                components[k], st.count, st.min, st.median, st.p90, st.p99,
                                st.max);
                    }
                    nshown++;
                }
                if (fmt == 2 && nshown)
                    fprintf(out, "}");
            }
            if (fmt == 2)
                fprintf(out, "}");
            free(scenario);
            free(reason);
            ngroup++;
        }
        if (step != SQLITE_DONE) {
            set_err(err, errlen, path, db);
            goto done;
        }
        if (fmt == 2)
            fprintf(out, "]}");
        nrun++;
    }
    if (step != SQLITE_DONE) {
        set_err(err, errlen, path, db);
        goto done;
    }
    if (fmt == 2)
        fprintf(out, "\n]}\n");
    rc = 0;
done:
    sqlite3_finalize(runs);
    sqlite3_finalize(groups);
    sqlite3_close(db);
    return rc;
}
