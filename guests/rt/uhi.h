/* UHI (Unified Hosting Interface) semihosting calls for vzsim guests.
 *
 * Convention (QEMU target/mips semihosting, vzsim sim/mem/uhi.c): `sdbbp 1`
 * with the operation number in $25, arguments in $4..$7; the result comes
 * back in $2 and, on failure, a MIPS errno in $3.  Only $2 and $3 change.
 * Every wrapper returns the raw $2 value and leaves $3 in uhi_errno. */
#ifndef VZSIM_GUEST_UHI_H
#define VZSIM_GUEST_UHI_H

#include <stddef.h>
#include <stdint.h>

/* open() flags as the UHI target side defines them. */
#define UHI_O_RDONLY 0
#define UHI_O_WRONLY 1
#define UHI_O_RDWR   2
#define UHI_O_APPEND 0x008
#define UHI_O_CREAT  0x200
#define UHI_O_TRUNC  0x400
#define UHI_O_EXCL   0x800

/* struct uhi_stat as written by UHI fstat (104 bytes, target byte order). */
struct uhi_stat {
  int16_t st_dev;
  uint16_t st_ino;
  uint32_t st_mode;
  uint16_t st_nlink;
  uint16_t st_uid;
  uint16_t st_gid;
  int16_t st_rdev;
  uint64_t st_size;
  uint64_t st_atime;
  uint64_t st_spare1;
  uint64_t st_mtime;
  uint64_t st_spare2;
  uint64_t st_ctime;
  uint64_t st_spare3;
  uint64_t st_blksize;
  uint64_t st_blocks;
  uint64_t st_spare4[2];
};
_Static_assert(sizeof(struct uhi_stat) == 104, "uhi_stat layout");

/* errno ($3) of the last wrapper call. */
extern long uhi_errno;

_Noreturn void uhi_exit(long status);
long uhi_open(const char *path, long flags, long mode);
long uhi_close(long fd);
long uhi_read(long fd, void *buf, size_t len);
long uhi_write(long fd, const void *buf, size_t len);
long uhi_lseek(long fd, long offset, long whence);
long uhi_unlink(const char *path);
long uhi_fstat(long fd, struct uhi_stat *st);
long uhi_argc(void);
long uhi_argnlen(long n);
long uhi_argn(long n, char *buf);
long uhi_plog(const char *fmt, long value);
_Noreturn void uhi_assert(const char *msg, const char *file, long line);

#endif
