/*
 * Kernel time. The hardware timer is armed only for a real deadline and
 * disarmed when it fires: no periodic tick. Every programming and every
 * expiry is counted, so silence can be checked from the shell.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

uint64_t clock_ticks_to_ns(uint64_t ticks);
uint64_t clock_ms_to_ticks(uint64_t ms);
uint64_t clock_uptime_ns(void);

/* Idle until @ms milliseconds have passed: one timer interrupt. */
void clock_sleep_ms(uint64_t ms);

/* The timer interrupt handler. */
void clock_timer_irq(unsigned irq);

uint64_t clock_timer_programmed(void);
uint64_t clock_timer_fired(void);

#endif
