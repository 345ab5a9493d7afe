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
    uint16_t id;       /* 0: not decoded yet */
    uint16_t pad;
} dinsn;

typedef struct dpage {
    uint64_t pa;               /* page-aligned physical address */
    struct dpage *next;        /* hash chain */
    const uint8_t *host;       /* host bytes of the page */
    dinsn insn[DPAGE_WORDS];
} dpage;

/* Software TLB: virtual page -> host pointer, per access kind. Filled on the slow
 * path for RAM pages of unmapped or mapped segments; flushed whenever translation
 * state changes (mode, ASID, TLB writes, Status). */
#define STLB_SIZE 256
typedef struct stlb_entry {
    uint64_t vpage;            /* va >> 12, or ~0 when empty */
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
    uint8_t irq_check;         /* re-evaluate interrupts before the next instruction */
    vz_stop stop;
    uint64_t insns;            /* retired instructions */
    uint64_t run_until;        /* insns value of the next timer event */
    uint64_t stop_at;          /* the inner run loop runs while insns < stop_at; any
                                  event that needs the outer loop lowers it */

    stlb_entry stlb[3][STLB_SIZE];
    struct { uint64_t vpage; dpage *page; } itlb[STLB_SIZE];

    /* LL/SC */
    uint64_t lladdr;           /* virtual address of the last LL, or 1 (no link) */
    uint64_t llval;
    uint8_t llbit;

    /* CP0 */
    uint64_t cp0[VZ_CP0_COUNT_];
    int8_t cp0_index[32][8];   /* (reg, sel) -> vz_cp0_id, -1 if absent */
    uint64_t count_stamp;      /* insns when cp0[COUNT] was last written */
    uint32_t ext_irq;          /* external interrupt lines IP2..IP7 (bits 10..15) */

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
};

/* cpu.c */
void vz_cpu_exception(vz_cpu *c, uint64_t pc, int code, int slot, uint64_t badva,
                      int has_badva, int refill);
int vz_cpu_translate(vz_cpu *c, uint64_t va, int acc, uint64_t *pa, int *exc,
                     int *refill);
void vz_cpu_flush_stlb(vz_cpu *c);
uint64_t vz_cpu_mfc0(vz_cpu *c, vz_cp0_id id);
void vz_cpu_mtc0(vz_cpu *c, vz_cp0_id id, uint64_t v, int is64);
unsigned vz_cpu_random(vz_cpu *c);
void vz_cpu_tlb_op(vz_cpu *c, unsigned id);
void vz_cpu_update_mode(vz_cpu *c);
dpage *vz_cpu_dpage_get(vz_cpu *c, uint64_t pa_page, const uint8_t *host);
void vz_cpu_code_written(vz_cpu *c, uint64_t pa, unsigned size);
int vz_cpu_check_interrupt(vz_cpu *c);
void vz_cpu_timer_update(vz_cpu *c, int at_event);
void vz_cpu_uhi(vz_cpu *c, uint64_t pc);
uint64_t vz_cpu_count(const vz_cpu *c);

#endif
