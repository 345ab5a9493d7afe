/* Hypercalls of vzsim's embedded hypervisor (hv/entry/host.h has the ABI): HYPCALL
 * with code 0, function in v0, arguments in a0-a3, result in v0. */
#ifndef VZSIM_GUEST_HVCALL_H
#define VZSIM_GUEST_HVCALL_H

enum { HC_NOP = 0, HC_PUTC = 1, HC_WRITE = 2, HC_EXIT = 3, HC_COUNT = 4, HC_TRACE_MODE = 5 };

static inline long hvcall(long fn, long a0, long a1)
{
    register long v0 __asm__("$2") = fn;
    register long r4 __asm__("$4") = a0;
    register long r5 __asm__("$5") = a1;
    __asm__ volatile(".set push\n\t.set virt\n\thypcall\n\t.set pop"
                     : "+r"(v0)
                     : "r"(r4), "r"(r5)
                     : "memory");
    return v0;
}

#endif
