/*
 * Cell manifest: device tree -> struct hv_config, then the checks that
 * make a partition safe to build (docs/bundle.md, "Manifest schema").
 *
 * Freestanding-clean on purpose: only <stdint.h>, <stddef.h>,
 * <stdbool.h>, <string.h>, libfdt and fmt_snprintf, so RumKV at EL2 and
 * mkbundle on the host compile this one file and cannot disagree.
 * Everything is decoded and range-checked before it is stored; a list
 * longer than its config.h limit is an error, never cut short.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include "fmt.h"
#include "manifest.h"
#include "nexus/errno.h"
#include "nexus/hypercall.h"

#define ERR(...) (fmt_snprintf(err, errlen, __VA_ARGS__), -NX_EINVAL)
#define ERR_BIG(...) (fmt_snprintf(err, errlen, __VA_ARGS__), -NX_E2BIG)

typedef unsigned long long ull;	/* for %llx on every build */

struct manifest_ctx {
	const void *fdt;
	int acells, scells;	/* of the root: used by every reg-like list */
	char *err;
	size_t errlen;
};

static const struct {
	const char *name;
	uint32_t bit;
} manifest_classes[] = {
	{ "console", NX_DEVCLASS_CONSOLE }, { "net", NX_DEVCLASS_NET },
	{ "block", NX_DEVCLASS_BLOCK },     { "rng", NX_DEVCLASS_RNG },
	{ "other", NX_DEVCLASS_OTHER },
};

static uint32_t manifest_class(const char *name)
{
	for (size_t i = 0; i < sizeof(manifest_classes) / sizeof(manifest_classes[0]); i++)
		if (strcmp(name, manifest_classes[i].name) == 0)
			return manifest_classes[i].bit;
	return 0;
}

static uint64_t manifest_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* Copies string property @prop of @node into @dst[@max] (@limit names
 * the config.h constant). Returns 1 if copied, 0 if absent, or a
 * negative error. */
static int manifest_text(struct manifest_ctx *m, int node, const char *prop,
			 char *dst, int max, const char *limit)
{
	char *err = m->err;
	size_t errlen = m->errlen;
	int len;
	const char *s = fdt_getprop(m->fdt, node, prop, &len);

	if (!s)
		return 0;
	if (len < 1 || s[len - 1] != '\0' || strlen(s) + 1 != (size_t)len)
		return ERR("manifest: %s: \"%s\" is not one string",
			   fdt_get_name(m->fdt, node, NULL), prop);
	if (len > max)
		return ERR_BIG("manifest: %s: \"%s\" = \"%s\" is longer than %d characters (%s)",
			       fdt_get_name(m->fdt, node, NULL), prop, s,
			       max - 1, limit);
	memcpy(dst, s, (size_t)len);
	return 1;
}

/* A name: at most CELL_NAME_MAX - 1 characters. */
static int manifest_string(struct manifest_ctx *m, int node, const char *prop,
			   char *dst)
{
	return manifest_text(m, node, prop, dst, CELL_NAME_MAX, "CELL_NAME_MAX");
}

/* Reads (base, size) pairs of property @prop into @out[max]; *n = count. */
static int manifest_ranges(struct manifest_ctx *m, int node, const char *prop,
			   struct cell_mem *out, uint32_t max, uint32_t *n,
			   const char *limit)
{
	char *err = m->err;
	size_t errlen = m->errlen;
	int len, pair = m->acells + m->scells;
	const fdt32_t *p = fdt_getprop(m->fdt, node, prop, &len);
	const char *name = fdt_get_name(m->fdt, node, NULL);

	*n = 0;
	if (!p || len == 0)	/* absent or empty: no ranges */
		return 0;
	if (len < 0 || len % (pair * 4))
		return ERR("manifest: %s: \"%s\" is not a list of (base, size) with %d+%d cells",
			   name, prop, m->acells, m->scells);
	if ((uint32_t)(len / (pair * 4)) > max)
		return ERR_BIG("manifest: %s: \"%s\" has %d ranges, more than %u (%s)",
			       name, prop, len / (pair * 4), max, limit);
	for (int i = 0; i < len / (pair * 4); i++) {
		out[i].base = manifest_cells(p + i * pair, m->acells);
		out[i].size = manifest_cells(p + i * pair + m->acells, m->scells);
	}
	*n = (uint32_t)(len / (pair * 4));
	return 0;
}

/* Reads a u32 list @prop into @out[max]; *n = count. */
static int manifest_u32s(struct manifest_ctx *m, int node, const char *prop,
			 uint32_t *out, uint32_t max, uint32_t *n,
			 const char *limit)
{
	char *err = m->err;
	size_t errlen = m->errlen;
	int len;
	const fdt32_t *p = fdt_getprop(m->fdt, node, prop, &len);
	const char *name = fdt_get_name(m->fdt, node, NULL);

	*n = 0;
	if (!p || len == 0)	/* absent or empty: no entries */
		return 0;
	if (len < 0 || len % 4)
		return ERR("manifest: %s: \"%s\" is not a list of 32-bit cells",
			   name, prop);
	if ((uint32_t)len / 4 > max)
		return ERR_BIG("manifest: %s: \"%s\" has %d entries, more than %u (%s)",
			       name, prop, len / 4, max, limit);
	for (int i = 0; i < len / 4; i++)
		out[i] = fdt32_to_cpu(p[i]);
	*n = (uint32_t)len / 4;
	return 0;
}

static int manifest_device(struct manifest_ctx *m, int node,
			   struct cell_config *cell)
{
	char *err = m->err;
	size_t errlen = m->errlen;
	const char *name = fdt_get_name(m->fdt, node, NULL);
	struct cell_dev *d;
	struct cell_mem reg[2];
	char cls[CELL_NAME_MAX];
	uint32_t n;
	int r;

	if (cell->ndevs == CELL_MAX_DEVS)
		return ERR_BIG("manifest: cell '%s' has more than %d devices (CELL_MAX_DEVS)",
			       cell->name, CELL_MAX_DEVS);
	d = &cell->devs[cell->ndevs];
	if (strlen(name) >= CELL_NAME_MAX)
		return ERR_BIG("manifest: device name '%s' is longer than %d characters (CELL_NAME_MAX)",
			       name, CELL_NAME_MAX - 1);
	memcpy(d->name, name, strlen(name) + 1);
	r = manifest_string(m, node, "class", cls);
	if (r <= 0)
		return r < 0 ? r : ERR("manifest: device '%s' of cell '%s' has no \"class\"",
				       name, cell->name);
	d->devclass = manifest_class(cls);
	if (!d->devclass)
		return ERR("manifest: device '%s': unknown class \"%s\" (console, net, block, rng, other)",
			   name, cls);
	r = manifest_ranges(m, node, "reg", reg, 1, &n, "one MMIO range per device");
	if (r)
		return r;
	if (n != 1)
		return ERR("manifest: device '%s' of cell '%s' has no \"reg\"",
			   name, cell->name);
	d->base = reg[0].base;
	d->size = reg[0].size;
	r = manifest_u32s(m, node, "interrupts", d->irqs, CELL_MAX_IRQS,
			  &d->nirqs, "CELL_MAX_IRQS");
	if (r)
		return r;
	if (d->devclass == NX_DEVCLASS_CONSOLE && cell->console_dev == UINT32_MAX)
		cell->console_dev = cell->ndevs;
	cell->ndevs++;
	return 0;
}

static int manifest_pledges(struct manifest_ctx *m, int node,
			    struct cell_config *cell)
{
	char *err = m->err;
	size_t errlen = m->errlen;
	int n = fdt_stringlist_count(m->fdt, node, "pledges");

	if (n == -FDT_ERR_NOTFOUND) {
		/* No list: the cell holds the classes of its devices. */
		for (uint32_t i = 0; i < cell->ndevs; i++)
			cell->devclasses |= cell->devs[i].devclass;
		return 0;
	}
	if (n < 0)
		return ERR("manifest: cell '%s': \"pledges\" is not a string list",
			   cell->name);
	for (int i = 0; i < n; i++) {
		const char *s = fdt_stringlist_get(m->fdt, node, "pledges", i, NULL);
		uint32_t bit = s ? manifest_class(s) : 0;

		if (!bit)
			return ERR("manifest: cell '%s': unknown pledge \"%s\" (console, net, block, rng, other)",
				   cell->name, s ? s : "?");
		cell->devclasses |= bit;
	}
	return 0;
}

static int manifest_cell(struct manifest_ctx *m, int node, struct hv_config *c)
{
	char *err = m->err;
	size_t errlen = m->errlen;
	const char *name = fdt_get_name(m->fdt, node, NULL);
	struct cell_config *cell;
	uint32_t cpus[CELL_MAX_CPUS];
	const fdt32_t *p;
	int r, len, devs, sub;

	if (c->ncells == CELL_MAX)
		return ERR_BIG("manifest: more than %d cells (CELL_MAX): '%s' is one too many",
			       CELL_MAX, name);
	cell = &c->cells[c->ncells];
	if (strlen(name) >= CELL_NAME_MAX)
		return ERR_BIG("manifest: cell name '%s' is longer than %d characters (CELL_NAME_MAX)",
			       name, CELL_NAME_MAX - 1);
	memcpy(cell->name, name, strlen(name) + 1);
	cell->id = c->ncells;
	cell->console_dev = UINT32_MAX;
	r = manifest_u32s(m, node, "cpus", cpus, CELL_MAX_CPUS, &cell->ncpus,
			  "CELL_MAX_CPUS");
	if (r)
		return r;
	for (uint32_t i = 0; i < cell->ncpus; i++)
		cell->mpidr[i] = cpus[i];
	r = manifest_ranges(m, node, "memory", cell->mem, CELL_MAX_MEM,
			    &cell->nmem, "CELL_MAX_MEM");
	if (r)
		return r;
	if ((r = manifest_string(m, node, "image", cell->image)) < 0 ||
	    (r = manifest_string(m, node, "initrd", cell->initrd)) < 0 ||
	    (r = manifest_text(m, node, "bootargs", cell->bootargs,
			       CELL_BOOTARGS_MAX, "CELL_BOOTARGS_MAX")) < 0)
		return r;
	p = fdt_getprop(m->fdt, node, "entry", &len);
	if (p && len != 8)
		return ERR("manifest: cell '%s': \"entry\" must be 2 cells (64 bits)",
			   name);
	if (p)
		cell->entry = manifest_cells(p, 2);
	devs = fdt_subnode_offset(m->fdt, node, "devices");
	if (devs >= 0) {
		fdt_for_each_subnode(sub, m->fdt, devs) {
			if ((r = manifest_device(m, sub, cell)))
				return r;
		}
	}
	if ((r = manifest_pledges(m, node, cell)))
		return r;
	c->ncells++;
	return 0;
}

int manifest_parse(const void *dtb, struct hv_config *out, char *err,
		   size_t errlen)
{
	struct manifest_ctx m = { .fdt = dtb, .err = err, .errlen = errlen };
	struct cell_mem ram;
	uint32_t n;
	int r, cells, node;

	memset(out, 0, sizeof(*out));
	if ((r = fdt_check_header(dtb)) != 0)
		return ERR("manifest: not a valid device tree blob (%s)",
			   fdt_strerror(r));
	if (fdt_node_check_compatible(dtb, 0, MANIFEST_COMPATIBLE) != 0)
		return ERR("manifest: the root is not compatible with \"%s\"",
			   MANIFEST_COMPATIBLE);
	m.acells = fdt_address_cells(dtb, 0);
	m.scells = fdt_size_cells(dtb, 0);
	if (m.acells < 1 || m.acells > 2 || m.scells < 1 || m.scells > 2)
		return ERR("manifest: #address-cells and #size-cells must be 1 or 2");
	if ((r = manifest_ranges(&m, 0, "ram", &ram, 1, &n, "one RAM range")))
		return r;
	if (n != 1)
		return ERR("manifest: the root has no \"ram\" = <base size>");
	out->ram_base = ram.base;
	out->ram_size = ram.size;
	cells = fdt_subnode_offset(dtb, 0, "cells");
	if (cells < 0)
		return ERR("manifest: no /cells node");
	fdt_for_each_subnode(node, dtb, cells) {
		if ((r = manifest_cell(&m, node, out)))
			return r;
	}
	return 0;
}

/* [a, a+as) and [b, b+bs) share a byte; sizes are known not to wrap. */
static bool manifest_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

static int manifest_check_cell(const struct hv_config *c,
			       const struct cell_config *cell, char *err,
			       size_t errlen)
{
	uint64_t ram_end = c->ram_base + c->ram_size;

	if (!cell->name[0])
		return ERR("manifest: cell %u has no name", cell->id);
	if (cell->ncpus == 0 || cell->ncpus > CELL_MAX_CPUS)
		return ERR("manifest: cell '%s' has %u cores (1..%d, CELL_MAX_CPUS)",
			   cell->name, cell->ncpus, CELL_MAX_CPUS);
	if (cell->nmem == 0 || cell->nmem > CELL_MAX_MEM)
		return ERR("manifest: cell '%s' has %u memory ranges (1..%d, CELL_MAX_MEM)",
			   cell->name, cell->nmem, CELL_MAX_MEM);
	if (cell->ndevs > CELL_MAX_DEVS)
		return ERR_BIG("manifest: cell '%s' has %u devices, more than %d (CELL_MAX_DEVS)",
			       cell->name, cell->ndevs, CELL_MAX_DEVS);
	if (!cell->image[0])
		return ERR("manifest: cell '%s' names no image", cell->name);
	for (uint32_t i = 0; i < cell->nmem; i++) {
		const struct cell_mem *r = &cell->mem[i];

		if (r->size == 0)
			return ERR("manifest: cell '%s': memory at 0x%llx has size 0",
				   cell->name, (ull)r->base);
		if (r->base < c->ram_base || r->base + r->size < r->base ||
		    r->base + r->size > ram_end)
			return ERR("manifest: cell '%s': memory [0x%llx, +0x%llx) is outside RAM [0x%llx, 0x%llx)",
				   cell->name, (ull)r->base, (ull)r->size,
				   (ull)c->ram_base, (ull)ram_end);
	}
	for (uint32_t i = 0; i < cell->ndevs; i++) {
		const struct cell_dev *d = &cell->devs[i];

		if (d->size == 0 || d->base + d->size < d->base)
			return ERR("manifest: cell '%s': device '%s' has an empty or wrapping MMIO range",
				   cell->name, d->name);
		if (manifest_overlap(d->base, d->size, c->ram_base, c->ram_size))
			return ERR("manifest: cell '%s': device '%s' at 0x%llx lies in RAM",
				   cell->name, d->name, (ull)d->base);
		if (d->nirqs > CELL_MAX_IRQS)
			return ERR_BIG("manifest: device '%s' has more than %d interrupts (CELL_MAX_IRQS)",
				       d->name, CELL_MAX_IRQS);
	}
	return 0;
}

/* No resource of cell @a collides with one of cell @b (a may equal b:
 * then only distinct entries are compared). */
static int manifest_check_pair(const struct cell_config *a,
			       const struct cell_config *b, char *err,
			       size_t errlen)
{
	bool same = a == b;

	for (uint32_t i = 0; i < a->nmem; i++)
		for (uint32_t j = same ? i + 1 : 0; j < b->nmem; j++)
			if (manifest_overlap(a->mem[i].base, a->mem[i].size,
					     b->mem[j].base, b->mem[j].size))
				return ERR("manifest: cells '%s' and '%s': memory [0x%llx, +0x%llx) overlaps [0x%llx, +0x%llx)",
					   a->name, b->name, (ull)a->mem[i].base,
					   (ull)a->mem[i].size, (ull)b->mem[j].base,
					   (ull)b->mem[j].size);
	for (uint32_t i = 0; i < a->ncpus; i++)
		for (uint32_t j = same ? i + 1 : 0; j < b->ncpus; j++)
			if (a->mpidr[i] == b->mpidr[j])
				return ERR("manifest: core MPIDR 0x%llx is given to cell '%s' and to cell '%s'",
					   (ull)a->mpidr[i], a->name, b->name);
	for (uint32_t i = 0; i < a->ndevs; i++) {
		const struct cell_dev *d = &a->devs[i];

		for (uint32_t j = same ? i + 1 : 0; j < b->ndevs; j++) {
			const struct cell_dev *e = &b->devs[j];

			if (manifest_overlap(d->base, d->size, e->base, e->size))
				return ERR("manifest: device MMIO [0x%llx, +0x%llx) ('%s' of cell '%s') overlaps [0x%llx, +0x%llx) ('%s' of cell '%s')",
					   (ull)d->base, (ull)d->size, d->name,
					   a->name, (ull)e->base, (ull)e->size,
					   e->name, b->name);
			for (uint32_t k = 0; k < d->nirqs; k++)
				for (uint32_t l = 0; l < e->nirqs; l++)
					if (d->irqs[k] == e->irqs[l])
						return ERR("manifest: interrupt %u is given to '%s' of cell '%s' and to '%s' of cell '%s'",
							   d->irqs[k], d->name, a->name,
							   e->name, b->name);
		}
	}
	if (!same && strcmp(a->name, b->name) == 0)
		return ERR("manifest: two cells are named '%s'", a->name);
	return 0;
}

int manifest_validate(const struct hv_config *c, char *err, size_t errlen)
{
	int r;

	if (c->ncells == 0)
		return ERR("manifest: no cells");
	if (c->ncells > CELL_MAX)
		return ERR_BIG("manifest: %u cells, more than %d (CELL_MAX)",
			       c->ncells, CELL_MAX);
	if (c->ram_size == 0 || c->ram_base + c->ram_size < c->ram_base)
		return ERR("manifest: RAM [0x%llx, +0x%llx) is empty or wraps",
			   (ull)c->ram_base, (ull)c->ram_size);
	for (uint32_t i = 0; i < c->ncells; i++)
		if ((r = manifest_check_cell(c, &c->cells[i], err, errlen)))
			return r;
	for (uint32_t i = 0; i < c->ncells; i++)
		for (uint32_t j = i; j < c->ncells; j++)
			if ((r = manifest_check_pair(&c->cells[i], &c->cells[j],
						     err, errlen)))
				return r;
	return 0;
}
