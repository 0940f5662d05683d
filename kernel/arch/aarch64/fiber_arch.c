/* Fiber hooks for AArch64: the switch is all in switch.S. */
#include "arch/hal.h"
#include "core/fiber.h"

void fiber_arch_switch(struct fiber *from, struct fiber *to)
{
	hal_space_switch(to->space);
	fiber_arch_swap(&from->sp, to->sp);
}

void fiber_arch_enter(void)
{
}
