/* The ends of a cell's life on this core: park it, or power off. */
#include "core/cell.h"

#define PSCI_SYSTEM_OFF	0x84000008ul

/*
 * A core whose cell ended waits here for good. Its interrupts stay
 * routed to EL1 (HCR_EL2.IMO = 0), so none is taken at EL2; WFI only
 * saves power.
 */
void cell_arch_park(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

/*
 * The real PSCI SYSTEM_OFF: from EL2 an SMC is not trapped and reaches
 * the machine's own PSCI (QEMU's, which exits with status 0).
 */
void cell_arch_poweroff(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

	__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	cell_arch_park();
}
