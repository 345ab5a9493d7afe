/* guests/ubench/ubench.h - the timing microbenchmarks' kernels and markers, shared by
 * the bare-metal programs (guests/ubench) and the host harness
 * (tests/timing/ubench_test.cc). Only #defines: kernels.S includes it.
 *
 * Every kernel runs its loop n times between two marker instructions
 *   ori $0, $0, UB_MARK_BASE + 2 * id        (begin)
 *   ori $0, $0, UB_MARK_BASE + 2 * id + 1    (end)
 * which do nothing; the harness notes the cycle count when each retires. The
 * programs call every kernel four times: UB_N1 iterations twice (warm-up: caches,
 * BTB, and the predictor counters of the global histories seen when the loop
 * starts, which are the same from the second call on), then UB_N1 and UB_N2, so one
 * loop iteration costs (cycles(N2) - cycles(N1)) / (N2 - N1) with the start-up and
 * the exit of the loop cancelled out. */
#ifndef VZSIM_UBENCH_H
#define VZSIM_UBENCH_H

#define UB_MARK_BASE 0x7000
#define UB_MARK_WORD 0x34000000   /* ori $0, $0, 0 */
#define UB_N1 50
#define UB_N2 150                 /* same parity as UB_N1: the jr kernels alternate */

/* Kernel ids. Pairs differ only in the number of measured instructions per
 * iteration (4 and 8 chained loads, ...) or in the measured instruction itself. */
#define UB_LOAD_USE_4 0   /* ld $2, 0($2) chains on one line */
#define UB_LOAD_USE_8 1
#define UB_L1_4 2         /* chain over 64 lines that all stay in L1D */
#define UB_L1_8 3
#define UB_L2_4 4         /* chain over 8 lines in one L1D set (64 KiB apart): L2 hits */
#define UB_L2_8 5
#define UB_MEM_4 6        /* chain over 16 lines 128 KiB apart: one L2 set, L2 misses */
#define UB_MEM_8 7
#define UB_UNCACHED_4 8   /* chain in kseg1 */
#define UB_UNCACHED_8 9
#define UB_MUL_4 10       /* dmul $2, $2, $3 chains */
#define UB_MUL_8 11
#define UB_DIV_2 12       /* ddiv $2, $2, $3 chains */
#define UB_DIV_4 13
#define UB_JR_TOGGLE 14   /* jr to alternating targets: every jump mispredicted */
#define UB_B_DIRECT 15    /* the same loop with a direct branch instead */
#define UB_UTLB_4 16      /* chain over 16 mapped pages (kseg2): micro-TLB misses */
#define UB_UTLB_8 17
#define UB_SYSCALL 18     /* syscall + a 4-instruction handler that ERETs past it */
#define UB_NOP 19         /* the same loop with a nop instead */
#define UB_COUNT 20

/* The guest under the hypervisor (ubench_hyper.c): hypercall NOPs. */
#define UB_HYPERCALL 20

/* Physical addresses of the data (boston RAM, away from the image at 1 MiB). */
#define UB_PA_LINE     0x02000000   /* load_use: one self-pointer */
#define UB_PA_L1       0x02010000   /* 64 words 64 bytes apart */
#define UB_PA_L2       0x02100040   /* 8 words 64 KiB apart */
#define UB_PA_MEM      0x02200080   /* 16 words 128 KiB apart */
#define UB_PA_UNCACHED 0x02400000   /* one self-pointer, used through kseg1 */
#define UB_PA_PAGES    0x02800000   /* 16 pages mapped at UB_VA_PAGES */
#define UB_VA_PAGES    0xffffffffc0000000ull   /* kseg2 (mapped) */
#define UB_PAGES 16

#endif
