/*
 * sim/core/cpu_internal.h - the core's state, shared by cpu.c (lifecycle, CP0,
 * exceptions, slow paths) and exec.c (fetch, decode cache, instruction semantics).
 * Not part of the public API.
 */
#ifndef VZSIM_CPU_INTERNAL_H
#define VZSIM_CPU_INTERNAL_H

#include "sim/core/cpu.h"
#include "sim/isa/isa.h"
#include "sim/mem/uhi.h"
#include "sim/tlb/tlb.h"

/* Decoded-instruction cache: one entry per 4-byte word of a physical 4 KiB page. */
#define DPAGE_SHIFT 12
#define DPAGE_WORDS (1u << (DPAGE_SHIFT - 2))
#define DPAGE_BUCKETS 1024

typedef struct dinsn {
    uint32_t word;
    uint16_t id;       /* 0: not decoded yet; VZ_I_COUNT: no row; DINSN_HOSTCALL */
    uint16_t aux;      /* DINSN_HOSTCALL: index in c->hostcalls */
} dinsn;
#define DINSN_HOSTCALL (VZ_I_COUNT + 1)

typedef struct dpage {
    uint64_t pa;               /* page-aligned physical address */
    struct dpage *next;        /* hash chain */
    const uint8_t *host;       /* host bytes of the page */
    dinsn insn[DPAGE_WORDS];
} dpage;

/* Software TLB: virtual page -> host pointer, per access kind. Filled on the slow
 * path for RAM pages of unmapped or mapped segments; flushed whenever translation
 * state changes (mode, ASID, TLB writes, Status). A flush only bumps a generation
 * number kept in the top 12 bits of every key (va >> 12 needs at most 52 bits), so
 * exits and entries do not pay for clearing the arrays; the arrays are cleared
 * for real once every 4095 flushes. */
#define STLB_SIZE 1024
#define STLB_GEN_SHIFT 52
typedef struct stlb_entry {
    uint64_t vpage;            /* key: (va >> 12) | generation; 0 when empty */
    uint8_t *host;             /* host address of the page start */
    uint64_t pa;               /* physical page address */
} stlb_entry;

enum { ACC_LOAD = 0, ACC_STORE = 1, ACC_FETCH = 2 };

struct vz_cpu {
    /* hot state first */
    uint64_t gpr[32];
    uint64_t pc;
    uint64_t btarget;          /* successor of the delay-slot instruction */
    uint8_t slot;              /* state of the NEXT instruction: 0, 1 delay, 2 forbidden */
    uint8_t kernel;            /* cached: kernel mode */
    uint8_t no64;              /* cached: 64-bit operations disabled (user, UX = PX = 0) */
    uint8_t awrap;             /* cached: 64-bit addressing off, addresses wrap at 32 bits */
    uint8_t irq_check;         /* re-evaluate interrupts before the next instruction */
    int8_t last_exc;           /* ExcCode of the last exception entered (for traces) */
    uint64_t last_pa;          /* physical address of the last data access (traces) */
    vz_stop stop;
    uint64_t insns;            /* retired instructions */
    uint64_t run_until;        /* insns value of the next timer event */
    uint64_t stop_at;          /* the inner run loop runs while insns < stop_at; any
                                  event that needs the outer loop lowers it */

    uint64_t stlb_gen;         /* current generation << STLB_GEN_SHIFT (never 0) */
    stlb_entry stlb[3][STLB_SIZE];
    struct { uint64_t vpage; dpage *page; } itlb[STLB_SIZE];

    /* LL/SC */
    uint64_t lladdr;           /* virtual address of the last LL, or 1 (no link) */
    uint64_t llval;
    uint8_t llbit;

    /* CP0: the root context, the VZ guest context and the active one */
    uint64_t *cx;              /* c->gcp0 in guest mode, else c->cp0 */
    uint8_t guest;             /* guest mode: GuestCtl0.GM && !Root.EXL && !Root.ERL */
    uint64_t cp0[VZ_CP0_COUNT_];
    uint64_t gcp0[VZ_CP0_COUNT_];
    uint32_t grand_seed, grand_prev;
    int8_t cp0_index[32][8];   /* (reg, sel) -> vz_cp0_id, -1 if absent */
    uint64_t count_stamp;      /* insns when cp0[COUNT] was last written */
    uint32_t ext_irq;          /* external interrupt lines IP2..IP7 (bits 10..15) */

    struct { uint64_t pa; vz_hostcall_fn fn; void *opaque; } hostcalls[VZ_MAX_HOSTCALLS];
    unsigned nhostcalls;

    uint32_t rand_seed;        /* Random register generator (QEMU's LCG) */
    uint32_t rand_prev;

    vz_mem *mem;
    dpage *dpages[DPAGE_BUCKETS];
    vz_uhi *uhi;
    int semihosting;
    int exit_code;
    char stop_msg[640];

    vz_retire_fn retire_fn;
    void *retire_opaque;
    vz_exception_fn exc_fn;
    void *exc_opaque;
    vz_retire_info ri;         /* being filled by the tracing loop */

    vz_tlb tlb;                /* root TLB (large: keep last) */
    vz_tlb gtlb;               /* guest TLB */
};

/* Where a translation failed: the exception to raise and in which context. */
typedef struct xlate_fault {
    int exc;                   /* ExcCode */
    int refill;                /* TLB miss (refill vector when EXL was 0) */
    int root;                  /* in guest mode: the GPA -> RPA stage failed (root exception) */
    uint64_t badva;            /* BadVAddr to report (the GPA for root faults) */
} xlate_fault;

/* GuestCtl0 fields */
#define GC0_GM   (1u << 31)
#define GC0_RI   (1u << 30)
#define GC0_MC   (1u << 29)
#define GC0_CP0  (1u << 28)
#define GC0_AT   (3u << 26)
#define GC0_GT   (1u << 25)
#define GC0_CG   (1u << 24)
#define GC0_CF   (1u << 23)
#define GC0_SFC2 (1u << 1)
#define GC0_SFC1 (1u << 0)
#define GC0X_CGI (1u << 4)
#define GC0X_FCD (1u << 3)
enum { GEXC_GPSI = 0, GEXC_GSFC = 1, GEXC_HC = 2, GEXC_GRR = 3, GEXC_GVA = 8,
       GEXC_GHFC = 9, GEXC_GPA = 10 };

static inline uint32_t vz_gc0(const struct vz_cpu *c) { return (uint32_t)c->cp0[VZ_CP0_GUESTCTL0]; }
static inline uint64_t vz_stlb_key(const struct vz_cpu *c, uint64_t va)
{
    return (va >> 12) | c->stlb_gen;
}
static inline uint8_t vz_guest_id(const struct vz_cpu *c) { return (uint8_t)c->cp0[VZ_CP0_GUESTCTL1]; }
static inline uint8_t vz_root_id(const struct vz_cpu *c) { return (uint8_t)(c->cp0[VZ_CP0_GUESTCTL1] >> 16); }

/* cpu.c */
/* An exception raised by the instruction at pc in the current mode: taken in the
 * guest context in guest mode (RI becomes a GRR exit when GuestCtl0.RI = 1), in the
 * root context otherwise. */
void vz_cpu_exception(vz_cpu *c, uint64_t pc, int code, int slot, uint64_t badva,
                      int has_badva, int refill);
/* A root exception (from either mode). In guest mode it is an exit: gexc >= 0 sets
 * GuestCtl0.GExcCode. */
void vz_cpu_root_exception(vz_cpu *c, uint64_t pc, int code, int slot, uint64_t badva,
                           int has_badva, int refill, int gexc);
/* Guest exit with Cause.ExcCode = GE (27) and GuestCtl0.GExcCode = gexc. */
void vz_cpu_guest_exit(vz_cpu *c, uint64_t pc, int slot, int gexc);
/* Translate va for the current mode (two stages in guest mode). 0, or -1 with *f. */
int vz_cpu_translate(vz_cpu *c, uint64_t va, int acc, uint64_t *pa, xlate_fault *f);
/* Raise the exception a failed translation describes. */
void vz_cpu_fault(vz_cpu *c, uint64_t pc, int slot, const xlate_fault *f);
void vz_cpu_flush_stlb(vz_cpu *c);
uint64_t vz_cpu_mfc0(vz_cpu *c, vz_cp0_id id);
void vz_cpu_mtc0(vz_cpu *c, vz_cp0_id id, uint64_t v, int is64);
/* One value of QEMU's Random generator in [wired, n-1], never prev twice in a row
 * (updates *seed and *prev); n - 1 when the range has one value. */
unsigned vz_random_pick(uint32_t *seed, uint32_t *prev, unsigned n, unsigned wired);
unsigned vz_cpu_random(vz_cpu *c);
uint64_t vz_cp0_write_value(vz_cpu *c, uint64_t *cp0, vz_cp0_id id, uint64_t v, int is64,
                            unsigned tlb_n);
int vz_cp0_in_guest(vz_cp0_id id);
int vz_cp0_bits(vz_cp0_id id);

/* vz.c */
void vz_guest_reset(vz_cpu *c);
uint64_t vz_guest_count(const vz_cpu *c);
unsigned vz_guest_random(vz_cpu *c);
/* TLB instruction id (VZ_I_TLB*) in the current mode; returns 0, or -1 after raising
 * an exception/exit. */
int vz_tlb_instruction(vz_cpu *c, unsigned id, uint64_t pc, int slot);
/* MFC0/DMFC0/MTC0/DMTC0 executed in guest mode (CP0 usability already checked).
 * Returns 1 when rt must be written with *val, 0 when done, -1 after an exit. */
int vz_guest_cp0_move(vz_cpu *c, unsigned insn, uint32_t w, uint64_t rtval, uint64_t *val,
                      uint64_t pc, int slot);
/* MFGC0/DMFGC0/MTGC0/DMTGC0 in root mode: 1 when rt must be written with *val. */
int vz_root_gcp0_move(vz_cpu *c, unsigned insn, uint32_t w, uint64_t rtval, uint64_t *val);
/* Guest interrupt state: recompute Guest.Cause.IP7..2 and take a guest interrupt if
 * one is pending and enabled. Returns 1 when taken. */
int vz_guest_check_interrupt(vz_cpu *c);
void vz_cpu_update_mode(vz_cpu *c);
dpage *vz_cpu_dpage_get(vz_cpu *c, uint64_t pa_page, const uint8_t *host);
/* The decoded page of physical page pa_page, or NULL. */
dpage *vz_cpu_dpage_find(vz_cpu *c, uint64_t pa_page);
void vz_cpu_code_written(vz_cpu *c, uint64_t pa, unsigned size);
int vz_cpu_check_interrupt(vz_cpu *c);
void vz_cpu_timer_update(vz_cpu *c, int at_event);
void vz_cpu_uhi(vz_cpu *c, uint64_t pc);
uint64_t vz_cpu_count(const vz_cpu *c);

#endif
