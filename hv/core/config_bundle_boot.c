/*
 * The configuration from the cell manifest that nexus-boot hands over in
 * the bundle (x1 at entry), parsed and validated with the same code the
 * bundle tool ran on the host. nexus-boot has already checked the
 * bundle's checksum; here it is enough to check the shape before use.
 *
 * The manifest describes what a cell may own. The interrupt controller is
 * not the cell's to choose: RumKV adds it to every cell from the machine's
 * own device tree (passed through, one cell owning every interrupt, see
 * docs/hypervisor.md).
 */
#include <string.h>

#include <libfdt.h>
#include <nexus/bundle.h>

#include "config.h"
#include "log.h"
#include "manifest.h"

/* Resident: the cells point into it for as long as they run. */
static struct hv_config hv_manifest;

static const struct nx_bundle_part *find_part(const struct nx_bundle_header *h,
					      uint32_t kind, const char *name)
{
	const struct nx_bundle_part *p = (const void *)(h + 1);

	for (uint32_t i = 0; i < h->nparts; i++)
		if (p[i].kind == kind && (!name || !strcmp(p[i].name, name)))
			return &p[i];
	return NULL;
}

static bool bundle_sane(const struct nx_bundle_header *h)
{
	const struct nx_bundle_part *p = (const void *)(h + 1);

	if (h->magic != NX_BUNDLE_MAGIC || h->version != NX_BUNDLE_VERSION ||
	    h->nparts > NX_BUNDLE_MAX_PARTS ||
	    h->header_size != NX_BUNDLE_PAYLOAD_OFF)
		return false;
	for (uint32_t i = 0; i < h->nparts; i++)
		if (p[i].offset > h->total_size ||
		    p[i].size > h->total_size - p[i].offset ||
		    p[i].name[NX_BUNDLE_NAME_MAX - 1] != '\0')
			return false;
	return true;
}

/* GICv3 distributor and redistributors, from the machine's tree. */
static bool add_gic(struct cell_config *c, const void *machine)
{
	int node = fdt_node_offset_by_compatible(machine, -1, "arm,gic-v3");
	const fdt32_t *reg;
	int len;

	reg = node < 0 ? NULL : fdt_getprop(machine, node, "reg", &len);
	if (!reg || len < 32 || c->ndevs + 2 > CELL_MAX_DEVS)
		return false;
	for (int i = 0; i < 2; i++) {
		struct cell_dev *d = &c->devs[c->ndevs++];
		const fdt32_t *r = reg + 4 * i;

		memset(d, 0, sizeof(*d));
		memcpy(d->name, i ? "gicr" : "gicd", 5);
		d->devclass = CELL_DEVCLASS_CORE;
		d->base = (uint64_t)fdt32_to_cpu(r[0]) << 32 | fdt32_to_cpu(r[1]);
		d->size = (uint64_t)fdt32_to_cpu(r[2]) << 32 | fdt32_to_cpu(r[3]);
	}
	return true;
}

/* Each cell starts where its image's part says, unless the manifest does. */
static bool resolve_cell(struct cell_config *c, const struct nx_bundle_header *h,
			 const void *machine)
{
	const struct nx_bundle_part *img = find_part(h, NX_PART_KERNEL, c->image);

	if (!img)
		img = find_part(h, NX_PART_GUEST, c->image);
	if (!img) {
		log_printf("rumkv: cell %s: image '%s' is not in the bundle\n",
			   c->name, c->image);
		return false;
	}
	if (!c->entry)
		c->entry = img->entry;
	if (!add_gic(c, machine)) {
		log_printf("rumkv: cell %s: no room for the GIC, or no GICv3 in "
			   "the machine's device tree\n", c->name);
		return false;
	}
	return true;
}

const struct hv_config *hv_config_from_bundle(uint64_t bundle, const void *machine)
{
	const struct nx_bundle_header *h = (const void *)(uintptr_t)bundle;
	const struct nx_bundle_part *m;
	char err[160];

	if (!bundle)
		return NULL;
	if (!bundle_sane(h)) {
		log_printf("rumkv: the bundle at 0x%lx is malformed\n",
			   (unsigned long)bundle);
		return NULL;
	}
	m = find_part(h, NX_PART_MANIFEST, NULL);
	if (!m) {
		log_printf("rumkv: the bundle has no manifest\n");
		return NULL;
	}
	if (manifest_parse((const char *)h + m->offset, &hv_manifest, err, sizeof(err)) ||
	    manifest_validate(&hv_manifest, err, sizeof(err))) {
		log_printf("rumkv: manifest rejected: %s\n", err);
		return NULL;
	}
	for (uint32_t i = 0; i < hv_manifest.ncells; i++)
		if (!resolve_cell(&hv_manifest.cells[i], h, machine))
			return NULL;
	log_printf("rumkv: %u cell(s) from the manifest in the bundle\n",
		   hv_manifest.ncells);
	return &hv_manifest;
}
