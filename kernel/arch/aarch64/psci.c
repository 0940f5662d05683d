/*
 * Calls to the levels above the kernel: PSCI (Arm DEN 0022) power calls
 * through the conduit the device tree names ("hvc" when QEMU runs the
 * kernel at EL1 only, "smc" when it provides EL2 or a hypervisor emulates
 * PSCI for its cells), and RumKV hypercalls.
 */
#include <nexus/hypercall.h>

#include "arch/hal.h"
#include "core/kprintf.h"
#include "core/platform.h"
#include "psci.h"
#include "sysreg.h"

#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u

static enum psci_conduit conduit;

void psci_init(enum psci_conduit c)
{
	conduit = c;
}

static int64_t psci_call(uint64_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	if (conduit == PSCI_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else if (conduit == PSCI_SMC)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else
		return -1;
	return (int64_t)x0;
}

/*
 * A PSCI call with arguments, for core/attack.c: the power calls above
 * need none. The conduit is the tree's, so under RumKV this is a trapped
 * SMC; a core that is not the caller's must be refused.
 */
int64_t hal_psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (conduit == PSCI_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "memory");
	else if (conduit == PSCI_SMC)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "memory");
	else
		return -1;
	return (int64_t)x0;
}

int64_t hal_hypercall(uint64_t nr, uint64_t a1, uint64_t *x1_out)
{
	register uint64_t x0 __asm__("x0") = nr;
	register uint64_t x1 __asm__("x1") = a1;

	__asm__ volatile("hvc #0x4E58"	/* NX_HVC_IMM */
			 : "+r"(x0), "+r"(x1) : : "x2", "x3", "memory");
	*x1_out = x1;
	return (int64_t)x0;
}

_Static_assert(NX_HVC_IMM == 0x4E58, "the hvc immediate above");

bool hal_el2_implemented(void)
{
	return (sysreg_read(id_aa64pfr0_el1) >> 8 & 0xf) != 0;
}

void hal_poweroff(void)
{
	hal_irq_save();
	psci_call(PSCI_SYSTEM_OFF);
	kprintf("poweroff: PSCI SYSTEM_OFF failed (conduit %s)\n",
		psci_conduit_name(conduit));
	hal_halt();
}

void hal_reset(void)
{
	hal_irq_save();
	psci_call(PSCI_SYSTEM_RESET);
	kprintf("reboot: PSCI SYSTEM_RESET failed (conduit %s)\n",
		psci_conduit_name(conduit));
	hal_halt();
}
