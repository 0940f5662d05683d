/*
 * Per-core EL2 setup and the first entry into a cell (boot-only). EL2
 * runs with its own MMU off in this version: RumKV's accesses are
 * Device-nGnRnE, so the hv is built with -mstrict-align.
 */
#include "core/cell.h"
#include "core/log.h"
#include "stage2_desc.h"
#include "sysreg.h"

#define SCTLR_EL2_RES1	0x30c50830ul	/* Arm ARM D13.2.119, non-VHE */
#define SCTLR_EL2_I	(1ul << 12)	/* instruction cache on */
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

#define PSCI_CPU_ON_64	0xc4000003ul	/* Arm DEN 0022D 5.1.4 */

void cell_arch_eret(uint64_t entry, uint64_t dtb, uint64_t stack_top)
	__attribute__((noreturn));
void hv_secondary_entry(void);	/* entry.S */

void cell_arch_core_set(struct hv_core *k)
{
	sysreg_write(tpidr_el2, (uint64_t)(uintptr_t)k);
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

void cell_arch_setup(void)
{
	uint64_t parange = sysreg_read(id_aa64mmfr0_el1) & 0xf;
	uint64_t gic_sysregs = (sysreg_read(id_aa64pfr0_el1) >> 24) & 0xf;

	sysreg_write(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_EL2_I);
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
	 * CPU interface directly, which is right while one cell owns every
	 * interrupt. Several cells will need the distributor filtered.
	 */
	if (gic_sysregs) {
		sysreg_write(icc_sre_el2, sysreg_read(icc_sre_el2) | 0x9);
		isb();
		sysreg_write(ich_hcr_el2, 0);
	}
	__asm__ volatile("tlbi alle1\n\tdsb ish\n\tisb" : : : "memory");
}

void cell_arch_enter(struct cell *c)
{
	uint64_t mpidr = sysreg_read(mpidr_el1);

	if ((mpidr & MPIDR_AFF_MASK) != c->cfg->mpidr[0])
		log_printf("rumkv: cell %u: core MPIDR 0x%lx is not its 0x%lx\n",
			   c->id, (unsigned long)mpidr,
			   (unsigned long)c->cfg->mpidr[0]);
	sysreg_write(vttbr_el2, ((uint64_t)c->vmid << 48) |
		     (uint64_t)(uintptr_t)c->s2_root);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	sysreg_write(vmpidr_el2, MPIDR_RES1 | c->cfg->mpidr[0] |
		     (mpidr & ~(MPIDR_AFF_MASK | MPIDR_RES1)));
	sysreg_write(sctlr_el1, SCTLR_EL1_RES1);
	sysreg_write(hcr_el2, HCR_VM | HCR_SWIO | HCR_TSC | HCR_RW);
	isb();
	__asm__ volatile("tlbi vmalls12e1\n\tdsb ish\n\tisb" : : : "memory");
	cell_arch_eret(c->cfg->entry, c->dtb, cell_arch_core()->stack_top);
}
