/*
 * Per-core state and the ends of a cell's life on this core: park it,
 * or power off.
 */
#include "core/cell.h"
#include "sysreg.h"

#define PSCI_SYSTEM_OFF	0x84000008ul

/* TPIDR_EL2 is EL2's own scratch register: RumKV keeps its core there. */
struct hv_core *cell_arch_core(void)
{
	return (struct hv_core *)(uintptr_t)sysreg_read(tpidr_el2);
}

/* The physical count: RumKV leaves the cells' virtual offset at zero. */
uint64_t cell_arch_counter(void)
{
	isb();
	return sysreg_read(cntpct_el0);
}

/*
 * The cell on this core has ended: nothing at EL1 will take its
 * interrupts again. Its timers are stopped (CNTV/CNTP_CTL_EL0.ENABLE = 0)
 * and its Group 1 interrupts disabled at this core's CPU interface
 * (ICC_IGRPEN1_EL1, GICv3 spec 12.2.13; reachable from EL2 because
 * cell_arch_setup set ICC_SRE_EL2.SRE), so no pending interrupt keeps
 * waking the parked core's WFI.
 */
void cell_arch_quiesce(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntp_ctl_el0, 0);
	if ((sysreg_read(id_aa64pfr0_el1) >> 24) & 0xf)
		__asm__ volatile("msr icc_igrpen1_el1, xzr");
	isb();
}

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
