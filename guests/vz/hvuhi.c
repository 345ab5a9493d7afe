/* The guest runtime's UHI interface (guests/rt/uhi.h) implemented with hypercalls,
 * for programs that run as guests of vzsim's embedded hypervisor: console writes
 * and exit go to the hypervisor; everything else is unavailable (-1). */
#include "uhi.h"
#include "hvcall.h"

long uhi_errno;

_Noreturn void uhi_exit(long status)
{
    hvcall(HC_EXIT, status, 0);
    for (;;) {
    }
}

long uhi_write(long fd, const void *buf, size_t len)
{
    (void)fd;
    return hvcall(HC_WRITE, (long)buf, (long)len);
}

long uhi_open(const char *path, long flags, long mode) { (void)path; (void)flags; (void)mode; return -1; }
long uhi_close(long fd) { (void)fd; return -1; }
long uhi_read(long fd, void *buf, size_t len) { (void)fd; (void)buf; (void)len; return -1; }
long uhi_lseek(long fd, long o, long w) { (void)fd; (void)o; (void)w; return -1; }
long uhi_unlink(const char *p) { (void)p; return -1; }
long uhi_fstat(long fd, struct uhi_stat *st) { (void)fd; (void)st; return -1; }
long uhi_argc(void) { return 0; }
long uhi_argnlen(long n) { (void)n; return -1; }
long uhi_argn(long n, char *buf) { (void)n; (void)buf; return -1; }
long uhi_plog(const char *fmt, long value) { (void)fmt; (void)value; return -1; }

_Noreturn void uhi_assert(const char *msg, const char *file, long line)
{
    (void)msg;
    (void)file;
    hvcall(HC_EXIT, 200 + (line & 0x3f), 0);
    for (;;) {
    }
}
