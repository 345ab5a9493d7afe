/* bench: pointer chasing and streaming over 8 MiB (loads and stores that leave
 * the first-level caches of a real core). */
#include "rt.h"

#define N (1u << 20)   /* 8 MiB of uint64_t */
static uint64_t ring[N];

int main(void)
{
    /* a full-period permutation: i -> (i * 5 + 1) mod N visits every slot */
    for (uint32_t i = 0; i < N; i++)
        ring[i] = (i * 5u + 1u) & (N - 1);
    uint64_t p = 0, sum = 0;
    for (uint32_t step = 0; step < 24u * N; step++) {
        p = ring[p];
        sum += p;
        if ((step & 1023u) == 0)
            ring[(p * 7u) & (N - 1)] ^= 0;   /* keep the store path busy without changing the ring */
    }
    printf("memwalk: %016llx\n", (unsigned long long)sum);
    return 0;
}
