/*
 * sim/timing/config.c - timing configuration: built-in defaults, INI loading with
 * libinih (errors name file and line), consistency checks and printing.
 */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/timing/timing.h"

/* INI key of each op class in [latency] / [interval]; NULL: set from [privileged]. */
static const char *const class_key[VZ_OC_COUNT] = {
    [VZ_OC_NOP] = "nop", [VZ_OC_ALU] = "alu", [VZ_OC_SHIFT] = "shift",
    [VZ_OC_MUL] = "mul", [VZ_OC_DIV] = "div", [VZ_OC_LOAD] = "load",
    [VZ_OC_STORE] = "store", [VZ_OC_BRANCH] = "branch", [VZ_OC_JUMP] = "jump",
    [VZ_OC_CP0] = "cp0", [VZ_OC_TLB] = "tlb", [VZ_OC_CACHE] = "cache",
    [VZ_OC_SYNC] = "sync", [VZ_OC_ERET] = NULL, [VZ_OC_EHB] = NULL, [VZ_OC_WAIT] = NULL,
    [VZ_OC_TRAP] = "trap", [VZ_OC_SYS] = "sys", [VZ_OC_RESERVED] = "reserved",
};
static const char *const unit_key[VZ_UNIT_COUNT] = { "alu", "lsu", "mdu", "ctu" };
static const char *const bp_name[] = { "static", "bimodal", "gshare" };

void vz_timing_config_default(vz_timing_config *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->name, "classic5");
    static const char *const st[] = { "IF", "ID", "EX", "MEM", "WB" };
    c->depth = 5;
    for (unsigned i = 0; i < 5; i++)
        strcpy(c->stages[i], st[i]);
    c->issue_stage = 1;
    c->issue_width = 1;
    c->decode_stage = 1;
    c->execute_stage = 2;
    c->memory_stage = 3;
    for (int u = 0; u < VZ_UNIT_COUNT; u++)
        c->units[u] = 1;
    for (int k = 0; k < VZ_OC_COUNT; k++) {
        c->latency[k] = 1;
        c->interval[k] = 1;
    }
    c->latency[VZ_OC_LOAD] = 2;
    c->latency[VZ_OC_MUL] = 4;
    c->latency[VZ_OC_DIV] = 20;
    c->interval[VZ_OC_DIV] = 20;
    c->predictor = VZ_BP_STATIC;
    c->bht_entries = 512;
    c->history_bits = 8;
    c->btb_entries = 0;
    c->ras_entries = 0;
    c->mispredict_penalty = 2;
    c->btb_miss_penalty = 0;
    c->l1i = (vz_cache_config){ 8192, 2, 32, 0 };
    c->l1d = (vz_cache_config){ 8192, 2, 32, 0 };
    c->l2 = (vz_cache_config){ 0, 1, 32, 0 };
    c->mem_latency = 20;
    c->uncached_latency = 20;
    c->itlb_entries = 4;
    c->dtlb_entries = 4;
    c->utlb_miss_penalty = 2;
    c->guest_utlb_miss_extra = 2;
    c->exception_entry = 4;
    c->guest_exit_extra = 0;
    c->eret = 4;
    c->eret_to_guest = 4;
    c->ehb = 3;
    c->cp0_write_to_use = 3;
    c->wait = 1;
    c->hostcall = 0;
}

typedef struct load_ctx {
    vz_timing_config *c;
    char msg[200];
    int failed;
    unsigned explicit_stages;   /* bit 0 decode, 1 execute, 2 memory: set in this file */
} load_ctx;

/* [core] keys naming the stages reported as decode, execute and memory. */
static const char *const stage_key[3] = { "decode_stage", "execute_stage", "memory_stage" };

static unsigned *stage_field(vz_timing_config *c, int i)
{
    return i == 0 ? &c->decode_stage : i == 1 ? &c->execute_stage : &c->memory_stage;
}

static unsigned stage_get(const vz_timing_config *c, int i)
{
    return i == 0 ? c->decode_stage : i == 1 ? c->execute_stage : c->memory_stage;
}

static int stage_index(const vz_timing_config *c, const char *name)
{
    for (unsigned i = 0; i < c->depth; i++)
        if (!strcmp(c->stages[i], name))
            return (int)i;
    return -1;
}

/* Defaults of the stage keys not given explicitly: the stage named ID / EX / MEM,
 * else the stage after fetch (at most the issue stage), the stage after issue and
 * the stage after execute (at most the last stage). */
static void default_stage_keys(vz_timing_config *c, unsigned explicit_mask)
{
    static const char *const common[3] = { "ID", "EX", "MEM" };
    for (int i = 0; i < 3; i++) {
        if (explicit_mask & (1u << i))
            continue;
        int k = stage_index(c, common[i]);
        unsigned v;
        if (i == 0)
            v = k >= 0 && (unsigned)k <= c->issue_stage ? (unsigned)k
                                                         : (c->issue_stage ? 1 : 0);
        else {
            unsigned lo = i == 1 ? c->issue_stage : c->execute_stage;
            v = k >= 0 && (unsigned)k >= lo ? (unsigned)k
                                            : (lo + 1 < c->depth ? lo + 1 : c->depth - 1);
        }
        *stage_field(c, i) = v;
    }
}

/* decode_stage <= issue_stage <= execute_stage <= memory_stage < depth */
static int stage_order_error(const vz_timing_config *c, char *err, size_t len)
{
    if (c->decode_stage > c->issue_stage || c->execute_stage < c->issue_stage ||
        c->memory_stage < c->execute_stage || c->memory_stage >= c->depth) {
        snprintf(err, len, "[core]: need decode_stage <= issue_stage <= execute_stage <= "
                 "memory_stage (stages %s, %s, %s, %s)",
                 c->decode_stage < c->depth ? c->stages[c->decode_stage] : "?",
                 c->issue_stage < c->depth ? c->stages[c->issue_stage] : "?",
                 c->execute_stage < c->depth ? c->stages[c->execute_stage] : "?",
                 c->memory_stage < c->depth ? c->stages[c->memory_stage] : "?");
        return -1;
    }
    return 0;
}

static int fail(load_ctx *x, const char *fmt, ...)
{
    if (!x->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(x->msg, sizeof x->msg, fmt, ap);
        va_end(ap);
        x->failed = 1;
    }
    return 0;
}

static int parse_uint(const char *v, unsigned long max, unsigned *out)
{
    if (!*v || *v == '-' || *v == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 0);
    if (errno || *end || n > max)
        return -1;
    *out = (unsigned)n;
    return 0;
}

/* Map of the numeric keys: section, key, field, maximum. */
typedef struct num_key {
    const char *sec, *key;
    size_t off;
    unsigned long max;
} num_key;
#define F(field) offsetof(vz_timing_config, field)
static const num_key num_keys[] = {
    { "core", "issue_width", F(issue_width), 2 },
    { "branch", "bht_entries", F(bht_entries), 1u << 20 },
    { "branch", "history_bits", F(history_bits), 20 },
    { "branch", "btb_entries", F(btb_entries), 1u << 16 },
    { "branch", "ras_entries", F(ras_entries), 64 },
    { "branch", "mispredict_penalty", F(mispredict_penalty), 10000 },
    { "branch", "btb_miss_penalty", F(btb_miss_penalty), 10000 },
    { "l1i", "size", F(l1i.size), 1u << 30 },
    { "l1i", "assoc", F(l1i.assoc), 64 },
    { "l1i", "line", F(l1i.line), 4096 },
    { "l1d", "size", F(l1d.size), 1u << 30 },
    { "l1d", "assoc", F(l1d.assoc), 64 },
    { "l1d", "line", F(l1d.line), 4096 },
    { "l2", "size", F(l2.size), 1u << 30 },
    { "l2", "assoc", F(l2.assoc), 64 },
    { "l2", "line", F(l2.line), 4096 },
    { "l2", "latency", F(l2.latency), 100000 },
    { "memory", "latency", F(mem_latency), 100000 },
    { "memory", "uncached_latency", F(uncached_latency), 100000 },
    { "tlb", "itlb_entries", F(itlb_entries), 64 },
    { "tlb", "dtlb_entries", F(dtlb_entries), 64 },
    { "tlb", "utlb_miss_penalty", F(utlb_miss_penalty), 100000 },
    { "tlb", "guest_utlb_miss_extra", F(guest_utlb_miss_extra), 100000 },
    { "privileged", "exception_entry", F(exception_entry), 100000 },
    { "privileged", "guest_exit_extra", F(guest_exit_extra), 100000 },
    { "privileged", "eret", F(eret), 100000 },
    { "privileged", "eret_to_guest", F(eret_to_guest), 100000 },
    { "privileged", "ehb", F(ehb), 100000 },
    { "privileged", "cp0_write_to_use", F(cp0_write_to_use), 100000 },
    { "privileged", "wait", F(wait), 100000 },
    { "privileged", "hostcall", F(hostcall), 100000000 },
};
#undef F

static int handler(void *user, const char *sec, const char *key, const char *val)
{
    load_ctx *x = user;
    vz_timing_config *c = x->c;
    if (x->failed)
        return 1;   /* report only the first error (its line is ini_parse's result) */
    if (!strcmp(sec, "core") && !strcmp(key, "name")) {
        if (strlen(val) >= sizeof c->name)
            return fail(x, "name too long");
        strcpy(c->name, val);
        return 1;
    }
    if (!strcmp(sec, "core") && !strcmp(key, "stages")) {
        unsigned n = 0;
        const char *p = val;
        while (*p) {
            while (*p == ' ' || *p == ',')
                p++;
            if (!*p)
                break;
            size_t len = strcspn(p, " ,");
            if (n == VZ_TIMING_MAX_STAGES)
                return fail(x, "more than %d stages", VZ_TIMING_MAX_STAGES);
            if (len >= sizeof c->stages[0])
                return fail(x, "stage name too long");
            memcpy(c->stages[n], p, len);
            c->stages[n][len] = 0;
            n++;
            p += len;
        }
        if (n < 2)
            return fail(x, "stages: need at least 2 stage names");
        for (unsigned i = n; i < VZ_TIMING_MAX_STAGES; i++)
            c->stages[i][0] = 0;
        c->depth = n;
        default_stage_keys(c, x->explicit_stages);
        return 1;
    }
    if (!strcmp(sec, "core") && !strcmp(key, "issue_stage")) {
        int i = stage_index(c, val);
        if (i < 0)
            return fail(x, "issue_stage '%s' is not one of the stages (set stages first)", val);
        c->issue_stage = (unsigned)i;
        default_stage_keys(c, x->explicit_stages);
        return 1;
    }
    for (int s = 0; s < 3; s++)
        if (!strcmp(sec, "core") && !strcmp(key, stage_key[s])) {
            int i = stage_index(c, val);
            if (i < 0)
                return fail(x, "%s '%s' is not one of the stages (set stages first)", key, val);
            *stage_field(c, s) = (unsigned)i;
            x->explicit_stages |= 1u << s;
            default_stage_keys(c, x->explicit_stages);
            char m[160];
            if (stage_order_error(c, m, sizeof m))
                return fail(x, "%s = %s: %s (write issue_stage before it)", key, val, m + 8);
            return 1;
        }
    if (!strcmp(sec, "branch") && !strcmp(key, "predictor")) {
        for (unsigned i = 0; i < 3; i++)
            if (!strcmp(val, bp_name[i])) {
                c->predictor = (vz_bpred_kind)i;
                return 1;
            }
        return fail(x, "predictor '%s': expected static, bimodal or gshare", val);
    }
    if (!strcmp(sec, "units")) {
        for (int u = 0; u < VZ_UNIT_COUNT; u++)
            if (!strcmp(key, unit_key[u])) {
                if (parse_uint(val, VZ_TIMING_MAX_UNITS, &c->units[u]) || !c->units[u])
                    return fail(x, "units.%s: bad value '%s' (1..%d)", key, val,
                                VZ_TIMING_MAX_UNITS);
                return 1;
            }
        return fail(x, "unknown key '%s' in [units]", key);
    }
    if (!strcmp(sec, "latency") || !strcmp(sec, "interval")) {
        unsigned *arr = sec[0] == 'l' ? c->latency : c->interval;
        for (int k = 0; k < VZ_OC_COUNT; k++)
            if (class_key[k] && !strcmp(key, class_key[k])) {
                if (parse_uint(val, 100000, &arr[k]) || !arr[k])
                    return fail(x, "%s.%s: bad value '%s' (1..100000)", sec, key, val);
                return 1;
            }
        return fail(x, "unknown key '%s' in [%s]", key, sec);
    }
    int known_sec = 0;
    for (size_t i = 0; i < sizeof num_keys / sizeof num_keys[0]; i++) {
        const num_key *k = &num_keys[i];
        if (strcmp(sec, k->sec))
            continue;
        known_sec = 1;
        if (strcmp(key, k->key))
            continue;
        unsigned *p = (unsigned *)((char *)c + k->off);
        if (parse_uint(val, k->max, p))
            return fail(x, "%s.%s: bad value '%s' (0..%lu)", sec, key, val, k->max);
        return 1;
    }
    if (known_sec || !strcmp(sec, "core") || !strcmp(sec, "branch"))
        return fail(x, "unknown key '%s' in [%s]", key, sec);
    return fail(x, "unknown section [%s]", sec);
}

static int is_pow2(unsigned v) { return v && !(v & (v - 1)); }

static int check_cache(const char *n, const vz_cache_config *k, char *err, size_t len)
{
    if (!k->size)
        return 0;
    if (!is_pow2(k->line) || k->line < 4 || !k->assoc || k->size % (k->line * k->assoc) ||
        !is_pow2(k->size / (k->line * k->assoc))) {
        snprintf(err, len, "[%s]: size must be a power-of-two number of sets x assoc x line "
                 "(line a power of two)", n);
        return -1;
    }
    return 0;
}

int vz_timing_config_check(const vz_timing_config *c, char *err, size_t len)
{
    if (c->depth < 2 || c->depth > VZ_TIMING_MAX_STAGES || c->issue_stage >= c->depth) {
        snprintf(err, len, "[core]: bad stages / issue_stage");
        return -1;
    }
    if (stage_order_error(c, err, len))
        return -1;
    if (c->issue_width < 1 || c->issue_width > 2) {
        snprintf(err, len, "[core]: issue_width must be 1 or 2");
        return -1;
    }
    if (c->predictor != VZ_BP_STATIC && !is_pow2(c->bht_entries)) {
        snprintf(err, len, "[branch]: bht_entries must be a power of two");
        return -1;
    }
    if (c->btb_entries && !is_pow2(c->btb_entries)) {
        snprintf(err, len, "[branch]: btb_entries must be 0 or a power of two");
        return -1;
    }
    if (check_cache("l1i", &c->l1i, err, len) || check_cache("l1d", &c->l1d, err, len) ||
        check_cache("l2", &c->l2, err, len))
        return -1;
    return 0;
}

int vz_timing_config_load(const char *path, vz_timing_config *c, char *err, size_t errlen)
{
    vz_timing_config tmp = *c;
    load_ctx x = { .c = &tmp };
    int r = ini_parse(path, handler, &x);
    if (r == -1) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (r < 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (r > 0) {
        snprintf(err, errlen, "%s:%d: %s", path, r, x.failed ? x.msg : "syntax error");
        return -1;
    }
    char m[200];
    if (vz_timing_config_check(&tmp, m, sizeof m)) {
        snprintf(err, errlen, "%s: %s", path, m);
        return -1;
    }
    snprintf(tmp.source, sizeof tmp.source, "%s", path);
    *c = tmp;
    return 0;
}

void vz_timing_config_print(FILE *f, const vz_timing_config *c)
{
    fprintf(f, "; effective timing configuration (source: %s)\n",
            c->source[0] ? c->source : "built-in defaults");
    fprintf(f, "[core]\nname = %s\nstages = ", c->name);
    for (unsigned i = 0; i < c->depth; i++)
        fprintf(f, "%s%s", i ? ", " : "", c->stages[i]);
    fprintf(f, "\nissue_stage = %s\nissue_width = %u\n", c->stages[c->issue_stage],
            c->issue_width);
    for (int s = 0; s < 3; s++)
        fprintf(f, "%s = %s\n", stage_key[s],
                c->stages[stage_get(c, s)]);
    fprintf(f, "\n[units]\n");
    for (int u = 0; u < VZ_UNIT_COUNT; u++)
        fprintf(f, "%s = %u\n", unit_key[u], c->units[u]);
    fprintf(f, "\n[latency]\n");
    for (int k = 0; k < VZ_OC_COUNT; k++)
        if (class_key[k])
            fprintf(f, "%s = %u\n", class_key[k], c->latency[k]);
    fprintf(f, "\n[interval]\n");
    for (int k = 0; k < VZ_OC_COUNT; k++)
        if (class_key[k])
            fprintf(f, "%s = %u\n", class_key[k], c->interval[k]);
    fprintf(f, "\n[branch]\npredictor = %s\n", bp_name[c->predictor]);
    const char *sec = "branch";
    for (size_t i = 0; i < sizeof num_keys / sizeof num_keys[0]; i++) {
        const num_key *k = &num_keys[i];
        if (!strcmp(k->sec, "core"))
            continue;
        if (strcmp(k->sec, sec)) {
            fprintf(f, "\n[%s]\n", k->sec);
            sec = k->sec;
        }
        fprintf(f, "%s = %u\n", k->key, *(const unsigned *)((const char *)c + k->off));
    }
}
