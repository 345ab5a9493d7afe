/* UHI semihosting calls: argc/argnlen/argn, plog, open/write/lseek/read/
 * fstat/close/unlink on a host file, the /dev/stdout alias, and error
 * returns (result -1, errno in $3).  argv[0] is the ELF path as given on the
 * simulator's command line.  (Not tested: close(1) -- QEMU 7.2 really closes
 * its console fd, and later output is lost.)  The file is created in the simulator's
 * working directory (compare.sh gives QEMU and vzsim separate ones).  Only
 * deterministic fields are printed (st_size, not times or inode numbers). */
#include "common.h"

static const char path[] = "vzsim_uhi_test.tmp";

int main(void)
{
  printf("# arguments\n");
  long argc = uhi_argc();
  printf("argc -> %ld\n", argc);
  for (long i = 0; i < argc && i < 4; i++) {
    char arg[128];
    long n = uhi_argnlen(i);
    long r = (n >= 0 && n < (long)sizeof arg) ? uhi_argn(i, arg) : -1;
    printf("argv[%ld] len=%ld r=%ld \"%s\"\n", i, n, r, r == 0 ? arg : "");
  }

  printf("# plog\n");
  long n = uhi_plog("plog says %d\n", -42);
  printf("plog -> %ld\n", n);
  n = uhi_plog("plog without a number\n", 7);
  printf("plog -> %ld\n", n);

  printf("# /dev/stdout\n");
  long fd = uhi_open("/dev/stdout", UHI_O_WRONLY, 0);
  printf("open /dev/stdout -> %ld\n", fd);
  n = uhi_write(fd, "written to the /dev/stdout fd\n", 30);
  printf("write -> %ld\n", n);
  n = uhi_write(1, "written to fd 1\n", 16);
  printf("write -> %ld\n", n);

  printf("# host file\n");
  uhi_unlink(path); /* leftovers from an interrupted run */
  fd = uhi_open(path, UHI_O_RDWR | UHI_O_CREAT | UHI_O_TRUNC, 0644);
  printf("open -> %s\n", fd >= 3 ? "fd>=3" : "FAILED");
  static const char text[] = "0123456789abcdefghij";
  printf("write -> %ld\n", uhi_write(fd, text, 20));
  printf("lseek(5, SEEK_SET) -> %ld\n", uhi_lseek(fd, 5, 0));
  char buf[32];
  memset(buf, 0, sizeof buf);
  printf("read(8) -> %ld \"%s\"\n", uhi_read(fd, buf, 8), buf);
  printf("lseek(-3, SEEK_END) -> %ld\n", uhi_lseek(fd, -3, 2));
  memset(buf, 0, sizeof buf);
  printf("read(8) -> %ld \"%s\"\n", uhi_read(fd, buf, 8), buf);
  printf("read at EOF -> %ld\n", uhi_read(fd, buf, 8));
  printf("lseek(0, SEEK_CUR) -> %ld\n", uhi_lseek(fd, 0, 1));
  struct uhi_stat st;
  memset(&st, 0, sizeof st);
  printf("fstat -> %ld size=%llu\n", uhi_fstat(fd, &st), ULL(st.st_size));
  printf("close -> %ld\n", uhi_close(fd));
  printf("unlink -> %ld\n", uhi_unlink(path));

  printf("# errors\n");
  n = uhi_open("vzsim_no_such_dir/no_such_file", UHI_O_RDONLY, 0);
  printf("open missing -> %ld errno=%ld\n", n, uhi_errno);
  n = uhi_unlink(path);
  printf("unlink missing -> %ld errno=%ld\n", n, uhi_errno);
  printf("# done\n");
  return 0;
}
