/*
 * RumKV's first instructions. QEMU (or nexus-boot) enters here at EL2
 * with the MMU off: x0 = machine device tree (0: QEMU's copy at the base
 * of RAM), x1 = bundle pointer (unused yet). Sets the stack, clears .bss
 * and installs the EL2 vectors, then hands over to hv_main() in C.
 * Everything here is boot-only.
 */
	.section .text.boot, "ax"
	.globl	_start
_start:
	mrs	x9, CurrentEL
	lsr	x9, x9, #2
	cmp	x9, #2
	b.ne	not_el2
	ldr	x9, =__stack_top
	mov	sp, x9
	ldr	x9, =__bss_start
	ldr	x10, =__bss_end
1:	cmp	x9, x10
	b.hs	2f
	stp	xzr, xzr, [x9], #16
	b	1b
2:	ldr	x9, =hv_vectors
	msr	vbar_el2, x9
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	hv_main
not_el2:
	/* Without EL2 there is nothing to partition: stop quietly. */
	wfi
	b	not_el2
