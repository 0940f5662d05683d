/*
 * RumKV's boot (boot-only): find the machine's device tree, create the
 * cells of the configuration, report sizes, power on every other cell's
 * first core (PSCI CPU_ON), start cell 0 on this core. There is no run
 * loop: after the ERET into its cell, each core runs RumKV only in its
 * trap handlers.
 */
#include <libfdt.h>

#include "cell.h"
#include "config.h"
#include "log.h"

/* QEMU puts the tree at the base of RAM for an ELF that leaves room. */
#define MACHINE_DTB_DEFAULT	0x40000000ul

/* Section bounds, from rumkv.ld. */
extern char __hv_start[], __hv_end[];
extern char __boot_text_start[], __boot_text_end[];
extern char __boot_data_start[], __boot_data_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __bss_start[], __bss_end[];
extern char __stacks_start[], __stacks_end[];

static void hv_report_sizes(void)
{
	log_printf("rumkv: resident: text %lu, rodata %lu, data %lu bytes; "
		   "boot-only: text %lu, data %lu bytes; bss %lu bytes\n",
		   (unsigned long)(__text_end - __text_start),
		   (unsigned long)(__rodata_end - __rodata_start),
		   (unsigned long)(__data_end - __data_start),
		   (unsigned long)(__boot_text_end - __boot_text_start),
		   (unsigned long)(__boot_data_end - __boot_data_start),
		   (unsigned long)(__bss_end - __bss_start));
}

/* No cell config may hand out RumKV's own memory. */
static bool hv_config_sane(const struct hv_config *cfg)
{
	uint64_t lo = (uintptr_t)__hv_start, hi = (uintptr_t)__hv_end;

	for (uint32_t i = 0; i < cfg->ncells; i++)
		for (uint32_t j = 0; j < cfg->cells[i].nmem; j++) {
			const struct cell_mem *m = &cfg->cells[i].mem[j];

			if (m->base < hi && lo < m->base + m->size) {
				log_printf("rumkv: cell %s: RAM 0x%lx+0x%lx "
					   "overlaps RumKV\n", cfg->cells[i].name,
					   (unsigned long)m->base,
					   (unsigned long)m->size);
				return false;
			}
		}
	return cfg->ncells > 0;
}

/*
 * Each core's EL2 stack: equal slices of the .stack section, the boot
 * core's first (entry.S set SP to its top already).
 */
static void hv_cores_init(void)
{
	uint64_t slice = (uint64_t)(__stacks_end - __stacks_start) / HV_CORES_MAX;

	for (uint32_t i = 0; i < HV_CORES_MAX; i++)
		hv_cores[i].stack_top = (uint64_t)(uintptr_t)__stacks_start +
					(i + 1) * slice;
	cell_arch_core_set(&hv_cores[0]);
}

__attribute__((noreturn)) void hv_main(uint64_t dtb, uint64_t bundle);

void hv_main(uint64_t dtb, uint64_t bundle)
{
	const struct hv_config *cfg;
	const void *machine;
	struct cell *first = NULL;
	uint64_t gic_lo, gic_hi;

	hv_cores_init();
	log_printf("\nrumkv: RumKV at EL2, image 0x%lx-0x%lx\n",
		   (unsigned long)(uintptr_t)__hv_start,
		   (unsigned long)(uintptr_t)__hv_end);
	machine = dtb_save_machine((const void *)(dtb ? dtb : MACHINE_DTB_DEFAULT));
	if (!machine) {
		log_printf("rumkv: no device tree at 0x%lx\n",
			   (unsigned long)(dtb ? dtb : MACHINE_DTB_DEFAULT));
		cell_arch_poweroff();
	}
	/* Started by nexus-boot: the manifest decides; started bare: the default. */
	cfg = bundle ? hv_config_from_bundle(bundle, machine) : hv_config_default();
	if (!cfg || !hv_config_sane(cfg))
		cell_arch_poweroff();
	cell_arch_setup();
	for (uint32_t i = 0; i < cfg->ncells; i++) {
		struct cell *c = cell_create(&cfg->cells[i], machine);

		if (!c)
			cell_arch_poweroff();
		first = first ? first : c;
	}
	if (!*(volatile uint32_t *)(uintptr_t)first->cfg->entry) {
		log_printf("rumkv: no image at 0x%lx (load it with -device "
			   "loader,file=rumpk.elf)\n",
			   (unsigned long)first->cfg->entry);
		cell_arch_poweroff();
	}
	cell_gic_range(&gic_lo, &gic_hi);
	if (!cell_arch_map_self(cfg, gic_lo, gic_hi))
		cell_arch_poweroff();
	cell_arch_setup();		/* this core's map on */
	hv_report_sizes();
	/* Every line first: once cores run, their output would interleave. */
	for (uint32_t i = 0; i < cell_count; i++)
		cell_announce(&cell_table[i]);
	for (uint32_t i = 1; i < cell_count; i++)
		if (!cell_start_remote(&cell_table[i], i))
			cell_arch_poweroff();
	cell_start(first, 0);
}
