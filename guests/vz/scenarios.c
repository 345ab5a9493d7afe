/*
 * guests/vz/scenarios.c - the built-in scenarios of `vzsim scenarios`: each guest
 * repeats one kind of exit N times (N = ITERATIONS, 100 unless defined at build
 * time) so that the exit path, the handler and the re-entry can be timed per exit
 * reason; tests/hventry derives its expected exit counts from N. The scenario is chosen at build time (-DSCENARIO_<name>).
 * Each prints one line and exits through the hypervisor.
 */
#include "hvcall.h"
#include "rt.h"

#ifndef ITERATIONS
#define ITERATIONS 100
#endif

#if defined(SCENARIO_WAIT)
/* WAIT: the guest sleeps until its timer interrupt. The guest's Count/Compare are
 * the host's soft timer (GuestCtl0.GT = 0, every access exits with GPSI), WAIT
 * exits, time jumps to the deadline and the host injects IP7 through
 * GuestCtl2.VIP; the guest takes the interrupt itself right after the WAIT */
static volatile unsigned ticks;

static void timer_hook(struct rt_frame *f)
{
    if (RT_CAUSE_EXCCODE(f->cause) == 0) {
        unsigned long cnt;
        __asm__ volatile("mfc0 %0, $9\n\taddiu %0, %0, 1000\n\tmtc0 %0, $11" : "=&r"(cnt));
        ticks++;                                      /* the Compare write acknowledged it */
        return;
    }
    printf("unexpected guest exception %u at %016llx\n", RT_CAUSE_EXCCODE(f->cause),
           (unsigned long long)f->epc);
    rt_exit(1);
}
#endif

#if defined(SCENARIO_TIMER)
/* timer interrupt injection into a running guest: the guest arms its soft timer
 * and spins; the host's root timer fires at the deadline (a root interrupt exit,
 * VZ_EXIT_INTERRUPT), the host injects IP7 through GuestCtl2.VIP and the guest
 * takes the interrupt in the middle of its loop. Writing Compare back unchanged
 * acknowledges the interrupt without arming a new deadline. */
static volatile unsigned ticks;

static void timer_hook(struct rt_frame *f)
{
    if (RT_CAUSE_EXCCODE(f->cause) == 0) {
        unsigned long cmp;
        __asm__ volatile("mfc0 %0, $11" : "=r"(cmp));
        ticks++;                                      /* between the two exits */
        __asm__ volatile("mtc0 %0, $11" :: "r"(cmp));
        return;
    }
    printf("unexpected guest exception %u at %016llx\n", RT_CAUSE_EXCCODE(f->cause),
           (unsigned long long)f->epc);
    rt_exit(1);
}
#endif

#if defined(SCENARIO_GHFC)
/* guest hardware field change: with GuestCtl0.MC = 1 (requested through the
 * TRACE_MODE hypercall) every hardware change of the guest's Status.EXL exits with
 * GHFC after it happened (vz-facts §3.4): the SYSCALL's exception entry (EXL set,
 * EPC = the guest vector) and the handler's ERET (EXL cleared, EPC = the ERET
 * target). The host resumes at EPC without emulating anything: 2 GHFC per SYSCALL. */
static volatile unsigned syscalls;

static void syscall_hook(struct rt_frame *f)
{
    if (RT_CAUSE_EXCCODE(f->cause) == 8 && !RT_CAUSE_BD(f->cause)) {
        f->epc += 4;
        syscalls++;
        return;
    }
    printf("unexpected guest exception %u at %016llx\n", RT_CAUSE_EXCCODE(f->cause),
           (unsigned long long)f->epc);
    rt_exit(1);
}
#endif

#if defined(SCENARIO_TLBMISS)
/* guest TLB refill handled by the guest itself: the hypervisor must see no exit */
static volatile unsigned long refills;

static void tlb_hook(struct rt_frame *f)
{
    unsigned code = RT_CAUSE_EXCCODE(f->cause);
    if ((code == 2 || code == 3) && f->vector == 0) {
        /* map the missed useg page pair identity (GVA = GPA) in the guest TLB */
        uint64_t pfn0 = (f->badvaddr & ~0x1fffull) >> 12;
        uint64_t lo0 = (pfn0 << 6) | 0x1f, lo1 = ((pfn0 + 1) << 6) | 0x1f;
        __asm__ volatile("dmtc0 %0, $2\n\tdmtc0 %1, $3\n\tmtc0 $0, $5\n\tehb\n\ttlbwr\n\tehb"
                         :: "r"(lo0), "r"(lo1));
        refills++;
        return;
    }
    printf("unexpected guest exception %u at %016llx\n", code, (unsigned long long)f->epc);
    rt_exit(1);
}
#endif

int main(void)
{
    const unsigned n = ITERATIONS;
#if defined(SCENARIO_HYPERCALL)
    for (unsigned i = 0; i < n; i++)
        hvcall(HC_NOP, i, 0);
    printf("hypercall: %u hypercalls\n", n);
#elif defined(SCENARIO_GPSI)
    unsigned long prid = 0;
    for (unsigned i = 0; i < n; i++)
        __asm__ volatile("mfc0 %0, $15, 0" : "=r"(prid));     /* PRId: emulated by root */
    printf("gpsi: %u PRId reads, PRId %08lx\n", n, prid);
#elif defined(SCENARIO_GSFC)
    for (unsigned i = 0; i < n; i++) {
        unsigned long st;
        __asm__ volatile("mfc0 %0, $12\n\tlui $8, 0x2000\n\tor %0, %0, $8\n\tmtc0 %0, $12"
                         : "=&r"(st) :: "$8");               /* Status.CU1: root decides */
    }
    printf("gsfc: %u Status.CU1 writes\n", n);
#elif defined(SCENARIO_GPAFAULT)
    /* first touch of n guest page pairs beyond the image: one lazy mapping each */
    volatile uint64_t *p = (volatile uint64_t *)0xffffffff80400000ull;
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++) {
        p[i * 1024] = i;                                      /* 8 KiB apart */
        sum += p[i * 1024];
    }
    printf("gpa-fault: %u pages mapped lazily, sum %llu\n", n, (unsigned long long)sum);
#elif defined(SCENARIO_MMIO)
    /* the console UART's data register at GPA 0x1f000000 (guest kseg1) */
    volatile uint8_t *uart = (volatile uint8_t *)0xffffffffbf000000ull;
    for (unsigned i = 0; i < n; i++)
        *uart = (uint8_t)('a' + i % 26);
    *uart = '\n';
    printf("mmio: %u console bytes through RESUME_HOST\n", n + 1);
#elif defined(SCENARIO_WAIT)
    rt_exc_hook = timer_hook;
    for (unsigned i = 0; i < n; i++) {
        unsigned long cnt, st;
        __asm__ volatile("mfc0 %0, $9\n\taddiu %0, %0, 500\n\tmtc0 %0, $11" : "=&r"(cnt));
        /* IM7 | IE, then sleep; the interrupt wakes the guest after WAIT */
        __asm__ volatile("mfc0 %0, $12\n\tori %0, %0, 0x8001\n\tmtc0 %0, $12\n\tehb\n\t"
                         "wait\n\tnop\n\tdi\n\tehb" : "=&r"(st) :: "memory");
    }
    printf("wait: %u timer interrupts taken by the guest\n", ticks);
#elif defined(SCENARIO_TIMER)
    rt_exc_hook = timer_hook;
    unsigned long spins_min = ~0ul;
    for (unsigned i = 0; i < n; i++) {
        unsigned long cnt, st, spins = 0;
        unsigned seen = ticks;
        __asm__ volatile("mfc0 %0, $9\n\taddiu %0, %0, 300\n\tmtc0 %0, $11" : "=&r"(cnt));
        __asm__ volatile("mfc0 %0, $12\n\tori %0, %0, 0x8001\n\tmtc0 %0, $12\n\tehb"
                         : "=&r"(st) :: "memory");
        while (ticks == seen) {                   /* running, not waiting */
            if (++spins > 1000000) {
                printf("timer: no interrupt after %lu spins\n", spins);
                return 1;
            }
        }
        __asm__ volatile("di\n\tehb" ::: "memory");
        if (spins < spins_min)
            spins_min = spins;
    }
    printf("timer: %u timer interrupts taken while running (at least %lu loop rounds "
           "before each)\n", ticks, spins_min);
    if (!spins_min)
        return 1;
#elif defined(SCENARIO_GHFC)
    rt_exc_hook = syscall_hook;
    hvcall(HC_TRACE_MODE, 1, 0);
    for (unsigned i = 0; i < n; i++)
        __asm__ volatile("syscall" ::: "memory");
    hvcall(HC_TRACE_MODE, 0, 0);
    printf("ghfc: %u system calls under GuestCtl0.MC\n", syscalls);
    if (syscalls != n)
        return 1;
#elif defined(SCENARIO_TLBMISS)
    rt_exc_hook = tlb_hook;
    /* warm-up: touch the GPAs once through kseg0 so the root side is mapped */
    for (unsigned i = 0; i < 64; i++)
        ((volatile uint64_t *)0xffffffff80400000ull)[i * 1024] = i;
    /* the loop: 64 useg page pairs, more than the guest TLB holds, n rounds */
    uint64_t sum = 0;
    for (unsigned r = 0; r < n / 10 + 1; r++)
        for (unsigned i = 0; i < 64; i++)
            sum += ((volatile uint64_t *)0x400000ull)[i * 1024];
    printf("tlb-miss: %lu guest TLB refills handled by the guest, sum %llu\n",
           (unsigned long)refills, (unsigned long long)sum);
#else
#error "define one SCENARIO_*"
#endif
    return 0;
}
