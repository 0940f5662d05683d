/*
 * Per-core state, entering a cell, and the ends of a cell's life on this
 * core: park it, power it off, or power the machine off. Resident: a
 * cell powers on its other cores with PSCI CPU_ON at any time, and each
 * such core sets up its EL2 registers and enters the cell from here.
 * EL2 runs with its own MMU off in this version: RumKV's accesses are
 * Device-nGnRnE, so the hv is built with -mstrict-align.
 */
#include "core/cell.h"
#include "core/log.h"
#include "core/stage2.h"
#include "stage2_desc.h"
#include "mmu.h"
#include "sysreg.h"

#define PSCI_CPU_OFF	0x84000002ul	/* Arm DEN 0022D 5.1.3 */
#define PSCI_CPU_ON_64	0xc4000003ul	/* Arm DEN 0022D 5.1.4 */
#define PSCI_SYSTEM_OFF	0x84000008ul

#define SCTLR_EL1_RES1	0x30d00800ul	/* MMU, caches, alignment off */
#define MPIDR_AFF_MASK	0xff00fffffful
#define MPIDR_RES1	(1ul << 31)

/* VTCR_EL2 (D13.2.151): 39-bit IPA from level 1, write-back walks. */
#define VTCR_T0SZ	(64u - S2_IPA_BITS)
#define VTCR_SL0_L1	(1u << 6)
#define VTCR_IRGN_WB	(1u << 8)
#define VTCR_ORGN_WB	(1u << 10)
#define VTCR_SH_INNER	(3u << 12)
#define VTCR_RES1	(1u << 31)
#define VTCR_PS_SHIFT	16

/* The SGI that wakes a core of an ended cell (see cell_arch_stop_others). */
#define STOP_SGI	0

void cell_arch_eret(uint64_t entry, uint64_t x0, uint64_t stack_top)
	__attribute__((noreturn));
void hv_secondary_entry(void);	/* entry.S */

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

static bool has_gic_sysregs(void)
{
	return (sysreg_read(id_aa64pfr0_el1) >> 24) & 0xf;
}

void cell_arch_setup(void)
{
	uint64_t parange = sysreg_read(id_aa64mmfr0_el1) & 0xf;

	hv_mmu_enable();
	/* PS is the PA size the walker may output; 5 (48 bits) is plenty. */
	sysreg_write(vtcr_el2, VTCR_RES1 | VTCR_T0SZ | VTCR_SL0_L1 |
		     VTCR_IRGN_WB | VTCR_ORGN_WB | VTCR_SH_INNER |
		     ((parange > 5 ? 5 : parange) << VTCR_PS_SHIFT));
	/* CNTHCTL_EL2.EL1PCTEN/EL1PCEN: EL1 reads the physical counter. */
	sysreg_write(cnthctl_el2, sysreg_read(cnthctl_el2) | 3);
	sysreg_write(cntvoff_el2, 0);
	sysreg_write(cptr_el2, 0x33ff);		/* RES1 only: no FP traps */
	sysreg_write(hstr_el2, 0);
	/*
	 * ICC_SRE_EL2.SRE|Enable (GICv3 architecture spec, ICC_SRE_EL2): EL1 may use
	 * the GIC system registers. With IMO = 0 they reach the physical
	 * CPU interface directly; the distributor is filtered (vgic_dist.c).
	 */
	if (has_gic_sysregs()) {
		sysreg_write(icc_sre_el2, sysreg_read(icc_sre_el2) | 0x9);
		isb();
		sysreg_write(ich_hcr_el2, 0);
	}
	__asm__ volatile("tlbi alle1\n\tdsb ish\n\tisb" : : : "memory");
}

/*
 * The core's EL1 starts as PSCI CPU_ON leaves a core (DEN 0022D 6.4.3):
 * MMU and caches off (SCTLR_EL1), at @k's entry with x0 = @k's argument
 * (the device tree for a cell's first core, the context id for the
 * others), and MPIDR_EL1 as the guest sees it (VMPIDR_EL2) = the
 * manifest's MPIDR of that core.
 */
void cell_arch_enter(struct hv_core *k)
{
	struct cell *c = k->cell;
	uint64_t mpidr = sysreg_read(mpidr_el1), want = c->cfg->mpidr[k->index];

	if ((mpidr & MPIDR_AFF_MASK) != want) {
		log_str("rumkv: cell ");
		log_dec(c->id);
		log_str(": core MPIDR ");
		log_hex(mpidr);
		log_str(" is not its ");
		log_hex(want);
		log_str("\n");
	}
	sysreg_write(vttbr_el2, ((uint64_t)c->vmid << 48) |
		     (uint64_t)(uintptr_t)c->s2_root);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	sysreg_write(vmpidr_el2, MPIDR_RES1 | want |
		     (mpidr & ~(MPIDR_AFF_MASK | MPIDR_RES1)));
	sysreg_write(sctlr_el1, SCTLR_EL1_RES1);
	sysreg_write(hcr_el2, HCR_VM | HCR_SWIO | HCR_TSC | HCR_RW);
	isb();
	__asm__ volatile("tlbi vmalls12e1\n\tdsb ish\n\tisb" : : : "memory");
	if (k->on_start) {
		/* From the trapped CPU_ON on another core to just before the
		 * ERET here; the report itself is not counted. */
		uint64_t ticks = cell_arch_counter() - k->on_start;

		k->on_start = 0;
		log_str("rumkv: cell ");
		log_dec(c->id);
		log_str(" core ");
		log_hex(want);
		log_str(" on in counter ticks ");
		log_hex(ticks);
		log_str("\n");
	}
	cell_arch_eret(k->entry, k->arg, k->stack_top);
}

/*
 * The machine's own PSCI, reached by SMC from EL2 (QEMU's when there is
 * no EL3): the core starts at the highest non-secure EL, EL2, with the
 * MMU off, at @entry with x0 = @k (DEN 0022D 6.4.3).
 */
int64_t cell_arch_cpu_on(uint64_t mpidr, struct hv_core *k)
{
	register uint64_t x0 __asm__("x0") = PSCI_CPU_ON_64;
	register uint64_t x1 __asm__("x1") = mpidr;
	register uint64_t x2 __asm__("x2") = (uint64_t)(uintptr_t)hv_secondary_entry;
	register uint64_t x3 __asm__("x3") = (uint64_t)(uintptr_t)k;

	/* The core reads its hv_core and the cell with its caches off. */
	__asm__ volatile("dsb sy\n\tsmc #0" : "+r"(x0), "+r"(x1), "+r"(x2),
			 "+r"(x3) : : "x4", "x5", "x6", "x7", "x8", "x9", "x10",
			 "x11", "x12", "x13", "x14", "x15", "x16", "x17",
			 "memory");	/* SMCCC 1.0: x4-x17 not kept */
	return (int64_t)x0;
}

/*
 * The real PSCI CPU_OFF (DEN 0022D 5.5): does not return on success, and
 * leaves the core ready for a later real CPU_ON. If it fails, park.
 */
void cell_arch_cpu_off(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_CPU_OFF;

	__asm__ volatile("dsb sy\n\tsmc #0" : "+r"(x0) : : "x1", "x2", "x3",
			 "memory");
	cell_arch_park();
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
	if (has_gic_sysregs())
		__asm__ volatile("msr icc_igrpen1_el1, xzr");
	isb();
}

/*
 * The other cores of @c run at EL1 and take their interrupts there
 * (HCR_EL2.IMO = 0), so RumKV cannot interrupt them directly. Instead:
 * the cell's stage 2 is emptied and its TLB entries dropped on every
 * core (s2_revoke: TLBI VMALLS12E1IS with this core's VTTBR, the cell's
 * VMID), so the next instruction any of them fetches faults to EL2,
 * where traps_arch_lower_sync() sees the cell ended and parks it. A core
 * sleeping in WFI with nothing pending would never fetch again: a
 * physical SGI (STOP_SGI, Group 1, written to ICC_SGI1R_EL1 from EL2,
 * GICv3 spec 12.2.23; Aff3.Aff2.Aff1 and RS/TargetList name one core)
 * wakes it, and SEV one in WFE. A core that is off (CPU_OFF) stays off.
 */
void cell_arch_stop_others(struct cell *c)
{
	uint64_t self = sysreg_read(mpidr_el1) & MPIDR_AFF_MASK;

	s2_revoke(c->s2_root);
	if (!has_gic_sysregs())
		return;
	for (uint32_t i = 0; i < c->cfg->ncpus; i++) {
		uint64_t m = c->cfg->mpidr[i], aff0 = m & 0xff, sgi;

		if (m == self)
			continue;
		sgi = ((m >> 32) & 0xff) << 48 | ((m >> 16) & 0xff) << 32 |
		      ((m >> 8) & 0xff) << 16 | (aff0 >> 4) << 44 |
		      (uint64_t)STOP_SGI << 24 | 1ul << (aff0 & 15);
		__asm__ volatile("msr icc_sgi1r_el1, %0" : : "r"(sgi));
	}
	/* A core waiting in WFE with IRQs masked (Linux parks its stopped
	 * cores so) is not woken by an interrupt (D1.16.2), but by SEV. */
	__asm__ volatile("isb\n\tsev" : : : "memory");
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
