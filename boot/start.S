/*
 * nexus-boot's first and last instructions. QEMU enters _start at EL2
 * (virtualization=on) or EL1 with the MMU and caches off, x0 = device
 * tree address or 0. boot_main() decides; boot_enter() leaves for good.
 */
	.section .text.boot, "ax"
	.globl	_start
_start:
	ldr	x9, =__boot_stack_top
	mov	sp, x9
	mrs	x1, CurrentEL
	lsr	x1, x1, #2		/* boot_main(x0 from the loader, EL) */
	bl	boot_main
1:	wfe				/* boot_main does not return */
	b	1b

/*
 * boot_enter(entry, x0, x1): jump to an image with its arguments in x0
 * and x1, the other registers as they are. The images were written as
 * data: with the MMU off that reached memory already (Device memory),
 * but the instruction cache may hold stale lines, so drop it first.
 */
	.text
	.globl	boot_enter
boot_enter:
	mov	x9, x0
	mov	x0, x1
	mov	x1, x2
	dsb	sy
	ic	iallu
	dsb	sy
	isb
	br	x9
