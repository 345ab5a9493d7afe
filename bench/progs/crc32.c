/* bench: bitwise CRC-32 (IEEE 802.3) over a 64 KiB buffer, many passes. */
#include "rt.h"

static unsigned char buf[65536];

int main(void)
{
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 131u + (i >> 8));
    uint32_t crc = 0xffffffffu;
    for (int pass = 0; pass < 40; pass++)
        for (unsigned i = 0; i < sizeof buf; i++) {
            crc ^= buf[i];
            for (int k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    printf("crc32: %08x\n", (unsigned)~crc);
    return 0;
}
