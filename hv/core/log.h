/*
 * RumKV's messages. The resident trap handlers print with the three
 * small functions; boot code may use log_printf (lib/fmt.c, boot-only).
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdint.h>

void log_arch_putc(char c);
void log_str(const char *s);
void log_hex(uint64_t v);	/* 0x and at least 8 digits */
void log_dec(uint64_t v);

__attribute__((format(printf, 1, 2)))
void log_printf(const char *fmt, ...);

#endif
