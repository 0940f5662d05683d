/*
 * Fiber context switch, hosted build (x86-64 System V). A switched-out
 * fiber's context is its callee-saved registers rbx, rbp, r12-r15 pushed
 * on its own stack under the return address, plus the stack pointer
 * stored in struct fiber. The kernel never changes the x87 control word
 * or MXCSR, so they are not saved.
 *
 * The frame, from the saved sp upward:
 *   +0 r15 | +8 r14 | +16 r13 | +24 r12 | +32 rbx | +40 rbp | +48 return
 */
	.text

/* void fiber_arch_swap(void **save_sp, void *load_sp) */
	.globl	fiber_arch_swap
	.type	fiber_arch_swap, @function
fiber_arch_swap:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	fiber_arch_swap, . - fiber_arch_swap

/*
 * void *fiber_arch_init_stack(void *top), @top 16-byte aligned. Builds a
 * frame for fiber_arch_swap() to pop: zero registers (rbp = 0 ends
 * backtraces) and fiber_arch_entry as the return address. Returns the sp
 * to store in the new fiber.
 */
	.globl	fiber_arch_init_stack
	.type	fiber_arch_init_stack, @function
fiber_arch_init_stack:
	leaq	-56(%rdi), %rax
	xorl	%ecx, %ecx
	movq	%rcx, 0(%rax)
	movq	%rcx, 8(%rax)
	movq	%rcx, 16(%rax)
	movq	%rcx, 24(%rax)
	movq	%rcx, 32(%rax)
	movq	%rcx, 40(%rax)
	leaq	fiber_arch_entry(%rip), %rcx
	movq	%rcx, 48(%rax)
	ret
	.size	fiber_arch_init_stack, . - fiber_arch_init_stack

/*
 * The first switch into a fiber returns here with rsp at the stack top,
 * 16-byte aligned as the ABI wants it at a call.
 */
	.type	fiber_arch_entry, @function
fiber_arch_entry:
	call	fiber_trampoline@PLT
	ud2				/* fiber_trampoline() does not return */
	.size	fiber_arch_entry, . - fiber_arch_entry

	.section .note.GNU-stack, "", @progbits
