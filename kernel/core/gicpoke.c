/*
 * gic-poke read OFF / gic-poke write OFF VALUE: a 32-bit load or store
 * at GICD base + OFF. Bare, it reaches the distributor itself; in a
 * RumKV cell every access traps and is filtered to the SPIs the cell
 * owns (docs/hypervisor.md), so writes to another cell's interrupts
 * read back unchanged. The kernel's MMU maps the 64 KiB GICD frame.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <parse.h>

#include "core/gicpoke.h"
#include "core/kernel.h"
#include "core/kprintf.h"
#include "core/platform.h"

#define GICD_FRAME	0x10000

void gicpoke_cmd(int argc, char **argv)
{
	const struct platform *p = kernel_boot_info()->plat;
	bool write = argc == 4 && !strcmp(argv[1], "write");
	uint64_t off, v = 0;
	volatile uint32_t *reg;

	if ((argc != 3 || strcmp(argv[1], "read")) && !write) {
		kprintf("usage: gic-poke read OFF | gic-poke write OFF VALUE\n");
		return;
	}
	if (!parse_u64(argv[2], &off) || (off & 3) || off >= GICD_FRAME ||
	    (write && (!parse_u64(argv[3], &v) || v > 0xffffffffu))) {
		kprintf("gic-poke: OFF must be a 4-byte aligned offset below "
			"0x10000, VALUE 32 bits\n");
		return;
	}
	if (!p || !p->gicd_base) {
		kprintf("gic-poke: no GIC distributor on this platform\n");
		return;
	}
	reg = (volatile uint32_t *)(uintptr_t)(p->gicd_base + off);
	if (write)
		*reg = (uint32_t)v;
	kprintf("gic-poke: GICD+0x%lx = 0x%08x\n", (unsigned long)off, *reg);
}
