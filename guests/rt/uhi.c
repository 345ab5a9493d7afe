/* UHI semihosting wrappers; see uhi.h for the calling convention. */
#include "uhi.h"
#include "rt_asm.h"

long uhi_errno;

/* One UHI call with up to four arguments.  "memory" because the host reads
 * and writes guest buffers. */
static long uhi_call(long op, long a0, long a1, long a2, long a3)
{
  register long r_op __asm__("$25") = op;
  register long r_a0 __asm__("$4") = a0;
  register long r_a1 __asm__("$5") = a1;
  register long r_a2 __asm__("$6") = a2;
  register long r_a3 __asm__("$7") = a3;
  register long r_v0 __asm__("$2");
  register long r_v1 __asm__("$3");
  __asm__ volatile("sdbbp 1"
                   : "=r"(r_v0), "=r"(r_v1)
                   : "r"(r_op), "r"(r_a0), "r"(r_a1), "r"(r_a2), "r"(r_a3)
                   : "memory");
  uhi_errno = r_v1;
  return r_v0;
}

_Noreturn void uhi_exit(long status)
{
  uhi_call(UHI_EXIT, status, 0, 0, 0);
  for (;;) {
    /* The host never returns from exit; spin if it does. */
  }
}

long uhi_open(const char *path, long flags, long mode)
{
  return uhi_call(UHI_OPEN, (long)path, flags, mode, 0);
}

long uhi_close(long fd) { return uhi_call(UHI_CLOSE, fd, 0, 0, 0); }

long uhi_read(long fd, void *buf, size_t len)
{
  return uhi_call(UHI_READ, fd, (long)buf, (long)len, 0);
}

long uhi_write(long fd, const void *buf, size_t len)
{
  return uhi_call(UHI_WRITE, fd, (long)buf, (long)len, 0);
}

long uhi_lseek(long fd, long offset, long whence)
{
  return uhi_call(UHI_LSEEK, fd, offset, whence, 0);
}

long uhi_unlink(const char *path) { return uhi_call(UHI_UNLINK, (long)path, 0, 0, 0); }

long uhi_fstat(long fd, struct uhi_stat *st)
{
  return uhi_call(UHI_FSTAT, fd, (long)st, 0, 0);
}

long uhi_argc(void) { return uhi_call(UHI_ARGC, 0, 0, 0, 0); }

long uhi_argnlen(long n) { return uhi_call(UHI_ARGNLEN, n, 0, 0, 0); }

long uhi_argn(long n, char *buf) { return uhi_call(UHI_ARGN, n, (long)buf, 0, 0); }

long uhi_plog(const char *fmt, long value)
{
  return uhi_call(UHI_PLOG, (long)fmt, value, 0, 0);
}

_Noreturn void uhi_assert(const char *msg, const char *file, long line)
{
  uhi_call(UHI_ASSERT, (long)msg, (long)file, line, 0);
  uhi_exit(134);
}
