/* bench: a long dependent chain of integer ALU, shift and multiply operations. */
#include "rt.h"

int main(void)
{
    uint64_t a = 0x0123456789abcdefull, b = 0xfedcba9876543210ull, c = 1;
    for (uint32_t i = 0; i < 60000000u; i++) {
        a = (a << 7 | a >> 57) ^ b;
        b = b + (a >> 3) + i;
        c = c * 0x9e3779b97f4a7c15ull + (a ^ b);
    }
    printf("alu: %016llx %016llx %016llx\n", (unsigned long long)a, (unsigned long long)b,
           (unsigned long long)c);
    return 0;
}
