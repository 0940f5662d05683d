#include "arch/hal.h"
#include "core/clock.h"
#include "core/timerq.h"

/*
 * Whole seconds and the remainder apart: ticks * 1e9 would overflow 64
 * bits after about five minutes at 62.5 MHz.
 */
uint64_t clock_ticks_to_ns(uint64_t ticks)
{
	uint64_t f = hal_time_freq();

	return ticks / f * 1000000000u + ticks % f * 1000000000u / f;
}

/* The counter starts at zero when the machine is reset. */
uint64_t clock_uptime_ns(void)
{
	return clock_ticks_to_ns(hal_time_now());
}

void clock_timer_irq(unsigned irq)
{
	(void)irq;
	timerq_expire(hal_time_now());
}
