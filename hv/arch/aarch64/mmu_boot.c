/*
 * Building RumKV's EL2 map, once, at boot. Identity throughout:
 *   - RAM (the manifest's): read-write, never executable, in 2 MiB blocks;
 *     RumKV reads and writes cells' memory only for hypercalls and
 *     builds their tables in its own;
 *   - RumKV's own 2 MiB: by 4 KiB page, code read-execute, read-only data
 *     read-only, the rest read-write (SCTLR_EL2.WXN makes that W^X);
 *   - the GIC and the UART, the only devices RumKV drives, as Device memory.
 * Nothing else: a stray pointer in a trap handler faults.
 * The tables are in .bss, which stays mapped after boot.
 */
#include <string.h>

#include "core/cell.h"
#include "core/log.h"
#include "mmu.h"
#include "mmu_desc.h"
#include "sysreg.h"

#define GIB		(1ul << 30)
#define UART_BASE	0x09000000ul	/* pl011.c */

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[2][512] __attribute__((aligned(4096)));
static uint64_t l3[512] __attribute__((aligned(4096)));

extern char __hv_start[], __hv_end[];
extern char __text_end[], __rodata_start[], __rodata_end[];

static uint64_t *l2_slot(uint64_t a)
{
	return a < 2 * GIB ? &l2[a / GIB][(a % GIB) / HV_BLOCK] : NULL;
}

static bool map_blocks(uint64_t lo, uint64_t hi, uint64_t attr)
{
	for (uint64_t a = lo & ~(HV_BLOCK - 1); a < hi; a += HV_BLOCK) {
		uint64_t *e = l2_slot(a);

		if (!e) {
			log_printf("rumkv: 0x%lx is beyond RumKV's own map\n",
				   (unsigned long)a);
			return false;
		}
		*e = a | attr | D_VALID;
	}
	return true;
}

static uint64_t page_attr(uint64_t a)
{
	if (a < (uint64_t)__text_end)
		return D_RX;		/* boot and resident code */
	if (a >= (uint64_t)__rodata_start && a < (uint64_t)__rodata_end)
		return D_R;
	return D_RW;
}

bool cell_arch_map_self(const struct hv_config *cfg, uint64_t dev_lo, uint64_t dev_hi)
{
	uint64_t self = (uint64_t)__hv_start & ~(HV_BLOCK - 1);
	uint64_t pa = sysreg_read(id_aa64mmfr0_el1) & 0xf;

	if ((uint64_t)__hv_end > self + HV_BLOCK) {
		log_printf("rumkv: image larger than the 2 MiB its map allows\n");
		return false;
	}
	l1[0] = (uint64_t)l2[0] | D_TABLE | D_VALID;
	l1[1] = (uint64_t)l2[1] | D_TABLE | D_VALID;
	if (!map_blocks(cfg->ram_base, cfg->ram_base + cfg->ram_size, D_RW) ||
	    !map_blocks(dev_lo, dev_hi, D_DEV) ||
	    !map_blocks(UART_BASE, UART_BASE + HV_PAGE, D_DEV))
		return false;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t a = self + i * HV_PAGE;

		l3[i] = a | page_attr(a) | D_TABLE | D_VALID;
	}
	*l2_slot(self) = (uint64_t)l3 | D_TABLE | D_VALID;
	hv_mmu.l3 = l3;
	hv_mmu.l3_base = self;
	hv_mmu.mair = 0x04ul | 0xfful << 8;	/* Device-nGnRE, Normal WB */
	/* T0SZ 25 (39 bits), WB walks, inner shareable, 4 KiB, RES1 23 and 31. */
	hv_mmu.tcr = 25 | 1ul << 8 | 1ul << 10 | 3ul << 12 | (pa > 5 ? 5 : pa) << 16 |
		     1ul << 23 | 1ul << 31;
	hv_mmu.ttbr = (uint64_t)l1;
	return true;
}
