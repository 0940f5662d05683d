/*
 * From start.S to the portable kernel: find the device tree, learn the
 * machine from it, then bring up the console, the MMU, the interrupt
 * controller and the timer, in that order.
 */
#include <libfdt.h>

#include "arch/hal.h"
#include "core/irq.h"
#include "core/clock.h"
#include "core/kernel.h"
#include "core/kprintf.h"
#include "core/panic.h"
#include "core/platform.h"
#include "gic.h"
#include "mmu.h"
#include "psci.h"
#include "sysreg.h"
#include "trap.h"
#include "uart.h"

/*
 * QEMU passes no pointer when it loads an ELF kernel, but places the
 * tree at the base of RAM when the image leaves room below it (the
 * kernel links at RAM + 2 MiB for that reason).
 */
#define VIRT_DTB_FALLBACK 0x40000000ul

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __bss_start[], __bss_end[];
extern char __kernel_end[];

static struct platform plat;

static const void *find_dtb(uint64_t x0)
{
	if (x0 && fdt_magic((const void *)x0) == FDT_MAGIC)
		return (const void *)x0;
	if (fdt_magic((const void *)VIRT_DTB_FALLBACK) == FDT_MAGIC)
		return (const void *)VIRT_DTB_FALLBACK;
	return NULL;
}

static void enable_irq(unsigned irq, const char *name, irq_handler_fn *fn)
{
	if (irq_register(irq, name, fn))
		panic("arch_main: cannot register interrupt %u (%s)", irq, name);
	gic_enable_irq(irq);
}

void arch_main(uint64_t dtb, uint64_t entry_el)
{
	const void *fdt = find_dtb(dtb);
	struct boot_info bi = { 0 };

	if (!fdt)
		panic("arch_main: no device tree (x0 = 0x%lx, none at 0x%lx)",
		      (unsigned long)dtb, VIRT_DTB_FALLBACK);
	if (platform_probe(fdt, &plat))
		panic("arch_main: the device tree does not describe a usable machine");
	uart_init(plat.uart_base);
	backtrace_set_bounds(plat.mem_base, plat.mem_base + plat.mem_size);
	psci_init(plat.psci);
	mmu_init(&plat);
	if (gic_init(plat.gicd_base, plat.gicr_base, plat.gicr_size))
		panic("arch_main: interrupt controller setup failed");
	hal_timer_disarm();
	enable_irq(plat.timer_virt_irq, "timer", clock_timer_irq);
	enable_irq(plat.uart_irq, "uart", uart_irq);

	bi.machine = "QEMU virt (aarch64)";
	bi.entry_el = (unsigned)entry_el;
	bi.run_el = (unsigned)(sysreg_read(CurrentEL) >> 2);
	bi.plat = &plat;
	bi.pool_base = (uintptr_t)__kernel_end;
	bi.pool_end = plat.mem_base + plat.mem_size;
	bi.text_size = (uint64_t)(__rodata_start - __text_start);
	bi.rodata_size = (uint64_t)(__rodata_end - __rodata_start);
	bi.data_size = (uint64_t)(__data_end - __data_start);
	bi.bss_size = (uint64_t)(__bss_end - __bss_start);
	bi.image_size = (uint64_t)(__kernel_end - __text_start);
	kernel_main(&bi);
}
