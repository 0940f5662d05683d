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

/*
 * The arm64 Linux boot protocol (Documentation/arch/arm64/booting.rst):
 * a 64-byte header with "ARM\x64" at byte 56, text_offset at 8 and, at
 * 16, image_size, the bytes the kernel uses from its load address on,
 * BSS and early page tables included, more than the file holds.
 */
#define ARM64_IMAGE_MAGIC	0x644d5241u
#define ARM64_IMAGE_ALIGN	0x200000ull	/* 2 MiB */

static uint64_t le64_at(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static bool cell_owns(const struct cell_config *c, uint64_t base, uint64_t size)
{
	for (uint32_t i = 0; i < c->nmem; i++)
		if (base >= c->mem[i].base && size <= c->mem[i].size &&
		    base - c->mem[i].base <= c->mem[i].size - size)
			return true;
	return false;
}

/*
 * A GUEST part that is an arm64 Linux Image: it must sit 2 MiB aligned
 * (text_offset is 0 on every kernel since 5.8) with its whole image_size,
 * not only the file, inside the cell's RAM and clear of the initrd (the
 * device tree's slot below the entry is dtb_build()'s check). mkbundle
 * only sees the file's size, so this is where the kernel's BSS is
 * accounted for. Anything else in a GUEST part is taken as it is.
 */
static bool check_linux_image(const struct cell_config *c,
			      const struct nx_bundle_header *h,
			      const struct nx_bundle_part *img)
{
	const unsigned char *hdr = (const unsigned char *)h + img->offset;
	uint64_t text_offset, image_size;

	if (img->size < 64 || (uint32_t)le64_at(hdr + 56) != ARM64_IMAGE_MAGIC)
		return true;
	text_offset = le64_at(hdr + 8);
	image_size = le64_at(hdr + 16);
	if (image_size < img->size)
		image_size = img->size;	/* pre-3.17 kernels say 0 */
	if ((img->load_addr - text_offset) % ARM64_IMAGE_ALIGN) {
		log_printf("rumkv: cell %s: Linux image at 0x%lx is not 2 MiB "
			   "aligned (text_offset 0x%lx)\n", c->name,
			   (unsigned long)img->load_addr,
			   (unsigned long)text_offset);
		return false;
	}
	if (!cell_owns(c, img->load_addr, image_size)) {
		log_printf("rumkv: cell %s: Linux image [0x%lx, +0x%lx) does "
			   "not fit in the cell's RAM\n", c->name,
			   (unsigned long)img->load_addr,
			   (unsigned long)image_size);
		return false;
	}
	if (c->initrd_end > img->load_addr &&
	    c->initrd_start < img->load_addr + image_size) {
		log_printf("rumkv: cell %s: initrd at 0x%lx overlaps the Linux "
			   "image [0x%lx, +0x%lx), BSS included\n", c->name,
			   (unsigned long)c->initrd_start,
			   (unsigned long)img->load_addr,
			   (unsigned long)image_size);
		return false;
	}
	return true;
}

/* Each cell starts where its image's part says, unless the manifest does;
 * its initrd, if it names one, is where that part was placed. */
static bool resolve_cell(struct cell_config *c, const struct nx_bundle_header *h,
			 const void *machine)
{
	const struct nx_bundle_part *img = find_part(h, NX_PART_KERNEL, c->image);
	const struct nx_bundle_part *rd;

	if (!img)
		img = find_part(h, NX_PART_GUEST, c->image);
	if (!img) {
		log_printf("rumkv: cell %s: image '%s' is not in the bundle\n",
			   c->name, c->image);
		return false;
	}
	if (!c->entry)
		c->entry = img->entry;
	if (c->initrd[0]) {
		rd = find_part(h, NX_PART_INITRD, c->initrd);
		if (!rd || !cell_owns(c, rd->load_addr, rd->size)) {
			log_printf("rumkv: cell %s: initrd '%s' is not in the "
				   "bundle, or not in the cell's RAM\n",
				   c->name, c->initrd);
			return false;
		}
		c->initrd_start = rd->load_addr;
		c->initrd_end = rd->load_addr + rd->size;
	}
	if (img->kind == NX_PART_GUEST && !check_linux_image(c, h, img))
		return false;
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
