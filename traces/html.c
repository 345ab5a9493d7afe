/*
 * traces/html.c - the self-contained HTML report of a trace database
 * (docs/traces.md "HTML report"): tables and inline SVG plots, no network, no
 * external file. A short inline script records on each plot how many of its bars the
 * browser laid out (data-drawn), which the headless-Chromium test reads.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "traces/export.h"
#include "traces/export_db.h"

#define NCOMP 5
static const char *const comps[NCOMP + 1] = {"to_vector", "to_handler", "handler", "to_eret",
                                             "eret", "total"};
static const char *const comp_colors[NCOMP] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                               "#b07aa1"};
#define HIST_BINS 20

/* Text for HTML element content and attribute values. */
static void esc(FILE *f, const char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* The sorted non-NULL values of column col for (run, scenario, reason); reason NULL:
 * every reason. *v is malloc'd (NULL when n is 0). */
static int values(sqlite3 *db, const char *path, int64_t run, const char *scenario,
                  const char *reason, const char *col, uint64_t **v, size_t *n, char *err,
                  size_t errlen)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM exits WHERE run_id = ?1 AND scenario IS ?2 AND"
             " (?3 IS NULL OR reason = ?3) AND %s IS NOT NULL ORDER BY %s", col, col, col);
    sqlite3_stmt *s;
    *v = NULL;
    *n = 0;
    if (vz_export_prepare(db, path, sql, &s, err, errlen))
        return -1;
    sqlite3_bind_int64(s, 1, run);
    if (scenario)
        sqlite3_bind_text(s, 2, scenario, -1, SQLITE_STATIC);
    if (reason)
        sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            uint64_t *nv = realloc(*v, cap * sizeof *nv);
            if (!nv) {
                snprintf(err, errlen, "out of memory");
                sqlite3_finalize(s);
                return -1;
            }
            *v = nv;
        }
        (*v)[(*n)++] = (uint64_t)sqlite3_column_int64(s, 0);
    }
    if (step != SQLITE_DONE)
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : -1;
}

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1em}"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}"
    "th{background:#eee}td.l,th.l{text-align:left}"
    "svg.plot{display:block;margin:0.5em 0 1em;background:#fafafa;border:1px solid #ddd}"
    "svg text{font-size:11px;font-family:sans-serif}"
    ".legend span{display:inline-block;width:0.9em;height:0.9em;margin:0 0.3em 0 1em;"
    "vertical-align:middle}";

/* Rendering check for tests and readers: how many bars each plot laid out. */
static const char script[] =
    "(function(){var p=document.querySelectorAll('svg.plot'),t=0;"
    "for(var i=0;i<p.length;i++){var r=p[i].querySelectorAll('rect.bar'),n=0;"
    "for(var j=0;j<r.length;j++){var b=r[j].getBoundingClientRect();"
    "if(b.width>0&&b.height>0)n++;}p[i].setAttribute('data-drawn',n);t+=n;}"
    "document.body.setAttribute('data-plots',p.length);"
    "document.body.setAttribute('data-bars-drawn',t);})();";

static void html_metadata(FILE *out, sqlite3_stmt *run)
{
    static const char *const labels[] = {"kind", "config", "config file", "status",
                                         "end reason", "program", "command", "vzsim version",
                                         "started", "finished"};
    fputs("<table class=\"meta\">\n", out);
    for (int i = 0; i < 10; i++) {
        fprintf(out, "<tr><th class=\"l\">%s</th><td class=\"l\">", labels[i]);
        if (sqlite3_column_type(run, 1 + i) == SQLITE_NULL)
            fputs("<i>none</i>", out);
        else
            esc(out, col_text(run, 1 + i));
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

/* Histogram of the round trips (total cycles, or instructions without cycles). */
static int html_histogram(FILE *out, sqlite3 *db, const char *path, int64_t run,
                          const char *scenario, char *err, size_t errlen)
{
    uint64_t *v;
    size_t n;
    const char *unit = "cycles";
    if (values(db, path, run, scenario, NULL, "total_cycles", &v, &n, err, errlen))
        return -1;
    if (n == 0) {
        unit = "instructions";
        if (values(db, path, run, scenario, NULL, "total_insns", &v, &n, err, errlen))
            return -1;
    }
    fprintf(out, "<h4>Round trips (total %s)</h4>\n", unit);
    if (n == 0) {
        fputs("<p>No exit with a re-entry.</p>\n", out);
        return 0;
    }
    uint64_t lo = v[0], hi = v[n - 1];
    uint64_t span = hi - lo + 1;
    unsigned bins = span < HIST_BINS ? (unsigned)span : HIST_BINS;
    uint64_t width = (span + bins - 1) / bins;
    bins = (unsigned)((span + width - 1) / width);
    size_t count[HIST_BINS] = {0}, maxc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)((v[i] - lo) / width);
        if (++count[b] > maxc)
            maxc = count[b];
    }
    unsigned nbars = 0;
    for (unsigned b = 0; b < bins; b++)
        nbars += count[b] > 0;
    const int W = 640, H = 220, L = 50, B = 40, T = 10, bw = (W - L - 10) / (int)bins;
    fprintf(out, "<svg class=\"plot histogram\" data-scenario=\"");
    esc(out, scenario);
    fprintf(out, "\" data-bars=\"%u\" data-exits=\"%zu\" width=\"%d\" height=\"%d\""
            " viewBox=\"0 0 %d %d\" role=\"img\">\n",
            nbars, n, W, H, W, H);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n", L, H - B,
            W - 10, H - B);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n", L, T, L,
            H - B);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%zu</text>\n", L - 4, T + 10, maxc);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", L - 4, H - B);
    for (unsigned b = 0; b < bins; b++) {
        uint64_t from = lo + b * width, to = from + width - 1;
        int x = L + (int)b * bw;
        if (count[b]) {
            int h = (int)((double)count[b] * (H - B - T) / (double)maxc);
            if (h < 1)
                h = 1;
            fprintf(out, "<rect class=\"bar\" data-count=\"%zu\" x=\"%d\" y=\"%d\" width=\"%d\""
                    " height=\"%d\" fill=\"#4e79a7\"><title>%" PRIu64 "-%" PRIu64 " %s: %zu"
                    " exits</title></rect>\n", count[b], x + 1, H - B - h, bw - 2, h, from, to,
                    unit, count[b]);
        }
        if (b == 0 || b + 1 == bins || bins <= 8)
            fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%" PRIu64 "</text>\n",
                    x + bw / 2, H - B + 14, from);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s (bins of %" PRIu64
            "), %zu exits</text>\n</svg>\n", L + (W - L) / 2, H - 8, unit, width, n);
    free(v);
    return 0;
}

/* Stacked bars of the mean components per reason (over the exits with a total, so
 * the segments add up to the mean round trip). */
static int html_stacked(FILE *out, sqlite3 *db, const char *path, int64_t run,
                        const char *scenario, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (vz_export_prepare(db, path,
                          "SELECT reason, COUNT(*), AVG(to_vector_cycles), AVG(to_handler_cycles),"
                          " AVG(handler_cycles), AVG(to_eret_cycles), AVG(eret_cycles),"
                          " AVG(total_cycles) FROM exits WHERE run_id = ?1 AND scenario IS ?2"
                          " AND total_cycles IS NOT NULL GROUP BY reason ORDER BY MIN(seq)",
                          &s, err, errlen))
        return -1;
    sqlite3_bind_int64(s, 1, run);
    if (scenario)
        sqlite3_bind_text(s, 2, scenario, -1, SQLITE_STATIC);
    typedef struct { char reason[64]; long long n; double c[NCOMP], total; } row;
    row rows[32];
    int nrows = 0, step;
    double maxt = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (nrows == 32) {
            snprintf(err, errlen, "%s: more than 32 exit reasons in one scenario", path);
            sqlite3_finalize(s);
            return -1;
        }
        row *r = &rows[nrows++];
        snprintf(r->reason, sizeof r->reason, "%s", col_text(s, 0));
        r->n = sqlite3_column_int64(s, 1);
        for (int c = 0; c < NCOMP; c++)
            r->c[c] = sqlite3_column_double(s, 2 + c);
        r->total = sqlite3_column_double(s, 7);
        if (r->total > maxt)
            maxt = r->total;
    }
    sqlite3_finalize(s);
    fputs("<h4>Mean components per exit reason (cycles)</h4>\n", out);
    if (nrows == 0) {
        fputs("<p>No exit with all components in cycles.</p>\n", out);
        return 0;
    }
    fputs("<p class=\"legend\">", out);
    for (int c = 0; c < NCOMP; c++)
        fprintf(out, "<span style=\"background:%s\"></span>%s", comp_colors[c], comps[c]);
    fputs("</p>\n", out);
    int nseg = 0;
    for (int i = 0; i < nrows; i++)
        for (int c = 0; c < NCOMP; c++)
            nseg += rows[i].c[c] > 0;
    const int L = 110, W = 640, bh = 22, gap = 8, R = 70;
    int H = nrows * (bh + gap) + gap + 20;
    fprintf(out, "<svg class=\"plot stacked\" data-scenario=\"");
    esc(out, scenario);
    fprintf(out, "\" data-bars=\"%d\" data-reasons=\"%d\" width=\"%d\" height=\"%d\""
            " viewBox=\"0 0 %d %d\" role=\"img\">\n",
            nseg, nrows, W, H, W, H);
    for (int i = 0; i < nrows; i++) {
        const row *r = &rows[i];
        int y = gap + i * (bh + gap);
        fprintf(out, "<g class=\"reason\" data-reason=\"");
        esc(out, r->reason);
        fprintf(out, "\"><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", L - 6, y + bh - 7);
        esc(out, r->reason);
        fputs("</text>\n", out);
        double x = L;
        for (int c = 0; c < NCOMP; c++) {
            if (r->c[c] <= 0)
                continue;
            double w = r->c[c] * (W - L - R) / maxt;
            fprintf(out, "<rect class=\"bar seg\" data-component=\"%s\" data-mean=\"%.2f\""
                    " x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>",
                    comps[c], r->c[c], x, y, w < 0.5 ? 0.5 : w, bh, comp_colors[c]);
            esc(out, r->reason);
            fprintf(out, " %s: mean %.1f cycles</title></rect>\n", comps[c], r->c[c]);
            x += w;
        }
        fprintf(out, "<text x=\"%.2f\" y=\"%d\">%.1f (%lld)</text></g>\n", x + 4, y + bh - 7,
                r->total, r->n);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\">mean cycles (number of exits)</text>\n</svg>\n", L,
            H - 6);
    return 0;
}

/* The latency table of one scenario: per reason, component and unit. */
static int html_table(FILE *out, sqlite3 *db, const char *path, int64_t run,
                      const char *scenario, char *err, size_t errlen)
{
    sqlite3_stmt *g;
    if (vz_export_prepare(db, path,
                          "SELECT reason, COUNT(*) FROM exits WHERE run_id = ?1 AND"
                          " scenario IS ?2 GROUP BY reason ORDER BY MIN(seq)", &g, err, errlen))
        return -1;
    sqlite3_bind_int64(g, 1, run);
    if (scenario)
        sqlite3_bind_text(g, 2, scenario, -1, SQLITE_STATIC);
    fputs("<h4>Latency by exit reason</h4>\n<table class=\"latency\">\n<tr><th class=\"l\">"
          "reason</th><th class=\"l\">exits</th><th class=\"l\">unit</th><th class=\"l\">"
          "component</th><th>count</th><th>min</th><th>median</th><th>p90</th><th>p99</th>"
          "<th>max</th></tr>\n", out);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(g)) == SQLITE_ROW) {
        const char *reason = col_text(g, 0);
        for (int u = 0; u < 2 && rc == 0; u++) {
            for (int c = 0; c <= NCOMP; c++) {
                char col[32];
                snprintf(col, sizeof col, "%s_%s", comps[c], u ? "insns" : "cycles");
                uint64_t *v;
                size_t n;
                if ((rc = values(db, path, run, scenario, reason, col, &v, &n, err, errlen)))
                    break;
                if (n == 0)
                    continue;
                fputs("<tr><td class=\"l\">", out);
                esc(out, reason);
                fprintf(out, "</td><td class=\"l\">%lld</td><td class=\"l\">%s</td>"
                        "<td class=\"l\">%s</td><td>%zu</td><td>%" PRIu64 "</td>",
                        sqlite3_column_int64(g, 1), u ? "instructions" : "cycles", comps[c], n,
                        v[0]);
                static const unsigned pct[3] = {50, 90, 99};
                for (int p = 0; p < 3; p++)
                    fprintf(out, "<td>%" PRIu64 "</td>", vz_trace_percentile(v, n, pct[p]));
                fprintf(out, "<td>%" PRIu64 "</td></tr>\n", v[n - 1]);
                free(v);
            }
        }
    }
    sqlite3_finalize(g);
    fputs("</table>\n", out);
    return rc;
}

/* The statistics of a run: a bar chart of the exits by reason per scenario (the
 * hypervisor's counters) and the whole table. */
static int html_statistics(FILE *out, sqlite3 *db, const char *path, int64_t run, char *err,
                           size_t errlen)
{
    sqlite3_stmt *s;
    if (vz_export_prepare(db, path,
                          "SELECT scenario, name, value, mode FROM statistics WHERE run_id = ?"
                          " ORDER BY rowid", &s, err, errlen))
        return -1;
    sqlite3_bind_int64(s, 1, run);
    /* the plot: statistics named exits.<reason> (not exits.total) with a value > 0 */
    double maxv = 0;
    int nbars = 0, step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = col_text(s, 1);
        if (name && !strncmp(name, "exits.", 6) && strcmp(name, "exits.total") &&
            sqlite3_column_double(s, 2) > 0) {
            nbars++;
            if (sqlite3_column_double(s, 2) > maxv)
                maxv = sqlite3_column_double(s, 2);
        }
    }
    fputs("<h3>Statistics</h3>\n", out);
    if (nbars) {
        const int L = 220, W = 640, bh = 14, gap = 4, R = 60;
        int H = nbars * (bh + gap) + gap + 20, i = 0;
        fprintf(out, "<h4>Exits by reason (hypervisor counters)</h4>\n<svg class=\"plot"
                " statistics\" data-bars=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                " %d\" role=\"img\">\n", nbars, W, H, W, H);
        sqlite3_reset(s);
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *name = col_text(s, 1);
            double v = sqlite3_column_double(s, 2);
            if (!name || strncmp(name, "exits.", 6) || !strcmp(name, "exits.total") || v <= 0)
                continue;
            int y = gap + i++ * (bh + gap);
            double w = v * (W - L - R) / maxv;
            fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", L - 6, y + bh - 3);
            esc(out, col_text(s, 0));
            fputs(" ", out);
            esc(out, name + 6);
            fprintf(out, "</text><rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.2f\""
                    " height=\"%d\" fill=\"#76b7b2\"><title>", L, y, w < 0.5 ? 0.5 : w, bh);
            esc(out, col_text(s, 0));
            fputs(" ", out);
            esc(out, name);
            fprintf(out, " = %g</title></rect><text x=\"%.2f\" y=\"%d\">%g</text>\n", v,
                    L + w + 4, y + bh - 3, v);
        }
        fprintf(out, "<text x=\"%d\" y=\"%d\">exits</text>\n</svg>\n", L, H - 6);
    }
    fputs("<table class=\"statistics\">\n<tr><th class=\"l\">scenario</th><th class=\"l\">name"
          "</th><th class=\"l\">mode</th><th>value</th></tr>\n", out);
    sqlite3_reset(s);
    int rows = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rows++;
        fputs("<tr><td class=\"l\">", out);
        esc(out, col_text(s, 0));
        fputs("</td><td class=\"l\">", out);
        esc(out, col_text(s, 1));
        fputs("</td><td class=\"l\">", out);
        esc(out, col_text(s, 3));
        fputs("</td><td>", out);
        esc(out, col_text(s, 2));
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
    if (!rows)
        fputs("<p>No statistics.</p>\n", out);
    sqlite3_finalize(s);
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

int vz_trace_report_html(const char *path, FILE *out, char *err, size_t errlen)
{
    sqlite3 *db = vz_export_open(path, err, errlen);
    if (!db)
        return -1;
    sqlite3_stmt *runs = NULL, *scen = NULL;
    int rc = -1, step;
    if (vz_export_prepare(db, path,
                          "SELECT id, kind, config_name, config_file, status, end_reason,"
                          " program, command, vzsim_version, started_at, finished_at"
                          " FROM runs ORDER BY id", &runs, err, errlen) ||
        vz_export_prepare(db, path,
                          "SELECT scenario FROM exits WHERE run_id = ? GROUP BY scenario"
                          " ORDER BY MIN(seq)", &scen, err, errlen))
        goto done;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>vzsim trace report: ", out);
    esc(out, path);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>vzsim trace report</h1>\n"
            "<p>Database <code>", style);
    esc(out, path);
    fputs("</code>. Percentiles are nearest-rank (always a value that occurred).</p>\n", out);
    while ((step = sqlite3_step(runs)) == SQLITE_ROW) {
        int64_t run = sqlite3_column_int64(runs, 0);
        fprintf(out, "<section class=\"run\" id=\"run-%" PRId64 "\">\n<h2>Run %" PRId64
                "</h2>\n", run, run);
        html_metadata(out, runs);
        sqlite3_reset(scen);
        sqlite3_bind_int64(scen, 1, run);
        int nscen = 0;
        while ((step = sqlite3_step(scen)) == SQLITE_ROW) {
            const char *sc = col_text(scen, 0);
            nscen++;
            fputs("<section class=\"scenario\">\n<h3>", out);
            if (sc) {
                fputs("Scenario ", out);
                esc(out, sc);
            } else {
                fputs("Program", out);
            }
            fputs("</h3>\n", out);
            if (html_histogram(out, db, path, run, sc, err, errlen) ||
                html_stacked(out, db, path, run, sc, err, errlen) ||
                html_table(out, db, path, run, sc, err, errlen))
                goto done;
            fputs("</section>\n", out);
        }
        if (step != SQLITE_DONE)
            break;
        if (!nscen)
            fputs("<p>No exits.</p>\n", out);
        if (html_statistics(out, db, path, run, err, errlen))
            goto done;
        fputs("</section>\n", out);
    }
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    fprintf(out, "<script>%s</script>\n</body>\n</html>\n", script);
    if (fflush(out) != 0 || ferror(out)) {
        snprintf(err, errlen, "write error");
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(runs);
    sqlite3_finalize(scen);
    sqlite3_close(db);
    return rc;
}
