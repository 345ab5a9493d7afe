/*
 * guests/gen/gencommon.h - what the host-side program generators (randprog,
 * privrand) share: a deterministic PRNG (splitmix64), and the command line and
 * output file:
 *     NAME --seed N [--COUNT M] [-o FILE]
 * Header-only (each generator is one translation unit). Bad arguments print the
 * usage line and exit 2; an unwritable output exits 1 naming the file.
 */
#ifndef VZSIM_GUESTS_GENCOMMON_H
#define VZSIM_GUESTS_GENCOMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic PRNG (splitmix64): the same program for a seed on any host ---- */

typedef struct {
    uint64_t state;
} rng_t;

static inline uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline unsigned rng_below(rng_t *r, unsigned n)
{
    return (unsigned)(rng_next(r) % n);
}

/* True with the given probability in percent. */
static inline bool rng_chance(rng_t *r, unsigned percent)
{
    return rng_below(r, 100) < percent;
}

/* ---- command line and output ---------------------------------------------------- */

typedef struct gencli {
    const char *prog;       /* "randprog" */
    const char *count_opt;  /* "--insns" */
    uint64_t count_max;     /* largest accepted count (the smallest is 1) */
    uint64_t seed, count;   /* count holds the default on entry */
    const char *path;       /* -o FILE, NULL = stdout */
} gencli;

static inline void gencli_usage(const gencli *c)
{
    fprintf(stderr, "usage: %s --seed N [%s M (1..%llu)] [-o FILE]\n", c->prog, c->count_opt,
            (unsigned long long)c->count_max);
    exit(2);
}

static inline bool gencli_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0')
        return false;
    *out = v;
    return true;
}

static inline void gencli_parse(gencli *c, int argc, char **argv)
{
    bool have_seed = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            if (!gencli_u64(argv[++i], &c->seed))
                gencli_usage(c);
            have_seed = true;
        } else if (strcmp(argv[i], c->count_opt) == 0 && i + 1 < argc) {
            if (!gencli_u64(argv[++i], &c->count) || c->count < 1 || c->count > c->count_max)
                gencli_usage(c);
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            c->path = argv[++i];
        } else {
            gencli_usage(c);
        }
    }
    if (!have_seed)
        gencli_usage(c);
}

/* The output stream (stdout without -o); exits 1 when the file cannot be opened. */
static inline FILE *gencli_open(const gencli *c)
{
    FILE *f = c->path ? fopen(c->path, "w") : stdout;
    if (f == NULL) {
        fprintf(stderr, "%s: cannot write %s: %s\n", c->prog, c->path, strerror(errno));
        exit(1);
    }
    return f;
}

/* Flush and close; 0, or 1 after a message when anything failed to be written. */
static inline int gencli_close(const gencli *c, FILE *f)
{
    if (ferror(f) || (c->path ? fclose(f) != 0 : fflush(f) != 0)) {
        fprintf(stderr, "%s: write error on %s\n", c->prog, c->path ? c->path : "stdout");
        return 1;
    }
    return 0;
}

#endif
