/* vzsim bare-metal guest runtime: formatted output, exceptions, CP0 access.
 *
 * Programs define `int main(void)`; its return value becomes the UHI exit
 * code.  Output goes to UHI fd 1 only (QEMU merges fds 1 and 2 on its
 * semihosting console, vzsim does not, so stderr output would break the
 * byte-for-byte comparison). */
#ifndef VZSIM_GUEST_RT_H
#define VZSIM_GUEST_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_asm.h"
#include "uhi.h"

/* ---- exceptions ------------------------------------------------------- */

/* Saved state at an exception (layout fixed by rt_asm.h FRAME_*).  gpr[26]
 * and gpr[27] (k0/k1) are not preserved.  A hook may edit gpr[] and epc;
 * the handler restores them and ERETs to epc. */
struct rt_frame {
  uint64_t gpr[32];
  uint64_t epc;
  uint64_t badvaddr;
  uint64_t status;
  uint64_t cause;     /* sign-extended, CAUSE_TIMING_BITS cleared */
  uint64_t badinstr;  /* 0 if Config3.BI = 0 */
  uint64_t badinstrp; /* 0 if Config3.BP = 0 */
  uint64_t vector;    /* offset from EBase of the vector taken */
};
_Static_assert(sizeof(struct rt_frame) == FRAME_SIZE, "frame layout");

typedef void (*rt_exc_hook_t)(struct rt_frame *frame);

/* When NULL (the default) an exception prints
 *   "EXCEPTION code=<ExcCode> epc=<16 hex> badvaddr=<16 hex>"
 * and exits with 128 + ExcCode. */
extern rt_exc_hook_t rt_exc_hook;

#define RT_CAUSE_EXCCODE(c) ((unsigned)(((c) >> 2) & 0x1f))
#define RT_CAUSE_BD(c) ((unsigned)(((c) >> 31) & 1))

/* Registers as the reset code found them (k0 = gpr[26] is not recorded). */
extern uint64_t rt_entry_gpr[32];
extern uint64_t rt_entry_status;

_Noreturn void rt_exit(int code);

/* ---- output ----------------------------------------------------------- */

/* printf subset: %d %i %u %x %X %o %c %s %p %%, length h hh l ll z, flags
 * '-' '0' '+' ' ' '#', width and precision (numbers and strings, '*'). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);

/* ---- libc subset (also what GCC may call implicitly) ------------------ */

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* FNV-1a 64-bit hash of a byte range. */
uint64_t rt_fnv1a(const void *p, size_t n);

/* ---- CP0 -------------------------------------------------------------- */

#define RT_STR_(x) #x
#define RT_STR(x) RT_STR_(x)
#define MFC0(reg, sel)                                                   \
  ({                                                                     \
    uint64_t v_;                                                         \
    __asm__ volatile("mfc0 %0, $" RT_STR(reg) ", " RT_STR(sel) : "=r"(v_)); \
    v_;                                                                  \
  })
#define DMFC0(reg, sel)                                                   \
  ({                                                                      \
    uint64_t v_;                                                          \
    __asm__ volatile("dmfc0 %0, $" RT_STR(reg) ", " RT_STR(sel) : "=r"(v_)); \
    v_;                                                                   \
  })
#define MTC0(reg, sel, val)                                                     \
  __asm__ volatile("mtc0 %z0, $" RT_STR(reg) ", " RT_STR(sel) "\n\tehb" ::"Jr"( \
      (uint64_t)(val)))
#define DMTC0(reg, sel, val)                                                     \
  __asm__ volatile("dmtc0 %z0, $" RT_STR(reg) ", " RT_STR(sel) "\n\tehb" ::"Jr"( \
      (uint64_t)(val)))

#define ULL(x) ((unsigned long long)(x))

#endif
