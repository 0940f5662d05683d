/* The panic screen for broken invariants found by kernel code itself. */
#include "arch/hal.h"
#include "core/kprintf.h"
#include "core/panic.h"

void panic(const char *fmt, ...)
{
	va_list ap;

	hal_irq_save();
	kputs("\n*** KERNEL PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kputs(" ***\n");
	hal_backtrace();
	kputs("System halted.\n");
	hal_halt();
}
