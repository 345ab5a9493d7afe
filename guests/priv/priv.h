/* Support for the privileged-architecture guest programs (guests/priv/).
 *
 * Each program installs its own exception vectors and handler hook:
 *
 *  - priv_vec_base (privasm.S) is a 16 KiB region (4 pages) in which every
 *    32-byte slot enters the runtime's rt_exc_common with k1 = the slot's
 *    offset from priv_vec_base.  EBase may point at any of its pages (or at
 *    a kseg1/xkphys alias of them) and the hook works out which vector
 *    (offset from EBase) was taken, vectored interrupts included.
 *  - With Status.BEV = 1 exceptions go to 0xffffffffbfc00200 + offset, on
 *    boston the boot flash, which holds zeros (NOPs) after QEMU's small
 *    bootloader.  Execution slides through the flash into kseg2 at
 *    0xffffffffc0000000; priv_bev_on() maps that page (TLB entry
 *    PRIV_TLB_BEV) to priv_bev_page, which enters rt_exc_common with the
 *    BEV marker.  The vector offset itself is not observable this way; the
 *    state the handler finds (EPC, Cause, BadVAddr, Status.BEV/EXL) is.
 *  - priv_run() runs code in user/supervisor/kernel mode by ERET; the code
 *    returns with `syscall 0xfffff` (PRIV_RET), which the hook turns into a
 *    return to the kernel (KSU cleared).
 *  - User code lives in priv_user_code (two 4 KiB pages) and is mapped at
 *    PRIV_UCODE_VA; a data page pair (priv_udata) at PRIV_UDATA_VA.
 *
 * The hook records up to PRIV_LOG_MAX exceptions (the frame plus EntryHi,
 * Context, XContext read at entry) and resumes:
 *   - at priv_resume when it is non-zero (one shot),
 *   - for an instruction fetch that failed (EPC = BadVAddr): at $31,
 *   - for an exception in a delay slot (BD = 1): at EPC + 8,
 *   - otherwise at EPC + 4 (the faulting instruction is skipped),
 * (with Status.ERL = 1 also in ErrorEPC, which ERET then uses),
 * interrupts resume at EPC after priv_irq_ack() (default: clear Status.IE).
 *
 * Only TLB entries 0..15 are used (QEMU's I6400 has 16), and every program
 * starts with TLBINVF so that the entries vzsim has beyond 16 never match. */
#ifndef VZSIM_GUEST_PRIV_H
#define VZSIM_GUEST_PRIV_H

#include "rt.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define NOINLINE __attribute__((noinline, noclone))

/* ---- Status / Cause bits --------------------------------------------- */
#define ST_KSU_MASK 0x18u
#define ST_KSU_K 0x00u
#define ST_KSU_S 0x08u
#define ST_KSU_U 0x10u
#define ST_UX 0x20u
#define ST_SX 0x40u
#define ST_KX 0x80u
#define ST_IM(n) (1u << (8 + (n)))
#define ST_CU0 0x10000000u
#define ST_FR 0x04000000u
#define CA_BD 0x80000000u
#define CA_TI 0x40000000u
#define CA_DC 0x08000000u
#define CA_IV 0x00800000u
#define CA_IP(n) (1u << (8 + (n)))

/* ExcCodes */
enum {
  EXC_INT = 0, EXC_MOD = 1, EXC_TLBL = 2, EXC_TLBS = 3, EXC_ADEL = 4, EXC_ADES = 5,
  EXC_IBE = 6, EXC_DBE = 7, EXC_SYS = 8, EXC_BP = 9, EXC_RI = 10, EXC_CPU = 11,
  EXC_OV = 12, EXC_TR = 13, EXC_TLBRI = 19, EXC_TLBXI = 20,
};

/* ---- extra CP0 accessors ---------------------------------------------- */
#define TLBWI() __asm__ volatile("tlbwi\n\tehb" ::: "memory")
#define TLBR() __asm__ volatile("tlbr\n\tehb" ::: "memory")
#define TLBP() __asm__ volatile("tlbp\n\tehb" ::: "memory")
#define TLBINV() __asm__ volatile("tlbinv\n\tehb" ::: "memory")
#define TLBINVF() __asm__ volatile("tlbinvf\n\tehb" ::: "memory")
#define TLBWR() __asm__ volatile("tlbwr\n\tehb" ::: "memory")

/* Physical address of a kseg0/kseg1 pointer. */
#define PHYS(p) ((uint64_t)(uintptr_t)(p) & 0x1fffffffull)
#define KSEG1(pa) (0xffffffffa0000000ull | (uint64_t)(pa))
#define XKPHYS(cca, pa) (0x8000000000000000ull | ((uint64_t)(cca) << 59) | (uint64_t)(pa))

/* ---- TLB ---------------------------------------------------------------- */
#define PRIV_TLB_BEV 15    /* entry used by priv_bev_on() */
#define PRIV_TLB_UCODE 14  /* priv_map_user() */
#define PRIV_TLB_UDATA 13
#define PRIV_UCODE_VA 0x0000000000400000ull
#define PRIV_UDATA_VA 0x0000000000500000ull

/* EntryLo value for physical address pa (page aligned) with cache
 * attribute 3 and flags (ELO_V, ELO_D, ELO_G, ELO_RI, ELO_XI). */
#define ELO_G 0x1ull
#define ELO_V 0x2ull
#define ELO_D 0x4ull
#define ELO_XI (1ull << 62)
#define ELO_RI (1ull << 63)
#define ELO(pa, flags) ((((uint64_t)(pa) >> 12) << 6) | (3ull << 3) | (flags))

/* Write TLB entry idx (Index, EntryHi, PageMask, EntryLo0/1; TLBWI). */
void tlb_set(unsigned idx, uint64_t hi, uint64_t pagemask, uint64_t lo0, uint64_t lo1);
/* Read TLB entry idx into the arguments (TLBR); EntryHi is restored after. */
void tlb_get(unsigned idx, uint64_t *hi, uint64_t *pagemask, uint64_t *lo0, uint64_t *lo1);
/* TLBINVF, Wired = 0, PageMask = 0, EntryHi = 0. */
void tlb_reset(void);

/* ---- exception log and hook ---------------------------------------------- */
struct exc_rec {
  uint64_t cause;     /* as read at entry, timing bits cleared */
  uint64_t cause_raw; /* as read at entry */
  uint64_t epc, badvaddr, status, badinstr, badinstrp;
  uint64_t entryhi, context, xcontext;
  int64_t vec;        /* offset from EBase; -1 = BEV path */
  uint64_t ebase;
};
#define PRIV_LOG_MAX 8
extern volatile unsigned exc_n;             /* exceptions since exc_arm() */
extern struct exc_rec exc_log[PRIV_LOG_MAX];
extern volatile uint64_t priv_resume;        /* one-shot resume address */
extern void (*volatile priv_irq_ack)(struct rt_frame *f);

extern char priv_vec_base[];   /* 16 KiB of vector slots */
extern char priv_bev_page[];   /* landing page of the BEV slide */
extern char priv_user_code[];  /* 8 KiB, mapped at PRIV_UCODE_VA */
extern char priv_kreturn[];
extern uint8_t priv_udata[8192];

/* Point EBase at priv_vec_base (+ page * 4 KiB), install the hook, clear
 * BEV; every program calls priv_init() first. */
void priv_init(void);
void priv_set_ebase(uint64_t ebase); /* DMTC0 with WG set when needed */
void exc_arm(void);                  /* clear the log */
/* Print the log: "<label>: none" or one line per exception. flags select
 * extra fields. */
#define P_BADV 1u   /* BadVAddr */
#define P_TLB 2u    /* EntryHi, Context, XContext */
#define P_INSTR 4u  /* BadInstr, BadInstrP */
#define P_ST 8u     /* Status (FR masked) */
#define P_IP 16u    /* Cause.IP bits (raw) */
void exc_show(const char *label, unsigned flags);

/* Map the user code/data pages (entries PRIV_TLB_UCODE/UDATA, global). */
void priv_map_user(void);
/* Map kseg2 0xffffffffc0000000 to priv_bev_page (entry PRIV_TLB_BEV). */
void priv_bev_on(void);

/* Run code at pc with Status = status | EXL (KSU in status selects the
 * mode), a0/a1 in $4/$5.  Returns $2 when the code executes PRIV_RET. */
uint64_t priv_run(uint64_t pc, uint64_t a0, uint64_t a1, uint64_t status);
/* Base of priv_run's status: the current Status with KSU, EXL, ERL, IE,
 * KX, SX and UX cleared. */
uint64_t priv_kstatus(void);

/* User-code routines (addresses in priv_user_code; run them at
 * PRIV_UCODE_VA + (sym - priv_user_code), see UVA()). */
extern char pu_ld[], pu_lw[], pu_sd[], pu_sw[], pu_fetch[], pu_mfc0_status[],
    pu_syscall[], pu_ret[], pu_di[], pu_cache[], pu_rdhwr_cc[], pu_rdhwr_ul[],
    pu_eret[], pu_tlbp[], pu_wait[], pu_lw8[], pu_daddu[], pu_dsll32[], pu_lld[], pu_dext[],
    pu_lwu[], pu_dmul[], pu_daui[], pu_scd[];
#define UVA(sym) (PRIV_UCODE_VA + (uint64_t)((char *)(sym) - priv_user_code))

/* ---- output helpers ------------------------------------------------------ */
static inline void show64(const char *what, uint64_t v)
{
  printf("%-28s %016llx\n", what, ULL(v));
}

#endif
