/*
 * The console for unit tests: the kernel's own kprintf (kernel/core/
 * kprintf.c) writes through this hal_console_putc, which echoes to stdout
 * and keeps the last line for the test to inspect (kprintf_last).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/hal.h"
#include "core/kprintf.h"
#include "core/panic.h"
#include "stub_kprintf.h"

char kprintf_last[512];

void hal_console_putc(char c)
{
	static size_t len;
	static bool line_done;

	putchar(c);
	if (line_done) {
		len = 0;
		line_done = false;
	}
	if (c == '\n')
		line_done = true;
	if (len + 1 < sizeof(kprintf_last)) {
		kprintf_last[len++] = c;
		kprintf_last[len] = '\0';
	}
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	abort();
}
