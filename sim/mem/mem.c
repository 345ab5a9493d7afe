/*
 * sim/mem/mem.c - sparse physical memory and MMIO bus (see mem.h for the contract).
 *
 * RAM regions keep an array of chunk pointers, filled with calloc on first access.
 * Region lookup is a linear scan over a handful of regions, preceded by a one-entry
 * cache of the last region hit; the core keeps its own host-pointer caches on top.
 */
#include "sim/mem/mem.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "vzsim needs a little-endian host");

enum region_kind { REG_RAM, REG_ALIAS, REG_MMIO };

struct region {
    enum region_kind kind;
    uint64_t base, size;
    uint64_t target;            /* REG_ALIAS: physical address the base maps to */
    uint8_t **chunks;           /* REG_RAM: size >> CHUNK_SHIFT pointers */
    int rom;                    /* REG_RAM: stores through vz_mem_store are dropped */
    uint8_t *ext;               /* REG_RAM: caller-owned host bytes (no chunks) */
    const vz_mmio_ops *ops;     /* REG_MMIO */
    void *opaque;
    char name[32];
};

struct vz_mem {
    struct region regions[VZ_MEM_MAX_REGIONS];
    int nregions;
    int last;                   /* index of the region last hit */
    uint64_t allocated;
    vz_mem_observer observer;
    void *observer_opaque;
    const vz_mem_bus *bus;      /* addresses in no region (NULL: none) */
    void *bus_opaque;
};

vz_mem *vz_mem_create(void)
{
    vz_mem *m = calloc(1, sizeof *m);
    return m;
}

void vz_mem_destroy(vz_mem *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->nregions; i++) {
        struct region *r = &m->regions[i];
        if (r->kind == REG_RAM && !r->ext) {
            uint64_t n = r->size >> VZ_MEM_CHUNK_SHIFT;
            for (uint64_t c = 0; c < n; c++)
                free(r->chunks[c]);
            free(r->chunks);
        }
    }
    free(m);
}

static int add_region(vz_mem *m, const struct region *proto)
{
    const uint64_t limit = (uint64_t)1 << VZ_MEM_PA_BITS;
    if (m->nregions >= VZ_MEM_MAX_REGIONS || proto->size == 0 || proto->base >= limit ||
        proto->size > limit - proto->base)
        return -1;
    for (int i = 0; i < m->nregions; i++) {
        const struct region *r = &m->regions[i];
        if (proto->base < r->base + r->size && r->base < proto->base + proto->size)
            return -1;
    }
    m->regions[m->nregions++] = *proto;
    return 0;
}

static void set_name(struct region *r, const char *name)
{
    if (name) {
        strncpy(r->name, name, sizeof r->name - 1);
        r->name[sizeof r->name - 1] = 0;
    }
}

int vz_mem_add_ram(vz_mem *m, uint64_t base, uint64_t size, const char *name)
{
    if ((base | size) & (VZ_MEM_CHUNK - 1))
        return -1;
    struct region r = { .kind = REG_RAM, .base = base, .size = size };
    set_name(&r, name ? name : "ram");
    r.chunks = calloc(size >> VZ_MEM_CHUNK_SHIFT, sizeof *r.chunks);
    if (!r.chunks)
        return -1;
    if (add_region(m, &r) != 0) {
        free(r.chunks);
        return -1;
    }
    return 0;
}

static struct region *find(vz_mem *m, uint64_t *pa);

int vz_mem_add_ram_external(vz_mem *m, uint64_t base, uint64_t size, uint8_t *host,
                            int readonly, const char *name)
{
    if (!host || ((base | size) & 4095))
        return -1;
    struct region r = { .kind = REG_RAM, .base = base, .size = size, .ext = host,
                        .rom = readonly != 0 };
    set_name(&r, name ? name : "external");
    return add_region(m, &r);
}

int vz_mem_remove_external(vz_mem *m, uint64_t base, uint64_t size)
{
    int removed = 0;
    for (int i = 0; i < m->nregions;) {
        struct region *r = &m->regions[i];
        if (r->kind == REG_RAM && r->ext && base < r->base + r->size && r->base < base + size) {
            memmove(r, r + 1, (size_t)(m->nregions - i - 1) * sizeof *r);
            m->nregions--;
            removed++;
        } else {
            i++;
        }
    }
    m->last = 0;
    return removed;
}

void vz_mem_set_bus(vz_mem *m, const vz_mem_bus *bus, void *opaque)
{
    m->bus = bus;
    m->bus_opaque = opaque;
}

int vz_mem_add_rom(vz_mem *m, uint64_t base, uint64_t size, const char *name)
{
    if (vz_mem_add_ram(m, base, size, name ? name : "rom") != 0)
        return -1;
    m->regions[m->nregions - 1].rom = 1;
    return 0;
}

int vz_mem_is_rom(vz_mem *m, uint64_t pa)
{
    struct region *r = find(m, &pa);
    return r && r->kind == REG_RAM && r->rom;
}

int vz_mem_add_alias(vz_mem *m, uint64_t base, uint64_t size, uint64_t target)
{
    if ((base | size | target) & (VZ_MEM_CHUNK - 1))
        return -1;
    struct region r = { .kind = REG_ALIAS, .base = base, .size = size, .target = target };
    set_name(&r, "alias");
    return add_region(m, &r);
}

int vz_mem_add_mmio(vz_mem *m, uint64_t base, uint64_t size, const vz_mmio_ops *ops,
                    void *opaque, const char *name)
{
    if (!ops)
        return -1;
    struct region r = { .kind = REG_MMIO, .base = base, .size = size, .ops = ops,
                        .opaque = opaque };
    set_name(&r, name ? name : "mmio");
    return add_region(m, &r);
}

/* Find the region holding pa, following at most one alias. Sets *pa to the address
 * inside the final region. */
static struct region *find(vz_mem *m, uint64_t *pa)
{
    for (int hop = 0; hop < 2; hop++) {
        struct region *r = NULL;
        struct region *last = &m->regions[m->last];
        if (m->nregions && *pa - last->base < last->size) {
            r = last;
        } else {
            for (int i = 0; i < m->nregions; i++) {
                if (*pa - m->regions[i].base < m->regions[i].size) {
                    r = &m->regions[i];
                    m->last = i;
                    break;
                }
            }
        }
        if (!r)
            return NULL;
        if (r->kind != REG_ALIAS)
            return r;
        *pa = r->target + (*pa - r->base);
    }
    return NULL;
}

uint8_t *vz_mem_ptr(vz_mem *m, uint64_t pa, size_t *avail)
{
    uint64_t a = pa;
    struct region *r = find(m, &a);
    if (!r && m->bus && m->bus->map && m->bus->map(m->bus_opaque, pa) == 0) {
        a = pa;
        r = find(m, &a);            /* the bus added a region (DMI) */
    }
    if (!r || r->kind != REG_RAM)
        return NULL;
    pa = a;
    uint64_t off = pa - r->base;
    if (r->ext) {
        if (avail)
            *avail = (size_t)(r->size - off);
        return r->ext + off;
    }
    uint64_t c = off >> VZ_MEM_CHUNK_SHIFT;
    if (!r->chunks[c]) {
        r->chunks[c] = calloc(1, VZ_MEM_CHUNK);
        if (!r->chunks[c])
            return NULL;
        m->allocated += VZ_MEM_CHUNK;
    }
    uint64_t in = off & (VZ_MEM_CHUNK - 1);
    if (avail)
        *avail = (size_t)(VZ_MEM_CHUNK - in);
    return r->chunks[c] + in;
}

static int copy(vz_mem *m, uint64_t pa, void *buf, const void *src, size_t n)
{
    uint8_t *b = buf;
    const uint8_t *s = src;
    while (n) {
        size_t avail = 0;
        uint64_t a = pa;
        struct region *r = find(m, &a);
        /* a read-only external region (DMI for reads only) is written through the bus */
        int ro_ext = r && r->kind == REG_RAM && r->ext && r->rom && !b;
        uint8_t *p = ro_ext ? NULL : vz_mem_ptr(m, pa, &avail);
        if (!p && (ro_ext || !r)) {
            /* not in any region, or read-only DMI: the bus's debug path */
            if (!m->bus || !m->bus->debug)
                return -1;
            size_t k = 4096 - (pa & 4095);
            if (k > n)
                k = n;
            void *where = b ? (void *)b : (void *)s;
            if (m->bus->debug(m->bus_opaque, pa, where, k, b == NULL) != k)
                return -1;
            if (b)
                b += k;
            else
                s += k;
            pa += k;
            n -= k;
            continue;
        }
        if (!p)
            return -1;
        size_t k = n < avail ? n : avail;
        if (b) {
            memcpy(b, p, k);
            b += k;
        } else {
            memcpy(p, s, k);
            s += k;
        }
        pa += k;
        n -= k;
    }
    return 0;
}

int vz_mem_read(vz_mem *m, uint64_t pa, void *buf, size_t n)
{
    return copy(m, pa, buf, NULL, n);
}

int vz_mem_write(vz_mem *m, uint64_t pa, const void *buf, size_t n)
{
    return copy(m, pa, NULL, buf, n);
}

int vz_mem_load(vz_mem *m, uint64_t pa, unsigned size, uint64_t *val)
{
    if (m->observer)
        m->observer(m->observer_opaque, pa, size, 0);
    uint64_t a = pa;
    struct region *r = find(m, &a);
    if (!r)
        return m->bus && m->bus->access ? m->bus->access(m->bus_opaque, pa, size, val, 0) : -1;
    if (r->kind == REG_MMIO) {
        if (a - r->base > r->size - size)
            return -1;
        return r->ops->read(r->opaque, a - r->base, size, val);
    }
    uint64_t v = 0;
    if (copy(m, pa, &v, NULL, size) != 0)
        return -1;
    *val = v;
    return 0;
}

int vz_mem_store(vz_mem *m, uint64_t pa, unsigned size, uint64_t val)
{
    if (m->observer)
        m->observer(m->observer_opaque, pa, size, 1);
    uint64_t a = pa;
    struct region *r = find(m, &a);
    if (!r)
        return m->bus && m->bus->access ? m->bus->access(m->bus_opaque, pa, size, &val, 1) : -1;
    if (r->kind == REG_MMIO) {
        if (a - r->base > r->size - size)
            return -1;
        return r->ops->write(r->opaque, a - r->base, size, val);
    }
    if (r->rom)
        return 0;                   /* writes to ROM are ignored */
    return copy(m, pa, NULL, &val, size);
}

const char *vz_mem_region_name(const vz_mem *m, uint64_t pa)
{
    for (int i = 0; i < m->nregions; i++)
        if (pa - m->regions[i].base < m->regions[i].size)
            return m->regions[i].name;
    return NULL;
}

int vz_mem_probe(vz_mem *m, uint64_t pa, size_t *avail)
{
    uint8_t *p = vz_mem_ptr(m, pa, avail);
    if (p)
        return 1;
    uint64_t a = pa;
    uint8_t byte;
    if (find(m, &a) || !m->bus || !m->bus->debug || m->bus->debug(m->bus_opaque, pa, &byte, 1, 0) != 1)
        return 0;
    if (avail)
        *avail = (size_t)(4096 - (pa & 4095));
    return 1;
}

uint64_t vz_mem_allocated_bytes(const vz_mem *m)
{
    return m->allocated;
}

void vz_mem_set_observer(vz_mem *m, vz_mem_observer fn, void *opaque)
{
    m->observer = fn;
    m->observer_opaque = opaque;
}
