/*
 * traces/trace.c - the trace database writer and the report (docs/traces.md).
 */
#include "traces/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char vz_trace_schema_sql[] =
    "CREATE TABLE runs (\n"
    "  id            INTEGER PRIMARY KEY,\n"
    "  config_name   TEXT,\n"
    "  config_file   TEXT,\n"
    "  config_text   TEXT,\n"
    "  program       TEXT,\n"
    "  command       TEXT,\n"
    "  vzsim_version TEXT NOT NULL,\n"
    "  started_at    TEXT NOT NULL,\n"
    "  finished_at   TEXT,\n"
    "  status        TEXT NOT NULL CHECK (status IN ('interrupted', 'complete'))\n"
    ");\n"
    "CREATE TABLE exits (\n"
    "  run_id            INTEGER NOT NULL REFERENCES runs(id),\n"
    "  seq               INTEGER NOT NULL,\n"
    "  scenario          TEXT,\n"
    "  reason            TEXT NOT NULL,\n"
    "  exccode           INTEGER,\n"
    "  gexccode          INTEGER,\n"
    "  guest_pc          INTEGER,\n"
    "  start_cycle       INTEGER,\n"
    "  exit_path_cycles  INTEGER,\n"
    "  handler_cycles    INTEGER,\n"
    "  reentry_cycles    INTEGER,\n"
    "  total_cycles      INTEGER,\n"
    "  exit_path_insns   INTEGER,\n"
    "  handler_insns     INTEGER,\n"
    "  reentry_insns     INTEGER,\n"
    "  total_insns       INTEGER\n"
    ");\n"
    "CREATE TABLE statistics (\n"
    "  run_id   INTEGER NOT NULL REFERENCES runs(id),\n"
    "  scenario TEXT,\n"
    "  name     TEXT NOT NULL,\n"
    "  value    NUMERIC,\n"
    "  mode     TEXT NOT NULL CHECK (mode IN ('root', 'guest', 'all'))\n"
    ");\n";

const char vz_trace_index_sql[] =
    "CREATE INDEX IF NOT EXISTS exits_by_reason ON exits(run_id, scenario, reason);\n"
    "CREATE INDEX IF NOT EXISTS statistics_by_name ON statistics(run_id, scenario, name);\n";

struct vz_trace {
    sqlite3 *db;
    sqlite3_stmt *ins_exit, *ins_stat;
    int64_t run_id;
    uint64_t seq;
    uint64_t pending;            /* rows since the last commit */
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

vz_trace *vz_trace_create(const char *path, const vz_trace_run_info *ri, char *err, size_t errlen)
{
    char journal[4096];
    snprintf(journal, sizeof journal, "%s-journal", path);
    if ((unlink(path) != 0 && errno != ENOENT) || (unlink(journal) != 0 && errno != ENOENT)) {
        snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
        return NULL;
    }
    vz_trace *t = calloc(1, sizeof *t);
    if (!t) {
        set_err(err, errlen, path, NULL);
        return NULL;
    }
    if (sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        set_err(err, errlen, path, t->db);
        goto fail;
    }
    /* rollback journal: the .db file alone is always valid; synchronous OFF only
     * risks the tail on an OS crash, not on a killed process */
    char sql[8192];
    snprintf(sql, sizeof sql,
             "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;"
             "BEGIN; %s PRAGMA user_version = %d; COMMIT;",
             vz_trace_schema_sql, VZ_TRACE_SCHEMA_VERSION);
    if (exec(t->db, sql) != 0) {
        set_err(err, errlen, "creating the schema", t->db);
        goto fail;
    }
    sqlite3_stmt *s = NULL;
    char started[32];
    now_iso(started, sizeof started);
    if (sqlite3_prepare_v2(t->db,
                           "INSERT INTO runs (config_name, config_file, config_text, program,"
                           " command, vzsim_version, started_at, status)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, 'interrupted')",
                           -1, &s, NULL) != SQLITE_OK) {
        set_err(err, errlen, "preparing the run row", t->db);
        goto fail;
    }
    bind_text(s, 1, ri ? ri->config_name : NULL);
    bind_text(s, 2, ri ? ri->config_file : NULL);
    bind_text(s, 3, ri ? ri->config_text : NULL);
    bind_text(s, 4, ri ? ri->program : NULL);
    bind_text(s, 5, ri ? ri->command : NULL);
    bind_text(s, 6, ri && ri->vzsim_version ? ri->vzsim_version : "unknown");
    bind_text(s, 7, started);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        set_err(err, errlen, "writing the run row", t->db);
        goto fail;
    }
    t->run_id = sqlite3_last_insert_rowid(t->db);
    if (sqlite3_prepare_v2(t->db,
                           "INSERT INTO exits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                           " ?, ?)", -1, &t->ins_exit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(t->db, "INSERT INTO statistics VALUES (?, ?, ?, ?, ?)", -1,
                           &t->ins_stat, NULL) != SQLITE_OK ||
        exec(t->db, "BEGIN") != 0) {
        set_err(err, errlen, "preparing the inserts", t->db);
        goto fail;
    }
    return t;
fail:
    sqlite3_finalize(t->ins_exit);
    sqlite3_finalize(t->ins_stat);
    sqlite3_close(t->db);
    free(t);
    return NULL;
}

int64_t vz_trace_run_id(const vz_trace *t) { return t->run_id; }

int vz_trace_checkpoint(vz_trace *t)
{
    t->pending = 0;
    return exec(t->db, "COMMIT; BEGIN");
}

static int row_done(vz_trace *t, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return -1;
    if (++t->pending >= VZ_TRACE_COMMIT_ROWS)
        return vz_trace_checkpoint(t);
    return 0;
}

int vz_trace_add_exit(vz_trace *t, const vz_trace_exit *e)
{
    sqlite3_stmt *s = t->ins_exit;
    sqlite3_bind_int64(s, 1, t->run_id);
    sqlite3_bind_int64(s, 2, (int64_t)t->seq++);
    bind_text(s, 3, e->scenario);
    bind_text(s, 4, e->reason ? e->reason : "none");
    sqlite3_bind_int(s, 5, e->exccode);
    if (e->gexccode >= 0)
        sqlite3_bind_int(s, 6, e->gexccode);
    if (e->pc_known)
        sqlite3_bind_int64(s, 7, (int64_t)e->guest_pc);
    if (e->has_cycles && e->start_known)
        sqlite3_bind_int64(s, 8, (int64_t)e->start_cycle);
    for (int unit = 0; unit < 2; unit++) {
        if (!(unit ? e->has_insns : e->has_cycles))
            continue;
        const uint64_t *v = unit ? e->insns : e->cycles;
        int base = unit ? 13 : 9;
        for (int k = 0; k < 4; k++) {
            if ((k == 0 || k == 3) && !e->start_known)
                continue;
            if ((k == 2 || k == 3) && !e->reentry_known)
                continue;
            sqlite3_bind_int64(s, base + k, (int64_t)v[k]);
        }
    }
    return row_done(t, s);
}

int vz_trace_add_stat(vz_trace *t, const char *scenario, const char *name, double value,
                      const char *mode)
{
    sqlite3_stmt *s = t->ins_stat;
    sqlite3_bind_int64(s, 1, t->run_id);
    bind_text(s, 2, scenario);
    bind_text(s, 3, name);
    if (value == (double)(int64_t)value)
        sqlite3_bind_int64(s, 4, (int64_t)value);
    else
        sqlite3_bind_double(s, 4, value);
    bind_text(s, 5, mode ? mode : "all");
    return row_done(t, s);
}

static int end(vz_trace *t, int complete)
{
    int rc = 0;
    sqlite3_finalize(t->ins_exit);
    sqlite3_finalize(t->ins_stat);
    if (exec(t->db, "COMMIT") != 0 || exec(t->db, vz_trace_index_sql) != 0)
        rc = -1;
    if (complete && rc == 0) {
        char sql[256], fin[32];
        now_iso(fin, sizeof fin);
        snprintf(sql, sizeof sql,
                 "UPDATE runs SET status = 'complete', finished_at = '%s' WHERE id = %" PRId64,
                 fin, t->run_id);
        rc = exec(t->db, sql);
    }
    if (sqlite3_close(t->db) != SQLITE_OK)
        rc = -1;
    free(t);
    return rc;
}

int vz_trace_finish(vz_trace *t) { return end(t, 1); }

void vz_trace_close(vz_trace *t)
{
    if (t)
        end(t, 0);
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

static const char *const components[4] = {"exit_path", "handler", "reentry", "total"};
static const char *const units[2] = {"cycles", "insns"};
static const char *const unit_names[2] = {"cycles", "instructions"};

static void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

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
    int fmt = !strcmp(format, "text") ? 0 : !strcmp(format, "csv") ? 1
            : !strcmp(format, "json") ? 2 : -1;
    if (fmt < 0) {
        snprintf(err, errlen, "unknown format '%s' (text, csv, json)", format);
        return -1;
    }
    sqlite3 *db = NULL;
    /* read-write (never create) when allowed: the first reader of a killed run's
     * database rolls back its hot journal, which a read-only connection cannot */
    if (access(path, F_OK) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        db = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            set_err(err, errlen, path, db);
            sqlite3_close(db);
            return -1;
        }
    }
    sqlite3_stmt *runs = NULL, *groups = NULL, *uv = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &uv, NULL) != SQLITE_OK ||
        sqlite3_step(uv) != SQLITE_ROW) {
        set_err(err, errlen, path, db);
        goto done;
    }
    int version = sqlite3_column_int(uv, 0);
    if (version != VZ_TRACE_SCHEMA_VERSION) {
        snprintf(err, errlen, "%s: schema version %d, this vzsim reads %d", path, version,
                 VZ_TRACE_SCHEMA_VERSION);
        goto done;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT id, status, config_name, config_file, program, vzsim_version,"
                           " started_at FROM runs ORDER BY id", -1, &runs, NULL) != SQLITE_OK ||
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
        const char *hdr[6];
        for (int i = 0; i < 6; i++)
            hdr[i] = (const char *)sqlite3_column_text(runs, i + 1);
        if (fmt == 0)
            fprintf(out, "%srun %" PRId64 " (%s): config %s%s%s%s, program %s, vzsim %s, started %s\n"
                    "%-10s %-10s %-12s %-9s %7s %7s %7s %7s %7s %7s\n",
                    nrun ? "\n" : "", run, hdr[0], hdr[1] ? hdr[1] : "-",
                    hdr[2] ? " (" : "", hdr[2] ? hdr[2] : "", hdr[2] ? ")" : "",
                    hdr[3] ? hdr[3] : "-", hdr[4], hdr[5], "scenario", "reason", "unit",
                    "component", "count", "min", "median", "p90", "p99", "max");
        if (fmt == 2) {
            static const char *const keys[6] = {"status", "config_name", "config_file",
                                                 "program", "vzsim_version", "started_at"};
            fprintf(out, "%s\n {\"id\": %" PRId64, nrun ? "," : "", run);
            for (int i = 0; i < 6; i++) {
                fprintf(out, ", \"%s\": ", keys[i]);
                json_str(out, hdr[i]);
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
                json_str(out, scenario);
                fprintf(out, ", \"reason\": ");
                json_str(out, reason);
                fprintf(out, ", \"exits\": %" PRId64, nexits);
            }
            for (int u = 0; u < 2; u++) {
                int nshown = 0;
                for (int k = 0; k < 4; k++) {
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
                        fprintf(out, "%-10s %-10s %-12s %-9s %7zu %7" PRIu64 " %7" PRIu64
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
    sqlite3_finalize(uv);
    sqlite3_finalize(runs);
    sqlite3_finalize(groups);
    sqlite3_close(db);
    return rc;
}
