/*
 * hv/gen/uasm_impl.h - helpers shared by hv/gen/uasm.c and the generated emitters
 * (hv/gen/uasm_emit.c). Private to the micro-assembler: builders use hv/gen/uasm.h.
 *
 * Each check returns 1 when it passes; otherwise it records the sticky error (code and
 * a message naming the emitter, the address and the operand) and returns 0, and the
 * caller returns a->err.
 */
#ifndef VZSIM_UASM_IMPL_H
#define VZSIM_UASM_IMPL_H

#include "hv/gen/uasm.h"

/* lo <= v <= hi (unsigned operands, registers, fields). */
int uasm__check_u(uasm *a, vz_insn_id row, const char *what, uint64_t v, uint64_t lo,
                  uint64_t hi);
/* lo <= v <= hi and v a multiple of align (signed immediates, offsets). */
int uasm__check_s(uasm *a, vz_insn_id row, const char *what, int64_t v, int64_t lo,
                  int64_t hi, int64_t align);
/* J/JAL: target 4-byte aligned and in the 256 MiB region of the cursor + 4. */
int uasm__check_jtarget(uasm *a, vz_insn_id row, uint64_t target);
/* J/JAL placeholder target before uasm_resolve(): the jump's own address when it lies
 * in the region of PC + 4, else the region's first word. */
uint64_t uasm__j26_placeholder(const uasm *a);
/* Generic: ok, or record code with a printf-style message. */
int uasm__check(uasm *a, int ok, int code, vz_insn_id row, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* l names a label of this context. */
int uasm__check_label(uasm *a, vz_insn_id row, uasm_label l);
/* Check the row's register constraint and that w decodes back to row, then store w
 * at the cursor (UASM_E_FULL at the hard end). Returns the sticky error. */
int uasm__emit(uasm *a, vz_insn_id row, uint32_t w);
/* Record a relocation of the given kind for the word just emitted. */
int uasm__add_reloc(uasm *a, vz_insn_id row, int kind, uasm_label l);

#endif
