/* The portable kernel's first steps after the arch layer. */
#include "arch/hal.h"
#include "core/kernel.h"
#include "core/kprintf.h"
#include "core/panic.h"
#include "core/sched.h"
#include "mm/page_alloc.h"

static const struct boot_info *boot;

const struct boot_info *kernel_boot_info(void)
{
	return boot;
}

void kernel_main(const struct boot_info *bi)
{
	boot = bi;
	kprintf("\nRumpk on %s: entered at EL%u, running at EL%u\n",
		bi->machine, bi->entry_el, bi->run_el);
	if (page_pool_init(bi->pool_base, bi->pool_end))
		panic("kernel_main: no memory for the page pool (0x%lx-0x%lx)",
		      (unsigned long)bi->pool_base, (unsigned long)bi->pool_end);
	kprintf("memory: %zu KiB free in %zu pages\n",
		page_count_free() * PAGE_SIZE / 1024, page_count_total());
	/* From here on this context is the boot fiber. */
	sched_init();
	hal_irq_restore(0);	/* unmask: handlers only signal, never switch */
	kernel_first_program();
}
