/* Kernel console output: printf-style, synchronous, safe before interrupts. */
#ifndef KPRINTF_H
#define KPRINTF_H

#include <stdarg.h>

__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list ap);
void kputs(const char *s);	/* no newline added */

#endif
