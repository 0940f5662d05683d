/*
 * The settable HAL of the scheduler's host tests (fake_hal.c): the clock
 * a test moves by hand, what the timer was armed for, and counters of
 * what the code under test asked of the hardware.
 */
#ifndef FAKE_HAL_H
#define FAKE_HAL_H

#include <stdbool.h>
#include <stdint.h>

extern uint64_t fake_now;
extern uint64_t fake_freq;
extern uint64_t fake_armed;		/* TIMERQ_NEVER while disarmed */
extern unsigned fake_arms, fake_disarms, fake_idles, fake_guards;
extern bool fake_masked;
extern void (*fake_idle_hook)(void);
extern char fake_log[4096];		/* everything kprintf'd since fake_reset() */

/* Fresh state for one test: clock, timer, counters and the page pool. */
void fake_reset(void);

#endif
