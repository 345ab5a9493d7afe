/*
 * traces/export.c - the Kanata v4 and Chrome trace-event exports of a trace database
 * (docs/traces.md "Exports"; formats: shared/docs/timing-facts.md).
 */
#include "traces/export.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/isa/isa.h"
#include "traces/export_db.h"

/* ---------------- shared ---------------- */

_Static_assert(VZ_EXPORT_SCHEMA == VZ_TRACE_SCHEMA_VERSION,
               "the exports query the columns of the schema the writer writes");

sqlite3 *vz_export_open(const char *path, char *err, size_t errlen)
{
    return vz_trace_open_db(path, err, errlen);
}

int vz_export_prepare(sqlite3 *db, const char *path, const char *sql, sqlite3_stmt **s, char *err,
                      size_t errlen)
{
    if (sqlite3_prepare_v2(db, sql, -1, s, NULL) == SQLITE_OK)
        return 0;
    snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
    return -1;
}

int64_t vz_export_pick_run(sqlite3 *db, const char *path, int64_t run_id, char *err,
                           size_t errlen)
{
    sqlite3_stmt *s;
    if (vz_export_prepare(db, path,
                          run_id ? "SELECT id FROM runs WHERE id = ?"
                                 : "SELECT MAX(id) FROM runs", &s, err, errlen))
        return -1;
    if (run_id)
        sqlite3_bind_int64(s, 1, run_id);
    int64_t id = -1;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (id < 0) {
        if (run_id)
            snprintf(err, errlen, "%s: no run %" PRId64, path, run_id);
        else
            snprintf(err, errlen, "%s: the database holds no run", path);
    }
    return id;
}

void vz_export_json_str(FILE *f, const char *s)
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
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void vz_export_json_us(FILE *f, uint64_t cycles)
{
    fprintf(f, "%" PRIu64 ".%03u", cycles / 1000, (unsigned)(cycles % 1000));
}

/* ---------------- Kanata ---------------- */

const char *const vz_kanata_default_stages[VZ_KANATA_STAGES] = {
    "fetch", "decode", "issue", "execute", "memory", "commit",
};

/* A copy of the text between s and e with blanks trimmed, into out (n bytes). */
static void trimmed(const char *s, const char *e, char *out, size_t n)
{
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    size_t len = (size_t)(e - s) < n - 1 ? (size_t)(e - s) : n - 1;
    memcpy(out, s, len);
    out[len] = 0;
}

void vz_kanata_stage_names(const char *config_text, char buf[VZ_KANATA_STAGES][16],
                           const char *names[VZ_KANATA_STAGES])
{
    for (int i = 0; i < VZ_KANATA_STAGES; i++)
        names[i] = vz_kanata_default_stages[i];
    if (!config_text)
        return;
    char stages[32][16], issue[16] = "";
    int nstages = 0, in_core = 0;
    for (const char *line = config_text; *line;) {
        const char *eol = strchr(line, '\n');
        if (!eol)
            eol = line + strlen(line);
        char l[512];
        trimmed(line, eol, l, sizeof l);
        char *semi = strchr(l, ';');
        if (semi)
            *semi = 0;
        if (l[0] == '[') {
            in_core = strncmp(l, "[core]", 6) == 0;
        } else if (in_core && strchr(l, '=')) {
            char *eq = strchr(l, '=');
            char key[32];
            trimmed(l, eq, key, sizeof key);
            const char *v = eq + 1;
            if (!strcmp(key, "issue_stage")) {
                trimmed(v, v + strlen(v), issue, sizeof issue);
            } else if (!strcmp(key, "stages")) {
                nstages = 0;
                while (*v && nstages < 32) {
                    const char *c = strchr(v, ',');
                    if (!c)
                        c = v + strlen(v);
                    trimmed(v, c, stages[nstages], sizeof stages[0]);
                    if (stages[nstages][0])
                        nstages++;
                    v = *c ? c + 1 : c;
                }
            }
        }
        line = *eol ? eol + 1 : eol;
    }
    if (nstages == 0)
        return;
    static const char *const decode[] = {"ID", "DE", "DEC", "DECODE", NULL};
    static const char *const execute[] = {"EX", "EXE", "EXECUTE", NULL};
    static const char *const memory[] = {"MEM", "DC", "MEMORY", NULL};
    const char *const *cands[VZ_KANATA_STAGES] = {NULL, decode, NULL, execute, memory, NULL};
    const char *found[VZ_KANATA_STAGES] = {stages[0], NULL, NULL, NULL, NULL,
                                           stages[nstages - 1]};
    for (int k = 0; k < nstages; k++) {
        if (issue[0] && !strcasecmp(stages[k], issue))
            found[2] = stages[k];
        for (int i = 0; i < VZ_KANATA_STAGES; i++)
            for (int j = 0; cands[i] && cands[i][j] && !found[i]; j++)
                if (!strcasecmp(stages[k], cands[i][j]))
                    found[i] = stages[k];
    }
    for (int i = 0; i < VZ_KANATA_STAGES; i++) {
        if (!found[i])
            continue;
        snprintf(buf[i], sizeof buf[i], "%s", found[i]);
        names[i] = buf[i];
    }
}

typedef struct kanata_insn {
    uint64_t seq, pc;
    uint64_t t[VZ_KANATA_STAGES + 1];  /* stage entry times, then the end of commit */
    int nstages;                       /* stages with valid times (6, fewer if flushed) */
    int adjusted;                      /* t[] differs from the recorded times */
    uint64_t orig[VZ_KANATA_STAGES];   /* the recorded times */
    uint32_t word;
    int guest, exccode;
} kanata_insn;

typedef struct kanata_ev {
    uint64_t cycle;
    uint32_t id;    /* index of the instruction in the file */
    uint32_t sub;   /* order of the instruction's own events */
} kanata_ev;

struct vz_kanata {
    char names[VZ_KANATA_STAGES][16];
    kanata_insn *v;
    size_t n, cap;
};

vz_kanata *vz_kanata_new(const char *const stage_names[VZ_KANATA_STAGES])
{
    vz_kanata *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    for (int i = 0; i < VZ_KANATA_STAGES; i++) {
        const char *s = stage_names && stage_names[i] ? stage_names[i]
                                                      : vz_kanata_default_stages[i];
        /* a stage name is one Kanata field: no tabs or newlines */
        snprintf(k->names[i], sizeof k->names[i], "%s", s);
        for (char *c = k->names[i]; *c; c++)
            if (*c == '\t' || *c == '\n' || *c == '\r')
                *c = ' ';
    }
    return k;
}

size_t vz_kanata_count(const vz_kanata *k) { return k->n; }

void vz_kanata_free(vz_kanata *k)
{
    if (!k)
        return;
    free(k->v);
    free(k);
}

int vz_kanata_add(vz_kanata *k, const vz_trace_insn_rec *r, char *err, size_t errlen)
{
    kanata_insn in = {0};
    in.seq = r->seq;
    in.pc = r->pc;
    in.word = r->word;
    in.guest = r->guest;
    in.exccode = r->exccode;
    const uint64_t t[VZ_KANATA_STAGES] = {r->fetch, r->decode, r->issue,
                                          r->execute, r->memory, r->commit};
    memcpy(in.orig, t, sizeof t);
    in.nstages = VZ_KANATA_STAGES;
    for (int i = 0; i < VZ_KANATA_STAGES; i++) {
        in.t[i] = t[i];
        /* an instruction that raised an exception left the pipeline early: times
         * that go back are stages it did not reach */
        if (r->exccode >= 0 && i > 0 && t[i] < t[i - 1]) {
            in.nstages = i;
            break;
        }
    }
    /* a completed instruction's stage times that are not in order (a result ready
     * after the commit: the timing model's "complete" is not a stage entry) are
     * drawn no later than the next stage, so the commit stays where it was; the hover
     * label then shows the recorded times */
    for (int i = in.nstages - 2; i >= 0; i--) {
        if (in.t[i] > in.t[i + 1]) {
            in.t[i] = in.t[i + 1];
            in.adjusted = 1;
        }
    }
    in.t[in.nstages] = in.t[in.nstages - 1] + 1;  /* the last stage lasts one cycle */
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 1024;
        kanata_insn *v = realloc(k->v, cap * sizeof *v);
        if (!v) {
            snprintf(err, errlen, "out of memory at %zu instructions", k->n);
            return -1;
        }
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = in;
    return 0;
}

static int ev_cmp(const void *a, const void *b)
{
    const kanata_ev *x = a, *y = b;
    if (x->cycle != y->cycle)
        return x->cycle < y->cycle ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->sub < y->sub ? -1 : x->sub > y->sub;
}

/* Event sub-numbers of one instruction: 0 start and labels, 1+2s stage s starts,
 * 2+2s stage s ends, 2+2*6+1 retire or flush. */
#define KEV_RETIRE (2 * VZ_KANATA_STAGES + 1)

int vz_kanata_write(vz_kanata *k, FILE *out, char *err, size_t errlen)
{
    if (k->n > UINT32_MAX) {
        snprintf(err, errlen, "too many instructions (%zu)", k->n);
        return -1;
    }
    size_t nev = 0;
    kanata_ev *ev = malloc((k->n * (2 * VZ_KANATA_STAGES + 2) + 1) * sizeof *ev);
    if (!ev) {
        snprintf(err, errlen, "out of memory for %zu instructions", k->n);
        return -1;
    }
    for (size_t i = 0; i < k->n; i++) {
        const kanata_insn *in = &k->v[i];
        ev[nev++] = (kanata_ev){in->t[0], (uint32_t)i, 0};
        for (int s = 0; s < in->nstages; s++) {
            if (in->t[s + 1] == in->t[s])
                continue;                  /* a stage of zero cycles is not drawn */
            ev[nev++] = (kanata_ev){in->t[s], (uint32_t)i, 1 + 2 * (uint32_t)s};
            ev[nev++] = (kanata_ev){in->t[s + 1], (uint32_t)i, 2 + 2 * (uint32_t)s};
        }
        ev[nev++] = (kanata_ev){in->t[in->nstages], (uint32_t)i, KEV_RETIRE};
    }
    qsort(ev, nev, sizeof *ev, ev_cmp);
    fputs("Kanata\t0004\n", out);
    uint64_t now = nev ? ev[0].cycle : 0;
    fprintf(out, "C=\t%" PRIu64 "\n", now);
    vz_disasm_opts opts = {0};
    uint64_t retired = 0;
    for (size_t e = 0; e < nev; e++) {
        const kanata_insn *in = &k->v[ev[e].id];
        uint32_t id = ev[e].id, sub = ev[e].sub;
        if (ev[e].cycle > now) {
            fprintf(out, "C\t%" PRIu64 "\n", ev[e].cycle - now);
            now = ev[e].cycle;
        }
        if (sub == 0) {
            char text[128];
            vz_disasm(in->word, in->pc, &opts, text, sizeof text);
            for (char *c = text; *c; c++)
                if (*c == '\t')
                    *c = ' ';
            fprintf(out, "I\t%" PRIu32 "\t%" PRIu64 "\t0\n", id, in->seq);
            fprintf(out, "L\t%" PRIu32 "\t0\t%016" PRIx64 ": %s\n", id, in->pc, text);
            fprintf(out, "L\t%" PRIu32 "\t1\tseq %" PRIu64 ", %s mode, word %08" PRIx32, id,
                    in->seq, in->guest ? "guest" : "root", in->word);
            if (in->exccode >= 0)
                fprintf(out, ", exception %d (flushed)", in->exccode);
            if (in->adjusted) {
                fputs(", stage times out of order as recorded:", out);
                for (int s = 0; s < VZ_KANATA_STAGES; s++)
                    fprintf(out, " %s %" PRIu64, k->names[s], in->orig[s]);
            }
            fputc('\n', out);
        } else if (sub == KEV_RETIRE) {
            /* the retire id counts the instructions retired (not flushed) before */
            fprintf(out, "R\t%" PRIu32 "\t%" PRIu64 "\t%d\n", id, retired,
                    in->exccode >= 0 ? 1 : 0);
            retired += in->exccode < 0;
        } else {
            unsigned s = (sub - 1) / 2;
            fprintf(out, "%c\t%" PRIu32 "\t0\t%s\n", (sub & 1) ? 'S' : 'E', id, k->names[s]);
        }
    }
    free(ev);
    if (fflush(out) != 0 || ferror(out)) {
        snprintf(err, errlen, "write error: %s", strerror(errno));
        return -1;
    }
    return 0;
}

struct kanata_reader {
    vz_kanata *k;
    char scenario[128];
    int have_scenario, several;
    char *err;
    size_t errlen;
    int failed;
};

static int kanata_take(void *opaque, const vz_trace_insn_rec *r)
{
    struct kanata_reader *kr = opaque;
    const char *sc = r->scenario ? r->scenario : "";
    if (!kr->have_scenario) {
        snprintf(kr->scenario, sizeof kr->scenario, "%s", sc);
        kr->have_scenario = 1;
    } else if (strcmp(kr->scenario, sc) != 0) {
        kr->several = 1;    /* cycles restart per scenario: one scenario at a time */
        return 1;
    }
    if (vz_kanata_count(kr->k) >= VZ_KANATA_MAX_INSNS) {
        snprintf(kr->err, kr->errlen,
                 "more than %d instructions in the window: choose a smaller --window",
                 VZ_KANATA_MAX_INSNS);
        kr->failed = 1;
        return 1;
    }
    if (vz_kanata_add(kr->k, r, kr->err, kr->errlen) != 0) {
        kr->failed = 1;
        return 1;
    }
    return 0;
}

int vz_export_kanata(const char *path, const vz_kanata_select *sel, FILE *out, char *err,
                     size_t errlen)
{
    sqlite3 *db = vz_export_open(path, err, errlen);
    if (!db)
        return -1;
    int rc = -1;
    vz_kanata *k = NULL;
    sqlite3_stmt *s = NULL;
    char stage_buf[VZ_KANATA_STAGES][16];
    const char *names[VZ_KANATA_STAGES];
    uint64_t from = sel->from, to = sel->to;
    char scenario[128] = "";
    int have_scenario = sel->scenario != NULL;
    if (sel->scenario)
        snprintf(scenario, sizeof scenario, "%s", sel->scenario);
    int64_t run = vz_export_pick_run(db, path, sel->run_id, err, errlen);
    if (run < 0)
        goto done;
    if (vz_export_prepare(db, path, "SELECT config_text FROM runs WHERE id = ?", &s, err,
                          errlen))
        goto done;
    sqlite3_bind_int64(s, 1, run);
    vz_kanata_stage_names(sqlite3_step(s) == SQLITE_ROW
                              ? (const char *)sqlite3_column_text(s, 0) : NULL,
                          stage_buf, names);
    k = vz_kanata_new(names);  /* copies the names before s is finalized */
    sqlite3_finalize(s);
    s = NULL;
    if (!k) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (sel->by_exit) {
        if (vz_export_prepare(db, path,
                              "SELECT scenario, start_cycle, total_cycles, to_vector_cycles,"
                              " to_handler_cycles, handler_cycles, to_eret_cycles"
                              " FROM exits WHERE run_id = ? AND seq = ?"
                              " AND (?3 IS NULL OR scenario = ?3)", &s, err, errlen))
            goto done;
        sqlite3_bind_int64(s, 1, run);
        sqlite3_bind_int64(s, 2, sel->exit_seq);
        if (sel->scenario)
            sqlite3_bind_text(s, 3, sel->scenario, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_ROW) {
            snprintf(err, errlen, "%s: run %" PRId64 " has no exit %" PRId64 "%s%s", path, run,
                     sel->exit_seq, sel->scenario ? " in scenario " : "",
                     sel->scenario ? sel->scenario : "");
            goto done;
        }
        if (sqlite3_column_type(s, 1) == SQLITE_NULL) {
            snprintf(err, errlen, "%s: exit %" PRId64 " has no start cycle (a functional-mode"
                     " run, or no guest instruction preceded it)", path, sel->exit_seq);
            goto done;
        }
        if (sqlite3_column_type(s, 0) != SQLITE_NULL) {
            snprintf(scenario, sizeof scenario, "%s", (const char *)sqlite3_column_text(s, 0));
            have_scenario = 1;
        }
        uint64_t start = (uint64_t)sqlite3_column_int64(s, 1), len = 0;
        if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
            len = (uint64_t)sqlite3_column_int64(s, 2);
        } else {  /* no re-entry: up to the known components */
            for (int c = 3; c <= 6 && sqlite3_column_type(s, c) != SQLITE_NULL; c++)
                len += (uint64_t)sqlite3_column_int64(s, c);
        }
        from = start > sel->around ? start - sel->around : 0;
        to = start + len + sel->around;
        sqlite3_finalize(s);
        s = NULL;
    }
    struct kanata_reader kr = {.k = k, .err = err, .errlen = errlen};
    if (vz_trace_read_insns(path, run, have_scenario ? scenario : NULL, from, to, kanata_take,
                            &kr, err, errlen) != 0)
        goto done;
    if (kr.failed)
        goto done;
    if (kr.several) {
        snprintf(err, errlen, "%s: the window holds instructions of several scenarios;"
                 " name one with --scenario", path);
        goto done;
    }
    if (vz_kanata_count(k) == 0) {
        snprintf(err, errlen, "%s: run %" PRId64 "%s%s has no traced instruction fetched in"
                 " cycles %" PRIu64 "..%" PRIu64 " (traced with --trace-insns?)", path, run,
                 have_scenario ? ", scenario " : "", have_scenario ? scenario : "", from, to);
        goto done;
    }
    rc = vz_kanata_write(k, out, err, errlen);
done:
    sqlite3_finalize(s);
    vz_kanata_free(k);
    sqlite3_close(db);
    return rc;
}

/* ---------------- Chrome trace events ---------------- */

enum { TID_GUEST = 1, TID_ROOT = 2, TID_EXITS = 3 };
static const char *const comp_names[5] = {"to_vector", "to_handler", "handler", "to_eret", "eret"};

/* One scenario's process: its name, the reasons seen (for the counter), the end of
 * the last mode span. */
typedef struct pf_proc {
    char *scenario;
    int pid;
    char **reasons;
    uint64_t *counts;
    size_t nreasons;
    uint64_t mode_end;     /* the cycle the current mode span began */
    int in_guest;          /* mode since mode_end */
    int mode_known;        /* a mode span has begun */
    uint64_t exits_end;    /* end of the last exit slice */
    char root_name[96];    /* name of the current root span */
} pf_proc;

typedef struct pf_state {
    FILE *out;
    int first;             /* no event written yet */
    pf_proc *procs;
    size_t nprocs;
} pf_state;

static void pf_sep(pf_state *st)
{
    fputs(st->first ? "\n" : ",\n", st->out);
    st->first = 0;
}

static void pf_meta(pf_state *st, int pid, int tid, const char *what, const char *name)
{
    pf_sep(st);
    fprintf(st->out, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"%s\",\"args\":{\"name\":",
            pid, tid, what);
    vz_export_json_str(st->out, name);
    fputs("}}", st->out);
}

/* A complete slice [from, to) on (pid, tid). */
static void pf_slice(pf_state *st, int pid, int tid, const char *cat, const char *name,
                     uint64_t from, uint64_t to)
{
    pf_sep(st);
    fprintf(st->out, "{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"cat\":\"%s\",\"name\":", pid, tid,
            cat);
    vz_export_json_str(st->out, name);
    fputs(",\"ts\":", st->out);
    vz_export_json_us(st->out, from);
    fputs(",\"dur\":", st->out);
    vz_export_json_us(st->out, to - from);
}

static pf_proc *pf_find(pf_state *st, const char *scenario)
{
    for (size_t i = 0; i < st->nprocs; i++)
        if (!strcmp(st->procs[i].scenario, scenario ? scenario : ""))
            return &st->procs[i];
    return NULL;
}

static pf_proc *pf_add(pf_state *st, const char *scenario)
{
    pf_proc *v = realloc(st->procs, (st->nprocs + 1) * sizeof *v);
    if (!v)
        return NULL;
    st->procs = v;
    pf_proc *p = &v[st->nprocs];
    memset(p, 0, sizeof *p);
    p->scenario = strdup(scenario ? scenario : "");
    if (!p->scenario)
        return NULL;
    p->pid = (int)++st->nprocs;
    snprintf(p->root_name, sizeof p->root_name, "root");
    return p;
}

static void pf_mode_switch(pf_state *st, pf_proc *p, uint64_t at, int to_guest);

/* The process of a scenario, made (with its metadata events) on first use: root
 * from cycle 0 until the scenario's first guest event (firsts: scenario, cycle), when
 * the events table has one; else its mode spans begin with its first exit. NULL when
 * out of memory. */
static pf_proc *pf_get(pf_state *st, const char *sc, sqlite3_stmt *firsts)
{
    pf_proc *p = pf_find(st, sc);
    if (p)
        return p;
    if (!(p = pf_add(st, sc)))
        return NULL;
    pf_meta(st, p->pid, 0, "process_name", sc && sc[0] ? sc : "program");
    pf_meta(st, p->pid, TID_GUEST, "thread_name", "guest");
    pf_meta(st, p->pid, TID_ROOT, "thread_name", "root");
    pf_meta(st, p->pid, TID_EXITS, "thread_name", "exits");
    sqlite3_reset(firsts);
    while (sqlite3_step(firsts) == SQLITE_ROW)
        if (!strcmp((const char *)sqlite3_column_text(firsts, 0), p->scenario) &&
            sqlite3_column_type(firsts, 1) != SQLITE_NULL) {
            p->mode_known = 1;
            pf_mode_switch(st, p, (uint64_t)sqlite3_column_int64(firsts, 1), 1);
        }
    return p;
}

/* Ends the current mode span at cycle `at` (drawn when it is not empty) and starts
 * one of the other mode (to_guest), or of the same mode when the caller says so. */
static void pf_mode_switch(pf_state *st, pf_proc *p, uint64_t at, int to_guest)
{
    if (at < p->mode_end)
        return;
    if (at > p->mode_end) {
        pf_slice(st, p->pid, p->in_guest ? TID_GUEST : TID_ROOT, "mode",
                 p->in_guest ? "guest" : p->root_name, p->mode_end, at);
        fputs("}", st->out);
    }
    p->mode_end = at;
    p->in_guest = to_guest;
}

int vz_export_perfetto(const char *path, int64_t run_id, FILE *out, char *err, size_t errlen)
{
    sqlite3 *db = vz_export_open(path, err, errlen);
    if (!db)
        return -1;
    int rc = -1;
    pf_state st = {.out = out, .first = 1};
    sqlite3_stmt *runq = NULL, *exits = NULL, *evs = NULL, *ends = NULL, *firsts = NULL;
    int64_t run = vz_export_pick_run(db, path, run_id, err, errlen);
    if (run < 0)
        goto done;
    if (vz_export_prepare(db, path,
                          "SELECT config_name, program, status, end_reason, kind FROM runs"
                          " WHERE id = ?", &runq, err, errlen) ||
        vz_export_prepare(db, path,
                          "SELECT COALESCE(scenario, ''), seq, reason, start_cycle,"
                          " to_vector_cycles, to_handler_cycles, handler_cycles,"
                          " to_eret_cycles, eret_cycles, total_cycles, exccode, gexccode,"
                          " guest_pc, total_insns FROM exits WHERE run_id = ?"
                          " ORDER BY seq", &exits, err, errlen) ||
        vz_export_prepare(db, path,
                          "SELECT COALESCE(scenario, ''), seq, cycle, insn, kind, mode, pc,"
                          " exccode, gexccode, detail FROM events WHERE run_id = ?"
                          " ORDER BY seq", &evs, err, errlen) ||
        /* the first guest event of each scenario starts its first guest span */
        vz_export_prepare(db, path,
                          "SELECT COALESCE(scenario, ''), MIN(cycle) FROM events WHERE"
                          " run_id = ? AND (mode = 'guest' OR kind = 'entry')"
                          " GROUP BY 1", &firsts, err, errlen) ||
        vz_export_prepare(db, path,
                          "SELECT COALESCE(scenario, ''), MAX(value) FROM statistics WHERE"
                          " run_id = ? AND name = 'cycles' GROUP BY 1", &ends, err, errlen))
        goto done;
    sqlite3_bind_int64(runq, 1, run);
    sqlite3_bind_int64(exits, 1, run);
    sqlite3_bind_int64(evs, 1, run);
    sqlite3_bind_int64(firsts, 1, run);
    sqlite3_bind_int64(ends, 1, run);
    if (sqlite3_step(runq) != SQLITE_ROW) {
        snprintf(err, errlen, "%s: no run %" PRId64, path, run);
        goto done;
    }
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"clock\":"
          "\"1 cycle = 1 ns (1 GHz); ts and dur in microseconds\",\"config\":", out);
    vz_export_json_str(out, (const char *)sqlite3_column_text(runq, 0));
    fputs(",\"program\":", out);
    vz_export_json_str(out, (const char *)sqlite3_column_text(runq, 1));
    fputs(",\"status\":", out);
    vz_export_json_str(out, (const char *)sqlite3_column_text(runq, 2));
    fputs(",\"end_reason\":", out);
    vz_export_json_str(out, (const char *)sqlite3_column_text(runq, 3));
    fprintf(out, ",\"run\":%" PRId64 "},\"traceEvents\":[", run);

    int step;
    int any_cycles = 0, any_exit = 0;
    while ((step = sqlite3_step(exits)) == SQLITE_ROW) {
        const char *sc = (const char *)sqlite3_column_text(exits, 0);
        const char *reason = (const char *)sqlite3_column_text(exits, 2);
        int64_t seq = sqlite3_column_int64(exits, 1);
        any_exit = 1;
        pf_proc *p = pf_get(&st, sc, firsts);
        if (!p) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        size_t r;
        for (r = 0; r < p->nreasons && strcmp(p->reasons[r], reason); r++)
            ;
        if (r == p->nreasons) {
            char **rv = realloc(p->reasons, (r + 1) * sizeof *rv);
            uint64_t *cv = rv ? realloc(p->counts, (r + 1) * sizeof *cv) : NULL;
            if (rv)
                p->reasons = rv;
            if (cv)
                p->counts = cv;
            if (!rv || !cv || !(p->reasons[r] = strdup(reason))) {
                snprintf(err, errlen, "out of memory");
                goto done;
            }
            p->counts[r] = 0;
            p->nreasons++;
        }
        p->counts[r]++;
        if (sqlite3_column_type(exits, 3) == SQLITE_NULL ||
            sqlite3_column_type(exits, 4) == SQLITE_NULL)
            continue;    /* no cycles (functional mode), or no guest instruction before */
        any_cycles = 1;
        uint64_t start = (uint64_t)sqlite3_column_int64(exits, 3);
        uint64_t comp[5], len = 0;
        int known = 0;
        while (known < 5 && sqlite3_column_type(exits, 4 + known) != SQLITE_NULL) {
            int64_t c = sqlite3_column_int64(exits, 4 + known);
            if (c < 0) {
                snprintf(err, errlen, "%s: exit %" PRId64 ": negative %s_cycles %" PRId64,
                         path, seq, comp_names[known], c);
                goto done;
            }
            comp[known] = (uint64_t)c;
            len += comp[known++];
        }
        int total_known = sqlite3_column_type(exits, 9) != SQLITE_NULL;
        if (total_known && (known != 5 || (uint64_t)sqlite3_column_int64(exits, 9) != len)) {
            snprintf(err, errlen, "%s: exit %" PRId64 ": total_cycles %" PRId64
                     " is not the sum of its components (%" PRIu64 ")", path, seq,
                     (int64_t)sqlite3_column_int64(exits, 9), len);
            goto done;
        }
        if (!p->mode_known) {
            p->mode_known = 1;
            p->mode_end = start;
            p->in_guest = 1;
        }
        if (start < p->exits_end) {
            snprintf(err, errlen, "%s: exit %" PRId64 " starts at cycle %" PRIu64
                     ", before the previous exit of its scenario ended (%" PRIu64 ")", path,
                     seq, start, p->exits_end);
            goto done;
        }
        p->exits_end = start + len;
        /* the counter of exits by reason, at the exit's start */
        pf_sep(&st);
        fprintf(out, "{\"ph\":\"C\",\"pid\":%d,\"tid\":%d,\"name\":\"exits by reason\",\"ts\":",
                p->pid, TID_EXITS);
        vz_export_json_us(out, start);
        fputs(",\"args\":{", out);
        for (size_t i = 0; i < p->nreasons; i++) {
            vz_export_json_str(out, p->reasons[i]);
            fprintf(out, ":%" PRIu64, p->counts[i]);
            if (i + 1 < p->nreasons)
                fputc(',', out);
        }
        fputs("}}", out);
        /* the exit and its components, which tile it */
        pf_slice(&st, p->pid, TID_EXITS, "exit", reason, start, start + len);
        fprintf(out, ",\"args\":{\"seq\":%" PRId64 ",\"exccode\":%d", seq,
                sqlite3_column_int(exits, 10));
        if (sqlite3_column_type(exits, 11) != SQLITE_NULL)
            fprintf(out, ",\"gexccode\":%d", sqlite3_column_int(exits, 11));
        if (sqlite3_column_type(exits, 12) != SQLITE_NULL)
            fprintf(out, ",\"guest_pc\":\"%016" PRIx64 "\"",
                    (uint64_t)sqlite3_column_int64(exits, 12));
        for (int c = 0; c < known; c++)
            fprintf(out, ",\"%s\":%" PRIu64, comp_names[c], comp[c]);
        if (total_known)
            fprintf(out, ",\"total_cycles\":%" PRIu64, len);
        else
            fputs(",\"reentry\":false", out);
        if (sqlite3_column_type(exits, 13) != SQLITE_NULL)
            fprintf(out, ",\"total_insns\":%" PRId64, (int64_t)sqlite3_column_int64(exits, 13));
        fputs("}}", out);
        /* a component of zero cycles has no slice (Perfetto would nest it in its
         * neighbour at the same time stamp); the exit's args give all five */
        uint64_t at = start;
        for (int c = 0; c < known; c++) {
            if (comp[c]) {
                pf_slice(&st, p->pid, TID_EXITS, "component", comp_names[c], at, at + comp[c]);
                fputs("}", out);
            }
            at += comp[c];
        }
        /* guest until the first vector instruction, root until the guest instruction
         * after re-entry has completed */
        pf_mode_switch(&st, p, start + comp[0], 0);
        snprintf(p->root_name, sizeof p->root_name, "root: %s exit", reason);
        if (total_known)
            pf_mode_switch(&st, p, start + len, 1);
    }
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    if (any_exit && !any_cycles) {
        snprintf(err, errlen, "%s: run %" PRId64 " has no cycle counts (a functional-mode run):"
                 " trace a run with a timing config", path, run);
        goto done;
    }
    /* each scenario's last mode span runs to its end (statistic 'cycles'); a run
     * without exits is root (or guest from its first guest event) to its end */
    while ((step = sqlite3_step(ends)) == SQLITE_ROW) {
        if (sqlite3_column_type(ends, 1) == SQLITE_NULL || sqlite3_column_int64(ends, 1) <= 0)
            continue;
        pf_proc *p = pf_get(&st, (const char *)sqlite3_column_text(ends, 0), firsts);
        if (!p) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        any_cycles = 1;
        pf_mode_switch(&st, p, (uint64_t)sqlite3_column_int64(ends, 1), !p->in_guest);
    }
    /* the events table as instants on the track of their mode */
    while ((step = sqlite3_step(evs)) == SQLITE_ROW) {
        if (sqlite3_column_type(evs, 2) == SQLITE_NULL)
            continue;    /* functional mode */
        pf_proc *p = pf_get(&st, (const char *)sqlite3_column_text(evs, 0), firsts);
        if (!p) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        const char *mode = (const char *)sqlite3_column_text(evs, 5);
        pf_sep(&st);
        fprintf(out, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":%d,\"tid\":%d,\"cat\":\"event\",\"name\":",
                p->pid, mode && !strcmp(mode, "guest") ? TID_GUEST : TID_ROOT);
        vz_export_json_str(out, (const char *)sqlite3_column_text(evs, 4));
        fputs(",\"ts\":", out);
        vz_export_json_us(out, (uint64_t)sqlite3_column_int64(evs, 2));
        fprintf(out, ",\"args\":{\"seq\":%" PRId64 ",\"insn\":%" PRId64,
                (int64_t)sqlite3_column_int64(evs, 1), (int64_t)sqlite3_column_int64(evs, 3));
        if (sqlite3_column_type(evs, 6) != SQLITE_NULL)
            fprintf(out, ",\"pc\":\"%016" PRIx64 "\"", (uint64_t)sqlite3_column_int64(evs, 6));
        if (sqlite3_column_type(evs, 7) != SQLITE_NULL)
            fprintf(out, ",\"exccode\":%d", sqlite3_column_int(evs, 7));
        if (sqlite3_column_type(evs, 8) != SQLITE_NULL)
            fprintf(out, ",\"gexccode\":%d", sqlite3_column_int(evs, 8));
        if (sqlite3_column_type(evs, 9) != SQLITE_NULL) {
            fputs(",\"detail\":", out);
            vz_export_json_str(out, (const char *)sqlite3_column_text(evs, 9));
        }
        fputs("}}", out);
    }
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        goto done;
    }
    if (!any_cycles) {
        snprintf(err, errlen, "%s: run %" PRId64 " has no cycle counts (a functional-mode run?):"
                 " trace a run with a timing config", path, run);
        goto done;
    }
    fputs("\n]}\n", out);
    if (fflush(out) != 0 || ferror(out)) {
        snprintf(err, errlen, "write error: %s", strerror(errno));
        goto done;
    }
    rc = 0;
done:
    for (size_t i = 0; i < st.nprocs; i++) {
        for (size_t r = 0; r < st.procs[i].nreasons; r++)
            free(st.procs[i].reasons[r]);
        free(st.procs[i].reasons);
        free(st.procs[i].counts);
        free(st.procs[i].scenario);
    }
    free(st.procs);
    sqlite3_finalize(runq);
    sqlite3_finalize(exits);
    sqlite3_finalize(evs);
    sqlite3_finalize(firsts);
    sqlite3_finalize(ends);
    sqlite3_close(db);
    return rc;
}
