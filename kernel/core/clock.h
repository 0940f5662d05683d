/*
 * Kernel time: the HAL's free-running counter in nanoseconds. Deadlines
 * and sleeps go through the timer queue (timerq.h), which alone programs
 * the hardware timer.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

uint64_t clock_ticks_to_ns(uint64_t ticks);
uint64_t clock_uptime_ns(void);

/* The timer interrupt handler. */
void clock_timer_irq(unsigned irq);

#endif
