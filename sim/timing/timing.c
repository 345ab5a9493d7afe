/*
 * sim/timing/timing.c - the in-order pipeline model (docs/timing.md).
 *
 * Each retired instruction gets an issue cycle: the earliest cycle that its issue
 * group, the front end (redirects, I-cache, micro-TLB), its source registers
 * (scoreboard with forwarding), its functional unit and the serializing/hazard
 * rules allow. Its result is ready at issue + class latency (+ cache miss cost for
 * loads) and it commits in order at issue + the stages after issue.
 * Branches are predicted at their issue and resolved at the first instruction
 * after the branch (and its delay slot): that instruction's PC is the real target.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/timing/timing.h"

typedef struct cache {
    unsigned sets, assoc, shift;   /* assoc == 0: no cache */
    uint64_t *tag;                 /* line address + 1; 0 = invalid */
    uint64_t *stamp;               /* LRU: last-use clock */
    uint64_t clock;
    uint64_t mru;                  /* line address + 1 of the last access (0: none) */
} cache;

typedef struct utlb {
    unsigned n;
    uint64_t key[64], stamp[64];
    uint64_t clock;
} utlb;

typedef struct pending_branch {
    int valid;
    uint64_t pc, issue, fall, target;   /* target: predicted target if have_target */
    int mode, cond, taken, pred_taken, have_target, direct;
    int pushed;                         /* it pushed its return address on the RAS */
    unsigned bht_ix;
} pending_branch;

/* What the model needs of an instruction-table row, in one small record (built by
 * vz_timing_create from the table and the config). */
enum {
    D_SERIAL = 1, D_CTI = 2, D_DS = 4, D_CP0W = 8, D_HAZ = 16, D_TLB = 32, D_ERET = 64,
    D_WAIT = 128,
};
typedef struct idesc {
    uint32_t lat, interval;   /* cycles (config) */
    uint8_t cls, unit, src;   /* src: bit 0 rs, 1 rt, 2 rd: registers read */
    uint8_t flags;            /* D_* */
    int8_t static_bit;        /* static predictor: the offset's sign bit, -1 none */
} idesc;

/* What the front end needs of one instruction (front_end_times). */
typedef struct fe_rec {
    uint64_t issue, floor, miss;
    uint8_t first, brk;
} fe_rec;
#define FE_LOG 64

struct vz_timing {
    vz_timing_config c;
    vz_retire_fn next;
    void *next_opaque;
    idesc d[VZ_I_COUNT];
    unsigned fetch_shift;              /* L1I line shift (5 without an L1I) */
    unsigned after_issue, to_execute, to_memory;   /* stages after issue */
    /* pipeline */
    int any;
    uint64_t cur;                      /* issue cycle of the last issued instruction */
    unsigned used;                     /* instructions issued in cur */
    int closed, close_after_slot;
    uint64_t front;                    /* earliest issue the front end allows */
    vz_stall_cause front_cause;
    uint64_t reg_ready[32];
    uint8_t reg_cause[32];
    uint64_t unit_free[VZ_UNIT_COUNT][VZ_TIMING_MAX_UNITS];
    uint64_t all_done, cp0w_ready;
    uint64_t commit_end;               /* last commit + 1 (absolute) */
    /* the cycles from seg_start to commit_end belong to mode seg_mode and are not
     * yet in st[seg_mode].cycles (added when the mode changes, and by the queries) */
    uint64_t seg_start;
    int seg_mode;
    uint64_t fetch_line;
    int fetch_line_valid;
    /* pending redirects */
    pending_branch br;
    int exc_pending, exc_guest, eret_pending, eret_guest;
    uint64_t exc_issue, eret_issue;
    /* front end, for the stage times only (never for issue/commit): entry cycle of
     * stages 0..issue_stage of the last two instructions, [issue_stage + 1] = their
     * issue + 1; fe_ix = the previous instruction's row */
    uint64_t fe[2][VZ_TIMING_MAX_STAGES + 2];
    unsigned fe_ix, fetch_used;
    fe_rec fe_log[FE_LOG];             /* instructions not yet run through the front end */
    unsigned fe_n;
    int stage_times;                   /* vz_timing_set_stage_times (default on) */
    int fetch_break, fetch_break_after_slot;
    uint64_t redirect;                 /* issue floor of exception/ERET/host-call redirects */
    /* predictors */
    uint8_t *bht;
    uint64_t ghr;
    uint64_t *btb_tag, *btb_target;
    uint64_t ras[64];
    unsigned ras_n;
    cache l1i, l1d, l2;
    utlb itlb, dtlb;
    vz_timing_stats st[2];
    vz_timing_insn last;
};

static const char *const stall_names[VZ_STALL_COUNT] = {
    "raw", "load_use", "dcache", "muldiv", "unit", "icache", "tlb", "branch",
    "serial", "cp0_hazard", "exception", "eret", "wait", "hostcall",
};

const char *vz_stall_name(vz_stall_cause c)
{
    return (unsigned)c < VZ_STALL_COUNT ? stall_names[c] : "?";
}

/* ---------------- caches and micro-TLBs ---------------- */

static int cache_init(cache *k, const vz_cache_config *cf)
{
    memset(k, 0, sizeof *k);
    if (!cf->size)
        return 0;
    k->assoc = cf->assoc;
    k->sets = cf->size / (cf->line * cf->assoc);
    while ((1u << k->shift) < cf->line)
        k->shift++;
    size_t n = (size_t)k->sets * k->assoc;
    k->tag = calloc(n, sizeof *k->tag);
    k->stamp = calloc(n, sizeof *k->stamp);
    return k->tag && k->stamp ? 0 : -1;
}

static void cache_clear(cache *k)
{
    if (!k->assoc)
        return;
    size_t n = (size_t)k->sets * k->assoc;
    memset(k->tag, 0, n * sizeof *k->tag);
    memset(k->stamp, 0, n * sizeof *k->stamp);
    k->clock = 0;
    k->mru = 0;
}

/* 1 on a hit; on a miss the line is filled over the least recently used way. */
static int cache_access(cache *k, uint64_t pa)
{
    if (!k->assoc)
        return 0;
    uint64_t line = pa >> k->shift;
    /* the line of the last access is the most recent of its set: a hit that leaves
     * the LRU order as it is (stamps only order the ways of one set) */
    if (line + 1 == k->mru)
        return 1;
    k->mru = line + 1;
    size_t base = (size_t)(line & (k->sets - 1)) * k->assoc;
    size_t victim = base;
    k->clock++;
    for (size_t i = base; i < base + k->assoc; i++) {
        if (k->tag[i] == line + 1) {
            k->stamp[i] = k->clock;
            return 1;
        }
        if (k->stamp[i] < k->stamp[victim])
            victim = i;
    }
    k->tag[victim] = line + 1;
    k->stamp[victim] = k->clock;
    return 0;
}

/* Fully associative, LRU, 4 KiB pages, tagged with the mode. 1 on a hit. */
static int utlb_access(utlb *u, uint64_t va, int guest)
{
    if (!u->n)
        return 1;
    uint64_t key = ((va >> 12) << 1 | (unsigned)guest) + 1;
    unsigned victim = 0;
    u->clock++;
    for (unsigned i = 0; i < u->n; i++) {
        if (u->key[i] == key) {
            u->stamp[i] = u->clock;
            return 1;
        }
        if (u->stamp[i] < u->stamp[victim])
            victim = i;
    }
    u->key[victim] = key;
    u->stamp[victim] = u->clock;
    return 0;
}

static void utlb_flush(utlb *u)
{
    memset(u->key, 0, sizeof u->key);
}

/* kseg1, or xkphys with CCA 2 (uncached) or 7 (uncached accelerated). */
static int va_uncached(uint64_t va)
{
    if ((va >> 32) == 0xffffffffu && (va & 0xe0000000u) == 0xa0000000u)
        return 1;
    if ((va >> 62) == 2) {
        unsigned cca = (unsigned)(va >> 59) & 7;
        return cca == 2 || cca == 7;
    }
    return 0;
}

/* Root kseg0/kseg1/xkphys do not use the TLB; in guest mode everything goes
 * through at least the root (second-stage) TLB. */
static int va_unmapped(uint64_t va, int guest)
{
    if (guest)
        return 0;
    return ((va >> 32) == 0xffffffffu && (va & 0xc0000000u) == 0x80000000u) ||
           (va >> 62) == 2;
}

/* The fetch's physical address is not in vz_retire_info: unmapped segments are
 * translated here, mapped addresses index the caches virtually. */
static uint64_t fetch_pa(uint64_t va)
{
    if ((va >> 32) == 0xffffffffu && (va & 0xc0000000u) == 0x80000000u)
        return va & 0x1fffffffu;
    if ((va >> 62) == 2)
        return va & 0x0000ffffffffffffull;
    return va;
}

/* Extra cycles of an access that went past L1 (L1 already missed). */
static uint64_t beyond_l1(vz_timing *t, uint64_t pa, vz_timing_stats *s)
{
    if (!t->l2.assoc)
        return t->c.mem_latency;
    if (cache_access(&t->l2, pa)) {
        s->l2_hits++;
        return t->c.l2.latency;
    }
    s->l2_misses++;
    return (uint64_t)t->c.l2.latency + t->c.mem_latency;
}

/* ---------------- set-up ---------------- */

static int field_of(const char *tok, size_t n)
{
    if ((n == 2 || n == 3) && tok[0] == 'r') {
        if (tok[1] == 's')
            return 0;
        if (tok[1] == 't')
            return 1;
        if (tok[1] == 'd')
            return 2;
    }
    if (n > 4 && !memcmp(tok + n - 4, "(rs)", 4))
        return 0;
    return -1;
}

/* Registers read by a row, from its operand tokens. For the classes whose first
 * register operand is the destination (ALU, SHIFT, MUL, DIV, LOAD, MFC0-style CP0
 * reads, DI/EI, JALR's rd) that operand is not a source; INS/DINS* also read their
 * destination; every other register operand is a source. */
static uint8_t sources_of(vz_insn_id id)
{
    const vz_insn_info *in = &vz_insn_table[id];
    int dest_first = in->cls == VZ_OC_ALU || in->cls == VZ_OC_SHIFT || in->cls == VZ_OC_MUL ||
                     in->cls == VZ_OC_DIV || in->cls == VZ_OC_LOAD ||
                     (in->cls == VZ_OC_CP0 && (!(in->flags & VZ_F_CP0W) ||
                                               !strcmp(in->operands, "rt?"))) ||
                     id == VZ_I_JALR || id == VZ_I_JALR_HB;
    uint8_t m = 0;
    int first = 1;
    const char *p = in->operands;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        int f = field_of(p, n);
        if (f >= 0) {
            if (!(first && dest_first))
                m |= (uint8_t)(1u << f);
            first = 0;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (id == VZ_I_INS || id == VZ_I_DINS || id == VZ_I_DINSM || id == VZ_I_DINSU)
        m |= 2;
    return m;
}

static vz_timing_unit unit_of_class(vz_op_class k)
{
    switch (k) {
    case VZ_OC_MUL: case VZ_OC_DIV:
        return VZ_UNIT_MDU;
    case VZ_OC_LOAD: case VZ_OC_STORE: case VZ_OC_TLB: case VZ_OC_CACHE: case VZ_OC_SYNC:
        return VZ_UNIT_LSU;
    case VZ_OC_BRANCH: case VZ_OC_JUMP: case VZ_OC_ERET: case VZ_OC_WAIT: case VZ_OC_SYS:
        return VZ_UNIT_CTU;
    default:
        return VZ_UNIT_ALU;
    }
}

vz_timing *vz_timing_create(const vz_timing_config *cfg)
{
    char err[200];
    if (vz_timing_config_check(cfg, err, sizeof err))
        return NULL;
    vz_timing *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->c = *cfg;
    t->c.interval[VZ_OC_EHB] = t->c.interval[VZ_OC_ERET] = t->c.interval[VZ_OC_WAIT] = 1;
    for (int i = 0; i < VZ_I_COUNT; i++) {
        const vz_insn_info *in = &vz_insn_table[i];
        const vz_op_class k = in->cls;
        idesc *d = &t->d[i];
        d->cls = (uint8_t)k;
        d->unit = (uint8_t)unit_of_class(k);
        d->src = sources_of((vz_insn_id)i);
        d->lat = k == VZ_OC_EHB ? cfg->ehb
                 : k == VZ_OC_ERET || k == VZ_OC_WAIT ? 1 : cfg->latency[k];
        d->interval = t->c.interval[k];
        d->flags = (uint8_t)(((in->flags & VZ_F_SERIAL) ? D_SERIAL : 0) |
                             ((in->flags & VZ_F_CP0W) ? D_CP0W : 0) |
                             ((in->flags & VZ_F_DS) ? D_DS : 0) |
                             ((k == VZ_OC_BRANCH || k == VZ_OC_JUMP) && (in->flags & VZ_F_CTI)
                                  ? D_CTI : 0) |
                             (k == VZ_OC_EHB || k == VZ_OC_ERET || i == VZ_I_JALR_HB ? D_HAZ : 0) |
                             (k == VZ_OC_TLB ? D_TLB : 0) | (k == VZ_OC_ERET ? D_ERET : 0) |
                             (k == VZ_OC_WAIT ? D_WAIT : 0));
        /* static prediction: the sign of a b21 or b16 offset; none: not taken */
        const char *ops = in->operands ? in->operands : "";
        d->static_bit = strstr(ops, "b21") ? 20 : strstr(ops, "b16") ? 15 : -1;
    }
    t->fetch_shift = t->c.l1i.size ? 0 : 5;
    if (t->c.l1i.size)
        while ((1u << t->fetch_shift) < t->c.l1i.line)
            t->fetch_shift++;
    t->stage_times = 1;
    t->after_issue = cfg->depth - 1 - cfg->issue_stage;
    t->to_execute = cfg->execute_stage - cfg->issue_stage;
    t->to_memory = cfg->memory_stage - cfg->issue_stage;
    int bad = 0;
    if (cfg->predictor != VZ_BP_STATIC)
        bad |= !(t->bht = malloc(cfg->bht_entries));
    if (cfg->btb_entries) {
        bad |= !(t->btb_tag = calloc(cfg->btb_entries, sizeof *t->btb_tag));
        bad |= !(t->btb_target = calloc(cfg->btb_entries, sizeof *t->btb_target));
    }
    bad |= cache_init(&t->l1i, &cfg->l1i) | cache_init(&t->l1d, &cfg->l1d) |
           cache_init(&t->l2, &cfg->l2);
    t->itlb.n = cfg->itlb_entries;
    t->dtlb.n = cfg->dtlb_entries;
    if (bad) {
        vz_timing_destroy(t);
        return NULL;
    }
    vz_timing_reset(t);
    return t;
}

void vz_timing_destroy(vz_timing *t)
{
    if (!t)
        return;
    free(t->bht);
    free(t->btb_tag);
    free(t->btb_target);
    free(t->l1i.tag); free(t->l1i.stamp);
    free(t->l1d.tag); free(t->l1d.stamp);
    free(t->l2.tag); free(t->l2.stamp);
    free(t);
}

void vz_timing_reset(vz_timing *t)
{
    t->any = 0;
    t->cur = t->used = 0;
    t->closed = t->close_after_slot = 0;
    t->front = 0;
    t->front_cause = VZ_STALL_RAW;
    memset(t->reg_ready, 0, sizeof t->reg_ready);
    memset(t->reg_cause, 0, sizeof t->reg_cause);
    memset(t->unit_free, 0, sizeof t->unit_free);
    t->all_done = t->cp0w_ready = t->commit_end = t->seg_start = 0;
    t->seg_mode = 0;
    t->fetch_line_valid = 0;
    memset(&t->br, 0, sizeof t->br);
    t->exc_pending = t->eret_pending = 0;
    memset(t->fe, 0, sizeof t->fe);
    t->fe_ix = t->fetch_used = t->fe_n = 0;
    t->fetch_break = t->fetch_break_after_slot = 0;
    t->redirect = 0;
    if (t->bht)
        memset(t->bht, 1, t->c.bht_entries);   /* weakly not taken */
    t->ghr = 0;
    if (t->btb_tag)
        memset(t->btb_tag, 0, t->c.btb_entries * sizeof *t->btb_tag);
    t->ras_n = 0;
    cache_clear(&t->l1i);
    cache_clear(&t->l1d);
    cache_clear(&t->l2);
    utlb_flush(&t->itlb);
    utlb_flush(&t->dtlb);
    memset(t->st, 0, sizeof t->st);
    memset(&t->last, 0, sizeof t->last);
}

const vz_timing_config *vz_timing_get_config(const vz_timing *t) { return &t->c; }

/* ---------------- branch prediction ---------------- */

static void btb_update(vz_timing *t, uint64_t pc, uint64_t target)
{
    if (!t->c.btb_entries)
        return;
    unsigned i = (unsigned)(pc >> 2) & (t->c.btb_entries - 1);
    t->btb_tag[i] = pc + 1;
    t->btb_target[i] = target;
}

static int btb_lookup(const vz_timing *t, uint64_t pc, uint64_t *target)
{
    if (!t->c.btb_entries)
        return 0;
    unsigned i = (unsigned)(pc >> 2) & (t->c.btb_entries - 1);
    if (t->btb_tag[i] != pc + 1)
        return 0;
    *target = t->btb_target[i];
    return 1;
}

static void predict(vz_timing *t, const vz_retire_info *ri, const vz_insn_info *in,
                    uint64_t issue, int mode)
{
    pending_branch *b = &t->br;
    memset(b, 0, sizeof *b);
    b->valid = 1;
    b->pc = ri->pc;
    b->issue = issue;
    b->mode = mode;
    b->fall = ri->pc + ((in->flags & VZ_F_DS) ? 8 : 4);
    b->cond = !!(in->flags & VZ_F_COND);
    b->taken = ri->taken;
    b->direct = !(in->flags & VZ_F_INDIRECT);
    unsigned rs = vz_f_rs(ri->word), rt = vz_f_rt(ri->word), rd = vz_f_rd(ri->word);
    int is_ret = (ri->id == VZ_I_JALR || ri->id == VZ_I_JALR_HB) ? rs == 31 && rd == 0
                 : ri->id == VZ_I_JIC ? rt == 31 && (ri->word & 0xffff) == 0 : 0;
    if (!b->cond) {
        b->pred_taken = 1;
    } else if (t->c.predictor == VZ_BP_STATIC) {
        /* backward taken, forward not taken, from the offset's sign */
        const int bit = t->d[ri->id].static_bit;
        b->pred_taken = bit >= 0 && ((ri->word >> bit) & 1);
    } else {
        uint64_t ix = ri->pc >> 2;
        if (t->c.predictor == VZ_BP_GSHARE)
            ix ^= t->ghr;
        b->bht_ix = (unsigned)ix & (t->c.bht_entries - 1);
        b->pred_taken = t->bht[b->bht_ix] >= 2;
    }
    if (b->pred_taken) {
        if (is_ret && t->c.ras_entries && t->ras_n) {
            b->target = t->ras[--t->ras_n];
            b->have_target = 1;
        } else {
            b->have_target = btb_lookup(t, ri->pc, &b->target);
        }
    }
    /* calls push their return address (NAL only reads the PC) */
    if ((in->flags & VZ_F_LINK) && ri->gpr_written && ri->id != VZ_I_NAL && t->c.ras_entries) {
        if (t->ras_n == t->c.ras_entries) {
            memmove(t->ras, t->ras + 1, (t->ras_n - 1) * sizeof t->ras[0]);
            t->ras_n--;
        }
        t->ras[t->ras_n++] = b->fall;
        b->pushed = 1;
    }
}

/* The first instruction after the branch (and its delay slot) is at pc. Returns
 * the cycles it loses: it issues that much later than with a correct prediction. */
static uint64_t resolve(vz_timing *t, uint64_t pc)
{
    pending_branch *b = &t->br;
    b->valid = 0;
    vz_timing_stats *s = &t->st[b->mode];
    uint64_t penalty = 0;
    if (b->pred_taken != b->taken) {
        penalty = t->c.mispredict_penalty;
        s->mispredicts++;
    } else if (b->taken) {
        if (b->have_target && b->target != pc) {
            penalty = t->c.mispredict_penalty;
            s->mispredicts++;
        } else if (!b->have_target) {
            if (b->direct) {
                penalty = t->c.btb_miss_penalty;
                s->btb_misses++;
            } else {
                penalty = t->c.mispredict_penalty;
                s->mispredicts++;
            }
        }
    }
    if (b->cond && t->c.predictor != VZ_BP_STATIC) {
        uint8_t *ctr = &t->bht[b->bht_ix];
        if (b->taken && *ctr < 3)
            (*ctr)++;
        if (!b->taken && *ctr > 0)
            (*ctr)--;
        t->ghr = ((t->ghr << 1) | (unsigned)b->taken) & ((1ull << t->c.history_bits) - 1);
    }
    if (b->taken)
        btb_update(t, b->pc, pc);
    return penalty;
}

/* ---------------- the model ---------------- */

static void front_at_least(vz_timing *t, uint64_t when, vz_stall_cause why)
{
    if (when > t->front) {
        t->front = when;
        t->front_cause = why;
    }
}

/* A redirect of the fetch (exception, ERET, host call): the front end refetches. */
static void redirect_at_least(vz_timing *t, uint64_t when, vz_stall_cause why)
{
    front_at_least(t, when, why);
    if (when > t->redirect)
        t->redirect = when;
    t->fetch_break = 1;
}

/* Stage entry times of the instruction that issues at `issue` (a view: nothing here
 * feeds back into issue or commit). The in-order front end fetches up to
 * issue_width instructions per cycle, each after the previous one (a new cycle after
 * a taken control transfer or a redirect); `floor` is the issue cycle that redirects
 * and the start of an I-cache/micro-TLB miss allow, `miss` the cycles the fetch
 * waits for its line in stage 0. Each of the stages up to the issue stage holds
 * issue_width instructions, so an instruction that waits at issue holds the ones
 * behind it: the queue is bounded and every time is monotonic. Because issue >=
 * floor + miss and issue >= the issue of the instruction issue_width before + 1,
 * every entry time fits before issue (docs/timing.md). */
static inline __attribute__((always_inline)) void
fe_run(vz_timing *t, const unsigned S, const unsigned W)
{
    /* rows of the previous two instructions, in locals: with S and W constants the
     * compiler keeps them in registers across the whole log */
    uint64_t p1[VZ_TIMING_MAX_STAGES + 2], p2[VZ_TIMING_MAX_STAGES + 2];
    for (unsigned k = 0; k <= S + 1; k++) {
        p1[k] = t->fe[t->fe_ix][k];
        p2[k] = t->fe[t->fe_ix ^ 1][k];
    }
    unsigned used = t->fetch_used;
    for (unsigned j = 0; j < t->fe_n; j++) {
        const fe_rec *r = &t->fe_log[j];
        /* the instruction issue_width before this one */
        const uint64_t *pw = W == 1 ? p1 : p2;
        uint64_t n[VZ_TIMING_MAX_STAGES + 2];
        uint64_t f = 0;
        if (!r->first) {
            f = p1[0];
            if (r->brk || used >= W)
                f++;
        }
        if (r->floor >= S && r->floor - S > f)
            f = r->floor - S;
        if (S && pw[1] > f)
            f = pw[1];          /* stage 0 full until the one issue_width back leaves */
        used = !r->first && f == p1[0] && !r->brk ? used + 1 : 1;
        uint64_t e = f;
        for (unsigned k = 1; k <= S; k++) {
            uint64_t nx = e + 1 + (k == 1 ? r->miss : 0);
            if (p1[k] > nx)
                nx = p1[k];     /* in order */
            if (pw[k + 1] > nx)
                nx = pw[k + 1]; /* stage k holds issue_width instructions */
            n[k - 1] = e;
            e = nx;
        }
        n[S] = S ? e : r->issue;
        n[S + 1] = r->issue + 1;
        for (unsigned k = 0; k <= S + 1; k++) {
            p2[k] = p1[k];
            p1[k] = n[k];
        }
    }
    for (unsigned k = 0; k <= S + 1; k++) {
        t->fe[0][k] = p1[k];
        t->fe[1][k] = p2[k];
    }
    t->fe_ix = 0;
    t->fetch_used = used;
    t->fe_n = 0;
}

/* Run the front end over the logged instructions (specialised for the common
 * issue stages and widths). */
static __attribute__((noinline)) void fe_flush(vz_timing *t)
{
    const unsigned S = t->c.issue_stage, W = t->c.issue_width;
#define FE_CASE(s_)                      \
    case s_:                             \
        if (W == 1)                      \
            fe_run(t, s_, 1);            \
        else                             \
            fe_run(t, s_, 2);            \
        return;
    switch (S) {
    FE_CASE(0)
    FE_CASE(1)
    FE_CASE(2)
    FE_CASE(3)
    FE_CASE(4)
    default:
        fe_run(t, S, W);
    }
#undef FE_CASE
}

/* Log this instruction for the front end (run in batches by fe_flush, and by
 * vz_timing_last before it answers). */
static inline __attribute__((always_inline)) void
front_end_times(vz_timing *t, int first, uint64_t issue, uint64_t floor, uint64_t miss)
{
    fe_rec *r = &t->fe_log[t->fe_n++];
    r->issue = issue;
    r->floor = floor;
    r->miss = miss;
    r->first = (uint8_t)first;
    r->brk = (uint8_t)t->fetch_break;
    t->fetch_break = 0;
    if (t->fe_n == FE_LOG)
        fe_flush(t);
}

/* Split a stall among the constraints beyond base: sorted by time (stable: ties go
 * to the first passed), each is charged the cycles it adds beyond the earlier ones.
 * Returns the cause of the first constraint that reached `when`. Only called when
 * the instruction stalled. */
enum {   /* the issue constraints, in the order they are passed */
    C_FRONT, C_BRANCH, C_ITLB, C_ICACHE, C_RS, C_RT, C_RD, C_SERIAL, C_HAZARD, C_UNIT,
    C_DTLB, C_COUNT
};

/* The cause charged for constraint slot i (read before the instruction's effects). */
static vz_stall_cause cause_of(const vz_timing *t, unsigned i, uint32_t w)
{
    switch (i) {
    case C_FRONT: return t->front_cause;
    case C_BRANCH: return VZ_STALL_BRANCH;
    case C_ITLB: case C_DTLB: return VZ_STALL_TLB;
    case C_ICACHE: return VZ_STALL_ICACHE;
    case C_RS: return (vz_stall_cause)t->reg_cause[vz_f_rs(w)];
    case C_RT: return (vz_stall_cause)t->reg_cause[vz_f_rt(w)];
    case C_RD: return (vz_stall_cause)t->reg_cause[vz_f_rd(w)];
    case C_SERIAL: return VZ_STALL_SERIAL;
    case C_HAZARD: return VZ_STALL_CP0_HAZARD;
    default: return VZ_STALL_UNIT;
    }
}

/* Split a stall among the constraints beyond base (`set`: the slots that apply):
 * sorted by time (stable: ties go to the first passed), each is charged the cycles
 * it adds beyond the earlier ones. Returns the cause of the first constraint that
 * reached `when`. Only called when the instruction stalled. */
static __attribute__((noinline)) vz_stall_cause
split_stall(const vz_timing *t, vz_timing_stats *s, const uint64_t *v, unsigned set,
            uint32_t w, uint64_t base, uint64_t when)
{
    unsigned ix[C_COUNT], k = 0;
    for (; set; set &= set - 1) {
        unsigned i = (unsigned)__builtin_ctz(set);
        if (v[i] > base)
            ix[k++] = i;
    }
    if (k == 1) {   /* the common case: one constraint */
        vz_stall_cause c = cause_of(t, ix[0], w);
        s->stall[c] += when - base;
        return c;
    }
    vz_stall_cause why = VZ_STALL_RAW;
    for (unsigned i = 0; i < k; i++)
        if (v[ix[i]] == when) {
            why = cause_of(t, ix[i], w);
            break;
        }
    for (unsigned i = 1; i < k; i++)   /* stable insertion sort by time */
        for (unsigned j = i; j > 0 && v[ix[j - 1]] > v[ix[j]]; j--) {
            unsigned x = ix[j];
            ix[j] = ix[j - 1];
            ix[j - 1] = x;
        }
    uint64_t at = base;
    for (unsigned i = 0; i < k; i++)
        if (v[ix[i]] > at) {
            s->stall[cause_of(t, ix[i], w)] += v[ix[i]] - at;
            at = v[ix[i]];
        }
    return why;
}

/* One retired instruction (or host call). Kept in one function the observer can
 * inline: this is the cycle-level mode's inner loop (docs/timing.md, "Speed"). */
static inline __attribute__((always_inline)) void retire(vz_timing *t,
                                                         const vz_retire_info *ri)
{
    const vz_timing_config *c = &t->c;
    const int mode = ri->guest ? 1 : 0;
    vz_timing_stats *s = &t->st[mode];

    if (__builtin_expect(ri->exception == -2, 0)) {
        /* a host call: the pipeline drains, then the host function runs */
        uint64_t h0 = t->any ? t->cur + 1 : c->issue_stage;
        if (t->all_done > h0)
            h0 = t->all_done;
        if (t->front > h0)
            h0 = t->front;
        if (t->br.valid) {
            /* the jump into the host function resolves at its address (a BTB miss
             * or a wrong target costs as for any branch), and the host function
             * returns to the link address as a return predicted by the RAS would */
            int pushed = t->br.pushed;
            uint64_t pen = resolve(t, ri->pc);
            if (pen) {
                s->stall[VZ_STALL_BRANCH] += pen;
                h0 += pen;
            }
            if (pushed && t->ras_n)
                t->ras_n--;
        }
        s->hostcalls++;
        redirect_at_least(t, h0 + c->hostcall, VZ_STALL_HOSTCALL);
        t->closed = 1;
        return;
    }

    const unsigned id = ri->id < VZ_I_COUNT ? ri->id : 0;
    const idesc d = t->d[id];
    const vz_op_class cls = (vz_op_class)d.cls;
    const int exc = ri->exception >= 0;
    const int serial = d.flags & D_SERIAL;

    /* redirects decided by earlier instructions */
    uint64_t bpen = 0;
    if (ri->in_slot != 1) {
        if (t->br.valid)
            bpen = resolve(t, ri->pc);
        if (__builtin_expect(t->exc_pending, 0)) {
            uint64_t e = t->exc_issue + c->exception_entry;
            if (t->exc_guest && !ri->guest)
                e += c->guest_exit_extra;
            redirect_at_least(t, e, VZ_STALL_EXCEPTION);
            t->exc_pending = 0;
        }
        if (__builtin_expect(t->eret_pending, 0)) {
            redirect_at_least(t, t->eret_issue +
                                     (ri->guest && !t->eret_guest ? c->eret_to_guest : c->eret),
                              VZ_STALL_ERET);
            t->eret_pending = 0;
        }
    }

    /* earliest issue within the issue group */
    uint64_t base;
    if (__builtin_expect(!t->any, 0))
        base = c->issue_stage;
    else if (t->closed || t->used >= c->issue_width || (serial && t->used))
        base = t->cur + 1;
    else
        base = t->cur;

    /* every constraint, in the order they are passed (C_*): `when` is their
     * maximum; only when it is beyond base are they collected to split the stall
     * (split_stall). A constraint that does not apply stays 0. */
    uint64_t when = base;
    uint64_t cv[C_COUNT];
    unsigned set = 0, over = 0, why_slot = 0;
#define AT_LEAST(slot, x)                          \
    do {                                           \
        uint64_t x_ = (x);                         \
        cv[slot] = x_;                             \
        set |= 1u << (slot);                       \
        over += x_ > base;                         \
        why_slot = x_ > when ? (slot) : why_slot;  \
        when = x_ > when ? x_ : when;              \
    } while (0)

    AT_LEAST(C_FRONT, t->front);
    /* the fetch's floor for the stage times: redirects and mispredicts */
    uint64_t fetch_floor = t->redirect;
    if (bpen) {
        AT_LEAST(C_BRANCH, base + bpen);
        if (base + bpen > fetch_floor)
            fetch_floor = base + bpen;
    }

    /* fetch: a new line goes through the micro-TLB and L1I (or is uncached). A fetch
     * from the line of the previous (cached) fetch costs nothing: an uncached fetch
     * never leaves a line behind, and no cached address shares a line with an
     * uncached one. */
    uint64_t tcost = 0, icost = 0;
    const uint64_t line = ri->pc >> t->fetch_shift;
    if (__builtin_expect(!t->fetch_line_valid || line != t->fetch_line, 0)) {
        if (va_uncached(ri->pc)) {
            icost = c->uncached_latency;
            s->uncached++;
            t->fetch_line_valid = 0;
        } else {
            t->fetch_line = line;
            t->fetch_line_valid = 1;
            if (!va_unmapped(ri->pc, ri->guest) && !utlb_access(&t->itlb, ri->pc, ri->guest)) {
                s->itlb_misses++;
                tcost = c->utlb_miss_penalty + (ri->guest ? c->guest_utlb_miss_extra : 0);
            }
            if (cache_access(&t->l1i, fetch_pa(ri->pc))) {
                s->l1i_hits++;
            } else {
                s->l1i_misses++;
                icost = beyond_l1(t, fetch_pa(ri->pc), s);
            }
        }
        if (tcost || icost) {
            uint64_t f0 = when;   /* after the front end's redirects */
            fetch_floor = f0;     /* the miss starts here */
            if (tcost)
                AT_LEAST(C_ITLB, f0 + tcost);
            if (icost)
                AT_LEAST(C_ICACHE, f0 + tcost + icost);
        }
    }

    /* scoreboard ($0 is never written: reg_ready[0] stays 0) */
    if (!exc && d.src) {
        const uint32_t w = ri->word;
        if (d.src & 1)
            AT_LEAST(C_RS, t->reg_ready[vz_f_rs(w)]);
        if (d.src & 2)
            AT_LEAST(C_RT, t->reg_ready[vz_f_rt(w)]);
        if (d.src & 4)
            AT_LEAST(C_RD, t->reg_ready[vz_f_rd(w)]);
    }
    if (serial)
        AT_LEAST(C_SERIAL, t->all_done);
    if (d.flags & D_HAZ)
        AT_LEAST(C_HAZARD, t->cp0w_ready);

    /* structural: the unit instance that frees first */
    const unsigned u = d.unit;
    unsigned k = 0;
    for (unsigned i = 1; i < c->units[u]; i++)
        if (t->unit_free[u][i] < t->unit_free[u][k])
            k = i;
    AT_LEAST(C_UNIT, t->unit_free[u][k]);

    /* data side: micro-TLB before the access */
    const int is_load = ri->mem_size && !ri->mem_write;
    uint64_t mcost = 0;
    int uncached_data = 0;
    if (ri->mem_size && !exc) {
        if (!va_unmapped(ri->mem_addr, ri->guest) &&
            !utlb_access(&t->dtlb, ri->mem_addr, ri->guest)) {
            s->dtlb_misses++;
            AT_LEAST(C_DTLB,
                     when + c->utlb_miss_penalty + (ri->guest ? c->guest_utlb_miss_extra : 0));
        }
        if (va_uncached(ri->mem_addr)) {
            uncached_data = 1;
            s->uncached++;
            mcost = c->uncached_latency;
        } else if (cache_access(&t->l1d, ri->mem_pa)) {
            s->l1d_hits++;
        } else {
            s->l1d_misses++;
            mcost = beyond_l1(t, ri->mem_pa, s);
        }
        if (!is_load)
            mcost = 0;   /* stores retire into a store buffer */
    }
#undef AT_LEAST

    const uint64_t issue = when;
    const int first = !t->any;
    vz_stall_cause why = VZ_STALL_RAW;
    if (issue > base) {
        if (over == 1) {   /* one constraint: it takes the whole stall */
            why = cause_of(t, why_slot, ri->word);
            s->stall[why] += issue - base;
        } else {
            why = split_stall(t, s, cv, set, ri->word, base, issue);
        }
    }
    if (first || issue > t->cur) {
        t->cur = issue;
        t->used = 1;
        t->closed = 0;
    } else {
        t->used++;
    }
    t->any = 1;
    t->unit_free[u][k] = issue + d.interval;

    const uint64_t complete = issue + d.lat + mcost;
    if (!exc && ri->gpr_written) {
        t->reg_ready[ri->gpr_written] = complete;
        t->reg_cause[ri->gpr_written] =
            (uint8_t)(is_load ? (mcost || uncached_data ? VZ_STALL_DCACHE : VZ_STALL_LOAD_USE)
                      : (cls == VZ_OC_MUL || cls == VZ_OC_DIV) ? VZ_STALL_MULDIV
                                                               : VZ_STALL_RAW);
    }
    if (complete > t->all_done)
        t->all_done = complete;

    /* in-order commit at the last stage; a load miss or a long MUL/DIV does not hold
     * commit back (precise exceptions are known by then; the scoreboard holds the
     * consumers), so results still in flight at the end of a run are not counted */
    const uint64_t commit = issue + t->after_issue;
    if (commit + 1 > t->commit_end) {
        if (__builtin_expect(mode != t->seg_mode, 0)) {
            t->st[t->seg_mode].cycles += t->commit_end - t->seg_start;
            t->seg_mode = mode;
            t->seg_start = t->commit_end;
        }
        t->commit_end = commit + 1;
    }

    /* stage times, before this instruction's effects on the fetch of later ones */
    if (t->stage_times)
        front_end_times(t, first, issue, fetch_floor, tcost + icost);

    /* effects on later instructions */
    if (__builtin_expect(exc, 0)) {
        s->exceptions++;
        t->br.valid = 0;
        t->close_after_slot = 0;
        t->eret_pending = 0;
        t->exc_pending = 1;
        t->exc_issue = issue;
        t->exc_guest = ri->guest;
        t->closed = 1;
        t->fetch_break_after_slot = 0;
    } else {
        s->insns++;
        if (ri->in_slot == 1) {
            if (t->close_after_slot) {
                t->closed = 1;
                t->close_after_slot = 0;
            }
            if (t->fetch_break_after_slot) {
                t->fetch_break = 1;
                t->fetch_break_after_slot = 0;
            }
        }
        if (d.flags & (D_SERIAL | D_CP0W | D_TLB | D_CTI | D_ERET | D_WAIT)) {
            if (serial) {
                front_at_least(t, complete, VZ_STALL_SERIAL);
                t->closed = 1;
            }
            if (d.flags & D_CP0W) {
                t->cp0w_ready = issue + c->cp0_write_to_use;
                utlb_flush(&t->itlb);   /* an EntryHi/ASID write: conservatively */
                utlb_flush(&t->dtlb);
            }
            if (d.flags & D_TLB) {
                utlb_flush(&t->itlb);
                utlb_flush(&t->dtlb);
            }
            if (d.flags & D_CTI) {
                s->branches++;
                predict(t, ri, &vz_insn_table[id], issue, mode);
                if (ri->taken) {
                    if (d.flags & D_DS) {
                        t->close_after_slot = 1;
                        t->fetch_break_after_slot = 1;
                    } else {
                        t->closed = 1;
                        t->fetch_break = 1;
                    }
                }
            } else if (d.flags & D_ERET) {
                t->eret_pending = 1;
                t->eret_issue = issue;
                t->eret_guest = ri->guest;
                t->closed = 1;
            } else if (d.flags & D_WAIT) {
                front_at_least(t, issue + c->wait, VZ_STALL_WAIT);
                t->closed = 1;
            }
        }
    }

    vz_timing_insn *l = &t->last;   /* fetch and decode: vz_timing_last */
    l->issue = issue;   /* execute, memory, commit: vz_timing_last */
    l->complete = complete;
    l->stall_cause = why;
    l->stall = issue - base;
}

void vz_timing_retire(vz_timing *t, const vz_retire_info *ri)
{
    retire(t, ri);
}

void vz_timing_observer(void *opaque, const vz_retire_info *ri)
{
    vz_timing *t = opaque;
    retire(t, ri);
    if (t->next)
        t->next(t->next_opaque, ri);
}

void vz_timing_attach(vz_timing *t, vz_cpu *cpu)
{
    vz_cpu_set_retire_observer(cpu, vz_timing_observer, t);
}

void vz_timing_chain(vz_timing *t, vz_retire_fn next, void *opaque)
{
    t->next = next;
    t->next_opaque = opaque;
}

uint64_t vz_timing_cycles(const vz_timing *t)
{
    return t->st[0].cycles + t->st[1].cycles + (t->commit_end - t->seg_start);
}

void vz_timing_reset_stats(vz_timing *t)
{
    memset(t->st, 0, sizeof t->st);
    t->seg_start = t->commit_end;
}

void vz_timing_set_stage_times(vz_timing *t, int on)
{
    if (t->fe_n)
        fe_flush(t);
    t->stage_times = !!on;
}

void vz_timing_last(const vz_timing *t, vz_timing_insn *out)
{
    /* the front end's log is a cache of work not done yet: running it does not
     * change what the model answers */
    vz_timing *m = (vz_timing *)t;
    if (m->fe_n)
        fe_flush(m);
    *out = t->last;
    if (t->any) {
        if (t->stage_times) {
            out->fetch = t->fe[t->fe_ix][0];
            out->decode = t->fe[t->fe_ix][t->c.decode_stage];
        }
        out->execute = t->last.issue + t->to_execute;
        out->memory = t->last.issue + t->to_memory;
        out->commit = t->last.issue + t->after_issue;
    }
}

void vz_timing_stats_get(const vz_timing *t, int mode, vz_timing_stats *s)
{
    if (mode == 0 || mode == 1) {
        *s = t->st[mode];
        if (mode == t->seg_mode)
            s->cycles += t->commit_end - t->seg_start;
        return;
    }
    const uint64_t *a = (const uint64_t *)&t->st[0], *b = (const uint64_t *)&t->st[1];
    uint64_t *o = (uint64_t *)s;
    for (size_t i = 0; i < sizeof *s / sizeof(uint64_t); i++)
        o[i] = a[i] + b[i];
    s->cycles += t->commit_end - t->seg_start;
}

void vz_timing_stats_print(FILE *f, const vz_timing *t)
{
    static const char *const mname[3] = { "root", "guest", "total" };
    fprintf(f, "timing config: %s (%s)\n", t->c.name,
            t->c.source[0] ? t->c.source : "built-in defaults");
    for (int m = 0; m < 3; m++) {
        vz_timing_stats s;
        vz_timing_stats_get(t, m, &s);
        if (m < 2 && !s.insns && !s.cycles && !s.exceptions)
            continue;
        fprintf(f, "[%s]\ncycles %llu\ninsns %llu\n", mname[m], (unsigned long long)s.cycles,
                (unsigned long long)s.insns);
        if (s.cycles)
            fprintf(f, "ipc %llu.%03llu\n", (unsigned long long)(s.insns / s.cycles),
                    (unsigned long long)(s.insns % s.cycles * 1000 / s.cycles));
        for (int i = 0; i < VZ_STALL_COUNT; i++)
            if (s.stall[i])
                fprintf(f, "stall.%s %llu\n", stall_names[i], (unsigned long long)s.stall[i]);
#define P(x) fprintf(f, #x " %llu\n", (unsigned long long)s.x)
        P(exceptions); P(hostcalls);
        P(l1i_hits); P(l1i_misses); P(l1d_hits); P(l1d_misses); P(l2_hits); P(l2_misses);
        P(uncached); P(itlb_misses); P(dtlb_misses); P(branches); P(mispredicts); P(btb_misses);
#undef P
    }
}
