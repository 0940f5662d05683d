/*
 * mkbundle: builds the boot bundle (include/nexus/bundle.h) on the host.
 *
 *   mkbundle -o OUT -m MANIFEST.dtb [--hv HV.elf] NAME=FILE[@ADDR]...
 *   mkbundle --list BUNDLE
 *
 * An ELF FILE becomes a KERNEL part at its own load address and entry; a
 * raw FILE needs @ADDR and becomes a GUEST (if a cell boots it as its
 * image, entered at ADDR) or an INITRD. Before writing anything, the
 * manifest is parsed and validated with the very code RumKV runs at boot
 * (hv/core/manifest.c), and every part must land in memory its cell owns
 * (the hypervisor: in RAM, outside every cell). Any doubt is an error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "elfload.h"
#include "hv/core/manifest.h"
#include "nexus/bundle.h"

#define MKB_MAX_FILE	(ELFLOAD_MAX_SPAN + (16u << 20))

struct mkb_part {
	struct nx_bundle_part hdr;
	unsigned char *data;
};

static struct mkb_part parts[NX_BUNDLE_MAX_PARTS];
static uint32_t nparts;
static struct hv_config cfg;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("mkbundle: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		die("%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("%s: cannot size the file", path);
	if ((unsigned long)n > MKB_MAX_FILE)
		die("%s: %ld bytes, more than the limit of %u", path, n, MKB_MAX_FILE);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("%s: cannot read", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static const char *kind_name(uint32_t kind)
{
	static const char *names[] = { "?", "hypervisor", "kernel", "initrd",
				       "manifest", "guest" };

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static struct mkb_part *find_part(const char *name)
{
	for (uint32_t i = 0; i < nparts; i++)
		if (strcmp(parts[i].hdr.name, name) == 0)
			return &parts[i];
	return NULL;
}

static struct mkb_part *add_part(const char *name, uint32_t kind)
{
	struct mkb_part *p;

	if (strlen(name) >= NX_BUNDLE_NAME_MAX || !name[0])
		die("part name '%s': 1 to %d characters", name, NX_BUNDLE_NAME_MAX - 1);
	if (find_part(name))
		die("part '%s' is given twice", name);
	if (nparts == NX_BUNDLE_MAX_PARTS)
		die("more than %d parts (NX_BUNDLE_MAX_PARTS)", NX_BUNDLE_MAX_PARTS);
	p = &parts[nparts++];
	memcpy(p->hdr.name, name, strlen(name) + 1);
	p->hdr.kind = kind;
	return p;
}

static void add_elf(const char *name, uint32_t kind, const char *path)
{
	struct elfload_image img;
	char err[256];
	size_t len;
	unsigned char *buf = read_file(path, &len);
	struct mkb_part *p;

	if (elfload_flatten(buf, len, &img, err, sizeof(err)))
		die("%s: %s", path, err);
	free(buf);
	p = add_part(name, kind);
	p->hdr.load_addr = img.load_addr;
	p->hdr.entry = img.entry;
	p->hdr.size = img.size;
	p->hdr.mem_size = img.mem_size;
	p->data = img.data;
}

static bool cell_boots(const char *name)
{
	for (uint32_t i = 0; i < cfg.ncells; i++)
		if (strcmp(cfg.cells[i].image, name) == 0)
			return true;
	return false;
}

/* NAME=FILE[@ADDR] */
static void add_spec(char *spec)
{
	char *eq = strchr(spec, '='), *at, *end;
	unsigned long long addr;
	size_t len;

	if (!eq || eq == spec)
		die("'%s': expected NAME=FILE[@ADDR]", spec);
	*eq = '\0';
	at = strrchr(eq + 1, '@');
	if (at)
		*at = '\0';
	unsigned char *buf = read_file(eq + 1, &len);
	if (elfload_is_elf(buf, len)) {
		free(buf);
		if (at)
			die("%s: an ELF carries its own load address; drop '@%s'",
			    eq + 1, at + 1);
		add_elf(spec, NX_PART_KERNEL, eq + 1);
		return;
	}
	if (!at)
		die("%s: not an ELF, so it needs a load address: %s=%s@ADDR",
		    eq + 1, spec, eq + 1);
	errno = 0;
	addr = strtoull(at + 1, &end, 0);
	if (errno || *end || end == at + 1 || addr % NX_BUNDLE_ALIGN)
		die("'%s': not an 8-byte aligned address", at + 1);
	struct mkb_part *p = add_part(spec, cell_boots(spec) ? NX_PART_GUEST
							     : NX_PART_INITRD);
	p->hdr.load_addr = addr;
	p->hdr.entry = p->hdr.kind == NX_PART_GUEST ? addr : 0;
	p->hdr.size = p->hdr.mem_size = len;
	p->data = buf;
	if (addr + len < addr)
		die("%s: wraps the address space at 0x%llx", spec, addr);
}

static void load_manifest(const char *path)
{
	char err[256];
	size_t len;
	unsigned char *dtb = read_file(path, &len);
	struct mkb_part *p;

	if (len < sizeof(struct fdt_header) || fdt_totalsize(dtb) > len)
		die("%s: truncated or not a device tree blob", path);
	if (manifest_parse(dtb, &cfg, err, sizeof(err)) ||
	    manifest_validate(&cfg, err, sizeof(err)))
		die("%s: %s", path, err);
	p = add_part("manifest", NX_PART_MANIFEST);
	p->hdr.size = p->hdr.mem_size = fdt_totalsize(dtb);
	p->data = dtb;
}

static bool inside(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a >= b && as <= bs && a - b <= bs - as;
}

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* The hypervisor: in RAM and clear of every cell. */
static void check_hv(const struct nx_bundle_part *h)
{
	if (!inside(h->load_addr, h->mem_size, cfg.ram_base, cfg.ram_size))
		die("hypervisor [0x%" PRIx64 ", +0x%" PRIx64 ") is outside RAM [0x%" PRIx64 ", +0x%" PRIx64 ")",
		    h->load_addr, h->mem_size, cfg.ram_base, cfg.ram_size);
	for (uint32_t c = 0; c < cfg.ncells; c++)
		for (uint32_t m = 0; m < cfg.cells[c].nmem; m++)
			if (overlap(h->load_addr, h->mem_size, cfg.cells[c].mem[m].base,
				    cfg.cells[c].mem[m].size))
				die("hypervisor [0x%" PRIx64 ", +0x%" PRIx64 ") overlaps memory of cell '%s' at 0x%" PRIx64,
				    h->load_addr, h->mem_size, cfg.cells[c].name,
				    cfg.cells[c].mem[m].base);
}

/* A cell's part: inside one memory range of a cell that names it. */
static void check_owned(const struct nx_bundle_part *h)
{
	bool named = false;

	for (uint32_t c = 0; c < cfg.ncells; c++) {
		const struct cell_config *cell = &cfg.cells[c];

		if (strcmp(cell->image, h->name) && strcmp(cell->initrd, h->name))
			continue;
		bool fits = false;

		named = true;
		for (uint32_t m = 0; m < cell->nmem; m++)
			fits |= inside(h->load_addr, h->mem_size,
				       cell->mem[m].base, cell->mem[m].size);
		if (!fits)
			die("part '%s' [0x%" PRIx64 ", +0x%" PRIx64 ") is not inside the memory of cell '%s'",
			    h->name, h->load_addr, h->mem_size, cell->name);
	}
	if (!named)
		die("part '%s' is named by no cell's image or initrd", h->name);
}

static void check_bundle(void)
{
	uint32_t hv = 0;

	for (uint32_t i = 0; i < nparts; i++)
		hv += parts[i].hdr.kind == NX_PART_HYPERVISOR;
	if (!hv && cfg.ncells > 1)
		die("the manifest has %u cells: that needs a hypervisor (--hv)",
		    cfg.ncells);
	for (uint32_t c = 0; c < cfg.ncells; c++) {
		const struct cell_config *cell = &cfg.cells[c];
		struct mkb_part *img = find_part(cell->image);
		struct mkb_part *rd = cell->initrd[0] ? find_part(cell->initrd) : NULL;

		if (!img || (img->hdr.kind != NX_PART_KERNEL &&
			     img->hdr.kind != NX_PART_GUEST))
			die("cell '%s' boots image '%s', but no kernel or guest part has that name",
			    cell->name, cell->image);
		if (cell->initrd[0] && (!rd || rd->hdr.kind != NX_PART_INITRD))
			die("cell '%s' names initrd '%s', but no raw part has that name",
			    cell->name, cell->initrd);
	}
	for (uint32_t i = 0; i < nparts; i++) {
		const struct nx_bundle_part *h = &parts[i].hdr;

		if (h->kind == NX_PART_MANIFEST)
			continue;
		if (h->kind == NX_PART_HYPERVISOR)
			check_hv(h);
		else
			check_owned(h);
		for (uint32_t j = 0; j < i; j++) {
			const struct nx_bundle_part *o = &parts[j].hdr;

			if (o->kind != NX_PART_MANIFEST &&
			    overlap(h->load_addr, h->mem_size, o->load_addr, o->mem_size))
				die("parts '%s' and '%s' overlap in memory", o->name, h->name);
		}
	}
}

static void write_bundle(const char *path)
{
	struct nx_bundle_header *hd;
	uint64_t off = NX_BUNDLE_PAYLOAD_OFF;
	unsigned char *out;
	FILE *f;

	for (uint32_t i = 0; i < nparts; i++) {
		parts[i].hdr.offset = off;
		off += (parts[i].hdr.size + NX_BUNDLE_ALIGN - 1) & ~(uint64_t)(NX_BUNDLE_ALIGN - 1);
	}
	out = calloc(1, off);
	if (!out)
		die("out of memory");
	hd = (struct nx_bundle_header *)out;
	hd->magic = NX_BUNDLE_MAGIC;
	hd->version = NX_BUNDLE_VERSION;
	hd->nparts = nparts;
	hd->total_size = off;
	hd->header_size = NX_BUNDLE_PAYLOAD_OFF;
	for (uint32_t i = 0; i < nparts; i++) {
		memcpy(out + sizeof(*hd) + i * sizeof(struct nx_bundle_part),
		       &parts[i].hdr, sizeof(parts[i].hdr));
		memcpy(out + parts[i].hdr.offset, parts[i].data, parts[i].hdr.size);
	}
	hd->checksum = nx_bundle_checksum(out, off);
	f = fopen(path, "wb");
	if (!f || fwrite(out, 1, off, f) != off || fclose(f))
		die("%s: cannot write: %s", path, strerror(errno));
	printf("mkbundle: %s: %u parts, %" PRIu64 " bytes, checksum 0x%016" PRIx64 "\n",
	       path, nparts, off, hd->checksum);
	free(out);
}

/* --list: the same checks nexus-boot makes, then the table. */
static int list_bundle(const char *path)
{
	size_t len;
	unsigned char *b = read_file(path, &len);
	struct nx_bundle_header hd;

	if (len < NX_BUNDLE_PAYLOAD_OFF)
		die("%s: %zu bytes, too short for a bundle", path, len);
	memcpy(&hd, b, sizeof(hd));
	if (hd.magic != NX_BUNDLE_MAGIC || hd.version != NX_BUNDLE_VERSION)
		die("%s: not a version %d bundle", path, NX_BUNDLE_VERSION);
	if (hd.total_size > len || hd.total_size < NX_BUNDLE_PAYLOAD_OFF ||
	    hd.total_size % NX_BUNDLE_ALIGN ||
	    hd.nparts > NX_BUNDLE_MAX_PARTS || hd.header_size != NX_BUNDLE_PAYLOAD_OFF)
		die("%s: header out of bounds", path);
	if (nx_bundle_checksum(b, hd.total_size) != hd.checksum)
		die("%s: checksum mismatch", path);
	printf("%s: version %u, %u parts, %" PRIu64 " bytes, checksum 0x%016" PRIx64 "\n",
	       path, hd.version, hd.nparts, hd.total_size, hd.checksum);
	printf("  %-20s %-10s %-18s %-18s %10s %10s %10s\n", "name", "kind",
	       "load", "entry", "offset", "size", "mem_size");
	for (uint32_t i = 0; i < hd.nparts; i++) {
		struct nx_bundle_part p;

		memcpy(&p, b + sizeof(hd) + i * sizeof(p), sizeof(p));
		if (p.offset > hd.total_size || p.size > hd.total_size - p.offset ||
		    memchr(p.name, 0, sizeof(p.name)) == NULL)
			die("%s: part %u out of bounds", path, i);
		printf("  %-20s %-10s 0x%016" PRIx64 " 0x%016" PRIx64 " %10" PRIu64
		       " %10" PRIu64 " %10" PRIu64 "\n", p.name, kind_name(p.kind),
		       p.load_addr, p.entry, p.offset, p.size, p.mem_size);
	}
	free(b);
	return 0;
}

static void usage(void)
{
	die("usage: mkbundle -o OUT -m MANIFEST.dtb [--hv HV.elf] NAME=FILE[@ADDR]...\n"
	    "       mkbundle --list BUNDLE");
}

int main(int argc, char **argv)
{
	const char *out = NULL, *manifest = NULL, *hv = NULL;
	int first = argc;

	if (argc == 3 && strcmp(argv[1], "--list") == 0)
		return list_bundle(argv[2]);
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "-o") == 0)
			out = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "-m") == 0)
			manifest = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--hv") == 0)
			hv = argv[++i];
		else if (argv[i][0] == '-')
			usage();
		else if (first == argc)
			first = i;
	}
	if (!out || !manifest || first == argc)
		usage();
	load_manifest(manifest);
	if (hv)
		add_elf("hypervisor", NX_PART_HYPERVISOR, hv);
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "-m") == 0 ||
		    strcmp(argv[i], "--hv") == 0) {
			i++;
			continue;
		}
		add_spec(argv[i]);
	}
	check_bundle();
	write_bundle(out);
	return 0;
}
