/*
 * sim/mem/uhi.c - UHI semihosting host side (see uhi.h for the contract).
 *
 * Facts from QEMU (read, not copied): target/mips/tcg/sysemu/mips-semi.c,
 * semihosting/syscalls.c, semihosting/guestfd.c, and a probe program run under
 * qemu-system-mips64el 7.2 -M boston -semihosting. What QEMU 7.2 does, and vzsim too:
 *  - Registers: op in $25, args $4..$7, result $2. $3 (errno) is written only by the
 *    operations that go through QEMU's syscall layer (open of a real file, close,
 *    read, write, lseek, unlink, fstat, plog without "%d"): 0 on success, the UHI errno
 *    on failure. argc/argnlen/argn, plog with "%d" and open of /dev/std* leave $3 alone.
 *  - errno: host errno is mapped to newlib numbers for EPERM ENOENT EINTR EBADF EBUSY
 *    EEXIST ENOTDIR EISDIR EINVAL ENFILE EMFILE EFBIG ENOSPC ESPIPE EROFS (same numbers
 *    as Linux) and ENAMETOOLONG (91); every other host errno becomes EINVAL (22),
 *    e.g. EACCES and EIO.
 *  - Guest fds: a table; 0, 1, 2 start as the console. open() takes the lowest free
 *    slot from 1 up (slot 0 is never reused). close() of a console fd returns 0 and
 *    frees the slot (a later write to it fails EBADF, a later open may get it).
 *    open("/dev/stdin"|"/dev/stdout"|"/dev/stderr") returns 0|1|2 without checking or
 *    touching the table, as QEMU does (its source marks this shortcut as a known
 *    limitation; vzsim matches the oracle).
 *  - open flags: WRONLY, else RDWR, else RDONLY; CREAT, TRUNC, EXCL; mode from $6.
 *  - write to the console returns the byte count, or -1/EINVAL when nothing was
 *    written (QEMU turns a 0-byte console write into EIO, then EINVAL): so write(1,
 *    buf, 0) = -1, $3 = 22. lseek on the console fails ESPIPE. Bad fd: EBADF.
 *  - fstat writes struct uhi_stat (104 bytes, little-endian): dev i16 @0, ino u16 @2,
 *    mode u32 @4, nlink u16 @8, uid u16 @10, gid u16 @12, rdev i16 @14, size u64 @16,
 *    atime u64 @24, spare1 @32, mtime @40, spare2 @48, ctime @56, spare3 @64,
 *    blksize @72, blocks @80, spare4[2] @88; times keep their low 32 bits (QEMU goes
 *    through gdb's 32-bit stat); all other bytes 0. Host dev/ino above 32 bits fail
 *    (EOVERFLOW, mapped to EINVAL). Console fds: mode 020666, rdev 5, all else 0.
 *  - argc/argnlen/argn: n is unsigned; n >= argc gives $2 = -1 ($3 untouched). argn
 *    copies the string with its NUL and returns 0. QEMU gives argv[0] = -kernel path
 *    (argc 1 with no -append); vzsim reports exactly the configured argv.
 *  - plog: without "%d" it is write(2, str, strlen(str)) through the fd table; with
 *    "%d" the first "%d" is replaced by (int) of the low 32 bits of $5 (later % are
 *    literal), the text goes to the console and $2 = its length, $3 untouched.
 *  - assert: message 'UHI assertion "<msg>": file "<file>", line <(int)$6>', a string
 *    that cannot be read shows as "<EFAULT>"; then the simulation stops.
 *  - exit: stops with exit code (int)$4; QEMU's process status is that & 0xff.
 *  - unlink uses remove().
 * Differences from QEMU (deliberate):
 *  - A guest pointer that faults: QEMU aborts the whole emulator ("Fault during UHI
 *    operation"); vzsim fails the call with $2 = -1, $3 = 14 (EFAULT). A transfer
 *    that faults part way returns the bytes moved before the faulting page.
 *  - Unknown operations (and heapinfo 12, 15-18, 21): QEMU aborts; vzsim returns
 *    $2 = -1, $3 = 22 and a warning in the result.
 *  - pread (19), pwrite (20), link (22): QEMU 7.2 aborts ("Unknown UHI operation 19"),
 *    older QEMU implemented them; vzsim implements them (console fds: ESPIPE).
 *  - O_APPEND (0x8): QEMU 7.2 ignores it (measured: the write lands at offset 0);
 *    vzsim honours it as the UHI specification says.
 *  - argnlen/argn with a huge n: QEMU 7.2 crashes (segfault measured for n = -1);
 *    vzsim returns -1.
 *  - Console: QEMU has one console for fds 0-2 (default: its stderr); vzsim writes
 *    fds 0 and 1 and plog to cfg->out and fd 2 to cfg->err, reads from cfg->in, and
 *    returns end of file (0) where QEMU would block forever on an empty stdin.
 *    Console reads return at most one line.
 *  - Host files disabled (allow_host_files = 0): open/unlink/link fail with EPERM.
 *  - At most VZ_UHI_MAX_FDS guest fds (EMFILE beyond); paths longer than
 *    VZ_UHI_MAX_PATH fail ENAMETOOLONG.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* open, pread, strdup, link, O_CLOEXEC */
#endif
#include "sim/mem/uhi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536u           /* host bounce buffer for data transfers */
#define PAGE 4096u             /* fault granularity when a transfer fails part way */
#define STR_CHUNK 256u         /* strings are read in aligned pieces of this size */
#define MAX_XFER 0x7fffffffu   /* QEMU bounds read/write lengths to INT32_MAX */

enum fd_kind { FD_UNUSED = 0, FD_CONSOLE, FD_HOST };

struct fdent {
    enum fd_kind kind;
    int host;
};

struct vz_uhi {
    int argc;
    char **argv;
    FILE *in, *out, *err;
    int allow_host;
    struct fdent fds[VZ_UHI_MAX_FDS];
    unsigned char buf[CHUNK];  /* bounce buffer (a vz_uhi is used by one thread) */
};

vz_uhi *vz_uhi_create(const vz_uhi_config *cfg)
{
    if (cfg && (cfg->argc < 0 || (cfg->argc > 0 && !cfg->argv)))
        return NULL;
    vz_uhi *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    if (cfg) {
        u->in = cfg->in;
        u->out = cfg->out;
        u->err = cfg->err;
        u->allow_host = cfg->allow_host_files != 0;
        if (cfg->argc > 0) {
            u->argv = calloc((size_t)cfg->argc, sizeof *u->argv);
            if (!u->argv) {
                free(u);
                return NULL;
            }
            u->argc = cfg->argc;
            for (int i = 0; i < cfg->argc; i++) {
                const char *s = cfg->argv[i] ? cfg->argv[i] : "";
                u->argv[i] = strdup(s);
                if (!u->argv[i]) {
                    vz_uhi_destroy(u);
                    return NULL;
                }
            }
        }
    }
    for (int i = 0; i < 3; i++)
        u->fds[i].kind = FD_CONSOLE;
    return u;
}

void vz_uhi_destroy(vz_uhi *u)
{
    if (!u)
        return;
    for (int i = 0; i < VZ_UHI_MAX_FDS; i++)
        if (u->fds[i].kind == FD_HOST)
            close(u->fds[i].host);
    for (int i = 0; i < u->argc; i++)
        free(u->argv[i]);
    free(u->argv);
    free(u);
}

/* ---- helpers -------------------------------------------------------------------- */

static int map_errno(int e)
{
    switch (e) {
    case 0: return 0;
    case EPERM: return VZ_UHI_EPERM;
    case ENOENT: return VZ_UHI_ENOENT;
    case EINTR: return VZ_UHI_EINTR;
    case EBADF: return VZ_UHI_EBADF;
    case EFAULT: return VZ_UHI_EFAULT;
    case EBUSY: return VZ_UHI_EBUSY;
    case EEXIST: return VZ_UHI_EEXIST;
    case ENOTDIR: return VZ_UHI_ENOTDIR;
    case EISDIR: return VZ_UHI_EISDIR;
    case EINVAL: return VZ_UHI_EINVAL;
    case ENFILE: return VZ_UHI_ENFILE;
    case EMFILE: return VZ_UHI_EMFILE;
    case EFBIG: return VZ_UHI_EFBIG;
    case ENOSPC: return VZ_UHI_ENOSPC;
    case ESPIPE: return VZ_UHI_ESPIPE;
    case EROFS: return VZ_UHI_EROFS;
    case ENAMETOOLONG: return VZ_UHI_ENAMETOOLONG;
    default: return VZ_UHI_EINVAL;
    }
}

/* Result of an operation that reports errno ($3 written). */
static void set_ret(uint64_t gpr[32], int64_t ret, int uhi_errno)
{
    gpr[2] = (uint64_t)ret;
    gpr[3] = (uint64_t)(int64_t)uhi_errno;
}

static void set_fail(uint64_t gpr[32], int uhi_errno)
{
    set_ret(gpr, -1, uhi_errno);
}

/* Does [va, va + n) wrap around the top of the address space? */
static int wraps(uint64_t va, uint64_t n)
{
    return n != 0 && va + n - 1 < va;
}

/* Read up to n bytes of guest memory; returns how many bytes before the first
 * faulting page could be read (n when everything was readable). */
static size_t guest_read_upto(const vz_uhi_memops *mem, uint64_t va, void *buf, size_t n)
{
    if (n == 0)
        return 0;
    if (!wraps(va, n) && mem->read(mem->ctx, va, buf, n) == 0)
        return n;
    size_t done = 0;
    while (done < n) {
        uint64_t a = va + done;
        size_t k = PAGE - (size_t)(a & (PAGE - 1));
        if (k > n - done)
            k = n - done;
        if (wraps(a, k) || mem->read(mem->ctx, a, (unsigned char *)buf + done, k) != 0)
            break;
        done += k;
    }
    return done;
}

static size_t guest_write_upto(const vz_uhi_memops *mem, uint64_t va, const void *buf, size_t n)
{
    if (n == 0)
        return 0;
    if (!wraps(va, n) && mem->write(mem->ctx, va, buf, n) == 0)
        return n;
    size_t done = 0;
    while (done < n) {
        uint64_t a = va + done;
        size_t k = PAGE - (size_t)(a & (PAGE - 1));
        if (k > n - done)
            k = n - done;
        if (wraps(a, k) || mem->write(mem->ctx, a, (const unsigned char *)buf + done, k) != 0)
            break;
        done += k;
    }
    return done;
}

/* Read a NUL-terminated guest string of at most max bytes (NUL included) into a
 * malloc'ed buffer. Returns 0, or a negative UHI errno: -EFAULT (fault or wrap),
 * -ENAMETOOLONG (no NUL within max bytes), -EINVAL (out of host memory). */
static int read_string(const vz_uhi_memops *mem, uint64_t va, size_t max, char **out)
{
    *out = NULL;
    size_t cap = 0, len = 0;
    char *s = NULL;
    for (;;) {
        size_t k = STR_CHUNK - (size_t)(va & (STR_CHUNK - 1));
        if (len + k > max)
            k = max - len;
        if (k == 0) {
            free(s);
            return -VZ_UHI_ENAMETOOLONG;
        }
        if (len + k > cap) {
            size_t ncap = cap ? cap * 2 : 2 * STR_CHUNK;
            while (ncap < len + k)
                ncap *= 2;
            char *ns = realloc(s, ncap);
            if (!ns) {
                free(s);
                return -VZ_UHI_EINVAL;
            }
            s = ns;
            cap = ncap;
        }
        if (wraps(va, k) || mem->read(mem->ctx, va, s + len, k) != 0) {
            free(s);
            return -VZ_UHI_EFAULT;
        }
        char *z = memchr(s + len, 0, k);
        if (z) {
            *out = s;
            return 0;
        }
        len += k;
        va += k;
    }
}

static struct fdent *get_fd(vz_uhi *u, uint64_t raw)
{
    int fd = (int)(int32_t)(uint32_t)raw; /* QEMU passes the fd as an int */
    if (fd < 0 || fd >= VZ_UHI_MAX_FDS || u->fds[fd].kind == FD_UNUSED)
        return NULL;
    return &u->fds[fd];
}

static FILE *console_out(vz_uhi *u, const struct fdent *f)
{
    return f == &u->fds[2] ? u->err : u->out;
}

/* Write to a console stream; returns bytes accepted. A NULL stream discards. */
static size_t stream_write(FILE *s, const void *p, size_t n)
{
    if (!s)
        return n;
    size_t w = fwrite(p, 1, n, s);
    fflush(s);
    return w;
}

static uint64_t xfer_len(uint64_t len)
{
    return len > MAX_XFER ? MAX_XFER : len;
}

/* ---- data transfer ---------------------------------------------------------------- */

/* What read and write check before moving any byte: no such descriptor (EBADF), an
 * offset on the console (ESPIPE), and a zero-length transfer on a host file, which
 * still asks the host (a write-only fd fails EBADF even for 0 bytes). Returns 1 when
 * it has set the result ($2/$3) and the call is done. */
static int xfer_prologue(vz_uhi *u, uint64_t gpr[32], struct fdent *f, uint64_t len,
                         int64_t off, int is_write)
{
    if (!f) {
        set_fail(gpr, VZ_UHI_EBADF);
        return 1;
    }
    if (f->kind == FD_CONSOLE && off >= 0) {
        set_fail(gpr, VZ_UHI_ESPIPE);
        return 1;
    }
    if (len != 0 || f->kind != FD_HOST)
        return 0;
    ssize_t r;
    if (is_write)
        r = off >= 0 ? pwrite(f->host, u->buf, 0, (off_t)off) : write(f->host, u->buf, 0);
    else
        r = off >= 0 ? pread(f->host, u->buf, 0, (off_t)off) : read(f->host, u->buf, 0);
    if (r < 0)
        set_fail(gpr, map_errno(errno));
    else
        set_ret(gpr, 0, 0);
    return 1;
}

/* write(fd, va, len) and pwrite (when off >= 0). Sets $2/$3. */
static void do_write(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem, struct fdent *f,
                     uint64_t va, uint64_t len, int64_t off)
{
    len = xfer_len(len);
    if (xfer_prologue(u, gpr, f, len, off, 1))
        return;
    uint64_t total = 0;
    while (total < len) {
        size_t k = len - total < CHUNK ? (size_t)(len - total) : CHUNK;
        size_t got = guest_read_upto(mem, va + total, u->buf, k);
        if (got == 0) {
            if (total == 0) {
                set_fail(gpr, VZ_UHI_EFAULT);
                return;
            }
            break;
        }
        size_t put = 0;
        if (f->kind == FD_CONSOLE) {
            put = stream_write(console_out(u, f), u->buf, got);
        } else {
            while (put < got) {
                ssize_t r = off >= 0
                    ? pwrite(f->host, u->buf + put, got - put, (off_t)(off + (int64_t)(total + put)))
                    : write(f->host, u->buf + put, got - put);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0) {
                    int e = r < 0 ? errno : EIO;
                    if (total + put == 0) {
                        set_fail(gpr, map_errno(e));
                        return;
                    }
                    break;
                }
                put += (size_t)r;
            }
        }
        total += put;
        if (put < got || got < k)
            break;
    }
    if (total == 0 && f->kind == FD_CONSOLE) {
        set_fail(gpr, VZ_UHI_EINVAL); /* QEMU: console wrote nothing -> EIO -> EINVAL */
        return;
    }
    set_ret(gpr, (int64_t)total, 0);
}

/* read(fd, va, len) and pread (when off >= 0). Sets $2/$3. */
static void do_read(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem, struct fdent *f,
                    uint64_t va, uint64_t len, int64_t off)
{
    len = xfer_len(len);
    if (xfer_prologue(u, gpr, f, len, off, 0))
        return;
    uint64_t total = 0;
    while (total < len) {
        size_t k = len - total < CHUNK ? (size_t)(len - total) : CHUNK;
        /* Check the destination is there before consuming input. */
        size_t room = guest_read_upto(mem, va + total, u->buf, k);
        if (room == 0) {
            if (total == 0) {
                set_fail(gpr, VZ_UHI_EFAULT);
                return;
            }
            break;
        }
        size_t got = 0;
        if (f->kind == FD_CONSOLE) {
            if (u->in) {
                while (got < room) {
                    int c = getc(u->in);
                    if (c == EOF)
                        break;
                    u->buf[got++] = (unsigned char)c;
                    if (c == '\n')
                        break;
                }
            }
        } else {
            ssize_t r;
            do {
                r = off >= 0 ? pread(f->host, u->buf, room, (off_t)(off + (int64_t)total))
                             : read(f->host, u->buf, room);
            } while (r < 0 && errno == EINTR);
            if (r < 0) {
                if (total == 0) {
                    set_fail(gpr, map_errno(errno));
                    return;
                }
                break;
            }
            got = (size_t)r;
        }
        if (got == 0)
            break;
        size_t put = guest_write_upto(mem, va + total, u->buf, got);
        if (put < got && f->kind == FD_HOST && off < 0)
            (void)lseek(f->host, -(off_t)(got - put), SEEK_CUR); /* un-consume */
        total += put;
        if (put < got) {
            if (total == 0) {
                set_fail(gpr, VZ_UHI_EFAULT);
                return;
            }
            break;
        }
        if (got < room || f->kind == FD_CONSOLE)
            break; /* short read / one console line: return what we have */
    }
    set_ret(gpr, (int64_t)total, 0);
}

/* ---- operations -------------------------------------------------------------------- */

static void op_open(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem)
{
    char *path;
    int r = read_string(mem, gpr[4], VZ_UHI_MAX_PATH, &path);
    if (r < 0) {
        set_fail(gpr, -r);
        return;
    }
    static const char *const std[3] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };
    for (int i = 0; i < 3; i++) {
        if (strcmp(path, std[i]) == 0) {
            free(path);
            gpr[2] = (uint64_t)i; /* $3 untouched, slot not checked (as QEMU) */
            return;
        }
    }
    if (!u->allow_host) {
        free(path);
        set_fail(gpr, VZ_UHI_EPERM);
        return;
    }
    uint64_t gf = gpr[5];
    int flags = O_CLOEXEC;
    if (gf & VZ_UHI_O_WRONLY)
        flags |= O_WRONLY;
    else if (gf & VZ_UHI_O_RDWR)
        flags |= O_RDWR;
    else
        flags |= O_RDONLY;
    if (gf & VZ_UHI_O_APPEND)
        flags |= O_APPEND;
    if (gf & VZ_UHI_O_CREAT)
        flags |= O_CREAT;
    if (gf & VZ_UHI_O_TRUNC)
        flags |= O_TRUNC;
    if (gf & VZ_UHI_O_EXCL)
        flags |= O_EXCL;
    int slot = -1;
    for (int i = 1; i < VZ_UHI_MAX_FDS; i++) {
        if (u->fds[i].kind == FD_UNUSED) {
            slot = i;
            break;
        }
    }
    int hfd = open(path, flags, (mode_t)(gpr[6] & 07777));
    int e = errno;
    free(path);
    if (hfd < 0) {
        set_fail(gpr, map_errno(e));
        return;
    }
    if (slot < 0) {
        close(hfd);
        set_fail(gpr, VZ_UHI_EMFILE);
        return;
    }
    u->fds[slot].kind = FD_HOST;
    u->fds[slot].host = hfd;
    set_ret(gpr, slot, 0);
}

static void op_close(vz_uhi *u, uint64_t gpr[32])
{
    struct fdent *f = get_fd(u, gpr[4]);
    if (!f) {
        set_fail(gpr, VZ_UHI_EBADF);
        return;
    }
    int e = 0;
    if (f->kind == FD_HOST && close(f->host) != 0)
        e = errno;
    f->kind = FD_UNUSED;
    f->host = -1;
    if (e)
        set_fail(gpr, map_errno(e));
    else
        set_ret(gpr, 0, 0);
}

static void op_lseek(vz_uhi *u, uint64_t gpr[32])
{
    struct fdent *f = get_fd(u, gpr[4]);
    if (!f) {
        set_fail(gpr, VZ_UHI_EBADF);
        return;
    }
    if (f->kind == FD_CONSOLE) {
        set_fail(gpr, VZ_UHI_ESPIPE);
        return;
    }
    int whence;
    switch ((int)(int32_t)(uint32_t)gpr[6]) {
    case 0: whence = SEEK_SET; break;
    case 1: whence = SEEK_CUR; break;
    case 2: whence = SEEK_END; break;
    default:
        set_fail(gpr, VZ_UHI_EINVAL);
        return;
    }
    off_t r = lseek(f->host, (off_t)(int64_t)gpr[5], whence);
    if (r < 0)
        set_fail(gpr, map_errno(errno));
    else
        set_ret(gpr, (int64_t)r, 0);
}

static void op_unlink(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem)
{
    char *path;
    int r = read_string(mem, gpr[4], VZ_UHI_MAX_PATH, &path);
    if (r < 0) {
        set_fail(gpr, -r);
        return;
    }
    if (!u->allow_host) {
        free(path);
        set_fail(gpr, VZ_UHI_EPERM);
        return;
    }
    r = remove(path);
    int e = errno;
    free(path);
    if (r != 0)
        set_fail(gpr, map_errno(e));
    else
        set_ret(gpr, 0, 0);
}

static void op_link(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem)
{
    char *from, *to;
    int r = read_string(mem, gpr[4], VZ_UHI_MAX_PATH, &from);
    if (r < 0) {
        set_fail(gpr, -r);
        return;
    }
    r = read_string(mem, gpr[5], VZ_UHI_MAX_PATH, &to);
    if (r < 0) {
        free(from);
        set_fail(gpr, -r);
        return;
    }
    if (!u->allow_host) {
        free(from);
        free(to);
        set_fail(gpr, VZ_UHI_EPERM);
        return;
    }
    r = link(from, to);
    int e = errno;
    free(from);
    free(to);
    if (r != 0)
        set_fail(gpr, map_errno(e));
    else
        set_ret(gpr, 0, 0);
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void op_fstat(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem)
{
    struct fdent *f = get_fd(u, gpr[4]);
    if (!f) {
        set_fail(gpr, VZ_UHI_EBADF);
        return;
    }
    unsigned char st[VZ_UHI_STAT_SIZE];
    memset(st, 0, sizeof st);
    if (f->kind == FD_CONSOLE) {
        put32(st + 4, 020666); /* S_IFCHR | 0666 */
        put16(st + 14, 5);     /* rdev: Linux /dev/tty */
    } else {
        struct stat hs;
        if (fstat(f->host, &hs) != 0) {
            set_fail(gpr, map_errno(errno));
            return;
        }
        if ((uint64_t)hs.st_dev > UINT32_MAX || (uint64_t)hs.st_ino > UINT32_MAX) {
            set_fail(gpr, VZ_UHI_EINVAL); /* QEMU: EOVERFLOW, mapped to EINVAL */
            return;
        }
        put16(st + 0, (uint16_t)hs.st_dev);
        put16(st + 2, (uint16_t)hs.st_ino);
        put32(st + 4, (uint32_t)hs.st_mode);
        put16(st + 8, (uint16_t)hs.st_nlink);
        put16(st + 10, (uint16_t)hs.st_uid);
        put16(st + 12, (uint16_t)hs.st_gid);
        put16(st + 14, (uint16_t)hs.st_rdev);
        put64(st + 16, (uint64_t)hs.st_size);
        put64(st + 24, (uint32_t)hs.st_atime);
        put64(st + 40, (uint32_t)hs.st_mtime);
        put64(st + 56, (uint32_t)hs.st_ctime);
        put64(st + 72, (uint64_t)hs.st_blksize);
        put64(st + 80, (uint64_t)hs.st_blocks);
    }
    if (guest_write_upto(mem, gpr[5], st, sizeof st) != sizeof st) {
        set_fail(gpr, VZ_UHI_EFAULT);
        return;
    }
    set_ret(gpr, 0, 0);
}

static void op_argnlen(vz_uhi *u, uint64_t gpr[32])
{
    if (gpr[4] >= (uint64_t)u->argc) {
        gpr[2] = (uint64_t)(int64_t)-1;
        return;
    }
    gpr[2] = strlen(u->argv[gpr[4]]);
}

static void op_argn(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem)
{
    if (gpr[4] >= (uint64_t)u->argc) {
        gpr[2] = (uint64_t)(int64_t)-1;
        return;
    }
    const char *s = u->argv[gpr[4]];
    size_t n = strlen(s) + 1;
    if (guest_write_upto(mem, gpr[5], s, n) != n) {
        set_fail(gpr, VZ_UHI_EFAULT); /* QEMU aborts here */
        return;
    }
    gpr[2] = 0;
}

static void op_plog(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem)
{
    char *s;
    int r = read_string(mem, gpr[4], VZ_UHI_MAX_STRING, &s);
    if (r < 0) {
        set_fail(gpr, -r);
        return;
    }
    char *pct = strstr(s, "%d");
    if (!pct) {
        /* QEMU: write(2, str, strlen(str)) through the fd table, and QEMU's fd 2
         * is its one console. vzsim keeps the fd-table semantics (closed fd 2:
         * EBADF, empty string: EINVAL, fd 2 reopened to a file: written there)
         * but sends console log lines to the console stream cfg->out, where QEMU
         * prints them; fd 2 writes proper go to cfg->err. */
        struct fdent *f = get_fd(u, 2);
        size_t n = strlen(s);
        if (f && f->kind == FD_CONSOLE && n > 0) {
            n = stream_write(u->out, s, n);
            free(s);
            set_ret(gpr, n, 0);
            return;
        }
        free(s);
        do_write(u, gpr, mem, f, gpr[4], n, -1);
        return;
    }
    char num[16];
    int nl = snprintf(num, sizeof num, "%d", (int)(int32_t)(uint32_t)gpr[5]);
    size_t pre = (size_t)(pct - s), post = strlen(pct + 2);
    size_t n = 0;
    n += stream_write(u->out, s, pre);
    n += stream_write(u->out, num, (size_t)nl);
    n += stream_write(u->out, pct + 2, post);
    free(s);
    gpr[2] = n; /* $3 untouched */
}

static void op_assert(uint64_t gpr[32], const vz_uhi_memops *mem, vz_uhi_result *res)
{
    char *msg = NULL, *file = NULL;
    if (read_string(mem, gpr[4], VZ_UHI_MAX_STRING, &msg) != 0)
        msg = NULL;
    if (read_string(mem, gpr[5], VZ_UHI_MAX_STRING, &file) != 0)
        file = NULL;
    res->action = VZ_UHI_ABORTED;
    snprintf(res->message, sizeof res->message, "UHI assertion \"%s\": file \"%s\", line %d",
             msg ? msg : "<EFAULT>", file ? file : "<EFAULT>", (int)(int32_t)(uint32_t)gpr[6]);
    free(msg);
    free(file);
}

int vz_uhi_call(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem, vz_uhi_result *res)
{
    if (!u || !gpr || !mem || !mem->read || !mem->write || !res)
        return -1;
    res->action = VZ_UHI_CONTINUE;
    res->exit_code = 0;
    res->message[0] = 0;
    uint64_t op = gpr[25];
    switch (op) {
    case VZ_UHI_EXIT:
        res->action = VZ_UHI_EXITED;
        res->exit_code = (int)(int32_t)(uint32_t)gpr[4];
        break;
    case VZ_UHI_OPEN:
        op_open(u, gpr, mem);
        break;
    case VZ_UHI_CLOSE:
        op_close(u, gpr);
        break;
    case VZ_UHI_READ:
        do_read(u, gpr, mem, get_fd(u, gpr[4]), gpr[5], gpr[6], -1);
        break;
    case VZ_UHI_WRITE:
        do_write(u, gpr, mem, get_fd(u, gpr[4]), gpr[5], gpr[6], -1);
        break;
    case VZ_UHI_LSEEK:
        op_lseek(u, gpr);
        break;
    case VZ_UHI_UNLINK:
        op_unlink(u, gpr, mem);
        break;
    case VZ_UHI_FSTAT:
        op_fstat(u, gpr, mem);
        break;
    case VZ_UHI_ARGC:
        gpr[2] = (uint64_t)u->argc;
        break;
    case VZ_UHI_ARGNLEN:
        op_argnlen(u, gpr);
        break;
    case VZ_UHI_ARGN:
        op_argn(u, gpr, mem);
        break;
    case VZ_UHI_PLOG:
        op_plog(u, gpr, mem);
        break;
    case VZ_UHI_ASSERT:
        op_assert(gpr, mem, res);
        break;
    case VZ_UHI_PREAD:
    case VZ_UHI_PWRITE:
        if ((int64_t)gpr[7] < 0 || (int64_t)gpr[7] > INT64_MAX - (int64_t)MAX_XFER) {
            set_fail(gpr, VZ_UHI_EINVAL); /* negative or overflowing offset */
        } else {
            struct fdent *f = get_fd(u, gpr[4]);
            if (op == VZ_UHI_PREAD)
                do_read(u, gpr, mem, f, gpr[5], gpr[6], (int64_t)gpr[7]);
            else
                do_write(u, gpr, mem, f, gpr[5], gpr[6], (int64_t)gpr[7]);
        }
        break;
    case VZ_UHI_LINK:
        op_link(u, gpr, mem);
        break;
    default:
        set_fail(gpr, VZ_UHI_EINVAL);
        snprintf(res->message, sizeof res->message, "unknown UHI operation %lld", (long long)op);
        break;
    }
    return 0;
}
