/*
 * sim/timing/timing.h - the cycle-level timing model: an observer of the core's
 * retire stream (sim/core/cpu.h) that turns executed instructions into cycles.
 *
 * Function and timing are separate (issue 6): the core executes; this module only
 * reads vz_retire_info and the instruction table's op class and flags. Everything it
 * charges comes from a vz_timing_config, loaded from an INI file (configs/NAME.ini,
 * docs/timing.md describes every key). Pure integer arithmetic, no host state:
 * the same config and instruction stream give the same cycles on any host.
 */
#ifndef VZSIM_TIMING_H
#define VZSIM_TIMING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/cpu.h"
#include "sim/isa/isa.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Shared functional units (each class maps to one; docs/timing.md). */
typedef enum vz_timing_unit {
    VZ_UNIT_ALU, VZ_UNIT_LSU, VZ_UNIT_MDU, VZ_UNIT_CTU, VZ_UNIT_COUNT
} vz_timing_unit;

typedef enum vz_bpred_kind { VZ_BP_STATIC, VZ_BP_BIMODAL, VZ_BP_GSHARE } vz_bpred_kind;

typedef struct vz_cache_config {
    unsigned size;      /* bytes; 0 = no cache at this level */
    unsigned assoc;     /* ways */
    unsigned line;      /* bytes, power of two */
    unsigned latency;   /* extra cycles when an access is served by this level
                           (L2 only: L1 hit latency is the pipeline's) */
} vz_cache_config;

#define VZ_TIMING_MAX_STAGES 16
#define VZ_TIMING_MAX_UNITS 4      /* instances per unit kind */

typedef struct vz_timing_config {
    char name[64];
    char source[256];               /* file it was loaded from ("" = built-in) */
    /* [core] */
    unsigned depth;                 /* number of stages */
    char stages[VZ_TIMING_MAX_STAGES][16];
    unsigned issue_stage;           /* index of the issue stage in stages[] */
    unsigned issue_width;           /* 1 or 2 */
    /* stages whose entry times vz_timing_last reports as decode, execute, memory:
     * decode_stage <= issue_stage <= execute_stage <= memory_stage < depth */
    unsigned decode_stage, execute_stage, memory_stage;
    /* [units] */
    unsigned units[VZ_UNIT_COUNT];  /* instances of each unit, 1..VZ_TIMING_MAX_UNITS */
    /* [latency] / [interval] per op class (ERET, EHB, WAIT come from [privileged]) */
    unsigned latency[VZ_OC_COUNT];
    unsigned interval[VZ_OC_COUNT];
    /* [branch] */
    vz_bpred_kind predictor;
    unsigned bht_entries;           /* bimodal / gshare 2-bit counters (power of two) */
    unsigned history_bits;          /* gshare global history */
    unsigned btb_entries;           /* direct-mapped; 0 = none */
    unsigned ras_entries;           /* 0 = none */
    unsigned mispredict_penalty;
    unsigned btb_miss_penalty;      /* predicted-taken branch whose target is not in the BTB */
    /* [l1i] [l1d] [l2] [memory] */
    vz_cache_config l1i, l1d, l2;
    unsigned mem_latency;           /* extra cycles after an L2 miss */
    unsigned uncached_latency;      /* extra cycles of an uncached access */
    /* [tlb] */
    unsigned itlb_entries, dtlb_entries;
    unsigned utlb_miss_penalty;
    unsigned guest_utlb_miss_extra; /* two-stage translation on a guest micro-TLB miss */
    /* [privileged] */
    unsigned exception_entry;       /* faulting instruction's issue -> handler's issue */
    unsigned guest_exit_extra;      /* added when the exception leaves guest mode */
    unsigned eret;                  /* ERET issue -> first instruction at the return address */
    unsigned eret_to_guest;         /* same when the ERET enters guest mode */
    unsigned ehb;                   /* EHB latency (it is serializing) */
    unsigned cp0_write_to_use;      /* CP0 write issue -> EHB / JR.HB / ERET may issue */
    unsigned wait;                  /* cycles charged for WAIT */
    unsigned hostcall;              /* cycles charged per host call */
} vz_timing_config;

/* Built-in defaults (the classic 5-stage, single-issue machine of configs/classic5.ini). */
void vz_timing_config_default(vz_timing_config *cfg);
/* Load path over the defaults. Returns 0, or -1 with "path:line: message" in err
 * (unknown section or key, bad value, unreadable file, inconsistent config). */
int vz_timing_config_load(const char *path, vz_timing_config *cfg, char *err, size_t errlen);
/* Check a config; 0 or -1 with a message. */
int vz_timing_config_check(const vz_timing_config *cfg, char *err, size_t errlen);
/* Print the effective configuration in the INI format it is read from. */
void vz_timing_config_print(FILE *f, const vz_timing_config *cfg);

typedef enum vz_stall_cause {
    VZ_STALL_RAW,        /* waiting for an ALU/CP0 result */
    VZ_STALL_LOAD_USE,   /* waiting for a load that hit L1D */
    VZ_STALL_DCACHE,     /* waiting for a load that missed L1D or was uncached */
    VZ_STALL_MULDIV,     /* waiting for a MUL/DIV result */
    VZ_STALL_UNIT,       /* all instances of the unit busy */
    VZ_STALL_ICACHE,     /* instruction fetch missed L1I or was uncached */
    VZ_STALL_TLB,        /* micro-TLB miss */
    VZ_STALL_BRANCH,     /* mispredict or BTB miss */
    VZ_STALL_SERIAL,     /* serializing instruction drains the pipeline */
    VZ_STALL_CP0_HAZARD, /* hazard barrier waiting for a CP0 write */
    VZ_STALL_EXCEPTION,  /* exception entry */
    VZ_STALL_ERET,
    VZ_STALL_WAIT,
    VZ_STALL_HOSTCALL,
    VZ_STALL_COUNT
} vz_stall_cause;
const char *vz_stall_name(vz_stall_cause c);

typedef struct vz_timing_stats {
    uint64_t cycles, insns, exceptions, hostcalls;
    uint64_t stall[VZ_STALL_COUNT];
    uint64_t l1i_hits, l1i_misses, l1d_hits, l1d_misses, l2_hits, l2_misses, uncached;
    uint64_t itlb_misses, dtlb_misses;
    uint64_t branches, mispredicts, btb_misses;
} vz_timing_stats;

/* Cycle times of the last retired instruction (for pipeline views): the cycle it
 * enters each stage (fetch = stage 0, decode/execute/memory = the config's
 * decode_stage/execute_stage/memory_stage, commit = the last stage), except issue =
 * the cycle it leaves the issue stage (it may wait there) and complete = the cycle
 * its result is ready for a consumer. fetch <= decode <= issue <= execute <=
 * memory <= commit; each is monotonic over the retire stream (docs/timing.md). */
typedef struct vz_timing_insn {
    uint64_t fetch, decode, issue, execute, memory, complete, commit;
    vz_stall_cause stall_cause;
    uint64_t stall;             /* cycles it waited beyond its earliest issue */
} vz_timing_insn;

typedef struct vz_timing vz_timing;

/* Copies cfg (checked: NULL when it is inconsistent or on allocation failure). */
vz_timing *vz_timing_create(const vz_timing_config *cfg);
void vz_timing_destroy(vz_timing *t);
const vz_timing_config *vz_timing_get_config(const vz_timing *t);
/* Forget all state and statistics (caches cold, predictors reset, cycle 0). */
void vz_timing_reset(vz_timing *t);

/* Install t as cpu's retire observer; next (may be NULL) is called after t for
 * every retired instruction, so a trace writer can be chained. */
void vz_timing_attach(vz_timing *t, vz_cpu *cpu);
void vz_timing_chain(vz_timing *t, vz_retire_fn next, void *opaque);
/* Feed one retired instruction (what the observer does; usable without a core). */
void vz_timing_retire(vz_timing *t, const vz_retire_info *ri);
/* The observer function itself (opaque = vz_timing *). */
void vz_timing_observer(void *opaque, const vz_retire_info *ri);

/* Zero the statistics (and so vz_timing_cycles) but keep the machine state - warm
 * caches, predictors, pipeline timing - to measure a steady state. */
void vz_timing_reset_stats(vz_timing *t);
/* Cycles since creation / the last reset: up to the cycle after the last retired
 * instruction commits. */
uint64_t vz_timing_cycles(const vz_timing *t);
/* Statistics: mode 0 root, 1 guest, 2 both. */
void vz_timing_stats_get(const vz_timing *t, int mode, vz_timing_stats *s);
void vz_timing_stats_print(FILE *f, const vz_timing *t);
void vz_timing_last(const vz_timing *t, vz_timing_insn *out);
/* Stage times (fetch and decode in vz_timing_last) cost about 10% of the model's
 * time; on by default. A run with no per-instruction consumer (vzsim run without a
 * trace) turns them off: fetch and decode then read 0 and nothing else changes.
 * Turning them on again restarts the front end from the current state. */
void vz_timing_set_stage_times(vz_timing *t, int on);

#ifdef __cplusplus
}
#endif
#endif
