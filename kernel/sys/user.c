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

bool user_device_access(uint64_t addr, unsigned size, bool write, uint64_t *val)
{
	struct app *a = app_current();
	const struct app_device *dev = a->device;

	if (!dev || addr < dev->base || addr - dev->base >= dev->size ||
	    size > dev->size - (addr - dev->base) || addr & (size - 1))
		return false;
	return dev->access(a, addr - dev->base, size, write, val);
}

bool user_fetch_insn(uint64_t pc, uint32_t *insn)
{
	if (pc & 3 || !app_can_read(app_current(), pc, 4))
		return false;
	*insn = *(const volatile uint32_t *)pc;
	return true;
}

void user_return(void)
{
	struct fiber *self = fiber_self();

	if (sched_preempt_due() || self->killed ||
	    energy_dry(self, hal_time_now()))
		sched_yield();
}
