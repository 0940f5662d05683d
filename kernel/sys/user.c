/* Faults and the return path of apps. */
#include <nexus/audit.h>

#include "arch/hal.h"
#include "core/energy.h"
#include "core/fiber.h"
#include "core/kprintf.h"
#include "fmt.h"
#include "sec/provchain.h"
#include "sys/app.h"
#include "sys/user.h"

void user_fault(const char *what, uint64_t esr, uint64_t far, uint64_t elr)
{
	struct app *a = app_current();
	char line[48];

	kprintf("app %u (%s): %s, address 0x%lx, pc 0x%lx (esr 0x%lx): killed\n",
		a->id, a->name, what, (unsigned long)far, (unsigned long)elr,
		(unsigned long)esr);
	fmt_snprintf(line, sizeof(line), "fault @0x%lx pc 0x%lx", (unsigned long)far,
		     (unsigned long)elr);
	provchain_append(NX_AUDIT_FAULT, a->id, 0, line, hal_time_now());
	fiber_self()->killed = true;
	fiber_exit(FIBER_EXIT_KILLED);
}

void user_return(void)
{
	struct fiber *self = fiber_self();

	if (sched_preempt_due() || self->killed ||
	    energy_dry(self, hal_time_now()))
		sched_yield();
}
