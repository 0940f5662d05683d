/*
 * First instructions. QEMU enters here at EL2 (virtualization=on) or EL1,
 * with the MMU off. At EL2 the kernel drops itself to EL1 after giving
 * EL1 what it needs (AArch64, the counters, the GIC system registers), so
 * the same image runs bare or inside a RumKV cell.
 *
 * x0: device tree address from a loader that passes one, else 0.
 */
	.section .text.boot, "ax"
	.globl	_start
_start:
	mov	x19, x0
	mrs	x9, CurrentEL
	lsr	x9, x9, #2
	mov	x20, x9			/* entry EL, reported by "info" */
	cmp	x9, #2
	b.ne	el1_entry

	/* EL2: EL1 is AArch64 and traps nothing to us. */
	mov	x9, #(1 << 31)		/* HCR_EL2.RW */
	msr	hcr_el2, x9
	mrs	x9, cnthctl_el2
	orr	x9, x9, #3		/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov	x9, #0x33ff		/* CPTR_EL2: no FP/SIMD traps */
	msr	cptr_el2, x9
	msr	hstr_el2, xzr
	mrs	x9, midr_el1
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1
	msr	vmpidr_el2, x9
	/* With a GICv3 CPU interface, let EL1 use its system registers. */
	mrs	x9, id_aa64pfr0_el1
	ubfx	x9, x9, #24, #4
	cbz	x9, 1f
	mrs	x9, icc_sre_el2
	mov	x10, #0x9		/* SRE | Enable */
	orr	x9, x9, x10
	msr	icc_sre_el2, x9
	isb
1:	ldr	x9, =0x30d00800		/* SCTLR_EL1 RES1 bits, MMU off */
	msr	sctlr_el1, x9
	mov	x9, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x9
	adr	x9, el1_entry
	msr	elr_el2, x9
	eret

el1_entry:
	ldr	x9, =__boot_stack_top
	mov	sp, x9
	adr	x9, vectors
	msr	vbar_el1, x9
	isb
	ldr	x9, =__bss_start
	ldr	x10, =__bss_end
2:	cmp	x9, x10
	b.hs	3f
	stp	xzr, xzr, [x9], #16
	b	2b
3:	mov	x29, xzr		/* the backtrace ends here */
	mov	x30, xzr
	mov	x0, x19
	mov	x1, x20
	bl	arch_main
4:	wfi
	b	4b
