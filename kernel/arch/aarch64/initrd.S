/* The initial tar image, built from user/ (mk/user.mk), in rodata. */
	.section .rodata.initrd, "a"
	.balign	4096
	.globl	initrd_start
initrd_start:
	.incbin	INITRD_PATH
	.globl	initrd_end
initrd_end:
