/*
 * Fiber context switch, AArch64 (AAPCS64). A switched-out fiber's context
 * is its callee-saved registers x19-x30 pushed on its own stack, plus the
 * stack pointer stored in struct fiber; every other register is
 * caller-saved, so the C caller has already spilled what it still needs.
 * The kernel is built -mgeneral-regs-only: no d8-d15 to keep.
 *
 * The frame, from the saved sp upward (16-byte aligned, as sp must be):
 *   +0 x19 x20 | +16 x21 x22 | +32 x23 x24 | +48 x25 x26 | +64 x27 x28
 *   +80 x29 (frame pointer) x30 (return address)
 */
#define FRAME 96

	.text

/* void fiber_arch_swap(void **save_sp, void *load_sp) */
	.globl	fiber_arch_swap
	.type	fiber_arch_swap, %function
	.balign	4
fiber_arch_swap:
	sub	sp, sp, #FRAME
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #FRAME
	ret
	.size	fiber_arch_swap, . - fiber_arch_swap

/*
 * void *fiber_arch_init_stack(void *top), @top 16-byte aligned. Builds a
 * frame for fiber_arch_swap() to pop: zero registers, a zero frame
 * pointer that ends backtraces, and fiber_arch_entry as the return
 * address. Returns the sp to store in the new fiber.
 */
	.globl	fiber_arch_init_stack
	.type	fiber_arch_init_stack, %function
	.balign	4
fiber_arch_init_stack:
	sub	x0, x0, #FRAME
	stp	xzr, xzr, [x0, #0]
	stp	xzr, xzr, [x0, #16]
	stp	xzr, xzr, [x0, #32]
	stp	xzr, xzr, [x0, #48]
	stp	xzr, xzr, [x0, #64]
	adr	x9, fiber_arch_entry
	stp	xzr, x9, [x0, #80]
	ret
	.size	fiber_arch_init_stack, . - fiber_arch_init_stack

/* The first switch into a fiber returns here, with sp at the stack top. */
	.type	fiber_arch_entry, %function
	.balign	4
fiber_arch_entry:
	bl	fiber_trampoline
	brk	#0			/* fiber_trampoline() does not return */
	.size	fiber_arch_entry, . - fiber_arch_entry
