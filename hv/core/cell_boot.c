/*
 * Cell creation (boot-only): check the configuration, build the stage-2
 * map of exactly what the cell owns, write its device tree, start it.
 */
#include <string.h>

#include <nexus/errno.h>

#include "cell.h"
#include "log.h"
#include "stage2.h"

#define PAGE_MASK	0xfffull

static uint64_t page_down(uint64_t a)
{
	return a & ~PAGE_MASK;
}

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE_MASK) & ~PAGE_MASK;
}

/*
 * Stage 2 maps whole 4 KiB pages, so two devices that share a page
 * (virtio-mmio slots are 0x200 apart) must share a class: otherwise a
 * pledge that drops one would drop or keep the other with it.
 */
static bool devs_separable(const struct cell_config *cfg)
{
	for (uint32_t i = 0; i < cfg->ndevs; i++) {
		const struct cell_dev *a = &cfg->devs[i];

		for (uint32_t j = i + 1; j < cfg->ndevs; j++) {
			const struct cell_dev *b = &cfg->devs[j];

			if (a->devclass != b->devclass &&
			    page_down(a->base) < page_up(b->base + b->size) &&
			    page_down(b->base) < page_up(a->base + a->size)) {
				log_printf("rumkv: devices %s and %s share a page "
					   "but not a class\n", a->name, b->name);
				return false;
			}
		}
	}
	return true;
}

static bool cell_map(struct cell *c)
{
	const struct cell_config *cfg = c->cfg;

	c->s2_root = s2_create();
	if (!c->s2_root)
		return false;
	for (uint32_t i = 0; i < cfg->nmem; i++)
		if (!s2_map(c->s2_root, cfg->mem[i].base, cfg->mem[i].size,
			    S2_RAM))
			return false;
	for (uint32_t i = 0; i < cfg->ndevs; i++)
		if (!s2_map(c->s2_root, cfg->devs[i].base, cfg->devs[i].size,
			    S2_DEVICE))
			return false;
	return true;
}

struct cell *cell_create(const struct cell_config *cfg,
			 const void *machine_fdt)
{
	struct cell *c;
	int err;

	if (cell_count == CELL_MAX || !cfg->ncpus || cfg->ncpus > CELL_MAX_CPUS ||
	    !cfg->nmem || cfg->nmem > CELL_MAX_MEM || cfg->ndevs > CELL_MAX_DEVS) {
		log_printf("rumkv: cell %s: bad configuration\n", cfg->name);
		return NULL;
	}
	if (!devs_separable(cfg))
		return NULL;
	c = &cell_table[cell_count];
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->id = cfg->id;
	c->vmid = cell_count + 1;
	c->devclasses = cfg->devclasses & NX_DEVCLASS_ALL;
	if (!cell_map(c)) {
		log_printf("rumkv: cell %s: out of stage-2 tables\n", cfg->name);
		return NULL;
	}
	err = dtb_build(c, machine_fdt);
	if (err) {
		log_printf("rumkv: cell %s: device tree: error %d\n",
			   cfg->name, err);
		return NULL;
	}
	cell_count++;
	return c;
}

void cell_start(struct cell *c)
{
	const struct cell_config *cfg = c->cfg;

	log_printf("rumkv: cell %u (%s): %u MiB at 0x%lx, %u devices, "
		   "classes 0x%x, entry 0x%lx, device tree at 0x%lx\n",
		   c->id, cfg->name, (unsigned)(cfg->mem[0].size >> 20),
		   (unsigned long)cfg->mem[0].base, cfg->ndevs, c->devclasses,
		   (unsigned long)cfg->entry, (unsigned long)c->dtb);
	c->running = true;
	c->core_on[0] = true;
	cell_running_here = c;
	cell_arch_enter(c);
}
