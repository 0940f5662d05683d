/*
 * RumKV's first instructions. QEMU (or nexus-boot) enters here at EL2
 * with the MMU off: x0 = machine device tree (0: QEMU's copy at the base
 * of RAM), x1 = bundle pointer (0: none). Sets the boot core's stack,
 * clears .bss and installs the EL2 vectors, then hands over to hv_main()
 * in C. Other cores enter at hv_secondary_entry, which is resident: a
 * cell powers on its other cores (PSCI CPU_ON) long after boot.
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

/*
 * A core that RumKV powered on with PSCI CPU_ON (cell_start_remote at
 * boot, or psci.c for a cell's other cores): EL2, MMU off, x0 = its
 * struct hv_core, whose first word is the top of its own stack.
 * TPIDR_EL2 keeps the pointer for the trap handlers.
 */
	.section .text.secondary, "ax"
	.globl	hv_secondary_entry
hv_secondary_entry:
	ldr	x9, [x0]
	mov	sp, x9
	msr	tpidr_el2, x0
	ldr	x9, =hv_vectors
	msr	vbar_el2, x9
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	hv_secondary_main
