/*
 * The resident half of RumKV's EL2 map: turning it on (each core, as it
 * comes up) and throwing the boot pages away. The tables are built at
 * boot by mmu_boot.c; in the EL2 regime a descriptor's AP[1] is RES1
 * and bit 54 is XN.
 */
#include "core/cell.h"
#include "core/log.h"
#include "mmu.h"
#include "mmu_desc.h"
#include "sysreg.h"

struct hv_mmu hv_mmu;

extern char __boot_text_start[], __text_start[];
extern char __boot_bss_start[], __boot_bss_end[];

#define SCTLR_EL2_RES1	0x30c50830ul
#define SCTLR_M		(1ul << 0)
#define SCTLR_C		(1ul << 2)
#define SCTLR_I		(1ul << 12)
#define SCTLR_WXN	(1ul << 19)

void hv_mmu_enable(void)
{
	if (!hv_mmu.ttbr) {
		sysreg_write(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_I);
		isb();
		return;
	}
	sysreg_write(mair_el2, hv_mmu.mair);
	sysreg_write(tcr_el2, hv_mmu.tcr);
	sysreg_write(ttbr0_el2, hv_mmu.ttbr);
	isb();
	__asm__ volatile("tlbi alle2\n dsb nsh\n isb" : : : "memory");
	sysreg_write(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_I | SCTLR_C | SCTLR_M | SCTLR_WXN);
	isb();
}

static void unmap(uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a += HV_PAGE)
		hv_mmu.l3[(a - hv_mmu.l3_base) / HV_PAGE] = 0;
}

/* The walker's own word on @va: translation fails (PAR_EL2.F). */
static bool unmapped(uint64_t va)
{
	__asm__ volatile("at s1e2r, %0\n isb" : : "r"(va) : "memory");
	return sysreg_read(par_el1) & 1;
}

void cell_arch_enter_after_boot(struct hv_core *k)
{
	uint64_t boot = (uint64_t)(__text_start - __boot_text_start) +
			(uint64_t)(__boot_bss_end - __boot_bss_start);

	if (hv_mmu.ttbr) {
		unmap((uint64_t)__boot_text_start, (uint64_t)__text_start);
		unmap((uint64_t)__boot_bss_start, (uint64_t)__boot_bss_end);
		__asm__ volatile("dsb ishst\n tlbi alle2is\n dsb ish\n isb" : : : "memory");
		if (unmapped((uint64_t)__boot_text_start) &&
		    unmapped((uint64_t)__boot_bss_start)) {
			log_str("rumkv: boot-only code and data unmapped: ");
			log_dec(boot / 1024);
			log_str(" KiB\n");
		}
	}
	cell_arch_enter(k);
}
