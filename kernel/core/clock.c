#include <stdbool.h>

#include "arch/hal.h"
#include "core/clock.h"

static uint64_t programmed, fired;
static volatile bool expired;

/*
 * Whole seconds and the remainder apart: ticks * 1e9 would overflow 64
 * bits after about five minutes at 62.5 MHz.
 */
uint64_t clock_ticks_to_ns(uint64_t ticks)
{
	uint64_t f = hal_time_freq();

	return ticks / f * 1000000000u + ticks % f * 1000000000u / f;
}

uint64_t clock_ms_to_ticks(uint64_t ms)
{
	uint64_t f = hal_time_freq();

	return ms / 1000u * f + ms % 1000u * f / 1000u;
}

/* The counter starts at zero when the machine is reset. */
uint64_t clock_uptime_ns(void)
{
	return clock_ticks_to_ns(hal_time_now());
}

void clock_sleep_ms(uint64_t ms)
{
	uint64_t irq = hal_irq_save();

	expired = false;
	programmed++;
	hal_timer_arm(hal_time_now() + clock_ms_to_ticks(ms));
	while (!expired)
		hal_idle();
	hal_irq_restore(irq);
}

void clock_timer_irq(unsigned irq)
{
	(void)irq;
	hal_timer_disarm();
	fired++;
	expired = true;
}

uint64_t clock_timer_programmed(void)
{
	return programmed;
}

uint64_t clock_timer_fired(void)
{
	return fired;
}
