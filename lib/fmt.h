/*
 * printf-style formatting without a C library: %d %i %u %x %X %o %p %s %c
 * %%, flags '-' and '0', field width and precision (also as '*'), length
 * modifiers hh h l ll z j t. No floating point: the kernel has none.
 */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Called once per output character. */
typedef void fmt_sink_fn(void *ctx, char c);

/* Returns the number of characters produced. */
size_t fmt_vformat(fmt_sink_fn *sink, void *ctx, const char *fmt, va_list ap);

/*
 * C99 snprintf semantics: at most @size-1 characters and a terminating NUL
 * are stored; the return value is the full length, so a caller can detect
 * truncation (result >= size).
 */
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4)))
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...);

#endif
