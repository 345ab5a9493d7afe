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
    unsigned bht_ix;
} pending_branch;

struct vz_timing {
    vz_timing_config c;
    vz_retire_fn next;
    void *next_opaque;
    uint8_t src[VZ_I_COUNT];           /* bit 0 rs, 1 rt, 2 rd: registers read */
    uint8_t unit_of[VZ_OC_COUNT];
    unsigned lat[VZ_OC_COUNT];
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
    uint64_t fetch_line;
    int fetch_line_valid;
    /* pending redirects */
    pending_branch br;
    int exc_pending, exc_guest, eret_pending, eret_guest;
    uint64_t exc_issue, eret_issue;
    /* front end, for the stage times only (never for issue/commit): entry cycle of
     * stages 0..issue_stage of the last two instructions, [issue_stage + 1] = their
     * issue + 1; fe_ix = the previous instruction's row */
    uint64_t fe[2][VZ_TIMING_MAX_STAGES + 1];
    unsigned fe_ix, fetch_used;
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
}

/* 1 on a hit; on a miss the line is filled over the least recently used way. */
static int cache_access(cache *k, uint64_t pa)
{
    if (!k->assoc)
        return 0;
    uint64_t line = pa >> k->shift;
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
    for (int i = 0; i < VZ_I_COUNT; i++)
        t->src[i] = sources_of((vz_insn_id)i);
    for (int k = 0; k < VZ_OC_COUNT; k++) {
        t->unit_of[k] = (uint8_t)unit_of_class((vz_op_class)k);
        t->lat[k] = cfg->latency[k];
    }
    t->lat[VZ_OC_EHB] = cfg->ehb;
    t->lat[VZ_OC_ERET] = 1;
    t->lat[VZ_OC_WAIT] = 1;
    t->c.interval[VZ_OC_EHB] = t->c.interval[VZ_OC_ERET] = t->c.interval[VZ_OC_WAIT] = 1;
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
    t->all_done = t->cp0w_ready = t->commit_end = 0;
    t->fetch_line_valid = 0;
    memset(&t->br, 0, sizeof t->br);
    t->exc_pending = t->eret_pending = 0;
    memset(t->fe, 0, sizeof t->fe);
    t->fe_ix = t->fetch_used = 0;
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
        int b21 = strstr(in->operands, "b21") != NULL;
        int has_off = strstr(in->operands, "b16") || b21;
        b->pred_taken = has_off && ((ri->word >> (b21 ? 20 : 15)) & 1);
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
static void front_end_times(vz_timing *t, int first, uint64_t issue, uint64_t floor,
                            uint64_t miss)
{
    const unsigned S = t->c.issue_stage;
    uint64_t *prev = t->fe[t->fe_ix], *cur = t->fe[t->fe_ix ^ 1];
    /* the instruction issue_width before this one (cur still holds i-2) */
    const uint64_t *prevw = t->c.issue_width == 1 ? prev : cur;
    uint64_t f = 0;
    if (!first) {
        f = prev[0];
        if (t->fetch_break || t->fetch_used >= t->c.issue_width)
            f++;
    }
    if (floor >= S && floor - S > f)
        f = floor - S;
    if (S && prevw[1] > f)
        f = prevw[1];           /* stage 0 full until the one issue_width back leaves */
    t->fetch_used = !first && f == prev[0] && !t->fetch_break ? t->fetch_used + 1 : 1;
    t->fetch_break = 0;
    uint64_t e = f;
    for (unsigned k = 1; k <= S; k++) {
        uint64_t nx = e + 1 + (k == 1 ? miss : 0);
        if (prev[k] > nx)
            nx = prev[k];       /* in order */
        if (prevw[k + 1] > nx)
            nx = prevw[k + 1];  /* stage k holds issue_width instructions */
        cur[k - 1] = e;
        e = nx;
    }
    cur[S] = S ? e : issue;
    cur[S + 1] = issue + 1;
    t->fe_ix ^= 1;
}

void vz_timing_retire(vz_timing *t, const vz_retire_info *ri)
{
    const vz_timing_config *c = &t->c;
    int mode = ri->guest ? 1 : 0;
    vz_timing_stats *s = &t->st[mode];

    if (ri->exception == -2) {
        /* a host call: the pipeline drains, then the host function runs */
        uint64_t h0 = t->any ? t->cur + 1 : c->issue_stage;
        if (t->all_done > h0)
            h0 = t->all_done;
        if (t->front > h0)
            h0 = t->front;
        s->hostcalls++;
        redirect_at_least(t, h0 + c->hostcall, VZ_STALL_HOSTCALL);
        t->closed = 1;
        return;
    }

    const vz_insn_info *in = &vz_insn_table[ri->id < VZ_I_COUNT ? ri->id : 0];
    const vz_op_class cls = in->cls;
    const int exc = ri->exception >= 0;
    const int serial = !!(in->flags & VZ_F_SERIAL);

    /* redirects decided by earlier instructions */
    uint64_t bpen = 0;
    if (ri->in_slot != 1) {
        if (t->br.valid)
            bpen = resolve(t, ri->pc);
        if (t->exc_pending) {
            uint64_t e = t->exc_issue + c->exception_entry;
            if (t->exc_guest && !ri->guest)
                e += c->guest_exit_extra;
            redirect_at_least(t, e, VZ_STALL_EXCEPTION);
            t->exc_pending = 0;
        }
        if (t->eret_pending) {
            redirect_at_least(t, t->eret_issue +
                                     (ri->guest && !t->eret_guest ? c->eret_to_guest : c->eret),
                              VZ_STALL_ERET);
            t->eret_pending = 0;
        }
    }

    /* earliest issue within the issue group */
    uint64_t base;
    if (!t->any)
        base = c->issue_stage;
    else if (t->closed || t->used >= c->issue_width || (serial && t->used))
        base = t->cur + 1;
    else
        base = t->cur;

    /* every constraint beyond base is kept, so that the stall can be split among
     * the causes in the order they were passed (ncons <= 12) */
    uint64_t when = base;
    vz_stall_cause why = VZ_STALL_RAW;
    uint64_t cons_t[12];
    uint8_t cons_c[12];
    unsigned ncons = 0;
#define AT_LEAST(x, cause)                     \
    do {                                       \
        uint64_t x_ = (x);                     \
        if (x_ > base) {                       \
            cons_t[ncons] = x_;                \
            cons_c[ncons++] = (uint8_t)(cause); \
        }                                      \
        if (x_ > when) {                       \
            when = x_;                         \
            why = (cause);                     \
        }                                      \
    } while (0)

    AT_LEAST(t->front, t->front_cause);
    if (bpen)
        AT_LEAST(base + bpen, VZ_STALL_BRANCH);
    /* the fetch's floor for the stage times: redirects and mispredicts */
    uint64_t fetch_floor = t->redirect;
    if (bpen && base + bpen > fetch_floor)
        fetch_floor = base + bpen;

    /* fetch: a new line goes through the micro-TLB and L1I (or is uncached) */
    uint64_t tcost = 0, icost = 0;
    if (va_uncached(ri->pc)) {
        icost = c->uncached_latency;
        s->uncached++;
        t->fetch_line_valid = 0;
    } else {
        uint64_t line = ri->pc >> (t->l1i.assoc ? t->l1i.shift : 5);
        if (!t->fetch_line_valid || line != t->fetch_line) {
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
    }
    if (tcost || icost) {
        uint64_t f0 = when;   /* after the front end's redirects */
        fetch_floor = f0;     /* the miss starts here */
        if (tcost)
            AT_LEAST(f0 + tcost, VZ_STALL_TLB);
        if (icost)
            AT_LEAST(f0 + tcost + icost, VZ_STALL_ICACHE);
    }

    /* scoreboard */
    uint8_t m = exc ? 0 : t->src[ri->id < VZ_I_COUNT ? ri->id : 0];
    if (m & 1) {
        unsigned r = vz_f_rs(ri->word);
        if (r) AT_LEAST(t->reg_ready[r], (vz_stall_cause)t->reg_cause[r]);
    }
    if (m & 2) {
        unsigned r = vz_f_rt(ri->word);
        if (r) AT_LEAST(t->reg_ready[r], (vz_stall_cause)t->reg_cause[r]);
    }
    if (m & 4) {
        unsigned r = vz_f_rd(ri->word);
        if (r) AT_LEAST(t->reg_ready[r], (vz_stall_cause)t->reg_cause[r]);
    }
    if (serial)
        AT_LEAST(t->all_done, VZ_STALL_SERIAL);
    if (cls == VZ_OC_EHB || cls == VZ_OC_ERET || ri->id == VZ_I_JALR_HB)
        AT_LEAST(t->cp0w_ready, VZ_STALL_CP0_HAZARD);

    /* structural: the unit instance that frees first */
    unsigned u = t->unit_of[cls], k = 0;
    for (unsigned i = 1; i < c->units[u]; i++)
        if (t->unit_free[u][i] < t->unit_free[u][k])
            k = i;
    AT_LEAST(t->unit_free[u][k], VZ_STALL_UNIT);

    /* data side: micro-TLB before the access */
    int is_load = ri->mem_size && !ri->mem_write;
    uint64_t mcost = 0;
    int uncached_data = 0;
    if (ri->mem_size && !exc) {
        if (!va_unmapped(ri->mem_addr, ri->guest) &&
            !utlb_access(&t->dtlb, ri->mem_addr, ri->guest)) {
            s->dtlb_misses++;
            AT_LEAST(when + c->utlb_miss_penalty + (ri->guest ? c->guest_utlb_miss_extra : 0),
                     VZ_STALL_TLB);
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
    /* split the stall: sorted by time, each constraint is charged the cycles it adds
     * beyond the earlier ones (ties: the first passed) */
    for (unsigned i = 1; i < ncons; i++)
        for (unsigned j = i; j > 0 && cons_t[j - 1] > cons_t[j]; j--) {
            uint64_t tt = cons_t[j]; cons_t[j] = cons_t[j - 1]; cons_t[j - 1] = tt;
            uint8_t cc = cons_c[j]; cons_c[j] = cons_c[j - 1]; cons_c[j - 1] = cc;
        }
    {
        uint64_t at = base;
        for (unsigned i = 0; i < ncons; i++)
            if (cons_t[i] > at) {
                s->stall[cons_c[i]] += cons_t[i] - at;
                at = cons_t[i];
            }
    }
    if (!t->any || issue > t->cur) {
        t->cur = issue;
        t->used = 1;
        t->closed = 0;
    } else {
        t->used++;
    }
    t->any = 1;
    t->unit_free[u][k] = issue + c->interval[cls];

    uint64_t complete = issue + t->lat[cls] + mcost;
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
    uint64_t commit = issue + (c->depth - 1 - c->issue_stage);
    if (commit + 1 > t->commit_end) {
        s->cycles += commit + 1 - t->commit_end;
        t->commit_end = commit + 1;
    }

    /* stage times, before this instruction's effects on the fetch of later ones */
    front_end_times(t, first, issue, fetch_floor, tcost + icost);

    /* effects on later instructions */
    if (exc) {
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
        if (ri->in_slot == 1 && t->close_after_slot) {
            t->closed = 1;
            t->close_after_slot = 0;
        }
        if (ri->in_slot == 1 && t->fetch_break_after_slot) {
            t->fetch_break = 1;
            t->fetch_break_after_slot = 0;
        }
        if (serial) {
            front_at_least(t, complete, VZ_STALL_SERIAL);
            t->closed = 1;
        }
        if (in->flags & VZ_F_CP0W) {
            t->cp0w_ready = issue + c->cp0_write_to_use;
            utlb_flush(&t->itlb);   /* an EntryHi/ASID write: conservatively */
            utlb_flush(&t->dtlb);
        }
        if (cls == VZ_OC_TLB) {
            utlb_flush(&t->itlb);
            utlb_flush(&t->dtlb);
        }
        if ((cls == VZ_OC_BRANCH || cls == VZ_OC_JUMP) && (in->flags & VZ_F_CTI)) {
            s->branches++;
            predict(t, ri, in, issue, mode);
            if (ri->taken) {
                if (in->flags & VZ_F_DS) {
                    t->close_after_slot = 1;
                    t->fetch_break_after_slot = 1;
                } else {
                    t->closed = 1;
                    t->fetch_break = 1;
                }
            }
        } else if (cls == VZ_OC_ERET) {
            t->eret_pending = 1;
            t->eret_issue = issue;
            t->eret_guest = ri->guest;
            t->closed = 1;
        } else if (cls == VZ_OC_WAIT) {
            front_at_least(t, issue + c->wait, VZ_STALL_WAIT);
            t->closed = 1;
        }
    }

    {
        const unsigned S = c->issue_stage;
        const uint64_t *e = t->fe[t->fe_ix];
        t->last.fetch = e[0];
        t->last.decode = e[c->decode_stage];
        t->last.issue = issue;
        t->last.execute = issue + (c->execute_stage - S);
        t->last.memory = issue + (c->memory_stage - S);
    }
    t->last.complete = complete;
    t->last.commit = commit;
    t->last.stall_cause = why;
    t->last.stall = issue - base;
}

void vz_timing_observer(void *opaque, const vz_retire_info *ri)
{
    vz_timing *t = opaque;
    vz_timing_retire(t, ri);
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
    return t->st[0].cycles + t->st[1].cycles;
}

void vz_timing_reset_stats(vz_timing *t)
{
    memset(t->st, 0, sizeof t->st);
}

void vz_timing_last(const vz_timing *t, vz_timing_insn *out) { *out = t->last; }

void vz_timing_stats_get(const vz_timing *t, int mode, vz_timing_stats *s)
{
    if (mode == 0 || mode == 1) {
        *s = t->st[mode];
        return;
    }
    const uint64_t *a = (const uint64_t *)&t->st[0], *b = (const uint64_t *)&t->st[1];
    uint64_t *o = (uint64_t *)s;
    for (size_t i = 0; i < sizeof *s / sizeof(uint64_t); i++)
        o[i] = a[i] + b[i];
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
