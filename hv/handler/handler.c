/*
 * hv/handler/handler.c - the exit handler as MIPS64r6 code, cross-compiled
 * (freestanding, n64, no libc) and loaded into root memory when the host runs with
 * --handler mips: exit_common calls it through vcpu->exit_handler exactly as it
 * calls the native handler's host-call address (a0 = vcpu, n64 calling
 * convention, v0 = RESUME_GUEST / RESUME_HOST), so its instructions are executed
 * and timed like the generated code's.
 *
 * It serves the hypercall fast path (NOP, unknown functions) and GHFC itself, as
 * hv/entry/host.c does for them, counting in the vcpu; every other exit (and a
 * hypercall in a delay slot, or one the host must see: console, exit, count,
 * trace mode) is forwarded to the native handler through vcpu->native_handler,
 * which answers for it. Once vcpu->mips_budget exits have been served here,
 * everything is forwarded, so that the host's exit limit still applies.
 */
#include "hv/entry/vcpu.h"

#define CAUSE_BD (1u << 31)
#define EXC_GE 27
#define GEXC_HC 2
#define GEXC_GHFC 9
#define HC_NOP 0
#define HC_LAST 5             /* functions 1..5 need the host (host.h) */

typedef long (*handler_fn)(vz_vcpu *v);

__attribute__((section(".text.vz_exit_handler"))) long vz_exit_handler(vz_vcpu *v)
{
    unsigned exc = (v->host_cp0_cause >> 2) & 31;
    unsigned gexc = (v->host_cp0_guestctl0 >> 2) & 31;
    if (v->mips_budget && exc == EXC_GE) {
        if (gexc == GEXC_GHFC) {
            /* the change already happened: resume at EPC */
            v->mips_budget--;
            v->mips_exits_ghfc++;
            return VZ_RESUME_GUEST;
        }
        if (gexc == GEXC_HC && !(v->host_cp0_cause & CAUSE_BD) &&
            !((v->host_cp0_badinstr >> 11) & 0x3ff)) {
            uint64_t fn = v->gprs[2];
            if (fn == HC_NOP || fn > HC_LAST) {
                v->gprs[2] = fn == HC_NOP ? 0 : (uint64_t)-1;
                v->pc += 4;
                v->mips_budget--;
                v->mips_exits_hypercall++;
                return VZ_RESUME_GUEST;
            }
        }
    }
    return ((handler_fn)(uintptr_t)v->native_handler)(v);
}
