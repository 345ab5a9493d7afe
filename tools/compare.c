/*
 * tools/compare.c - `vzsim compare BASELINE NEW [--tolerance PCT]`: compare two runs
 * of the exit scenarios, each given as a trace database (vzsim scenarios --trace) or
 * as its CSV or JSON report (vzsim report DB --format csv|json, which a baseline kept
 * in git can be; the JSON is read with SQLite's JSON functions). Rows are matched on (scenario, reason, unit, component); the exit count and
 * min/median/p90/p99/max must agree within PCT percent (default 0: cycles are
 * deterministic). Prints a table of every difference; exits 0 when none, 1 when
 * anything moved or appeared or disappeared, 2 on bad input.
 */
#include "tools/hvcmds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "traces/trace.h"

#define MAX_ROWS 4096
#define NVAL 6
static const char *const val_names[NVAL] = {"count", "min", "median", "p90", "p99", "max"};

typedef struct row {
    char key[160];
    double v[NVAL];
    int seen;
} row;

typedef struct table {
    row rows[MAX_ROWS];
    int n;
} table;

/* Open path as CSV: a trace database is turned into its CSV report first. */
static FILE *open_csv(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char magic[16] = {0};
    size_t k = fread(magic, 1, sizeof magic, f);
    if (k == sizeof magic && memcmp(magic, "SQLite format 3", 15) == 0) {
        fclose(f);
        FILE *t = tmpfile();
        if (!t) {
            snprintf(err, errlen, "cannot create a temporary file");
            return NULL;
        }
        if (vz_trace_report(path, "csv", t, err, errlen) != 0) {
            fclose(t);
            return NULL;
        }
        rewind(t);
        return t;
    }
    rewind(f);
    return f;
}

static row *add_row(table *t, const char *scenario, const char *reason, const char *unit,
                    const char *component)
{
    if (t->n >= MAX_ROWS)
        return NULL;
    row *r = &t->rows[t->n++];
    snprintf(r->key, sizeof r->key, "%s %s %s %s", scenario, reason, unit, component);
    r->seen = 0;
    return r;
}

/* The JSON report (docs/traces.md "Report"): every group's units and components. */
static int load_json(const char *path, FILE *f, table *t, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    char buf[65536];
    size_t k;
    while (m && (k = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, k, m);
    if (m)
        fclose(m);
    fclose(f);
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int rc = -1;
    if (!text || sqlite3_open(":memory:", &db) != SQLITE_OK) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto done;
    }
    if (sqlite3_prepare_v2(db, "SELECT json_extract(?1, '$.schema_version')", -1, &s, NULL) !=
            SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    sqlite3_bind_text(s, 1, text, (int)len, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        snprintf(err, errlen, "%s: not a JSON report: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    if (sqlite3_column_int(s, 0) != VZ_TRACE_SCHEMA_VERSION) {
        snprintf(err, errlen, "%s: JSON report of schema version %d, this vzsim reads %d", path,
                 sqlite3_column_int(s, 0), VZ_TRACE_SCHEMA_VERSION);
        goto done;
    }
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(db,
                           "SELECT json_extract(g.value, '$.scenario'),"
                           " json_extract(g.value, '$.reason'), u.key, c.key,"
                           " json_extract(c.value, '$.count'), json_extract(c.value, '$.min'),"
                           " json_extract(c.value, '$.median'), json_extract(c.value, '$.p90'),"
                           " json_extract(c.value, '$.p99'), json_extract(c.value, '$.max')"
                           " FROM json_each(?1, '$.runs') r, json_each(r.value, '$.groups') g,"
                           " json_each(g.value) u, json_each(u.value) c"
                           " WHERE u.key IN ('cycles', 'instructions')"
                           " ORDER BY r.key, g.key, u.key, c.key", -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    sqlite3_bind_text(s, 1, text, (int)len, SQLITE_STATIC);
    int step;
    t->n = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *f4[4];
        for (int i = 0; i < 4; i++) {
            f4[i] = (const char *)sqlite3_column_text(s, i);
            if (i >= 2 && !f4[i])
                f4[i] = "";
        }
        row *r = add_row(t, f4[0] ? f4[0] : "", f4[1] ? f4[1] : "", f4[2], f4[3]);
        if (!r) {
            snprintf(err, errlen, "%s: more than %d rows", path, MAX_ROWS);
            goto done;
        }
        for (int i = 0; i < NVAL; i++) {
            if (sqlite3_column_type(s, 4 + i) != SQLITE_INTEGER &&
                sqlite3_column_type(s, 4 + i) != SQLITE_FLOAT) {
                snprintf(err, errlen, "%s: %s: '%s' is not a number", path, r->key, val_names[i]);
                goto done;
            }
            r->v[i] = sqlite3_column_double(s, 4 + i);
        }
    }
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "%s: not a JSON report: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(s);
    sqlite3_close(db);
    free(text);
    return rc;
}

static int load(const char *path, table *t, char *err, size_t errlen)
{
    FILE *f = open_csv(path, err, errlen);
    if (!f)
        return -1;
    int first;
    while ((first = fgetc(f)) == ' ' || first == '\n' || first == '\t' || first == '\r')
        ;
    rewind(f);
    if (first == '{')
        return load_json(path, f, t, err, errlen);
    char line[512];
    int lineno = 0;
    t->n = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (lineno == 1) {
            if (strncmp(line, "run,scenario,reason,unit,component,count", 39) != 0) {
                snprintf(err, errlen, "%s:1: not a vzsim report (expected the CSV header)", path);
                fclose(f);
                return -1;
            }
            continue;
        }
        if (!line[0])
            continue;
        char *field[11];
        int nf = 0;
        char *p = line;
        while (nf < 11) {
            field[nf++] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = 0;
            p = c + 1;
        }
        row *r = nf == 11 ? add_row(t, field[1], field[2], field[3], field[4]) : NULL;
        if (!r) {
            snprintf(err, errlen, "%s:%d: expected 11 fields (and at most %d rows)", path,
                     lineno, MAX_ROWS);
            fclose(f);
            return -1;
        }
        for (int i = 0; i < NVAL; i++) {
            char *end;
            r->v[i] = strtod(field[5 + i], &end);
            if (end == field[5 + i] || *end) {
                snprintf(err, errlen, "%s:%d: '%s' is not a number", path, lineno, field[5 + i]);
                fclose(f);
                return -1;
            }
        }
    }
    fclose(f);
    return 0;
}

int vz_cmd_compare(int argc, char **argv)
{
    double tol = 0;
    const char *paths[2] = {NULL, NULL};
    int np = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tolerance") && i + 1 < argc) {
            char *end;
            tol = strtod(argv[++i], &end);
            if (*end || tol < 0) {
                fprintf(stderr, "vzsim compare: --tolerance: expected a percentage >= 0\n");
                return 2;
            }
        } else if (np < 2 && argv[i][0] != '-') {
            paths[np++] = argv[i];
        } else {
            fprintf(stderr, "usage: vzsim compare BASELINE NEW [--tolerance PCT]\n");
            return 2;
        }
    }
    if (np != 2) {
        fprintf(stderr, "usage: vzsim compare BASELINE NEW [--tolerance PCT]\n");
        return 2;
    }
    static table base, cur;
    char err[512];
    if (load(paths[0], &base, err, sizeof err) != 0 || load(paths[1], &cur, err, sizeof err) != 0) {
        fprintf(stderr, "vzsim compare: %s\n", err);
        return 2;
    }
    int diffs = 0;
    for (int i = 0; i < base.n; i++) {
        row *b = &base.rows[i], *n = NULL;
        for (int j = 0; j < cur.n; j++)
            if (!cur.rows[j].seen && !strcmp(cur.rows[j].key, b->key)) {
                n = &cur.rows[j];
                break;
            }
        if (!n) {
            if (!diffs++)
                printf("%-48s %-7s %10s %10s %8s\n", "scenario reason unit component", "value",
                       "baseline", "new", "change");
            printf("%-48s missing in %s\n", b->key, paths[1]);
            continue;
        }
        n->seen = 1;
        for (int k = 0; k < NVAL; k++) {
            double d = n->v[k] - b->v[k];
            double lim = b->v[k] * tol / 100.0;
            if (d > lim || -d > lim) {
                if (!diffs++)
                    printf("%-48s %-7s %10s %10s %8s\n", "scenario reason unit component",
                           "value", "baseline", "new", "change");
                printf("%-48s %-7s %10.0f %10.0f %+7.1f%%\n", b->key, val_names[k], b->v[k],
                       n->v[k], b->v[k] ? 100.0 * d / b->v[k] : 100.0);
            }
        }
    }
    for (int j = 0; j < cur.n; j++)
        if (!cur.rows[j].seen) {
            if (!diffs++)
                printf("%-48s %-7s %10s %10s %8s\n", "scenario reason unit component", "value",
                       "baseline", "new", "change");
            printf("%-48s new in %s\n", cur.rows[j].key, paths[1]);
        }
    if (diffs) {
        printf("vzsim compare: %d difference(s) beyond %.2f%%\n", diffs, tol);
        return 1;
    }
    printf("vzsim compare: %d rows agree within %.2f%%\n", base.n, tol);
    return 0;
}
