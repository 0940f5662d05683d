/*
 * A cell's device tree (boot-only): the machine's tree, cut down to what
 * the cell owns. /memory becomes the cell's RAM, /cpus keeps only its
 * cores, /psci says "smc" (RumKV traps and emulates it), the GIC names
 * only its cores' redistributor frames, and every node
 * with a `reg` that is not one of the cell's devices is deleted. Nodes
 * without `reg` (timer, psci, chosen, clocks) stay; /chosen gets the
 * cell's initrd and command line. The result is written at the base of
 * the cell's RAM and passed in x0.
 *
 * Known gap: a node kept because it has no `reg` may still point (by
 * phandle) at a deleted one, e.g. QEMU's gpio-keys at the PL061. Rumpk
 * does not read it; Linux would only warn.
 */
#include <libfdt.h>
#include <string.h>

#include <nexus/errno.h>

#include "cell.h"

#define DTB_MAX		0x10000	/* 64 KiB: QEMU virt's tree is ~8 KiB */

static char dtb_machine[DTB_MAX] __attribute__((section(".bss.boot"), aligned(8)));
static char dtb_cell[DTB_MAX] __attribute__((section(".bss.boot"), aligned(8)));

static bool dtb_owned_dev(const struct cell *c, uint64_t base)
{
	for (uint32_t i = 0; i < c->cfg->ndevs; i++)
		if (c->cfg->devs[i].base == base)
			return true;
	return false;
}

/* The first address in @node's reg; @ac is its parent's #address-cells. */
static bool dtb_reg_base(const void *fdt, int node, int ac, uint64_t *base)
{
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || len < ac * 4)
		return false;
	*base = fdt32_to_cpu(reg[0]);
	if (ac == 2)
		*base = *base << 32 | fdt32_to_cpu(reg[1]);
	return true;
}

/* Should @node go? Memory is rewritten, not judged here. */
static bool dtb_unowned(const void *fdt, int node, int ac, const struct cell *c)
{
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);
	uint64_t base;

	if (!dtb_reg_base(fdt, node, ac, &base))
		return false;
	if (type && !strcmp(type, "memory"))
		return false;
	if (type && !strcmp(type, "cpu"))
		return cell_core_index(c, base) < 0;
	return !dtb_owned_dev(c, base);
}

#define DTB_MAX_DEPTH	8
#define DTB_MAX_PRUNE	128

/*
 * One walk finds every node to delete; deleting them from the last one
 * back leaves the offsets of those still to go unchanged (a deletion only
 * moves what follows it). libfdt finds parents only by rescanning from
 * the root, so the walk tracks each depth's #address-cells itself:
 * restarting the walk after every deletion cost 47 M instructions.
 */
static int dtb_prune(void *fdt, const struct cell *c)
{
	int doomed[DTB_MAX_PRUNE], ac[DTB_MAX_DEPTH], n = 0, depth = 0, node;

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (depth >= DTB_MAX_DEPTH)
			return -FDT_ERR_BADSTRUCTURE;
		ac[depth] = fdt_address_cells(fdt, node);
		if (depth == 0 || !dtb_unowned(fdt, node, ac[depth - 1], c))
			continue;
		if (n == DTB_MAX_PRUNE)
			return -FDT_ERR_NOSPACE;
		doomed[n++] = node;
	}
	while (n--) {
		int err = fdt_del_node(fdt, doomed[n]);

		if (err)
			return err;
	}
	return 0;
}

static int dtb_set_memory(void *fdt, const struct cell *c)
{
	int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						 "memory", sizeof("memory"));
	fdt32_t reg[4 * CELL_MAX_MEM];

	if (node < 0)
		return node;
	/* The root of QEMU virt uses two address and two size cells. */
	for (uint32_t i = 0; i < c->cfg->nmem; i++) {
		reg[4 * i + 0] = cpu_to_fdt32((uint32_t)(c->cfg->mem[i].base >> 32));
		reg[4 * i + 1] = cpu_to_fdt32((uint32_t)c->cfg->mem[i].base);
		reg[4 * i + 2] = cpu_to_fdt32((uint32_t)(c->cfg->mem[i].size >> 32));
		reg[4 * i + 3] = cpu_to_fdt32((uint32_t)c->cfg->mem[i].size);
	}
	return fdt_setprop(fdt, node, "reg", reg,
			   (int)(sizeof(fdt32_t) * 4 * c->cfg->nmem));
}

static int dtb_set_psci(void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
	if (node < 0)
		return node;
	return fdt_setprop_string(fdt, node, "method", "smc");
}

/*
 * The GICv3 node's second reg entry is the whole redistributor region,
 * every core's frames; the cell maps only its own cores' (cell_map_gicr).
 * A kernel walks the region from its start until it finds its core's
 * frame (Linux's gic_iterate_rdists), so a cell whose core is not the
 * first would fault on another core's frame: the cell's tree names only
 * its own frames, [gicr_lo, gicr_hi): a cell of several cores must own
 * cores whose frames are contiguous (MPIDRs 0 and 1 are), or the guest's
 * walk would meet an unmapped frame between them.
 */
static int dtb_set_gicr(void *fdt, const struct cell *c)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3"), len;
	const fdt32_t *r;
	fdt32_t reg[16];

	if (node < 0 || c->gicr_hi <= c->gicr_lo)
		return 0;	/* no GIC, or none of its frames given */
	r = fdt_getprop(fdt, node, "reg", &len);
	if (!r || len < 32 || len > (int)sizeof(reg))
		return -FDT_ERR_BADVALUE;
	memcpy(reg, r, (size_t)len);
	reg[4] = cpu_to_fdt32((uint32_t)(c->gicr_lo >> 32));
	reg[5] = cpu_to_fdt32((uint32_t)c->gicr_lo);
	reg[6] = cpu_to_fdt32((uint32_t)((c->gicr_hi - c->gicr_lo) >> 32));
	reg[7] = cpu_to_fdt32((uint32_t)(c->gicr_hi - c->gicr_lo));
	return fdt_setprop(fdt, node, "reg", reg, len);
}

/*
 * /chosen, for a kernel that reads it (Linux; Rumpk ignores it): the
 * initrd's place as two 64-bit values, and the manifest's command line.
 * An initrd QEMU was given (-initrd) lies in memory the cell may not own,
 * so the machine's initrd properties never pass through.
 */
static int dtb_set_chosen(void *fdt, const struct cell *c)
{
	const struct cell_config *cfg = c->cfg;
	int node = fdt_path_offset(fdt, "/chosen"), err;

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, "chosen");
	if (node < 0)
		return node;
	if (cfg->initrd_end > cfg->initrd_start) {
		err = fdt_setprop_u64(fdt, node, "linux,initrd-start",
				      cfg->initrd_start);
		if (!err)
			err = fdt_setprop_u64(fdt, node, "linux,initrd-end",
					      cfg->initrd_end);
	} else {
		err = fdt_delprop(fdt, node, "linux,initrd-start");
		if (!err || err == -FDT_ERR_NOTFOUND)
			err = fdt_delprop(fdt, node, "linux,initrd-end");
		if (err == -FDT_ERR_NOTFOUND)
			err = 0;
	}
	if (!err && cfg->bootargs[0])
		err = fdt_setprop_string(fdt, node, "bootargs", cfg->bootargs);
	return err;
}

/*
 * QEMU pads its tree to a 1 MiB totalsize, and fdt_open_into() wants a
 * buffer that large. Only the blocks matter: copy up to the end of the
 * last one and shrink totalsize to match before reopening the copy.
 */
const void *dtb_save_machine(const void *fdt)
{
	uint32_t end = fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt);

	if (fdt_check_header(fdt))
		return NULL;
	if (fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt) > end)
		end = fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt);
	if (end > DTB_MAX || fdt_off_mem_rsvmap(fdt) > end)
		return NULL;
	memcpy(dtb_machine, fdt, end);
	fdt_set_totalsize(dtb_machine, end);
	if (fdt_open_into(dtb_machine, dtb_machine, DTB_MAX))
		return NULL;
	return dtb_machine;
}

int dtb_build(struct cell *c, const void *machine_fdt)
{
	void *fdt = dtb_cell;
	uint64_t dst = c->cfg->mem[0].base;
	int err;

	err = fdt_open_into(machine_fdt, fdt, DTB_MAX);
	if (!err)
		err = dtb_set_memory(fdt, c);
	if (!err)
		err = dtb_prune(fdt, c);
	if (!err)
		err = dtb_set_psci(fdt);
	if (!err)
		err = dtb_set_gicr(fdt, c);
	if (!err)
		err = dtb_set_chosen(fdt, c);
	if (!err)
		err = fdt_pack(fdt);
	if (err)
		return -NX_EINVAL;
	/* The image is loaded above the tree's slot, at RAM + 2 MiB. */
	if (fdt_totalsize(fdt) > c->cfg->entry - dst)
		return -NX_E2BIG;
	memcpy((void *)(uintptr_t)dst, fdt, fdt_totalsize(fdt));
	c->dtb = dst;
	return 0;
}
