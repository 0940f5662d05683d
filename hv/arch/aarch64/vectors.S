/*
 * EL2 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes,
 * the table 2 KiB aligned). Only synchronous traps from a cell (lower
 * EL, AArch64) are expected: HVC, trapped SMC, stage-2 aborts. IRQs and
 * FIQs stay at EL1 (HCR_EL2.IMO/FMO = 0), so every other entry is a bug
 * and goes to traps_arch_unexpected(). Resident code.
 */
#include "frame.h"

.macro	SAVE_FRAME
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el2
	stp	x30, x0, [sp, #240]
	mrs	x0, spsr_el2
	str	x0, [sp, #FRAME_SPSR]
.endm

/* Unexpected entry: save what there is and report which entry it was. */
.macro	UNEXPECTED kind
	.balign	0x80
	SAVE_FRAME
	mov	x0, sp
	mov	x1, #\kind
	bl	traps_arch_unexpected
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	hv_vectors
hv_vectors:
	UNEXPECTED 0	/* current EL, SP0: sync */
	UNEXPECTED 1	/* irq */
	UNEXPECTED 2	/* fiq */
	UNEXPECTED 3	/* serror */
	UNEXPECTED 4	/* current EL, SPx: sync (a RumKV bug) */
	UNEXPECTED 5
	UNEXPECTED 6
	UNEXPECTED 7
	.balign	0x80	/* lower EL, AArch64: sync, the one real entry */
	SAVE_FRAME
	mov	x0, sp
	bl	traps_arch_lower_sync
	b	trap_return
	UNEXPECTED 9	/* lower EL irq */
	UNEXPECTED 10	/* lower EL fiq */
	UNEXPECTED 11	/* lower EL serror */
	UNEXPECTED 12	/* lower EL, AArch32: never (HCR_EL2.RW = 1) */
	UNEXPECTED 13
	UNEXPECTED 14
	UNEXPECTED 15
	.balign	0x80

trap_return:
	ldp	x30, x0, [sp, #240]
	msr	elr_el2, x0
	ldr	x0, [sp, #FRAME_SPSR]
	msr	spsr_el2, x0
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * The world switch into a cell: x0 = entry, x1 = its x0 (the device tree,
 * or a PSCI CPU_ON context id),
 * x2 = the top of this core's EL2 stack. The EL2 registers of the cell
 * are already set (cell_arch_enter). The stack restarts at its top, so
 * every later trap starts from there. The cell gets no register of ours
 * but x0. Resident: a cell's other cores enter it after boot.
 */
	.globl	cell_arch_eret
cell_arch_eret:
	msr	elr_el2, x0
	mov	x0, #0x3c5		/* SPSR_EL2: EL1h, DAIF masked */
	msr	spsr_el2, x0
	mov	sp, x2
	mov	x0, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	mov	x8, xzr
	mov	x9, xzr
	mov	x10, xzr
	mov	x11, xzr
	mov	x12, xzr
	mov	x13, xzr
	mov	x14, xzr
	mov	x15, xzr
	mov	x16, xzr
	mov	x17, xzr
	mov	x18, xzr
	mov	x19, xzr
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr
	mov	x30, xzr
	eret
