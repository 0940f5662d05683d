/*
 * An app's first instruction. The kernel enters at EL0 with x0 = its
 * SysTable and sp at the top of its stack; a zero frame pointer and
 * link register end every backtrace here.
 */
	.text
	.globl	_start
	.type	_start, %function
_start:
	mov	x29, #0
	mov	x30, #0
	bl	nx_start
	brk	#0			/* nx_start() does not return */
	.size	_start, . - _start
