/*
 * traces/trace.c - the trace database writer and the report (docs/traces.md).
 */
#include "traces/trace.h"
#include "traces/export.h"
#include "traces/export_db.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <inttypes.h>
#include <sqlite3.h>
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
    "  mode     TEXT NOT NULL CHECK (mode IN ('root', 'guest', 'all'))\n"
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
#define CHUNK_BYTES ((size_t)VZ_TRACE_CHUNK_RECORDS * VZ_TRACE_INSN_RECORD_SIZE)

/* The writer thread: the simulation thread only copies rows into batches of ops;
 * a thread of the writer does every SQLite call between vz_trace_create and
 * vz_trace_end (which joins it), so the simulation does not wait for SQLite. */
enum { OP_EXIT, OP_EVENT, OP_STAT, OP_CHUNK, OP_COMMIT };
#define STR_MAX 96
typedef struct op {
    int type;
    union {
        vz_trace_exit exit;
        vz_trace_event event;
        struct { double value; const char *scenario, *name, *mode; } stat;
        struct { unsigned char *data; unsigned n; uint64_t first_seq, last_seq, min_fetch,
                 max_fetch; const char *scenario; } chunk;
    } u;
} op;
#define BATCH_OPS 512
#define QUEUE_BATCHES 16
/* The strings of a batch's ops (their pointers point here): an op takes at most 3
 * strings of less than STR_MAX bytes, so a batch is handed over when less than
 * OP_STR_MAX bytes are left (or BATCH_OPS ops are in it). Small ops (an event is
 * ~90 bytes and its strings) keep the copying on the simulation thread cheap. */
#define OP_STR_MAX (3 * STR_MAX)
#define ARENA_BYTES (BATCH_OPS * 32)
typedef struct batch {
    op ops[BATCH_OPS];
    unsigned n;
    size_t used;                 /* bytes of arena */
    char arena[ARENA_BYTES];
} batch;

struct vz_trace {
    sqlite3 *db;
    sqlite3_stmt *ins_exit, *ins_stat, *ins_event, *ins_chunk;
    int64_t run_id;
    /* writer-thread side */
    uint64_t seq, event_seq;
    uint64_t pending;            /* rows since the last commit */
    uint64_t pending_bytes;      /* per-instruction trace bytes since the last commit */
    sqlite3_stmt *ins_string;
    unsigned char *ev;           /* the event chunk being filled (writer thread) */
    unsigned nev;
    uint64_t ev_first_seq;
    char ev_scenario[STR_MAX];
    int ev_has_scenario;
    char **strings;              /* trace_strings: open addressing, id = slot's id */
    uint32_t *string_ids;
    unsigned nstrings, string_cap;
    time_t last_commit;          /* second of the last commit */
    /* the queue */
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_room, cv_done;
    batch *queue[QUEUE_BATCHES];
    unsigned qhead, qlen;
    batch *free_batches[QUEUE_BATCHES + 2];    /* reused, never freed before the end */
    unsigned nfree_batches;
    unsigned char *free_chunks[QUEUE_BATCHES + 2];
    unsigned nfree_chunks;
    uint64_t commits_asked, commits_done;
    int stop;                    /* under mu: write what is queued, then end the thread */
    int failed;                  /* under mu (written by the thread) */
    /* simulation-thread side */
    batch *cur;
    unsigned char *chunk;        /* the chunk being filled */
    unsigned nrec;
    char chunk_scenario[STR_MAX];
    int chunk_has_scenario;
    uint64_t first_seq, last_seq, min_fetch, max_fetch;
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
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
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

vz_trace *vz_trace_create(const char *path, const vz_trace_run_info *ri, char *err, size_t errlen)
{
    char journal[4096];
    snprintf(journal, sizeof journal, "%s-journal", path);
    if ((unlink(path) != 0 && errno != ENOENT) || (unlink(journal) != 0 && errno != ENOENT)) {
        snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
        return NULL;
    }
    vz_trace *t = calloc(1, sizeof *t);
    if (!t || !(t->chunk = malloc(CHUNK_BYTES)) || !(t->cur = calloc(1, sizeof *t->cur)) ||
        !(t->ev = malloc((size_t)VZ_TRACE_CHUNK_RECORDS * VZ_TRACE_EVENT_RECORD_SIZE))) {
        set_err(err, errlen, path, NULL);
        if (t) {
            free(t->chunk);
            free(t->cur);
        }
        free(t);
        return NULL;
    }
    char *sql = malloc(65536);
    if (!sql) {
        set_err(err, errlen, path, NULL);
        goto fail;
    }
    if (sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        set_err(err, errlen, path, t->db);
        goto fail;
    }
    /* rollback journal: the .db file alone is always valid; synchronous OFF only
     * risks the tail on an OS crash, not on a killed process. Big pages: the
     * per-instruction trace is large BLOBs. */
    int k = snprintf(sql, 65536,
                     "PRAGMA page_size = 65536; PRAGMA journal_mode = DELETE;"
                     " PRAGMA synchronous = OFF; BEGIN; %s", vz_trace_schema_sql);
    view_sql(sql + k, 65536 - (size_t)k - 64);
    k += (int)strlen(sql + k);
    snprintf(sql + k, 65536 - (size_t)k, "PRAGMA user_version = %d; COMMIT;",
             VZ_TRACE_SCHEMA_VERSION);
    if (exec(t->db, sql) != 0) {
        set_err(err, errlen, "creating the schema", t->db);
        goto fail;
    }
    free(sql);
    sql = NULL;
    sqlite3_stmt *s = NULL;
    char started[32];
    now_iso(started, sizeof started);
    if (sqlite3_prepare_v2(t->db,
                           "INSERT INTO runs (kind, config_name, config_file, config_text, program,"
                           " command, vzsim_version, started_at, status)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'interrupted')",
                           -1, &s, NULL) != SQLITE_OK) {
        set_err(err, errlen, "preparing the run row", t->db);
        goto fail;
    }
    bind_text(s, 1, ri && ri->kind ? ri->kind : "run");
    bind_text(s, 2, ri ? ri->config_name : NULL);
    bind_text(s, 3, ri ? ri->config_file : NULL);
    bind_text(s, 4, ri ? ri->config_text : NULL);
    bind_text(s, 5, ri ? ri->program : NULL);
    bind_text(s, 6, ri ? ri->command : NULL);
    bind_text(s, 7, ri && ri->vzsim_version ? ri->vzsim_version : "unknown");
    bind_text(s, 8, started);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        set_err(err, errlen, "writing the run row", t->db);
        goto fail;
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
        exec(t->db, "BEGIN") != 0) {
        set_err(err, errlen, "preparing the inserts", t->db);
        goto fail;
    }
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv_work, NULL);
    pthread_cond_init(&t->cv_room, NULL);
    pthread_cond_init(&t->cv_done, NULL);
    /* the thread takes no signals: SIGINT / SIGTERM stay with the simulation */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int prc = pthread_create(&t->thread, NULL, writer_main, t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (prc != 0) {
        snprintf(err, errlen, "%s: cannot start the writer thread: %s", path, strerror(prc));
        goto fail;
    }
    t->started = 1;
    return t;
fail:
    free(sql);
    sqlite3_finalize(t->ins_exit);
    sqlite3_finalize(t->ins_stat);
    sqlite3_finalize(t->ins_event);
    sqlite3_finalize(t->ins_chunk);
    sqlite3_finalize(t->ins_string);
    sqlite3_close(t->db);
    free(t->chunk);
    free(t->cur);
    free(t->ev);
    free(t);
    return NULL;
}

int64_t vz_trace_run_id(const vz_trace *t) { return t->run_id; }

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

static int w_row_done(vz_trace *t, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
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

static unsigned str_hash(const char *v)    /* FNV-1a */
{
    unsigned h = 2166136261u;
    for (; *v; v++)
        h = (h ^ (unsigned char)*v) * 16777619u;
    return h;
}

static int w_exit(vz_trace *t, const vz_trace_exit *e)
{
    sqlite3_stmt *s = t->ins_exit;
    sqlite3_bind_int64(s, 1, t->run_id);
    sqlite3_bind_int64(s, 2, (int64_t)t->seq++);
    bind_static(s, 3, e->scenario);
    bind_static(s, 4, e->reason ? e->reason : "none");
    sqlite3_bind_int(s, 5, e->exccode);
    if (e->gexccode >= 0)
        sqlite3_bind_int(s, 6, e->gexccode);
    if (e->pc_known)
        sqlite3_bind_int64(s, 7, (int64_t)e->guest_pc);
    if (e->has_cycles && (e->known & (1u << VZ_TRACE_TO_VECTOR)))
        sqlite3_bind_int64(s, 8, (int64_t)e->start_cycle);
    const unsigned all = (1u << VZ_TRACE_TOTAL) - 1;
    for (int unit = 0; unit < 2; unit++) {
        if (!(unit ? e->has_insns : e->has_cycles))
            continue;
        const uint64_t *v = unit ? e->insns : e->cycles;
        int base = unit ? 15 : 9;
        uint64_t total = 0;
        for (int k = 0; k < VZ_TRACE_TOTAL; k++) {
            if (!(e->known & (1u << k)))
                continue;
            sqlite3_bind_int64(s, base + k, (int64_t)v[k]);
            total += v[k];
        }
        if ((e->known & all) == all)
            sqlite3_bind_int64(s, base + VZ_TRACE_TOTAL, (int64_t)total);
    }
    return w_row_done(t, s);
}

/* The id of string v in trace_strings, inserting it the first time (0: failed). */
static uint32_t w_string(vz_trace *t, const char *v)
{
    if ((t->nstrings + 1) * 2 > t->string_cap) {          /* grow: load <= 1/2 */
        unsigned cap = t->string_cap ? t->string_cap * 2 : 64;
        char **ns = calloc(cap, sizeof *ns);
        uint32_t *ni = calloc(cap, sizeof *ni);
        if (!ns || !ni) {
            free(ns);
            free(ni);
            return 0;
        }
        for (unsigned i = 0; i < t->string_cap; i++) {
            if (!t->strings[i])
                continue;
            unsigned j = str_hash(t->strings[i]) & (cap - 1);
            while (ns[j])
                j = (j + 1) & (cap - 1);
            ns[j] = t->strings[i];
            ni[j] = t->string_ids[i];
        }
        free(t->strings);
        free(t->string_ids);
        t->strings = ns;
        t->string_ids = ni;
        t->string_cap = cap;
    }
    unsigned j = str_hash(v) & (t->string_cap - 1);
    for (; t->strings[j]; j = (j + 1) & (t->string_cap - 1))
        if (!strcmp(t->strings[j], v))
            return t->string_ids[j];
    char *copy = strdup(v);
    if (!copy)
        return 0;
    uint32_t id = ++t->nstrings;
    sqlite3_stmt *st = t->ins_string;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, copy, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        free(copy);
        return 0;
    }
    t->strings[j] = copy;
    t->string_ids[j] = id;
    return id;
}

/* Write the event chunk being filled as one row of event_chunks. */
static int w_flush_events(vz_trace *t)
{
    if (!t->nev)
        return 0;
    sqlite3_stmt *s = t->ins_event;
    sqlite3_bind_int64(s, 1, t->run_id);
    if (t->ev_has_scenario)
        bind_static(s, 2, t->ev_scenario);
    sqlite3_bind_int64(s, 3, (int64_t)t->ev_first_seq);
    sqlite3_bind_int64(s, 4, t->nev);
    sqlite3_bind_blob(s, 5, t->ev, (int)(t->nev * VZ_TRACE_EVENT_RECORD_SIZE), SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    t->nev = 0;
    return rc == SQLITE_DONE ? 0 : -1;
}

static int w_event(vz_trace *t, const vz_trace_event *e)
{
    int same = e->scenario ? t->ev_has_scenario && !strcmp(e->scenario, t->ev_scenario)
                           : !t->ev_has_scenario;
    if (t->nev && (!same || t->nev == VZ_TRACE_CHUNK_RECORDS) && w_flush_events(t) != 0)
        return -1;
    if (!same) {
        t->ev_has_scenario = e->scenario != NULL;
        if (e->scenario)
            snprintf(t->ev_scenario, sizeof t->ev_scenario, "%s", e->scenario);
    }
    uint32_t kind = w_string(t, e->kind), detail = e->detail ? w_string(t, e->detail) : 0;
    if (!kind || (e->detail && !detail))
        return -1;
    if (!t->nev)
        t->ev_first_seq = t->event_seq;
    t->event_seq++;
    unsigned char *p = t->ev + (size_t)t->nev++ * VZ_TRACE_EVENT_RECORD_SIZE;
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
    /* counted as a row: the periodic commit (which writes the chunk) sees it */
    if (++t->pending >= VZ_TRACE_COMMIT_ROWS)
        return w_commit(t);
    return 0;
}

static int w_stat(vz_trace *t, const op *o)
{
    sqlite3_stmt *s = t->ins_stat;
    double value = o->u.stat.value;
    sqlite3_bind_int64(s, 1, t->run_id);
    bind_static(s, 2, o->u.stat.scenario);
    bind_static(s, 3, o->u.stat.name);
    if (value == (double)(int64_t)value)
        sqlite3_bind_int64(s, 4, (int64_t)value);
    else
        sqlite3_bind_double(s, 4, value);
    bind_static(s, 5, o->u.stat.mode);
    return w_row_done(t, s);
}

static int w_chunk(vz_trace *t, const op *o)
{
    sqlite3_stmt *s = t->ins_chunk;
    sqlite3_bind_int64(s, 1, t->run_id);
    bind_static(s, 2, o->u.chunk.scenario);
    sqlite3_bind_int64(s, 3, (int64_t)o->u.chunk.first_seq);
    sqlite3_bind_int64(s, 4, (int64_t)o->u.chunk.last_seq);
    sqlite3_bind_int64(s, 5, (int64_t)o->u.chunk.min_fetch);
    sqlite3_bind_int64(s, 6, (int64_t)o->u.chunk.max_fetch);
    sqlite3_bind_int64(s, 7, o->u.chunk.n);
    size_t bytes = (size_t)o->u.chunk.n * VZ_TRACE_INSN_RECORD_SIZE;
    sqlite3_bind_blob(s, 8, o->u.chunk.data, (int)bytes, SQLITE_STATIC);
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

static void *writer_main(void *opaque)
{
    vz_trace *t = opaque;
    int failed = 0;
    /* a name of its own: bench/trace.sh tells its CPU time from the simulation's */
    pthread_setname_np(pthread_self(), "vzsim-trace");
    for (;;) {
        pthread_mutex_lock(&t->mu);
        while (!t->qlen && !t->stop)
            pthread_cond_wait(&t->cv_work, &t->mu);
        if (!t->qlen) {                      /* stopped, and everything written */
            pthread_mutex_unlock(&t->mu);
            return NULL;
        }
        batch *b = t->queue[t->qhead];
        t->qhead = (t->qhead + 1) % QUEUE_BATCHES;
        t->qlen--;
        pthread_cond_signal(&t->cv_room);
        pthread_mutex_unlock(&t->mu);
        uint64_t commits = 0;
        for (unsigned i = 0; i < b->n; i++) {
            op *o = &b->ops[i];
            switch (o->type) {
            case OP_EXIT:
                if (!failed && w_exit(t, &o->u.exit) != 0)
                    failed = 1;
                break;
            case OP_EVENT:
                if (!failed && w_event(t, &o->u.event) != 0)
                    failed = 1;
                break;
            case OP_STAT:
                if (!failed && w_stat(t, o) != 0)
                    failed = 1;
                break;
            case OP_CHUNK:
                if (!failed && w_chunk(t, o) != 0)
                    failed = 1;
                pthread_mutex_lock(&t->mu);
                if (t->nfree_chunks < sizeof t->free_chunks / sizeof t->free_chunks[0])
                    t->free_chunks[t->nfree_chunks++] = o->u.chunk.data;
                else
                    free(o->u.chunk.data);
                pthread_mutex_unlock(&t->mu);
                break;
            case OP_COMMIT:
                if (!failed && w_commit(t) != 0)
                    failed = 1;
                commits++;
                break;
            }
        }
        /* at least once a second, so that a killed run loses little */
        time_t now = time(NULL);
        if (!failed && t->pending + t->pending_bytes && now != t->last_commit) {
            if (w_commit(t) != 0)
                failed = 1;
            t->last_commit = now;
        }
        pthread_mutex_lock(&t->mu);
        if (failed)
            t->failed = 1;
        t->commits_done += commits;
        if (t->nfree_batches < sizeof t->free_batches / sizeof t->free_batches[0]) {
            t->free_batches[t->nfree_batches++] = b;
            b = NULL;
        }
        pthread_cond_broadcast(&t->cv_done);
        pthread_mutex_unlock(&t->mu);
        free(b);
    }
}

/* ---- the simulation-thread side: copy into batches ---- */

/* Hand the current batch to the thread (waiting while the queue is full). */
static int submit(vz_trace *t)
{
    pthread_mutex_lock(&t->mu);
    while (t->qlen == QUEUE_BATCHES)
        pthread_cond_wait(&t->cv_room, &t->mu);
    t->queue[(t->qhead + t->qlen) % QUEUE_BATCHES] = t->cur;
    t->qlen++;
    pthread_cond_signal(&t->cv_work);
    batch *next = t->nfree_batches ? t->free_batches[--t->nfree_batches] : NULL;
    int f = t->failed;
    pthread_mutex_unlock(&t->mu);
    if (!next && !(next = malloc(sizeof *next))) {
        t->cur = NULL;
        return -1;
    }
    next->n = 0;
    next->used = 0;
    t->cur = next;
    return f ? -1 : 0;
}

static op *new_op(vz_trace *t, int type)
{
    if (!t->cur || ((t->cur->n == BATCH_OPS || t->cur->used + OP_STR_MAX > ARENA_BYTES) &&
                    submit(t) != 0 && !t->cur))
        return NULL;
    op *o = &t->cur->ops[t->cur->n++];
    o->type = type;
    return o;
}

/* Take back the op new_op gave (its strings: the arena back to used). */
static int drop_op(vz_trace *t, size_t used)
{
    t->cur->n--;
    t->cur->used = used;
    return -1;
}

/* Copy string v into the batch's arena; *where = the copy (NULL stays NULL). */
static int keep_str(vz_trace *t, const char *v, const char **where)
{
    if (!v) {
        *where = NULL;
        return 0;
    }
    size_t n = strlen(v);
    if (n >= STR_MAX)
        return -1;
    char *p = t->cur->arena + t->cur->used;
    memcpy(p, v, n + 1);
    t->cur->used += n + 1;
    *where = p;
    return 0;
}

int vz_trace_add_exit(vz_trace *t, const vz_trace_exit *e)
{
    op *o = new_op(t, OP_EXIT);
    if (!o)
        return -1;
    size_t used = t->cur->used;
    o->u.exit = *e;
    if (keep_str(t, e->scenario, &o->u.exit.scenario) != 0 ||
        keep_str(t, e->reason, &o->u.exit.reason) != 0)
        return drop_op(t, used);
    return 0;
}

int vz_trace_add_event(vz_trace *t, const vz_trace_event *e)
{
    op *o = new_op(t, OP_EVENT);
    if (!o)
        return -1;
    size_t used = t->cur->used;
    o->u.event = *e;
    if (!e->kind || e->exccode > 255 || e->gexccode > 255 ||
        keep_str(t, e->scenario, &o->u.event.scenario) != 0 ||
        keep_str(t, e->kind, &o->u.event.kind) != 0 ||
        keep_str(t, e->detail, &o->u.event.detail) != 0)
        return drop_op(t, used);
    return 0;
}

int vz_trace_add_stat(vz_trace *t, const char *scenario, const char *name, double value,
                      const char *mode)
{
    op *o = new_op(t, OP_STAT);
    if (!o)
        return -1;
    size_t used = t->cur->used;
    o->u.stat.value = value;
    if (!name || keep_str(t, scenario, &o->u.stat.scenario) != 0 ||
        keep_str(t, name, &o->u.stat.name) != 0 ||
        keep_str(t, mode ? mode : "all", &o->u.stat.mode) != 0)
        return drop_op(t, used);
    return 0;
}

/* Hand the chunk being filled to the thread and start a new one. */
static int flush_chunk(vz_trace *t)
{
    if (!t->nrec)
        return 0;
    op *o = new_op(t, OP_CHUNK);
    if (!o)
        return -1;
    o->u.chunk.data = t->chunk;
    o->u.chunk.n = t->nrec;
    o->u.chunk.first_seq = t->first_seq;
    o->u.chunk.last_seq = t->last_seq;
    o->u.chunk.min_fetch = t->min_fetch;
    o->u.chunk.max_fetch = t->max_fetch;
    /* chunk_scenario is shorter than STR_MAX (vz_trace_add_insn checks) */
    keep_str(t, t->chunk_has_scenario ? t->chunk_scenario : NULL, &o->u.chunk.scenario);
    t->nrec = 0;
    pthread_mutex_lock(&t->mu);
    t->chunk = t->nfree_chunks ? t->free_chunks[--t->nfree_chunks] : NULL;
    pthread_mutex_unlock(&t->mu);
    if (!t->chunk && !(t->chunk = malloc(CHUNK_BYTES)))
        return -1;
    return 0;
}

int vz_trace_add_insn(vz_trace *t, const vz_trace_insn_rec *r)
{
    if (!t->chunk)
        return -1;
    int same = r->scenario ? t->chunk_has_scenario && !strcmp(r->scenario, t->chunk_scenario)
                           : !t->chunk_has_scenario;
    if (r->scenario && strlen(r->scenario) >= STR_MAX)
        return -1;
    const uint64_t st[5] = {r->decode, r->issue, r->execute, r->memory, r->commit};
    for (int i = 0; i < 5; i++)
        if (st[i] < r->fetch || st[i] - r->fetch > UINT32_MAX)
            return -1;
    if (t->nrec && (!same || r->seq < t->first_seq || r->seq - t->first_seq > UINT32_MAX ||
                    t->nrec == VZ_TRACE_CHUNK_RECORDS)) {
        if (flush_chunk(t) != 0)
            return -1;
    }
    if (!same) {
        t->chunk_has_scenario = r->scenario != NULL;
        if (r->scenario)
            snprintf(t->chunk_scenario, sizeof t->chunk_scenario, "%s", r->scenario);
    }
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

/* Commit everything written so far and wait until it is on disk (in the file). */
int vz_trace_checkpoint(vz_trace *t)
{
    if (flush_chunk(t) != 0 || !new_op(t, OP_COMMIT))
        return -1;
    pthread_mutex_lock(&t->mu);
    uint64_t want = ++t->commits_asked;
    pthread_mutex_unlock(&t->mu);
    int rc = submit(t);
    pthread_mutex_lock(&t->mu);
    while (t->commits_done < want && !t->failed)
        pthread_cond_wait(&t->cv_done, &t->mu);
    if (t->failed)
        rc = -1;
    pthread_mutex_unlock(&t->mu);
    return rc;
}

int vz_trace_end(vz_trace *t, const char *end_reason)
{
    int rc = flush_chunk(t);
    /* stop the thread after it has written everything */
    if (t->cur && t->cur->n && submit(t) != 0)
        rc = -1;
    pthread_mutex_lock(&t->mu);
    t->stop = 1;
    pthread_cond_signal(&t->cv_work);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    if (t->failed || w_flush_events(t) != 0)    /* the thread has ended: ours now */
        rc = -1;
    sqlite3_finalize(t->ins_exit);
    sqlite3_finalize(t->ins_stat);
    sqlite3_finalize(t->ins_event);
    sqlite3_finalize(t->ins_chunk);
    sqlite3_finalize(t->ins_string);
    if (exec(t->db, "COMMIT") != 0 || exec(t->db, vz_trace_index_sql) != 0)
        rc = -1;
    sqlite3_stmt *s = NULL;
    char fin[32];
    now_iso(fin, sizeof fin);
    if (sqlite3_prepare_v2(t->db, "UPDATE runs SET status = ?, end_reason = ?, finished_at = ?"
                                  " WHERE id = ?", -1, &s, NULL) != SQLITE_OK) {
        rc = -1;
    } else {
        int complete = rc == 0 && end_reason && !strcmp(end_reason, "complete");
        bind_text(s, 1, complete ? "complete" : "interrupted");
        bind_text(s, 2, end_reason ? end_reason : "error");
        bind_text(s, 3, fin);
        sqlite3_bind_int64(s, 4, t->run_id);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = -1;
    }
    sqlite3_finalize(s);
    if (sqlite3_close(t->db) != SQLITE_OK)
        rc = -1;
    for (unsigned i = 0; i < t->nfree_chunks; i++)
        free(t->free_chunks[i]);
    for (unsigned i = 0; i < t->nfree_batches; i++)
        free(t->free_batches[i]);
    free(t->cur);
    free(t->chunk);
    free(t->ev);
    for (unsigned i = 0; i < t->string_cap; i++)
        free(t->strings[i]);
    free(t->strings);
    free(t->string_ids);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv_work);
    pthread_cond_destroy(&t->cv_room);
    pthread_cond_destroy(&t->cv_done);
    free(t);
    return rc;
}

int vz_trace_finish(vz_trace *t) { return vz_trace_end(t, "complete"); }

void vz_trace_close(vz_trace *t)
{
    if (t)
        vz_trace_end(t, "error");
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
