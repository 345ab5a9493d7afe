/*
 * sim/mem/uhi.h - MIPS UHI semihosting ("sdbbp 1") host side, as QEMU 7.2 implements it.
 *
 * Purpose: when the core executes SDBBP with code 1 (R6 word 0x0000004E) and
 * semihosting is on, it calls vz_uhi_call() with its GPRs; the operation number is in
 * $25, arguments in $4..$7, the result goes to $2 and errno to $3. The core then
 * advances PC past the SDBBP (no exception is visible to the program) unless the
 * result says exit or abort.
 * Behaviour follows QEMU target/mips/tcg/sysemu/mips-semi.c + semihosting/syscalls.c
 * + semihosting/guestfd.c, checked against QEMU 7.2 with a probe program; the few
 * deliberate differences are listed in uhi.c ("Differences from QEMU").
 * Limits: guest file descriptors live in a table of VZ_UHI_MAX_FDS entries (0..2 are
 * the console); guest memory is accessed only through the vz_uhi_memops given to each
 * call (virtual addresses; a fault makes the call fail with errno 14, EFAULT); path
 * strings are at most VZ_UHI_MAX_PATH bytes including the NUL, plog/assert strings at
 * most VZ_UHI_MAX_STRING. One vz_uhi per simulated machine; no global state.
 */
#ifndef VZSIM_UHI_H
#define VZSIM_UHI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VZ_UHI_SDBBP_R6   0x0000004Eu  /* sdbbp 1, the R6 UHI trigger */
#define VZ_UHI_MAX_FDS    64
#define VZ_UHI_MAX_PATH   4096
#define VZ_UHI_MAX_STRING 65536

/* Operation numbers ($25). */
enum {
    VZ_UHI_EXIT = 1, VZ_UHI_OPEN = 2, VZ_UHI_CLOSE = 3, VZ_UHI_READ = 4, VZ_UHI_WRITE = 5,
    VZ_UHI_LSEEK = 6, VZ_UHI_UNLINK = 7, VZ_UHI_FSTAT = 8, VZ_UHI_ARGC = 9,
    VZ_UHI_ARGNLEN = 10, VZ_UHI_ARGN = 11, VZ_UHI_PLOG = 13, VZ_UHI_ASSERT = 14,
    VZ_UHI_PREAD = 19, VZ_UHI_PWRITE = 20, VZ_UHI_LINK = 22
};

/* open() flags as the guest passes them in $5. */
enum {
    VZ_UHI_O_RDONLY = 0x0, VZ_UHI_O_WRONLY = 0x1, VZ_UHI_O_RDWR = 0x2, VZ_UHI_O_APPEND = 0x8,
    VZ_UHI_O_CREAT = 0x200, VZ_UHI_O_TRUNC = 0x400, VZ_UHI_O_EXCL = 0x800
};

/* errno values the guest sees in $3 (newlib numbering, as QEMU's UHI_E*). */
enum {
    VZ_UHI_EPERM = 1, VZ_UHI_ENOENT = 2, VZ_UHI_EINTR = 4, VZ_UHI_EBADF = 9,
    VZ_UHI_EFAULT = 14, VZ_UHI_EBUSY = 16, VZ_UHI_EEXIST = 17, VZ_UHI_ENOTDIR = 20,
    VZ_UHI_EISDIR = 21, VZ_UHI_EINVAL = 22, VZ_UHI_ENFILE = 23, VZ_UHI_EMFILE = 24,
    VZ_UHI_EFBIG = 27, VZ_UHI_ENOSPC = 28, VZ_UHI_ESPIPE = 29, VZ_UHI_EROFS = 30,
    VZ_UHI_ENAMETOOLONG = 91
};

/* Size of struct uhi_stat written by fstat (little-endian, see uhi.c for the layout). */
#define VZ_UHI_STAT_SIZE 104

typedef struct vz_uhi_config {
    int argc;                  /* guest argc; QEMU passes argv[0] = the -kernel path */
    const char *const *argv;   /* argc strings, copied by vz_uhi_create (C callers
                                  holding a char ** cast: (const char *const *)argv) */
    FILE *in;                  /* console input (fd 0 reads); NULL = always end of file */
    FILE *out;                 /* console output for fds 0 and 1; NULL = discard */
    FILE *err;                 /* console output for fd 2 and plog; NULL = discard */
    int allow_host_files;      /* 0: open (other than /dev/std*), unlink, link fail EPERM */
} vz_uhi_config;

/* Guest virtual-memory accessors supplied by the core. Each returns 0, or -1 if any
 * byte of [va, va + n) faults (then nothing needs to have been transferred). */
typedef struct vz_uhi_memops {
    int (*read)(void *ctx, uint64_t va, void *buf, size_t n);
    int (*write)(void *ctx, uint64_t va, const void *buf, size_t n);
    void *ctx;
} vz_uhi_memops;

typedef enum vz_uhi_action {
    VZ_UHI_CONTINUE = 0,  /* registers updated; resume after the SDBBP */
    VZ_UHI_EXITED = 1,    /* the program called exit: stop with exit_code */
    VZ_UHI_ABORTED = 2    /* the program failed an assertion: stop, report message */
} vz_uhi_action;

typedef struct vz_uhi_result {
    vz_uhi_action action;
    int exit_code;        /* VZ_UHI_EXITED: (int) of the low 32 bits of $4; a host
                             process reports exit_code & 0xff, as QEMU's exit() does */
    char message[512];    /* VZ_UHI_ABORTED: 'UHI assertion "<msg>": file "<file>", line N'
                             (QEMU's wording); VZ_UHI_CONTINUE: empty, or a warning such
                             as "unknown UHI operation 99" the driver may print */
} vz_uhi_result;

typedef struct vz_uhi vz_uhi;

/* Create a semihosting host. cfg is copied (argv strings too); cfg may be NULL (no
 * args, no console, no host files). The FILE streams are borrowed, never closed.
 * Returns NULL when out of memory or argc < 0 / argv NULL with argc > 0. */
vz_uhi *vz_uhi_create(const vz_uhi_config *cfg);

/* Close every host file the guest left open and free u. NULL is allowed. */
void vz_uhi_destroy(vz_uhi *u);

/* Perform the operation in gpr[25] with arguments gpr[4..7]; writes gpr[2] (and
 * gpr[3] for the operations that report errno, exactly where QEMU does) and fills
 * *res. Never crashes on bad guest pointers or arguments. Unknown operations
 * (including 12 heapinfo, 15-18, 21) set $2 = -1, $3 = 22 (EINVAL) and return a
 * warning in res->message instead of aborting like QEMU. Returns 0, or -1 (nothing
 * done) when u, gpr, mem (or its read/write) or res is NULL. */
int vz_uhi_call(vz_uhi *u, uint64_t gpr[32], const vz_uhi_memops *mem, vz_uhi_result *res);

#ifdef __cplusplus
}
#endif
#endif
