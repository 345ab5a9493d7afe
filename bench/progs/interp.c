/* bench: a branchy bytecode interpreter (switch dispatch) running a loop that
 * computes a Collatz-style checksum. */
#include "rt.h"

enum { OP_LOADI, OP_ADD, OP_SUB, OP_MULI, OP_SHR, OP_AND, OP_JNZ, OP_JZ, OP_MOV, OP_HALT };
struct insn { unsigned char op, a, b; int imm; };

static const struct insn prog[] = {
    {OP_LOADI, 0, 0, 2000000},  /* r0 = iterations */
    {OP_LOADI, 1, 0, 27},       /* r1 = x */
    {OP_LOADI, 2, 0, 0},        /* r2 = checksum */
    /* 3: loop */
    {OP_MOV, 3, 1, 0},          /* r3 = x */
    {OP_AND, 3, 0, 1},          /* r3 &= 1 */
    {OP_JZ, 3, 0, 9},           /* even -> 9 */
    {OP_MULI, 1, 0, 3},         /* x = 3x */
    {OP_LOADI, 4, 0, 1},
    {OP_ADD, 1, 4, 0},          /* x += 1; falls to 10 via JNZ trick below */
    /* 9: even */
    {OP_SHR, 1, 0, 1},          /* x >>= 1 (for odd x this halves 3x+1) */
    {OP_ADD, 2, 1, 0},          /* checksum += x */
    {OP_LOADI, 4, 0, 1},
    {OP_SUB, 0, 4, 0},          /* r0 -= 1 */
    {OP_LOADI, 5, 0, 0},
    {OP_MOV, 6, 1, 0},
    {OP_SUB, 6, 4, 0},          /* r6 = x - 1 */
    {OP_JNZ, 6, 0, 18},         /* x != 1 -> 18 */
    {OP_LOADI, 1, 0, 97},       /* restart from 97 */
    /* 18 */
    {OP_JNZ, 0, 0, 3},
    {OP_HALT, 0, 0, 0},
};

int main(void)
{
    int64_t r[8] = {0};
    unsigned pc = 0;
    for (;;) {
        const struct insn *i = &prog[pc++];
        switch (i->op) {
        case OP_LOADI: r[i->a] = i->imm; break;
        case OP_ADD: r[i->a] += r[i->b]; break;
        case OP_SUB: r[i->a] -= r[i->b]; break;
        case OP_MULI: r[i->a] *= i->imm; break;
        case OP_SHR: r[i->a] >>= i->imm; break;
        case OP_AND: r[i->a] &= i->imm; break;
        case OP_JNZ: if (r[i->a]) pc = (unsigned)i->imm; break;
        case OP_JZ: if (!r[i->a]) pc = (unsigned)i->imm; break;
        case OP_MOV: r[i->a] = r[i->b]; break;
        case OP_HALT:
            printf("interp: %lld\n", (long long)r[2]);
            return 0;
        }
    }
}
