/*
 * The boot bundle, built by mkbundle before this file is assembled; the
 * Makefile passes its path as BOOT_BUNDLE_FILE and relinks nexus-boot
 * when it changes. boot.ld puts it between __bundle_start and __bundle_end.
 */
	.section .bundle, "a"
	.balign	8
	.incbin	BOOT_BUNDLE_FILE
