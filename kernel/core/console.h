/*
 * Console input. Interrupt handlers (or the hosted idle loop) push received
 * bytes; the reading fiber takes them out, blocked on an event while there
 * are none.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* Interrupt context. A full buffer drops the byte and counts it. */
void console_rx_push(char c);
/* Next input byte; the calling fiber waits until one arrives. */
char console_getc(void);
/* Give back the byte console_getc() returned last: the next reader gets it. */
void console_unget(char c);
/* Bytes lost because nobody read them in time. */
uint64_t console_rx_dropped(void);

#endif
