/* What the arch layer found at boot, handed to the portable kernel. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdint.h>

struct platform;

struct boot_info {
	const char *machine;
	unsigned entry_el;		/* exception level at entry; 0 hosted */
	unsigned run_el;		/* exception level the kernel runs at */
	const struct platform *plat;	/* NULL when hosted */
	uintptr_t pool_base;		/* free memory for the page allocator */
	uintptr_t pool_end;
	uint64_t text_size, rodata_size, data_size, bss_size, image_size;
};

__attribute__((noreturn)) void kernel_main(const struct boot_info *bi);
const struct boot_info *kernel_boot_info(void);
/*
 * What the boot fiber runs for ever: init and the console router where
 * apps exist (sys/svc_sys.c), the kernel monitor where they do not
 * (the hosted build).
 */
__attribute__((noreturn)) void kernel_first_program(void);

#endif
