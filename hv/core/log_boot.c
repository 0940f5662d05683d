/* Boot-only formatted output, through lib/fmt.c (also boot-only). */
#include <stdarg.h>

#include <fmt.h>

#include "log.h"

static void log_sink(void *ctx, char c)
{
	(void)ctx;
	log_arch_putc(c);
}

void log_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(log_sink, 0, fmt, ap);
	va_end(ap);
}
