/* kprintf: the formatter from lib/ pointed at the console. */
#include <fmt.h>

#include "arch/hal.h"
#include "core/kprintf.h"

/* The console wants CR LF; callers write plain '\n'. */
static void console_sink(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		hal_console_putc('\r');
	hal_console_putc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
	fmt_vformat(console_sink, NULL, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void kputs(const char *s)
{
	while (*s)
		console_sink(NULL, *s++);
}
