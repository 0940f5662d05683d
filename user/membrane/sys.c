/*
 * What lwIP asks of its platform (arch/cc.h, NO_SYS): the time in
 * milliseconds, random numbers, and what to do when an assertion fails.
 */
#include "nexus.h"

#include "lwip/sys.h"

#include "membrane.h"

static uint64_t rand_state;

/* splitmix64: a fast, well-mixed step; the state takes in the clock at
 * every call and at every wake-up (membrane_rand_stir), so values depend
 * on when frames arrived from the outside, not only on the call count. */
static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void membrane_rand_stir(uint64_t x)
{
	rand_state ^= x * 0xff51afd7ed558ccdull;
	splitmix(&rand_state);
}

uint32_t membrane_rand(void)
{
	membrane_rand_stir(nx_clock());
	return (uint32_t)(splitmix(&rand_state) >> 32);
}

uint64_t membrane_ms_to_ticks(uint32_t ms)
{
	return (uint64_t)ms * nx_systable()->clock_freq / 1000u;
}

uint32_t membrane_ticks_to_ms(uint64_t t)
{
	uint64_t freq = nx_systable()->clock_freq;

	return (uint32_t)(t / freq * 1000u + t % freq * 1000u / freq);
}

u32_t sys_now(void)
{
	return membrane_ticks_to_ms(nx_clock());
}

void membrane_assert_failed(const char *what, const char *file, int line)
{
	printf("%s: lwIP assertion failed: %s (%s:%d)\n", nx_systable()->name, what,
	       file, line);
	nx_exit(-NX_EIO);
}
