/*
 * tests/systemc/irq_guest.c - a bare-metal program for vzsim-platform's devices
 * (sim/systemc/devices.h), used by tests/systemc:
 *
 *   systemc_irq.elf          arms the Timer (at physical 0x17ff0000, through kseg1)
 *                            for 1000 cycles, enables IP2 and polls; the handler
 *                            acknowledges the Timer and counts. Prints the count and
 *                            exits 0 when exactly one interrupt was handled.
 *   systemc_irq.elf uart N   writes N bytes 'u' to the UART's THR (boston's UART,
 *                            0x17ffe000) after polling its LSR, then a newline;
 *                            exits 0. (2N + 2 device accesses.)
 */
#include "rt.h"

#define TIMER ((volatile uint64_t *)0xffffffffb7ff0000ull)
#define UART ((volatile uint32_t *)0xffffffffb7ffe000ull)
#define IRQ_ST_IE 0x1u
#define IRQ_ST_IM2 (1u << 10)

static volatile int handled;

static void on_exception(struct rt_frame *f)
{
    /* the runtime clears Cause.IP in the frame (timing-dependent bits): ask the Timer */
    if (RT_CAUSE_EXCCODE(f->cause) == 0 && TIMER[2] == 1) {
        handled++;
        TIMER[2] = 1;                  /* acknowledge: the Timer lowers its line */
        return;                        /* ERET to the interrupted instruction */
    }
    printf("unexpected exception %u at %016llx\n", RT_CAUSE_EXCCODE(f->cause),
           (unsigned long long)f->epc);
    rt_exit(1);
}

static void uart_putc(char c)
{
    while (!(UART[5] & 0x20))         /* LSR.THRE */
        ;
    UART[0] = (uint32_t)(unsigned char)c;
}

int main(void)
{
    char arg[32];
    if (uhi_argc() >= 3 && uhi_argnlen(1) < (long)sizeof arg && uhi_argn(1, arg) == 0 &&
        !strcmp(arg, "uart")) {
        char num[32];
        long n = 0;
        if (uhi_argnlen(2) < (long)sizeof num && uhi_argn(2, num) == 0)
            for (const char *p = num; *p >= '0' && *p <= '9'; p++)
                n = n * 10 + (*p - '0');
        for (long i = 0; i < n; i++)
            uart_putc('u');
        uart_putc('\n');
        return 0;
    }
    rt_exc_hook = on_exception;
    TIMER[1] = 1000;                   /* ALARM: IP2 in 1000 cycles */
    MTC0(12, 0, MFC0(12, 0) | IRQ_ST_IE | IRQ_ST_IM2);
    unsigned long spins = 0;
    while (!handled && spins < 100000000ul)
        spins++;
    MTC0(12, 0, MFC0(12, 0) & ~(uint64_t)IRQ_ST_IE);
    printf("interrupts handled: %d, raised by the timer: %llu, status after ack: %llu\n", handled,
           (unsigned long long)TIMER[3], (unsigned long long)TIMER[2]);
    return handled == 1 && TIMER[3] == 1 ? 0 : 1;
}
