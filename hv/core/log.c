/*
 * Resident output helpers: strings, hex and decimal numbers, nothing
 * else, so the trap handlers stay small without a printf.
 */
#include "log.h"

void log_str(const char *s)
{
	while (*s)
		log_arch_putc(*s++);
}

void log_hex(uint64_t v)
{
	int shift = 28;

	while (shift < 60 && (v >> (shift + 4)))
		shift += 4;
	log_str("0x");
	for (; shift >= 0; shift -= 4)
		log_arch_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

void log_dec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	log_str(&buf[i]);
}
