/*
 * kprintf for unit tests: formats with the kernel's own formatter into a
 * buffer the test can inspect (kprintf_last), and echoes to stdout.
 */
#include <stdio.h>
#include <stdlib.h>

#include <fmt.h>

#include "core/kprintf.h"
#include "core/panic.h"
#include "stub_kprintf.h"

char kprintf_last[512];

void kvprintf(const char *fmt, va_list ap)
{
	fmt_vsnprintf(kprintf_last, sizeof(kprintf_last), fmt, ap);
	fputs(kprintf_last, stdout);
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
	fputs(s, stdout);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	abort();
}
