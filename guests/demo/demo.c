/*
 * guests/demo/demo.c - the main job's demo program: a short tour of what the core
 * does with a bare-metal MIPS64r6 program. It computes a CRC-32, exercises R6
 * instructions (compact branches, MUL/MUH, bit fields, PC-relative addressing),
 * takes and handles an exception, and reads CP0 - printing each step so that the
 * same ELF can be compared by eye on vzsim and on QEMU boston.
 */
#include "rt.h"

static int syscall_seen;

static void on_exception(struct rt_frame *f)
{
    if (RT_CAUSE_EXCCODE(f->cause) == 8) {          /* Sys */
        syscall_seen++;
        f->epc += 4;                                /* resume after the SYSCALL */
        return;
    }
    printf("unexpected exception %u at %016llx\n", RT_CAUSE_EXCCODE(f->cause),
           (unsigned long long)f->epc);
    rt_exit(1);
}

static uint32_t crc32(const unsigned char *p, unsigned n)
{
    uint32_t c = 0xffffffffu;
    for (unsigned i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

int main(void)
{
    static const char text[] = "vzsim: a cycle-level MIPS64r6 + VZ simulator";
    printf("vzsim demo: a bare-metal MIPS64 Release 6 program\n");
    printf("crc32(\"%s\") = %08x\n", text, (unsigned)crc32((const unsigned char *)text,
                                                            sizeof text - 1));

    int64_t a = 0x123456789, b = -77;
    int64_t lo, hi, ext;
    __asm__ volatile("dmul %0, %2, %3\n\tdmuh %1, %2, %3" : "=&r"(lo), "=&r"(hi) : "r"(a), "r"(b));
    __asm__ volatile("dext %0, %1, 8, 12" : "=r"(ext) : "r"(a));
    printf("dmul/dmuh 0x123456789 * -77 = %016llx:%016llx, dext(8,12) = %llx\n",
           (unsigned long long)hi, (unsigned long long)lo, (unsigned long long)ext);

    uint64_t here;
    __asm__ volatile("addiupc %0, 0" : "=r"(here));
    printf("addiupc: this code runs at %016llx (kseg0)\n", (unsigned long long)here);

    rt_exc_hook = on_exception;
    __asm__ volatile("syscall 5" ::: "memory");
    rt_exc_hook = 0;
    printf("syscall raised Sys and the handler resumed after it: %d time(s)\n", syscall_seen);

    uint64_t prid;
    __asm__ volatile("mfc0 %0, $15, 0" : "=r"(prid));
    printf("PRId = %08llx (company 0x%02llx, processor 0x%02llx)\n", (unsigned long long)prid,
           (unsigned long long)(prid >> 16) & 0xff, (unsigned long long)(prid >> 8) & 0xff);
    return 0;
}
