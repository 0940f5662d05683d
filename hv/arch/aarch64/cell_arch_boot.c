/*
 * The boot core's per-core pointer (boot-only). Everything a core needs
 * to enter a cell (cell_arch.c) is resident: a cell starts its other
 * cores with PSCI CPU_ON long after boot.
 */
#include "core/cell.h"
#include "sysreg.h"

void cell_arch_core_set(struct hv_core *k)
{
	sysreg_write(tpidr_el2, (uint64_t)(uintptr_t)k);
}
