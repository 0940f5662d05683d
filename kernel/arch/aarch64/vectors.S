/*
 * Exception vectors. Each entry saves a struct trap_frame (trap.h) and
 * calls a C handler. Synchronous exceptions first check that the frame
 * itself fits on the stack: if it would land in a guard page the stack
 * has overflowed, and the handler switches to a stack kept for that case
 * so it can still print the panic screen.
 */
#define FRAME 288

	.macro	save_frame
	sub	sp, sp, #FRAME
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	add	x0, sp, #FRAME
	stp	x30, x0, [sp, #16 * 15]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #16 * 16]
	mrs	x0, esr_el1
	mrs	x1, far_el1
	stp	x0, x1, [sp, #16 * 17]
	.endm

	.macro	restore_frame
	ldp	x0, x1, [sp, #16 * 16]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #FRAME
	eret
	.endm

	/* Exceptions nothing should raise yet: report which one. */
	.macro	unexpected kind
	.balign	0x80
	save_frame
	mov	x0, sp
	mov	x1, #\kind
	bl	trap_unexpected
	.endm

	.macro	entry label
	.balign	0x80
	b	\label
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	vectors
vectors:
	unexpected 0		/* EL1 with SP_EL0: sync */
	unexpected 1		/*   irq */
	unexpected 2		/*   fiq */
	unexpected 3		/*   serror */
	entry	el1_sync	/* EL1 with SP_EL1 */
	entry	el1_irq
	unexpected 6
	unexpected 7
	entry	el0_sync	/* EL0, AArch64 */
	entry	el0_irq
	unexpected 10
	unexpected 11
	unexpected 12		/* EL0, AArch32 */
	unexpected 13
	unexpected 14
	unexpected 15

el1_sync:
	msr	tpidr_el1, x0
	sub	x0, sp, #FRAME
	at	s1e1w, x0
	isb
	mrs	x0, par_el1
	tbnz	x0, #0, el1_stack_overflow
	mrs	x0, tpidr_el1
	save_frame
	mov	x0, sp
	bl	trap_sync
	restore_frame

el1_irq:
	save_frame
	mov	x0, sp
	bl	trap_irq
	restore_frame

/*
 * From EL0, sp is the fiber's kernel stack as it was at the eret, so the
 * frame lands on the app's own kernel stack; the sp slot holds SP_EL0.
 */
el0_sync:
	save_frame
	mrs	x0, sp_el0
	str	x0, [sp, #16 * 15 + 8]
	mov	x0, sp
	bl	trap_el0_sync
	b	el0_return

el0_irq:
	save_frame
	mrs	x0, sp_el0
	str	x0, [sp, #16 * 15 + 8]
	mov	x0, sp
	bl	trap_el0_irq

el0_return:
	ldr	x0, [sp, #16 * 15 + 8]
	msr	sp_el0, x0
	restore_frame

/* void hal_user_enter_frame(struct trap_frame *f): f is on this stack. */
	.globl	hal_user_enter_frame
hal_user_enter_frame:
	mov	sp, x0
	b	el0_return

el1_stack_overflow:
	mov	x0, sp
	msr	tpidrro_el0, x0		/* the stack pointer that overflowed */
	ldr	x0, =__overflow_stack_top
	mov	sp, x0
	mrs	x0, tpidr_el1
	save_frame
	mrs	x0, tpidrro_el0
	str	x0, [sp, #16 * 15 + 8]
	mov	x0, sp
	bl	trap_stack_overflow
