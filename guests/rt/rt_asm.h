/* Shared constants between the guest runtime's assembly and C.
 * Keep this header free of C syntax: start.S includes it. */
#ifndef VZSIM_GUEST_RT_ASM_H
#define VZSIM_GUEST_RT_ASM_H

/* struct rt_frame byte offsets (see rt.h). */
#define FRAME_GPR(n)     ((n) * 8)
#define FRAME_EPC        256
#define FRAME_BADVADDR   264
#define FRAME_STATUS     272
#define FRAME_CAUSE      280
#define FRAME_BADINSTR   288
#define FRAME_BADINSTRP  296
#define FRAME_VECTOR     304
#define FRAME_SIZE       312

/* CP0 Status bits. */
#define ST_IE   0x00000001
#define ST_EXL  0x00000002
#define ST_ERL  0x00000004
#define ST_BEV  0x00400000

/* Cause bits that depend on time rather than on the program: TI (30),
 * PCI (26), IP7..IP2 (15:10).  The runtime clears them in saved frames. */
#define CAUSE_TIMING_BITS 0x4400fc00

/* Config3 bits: BadInstr / BadInstrP registers exist. */
#define CFG3_BI_BIT 26
#define CFG3_BP_BIT 27

/* UHI operation codes (operation number goes in $25, then `sdbbp 1`). */
#define UHI_EXIT     1
#define UHI_OPEN     2
#define UHI_CLOSE    3
#define UHI_READ     4
#define UHI_WRITE    5
#define UHI_LSEEK    6
#define UHI_UNLINK   7
#define UHI_FSTAT    8
#define UHI_ARGC     9
#define UHI_ARGNLEN  10
#define UHI_ARGN     11
#define UHI_PLOG     13
#define UHI_ASSERT   14

#endif
