/*
 * The NPK validator and loader (see npk.h). Every number comes from an
 * untrusted file: each offset and size is checked against what contains
 * it before use, and each sum is checked for wrap-around. The package is
 * 8-byte aligned and every ELF table inside it is checked to be naturally
 * aligned, so the structures are read in place.
 */
#include <stdbool.h>
#include <string.h>

#include <nexus/errno.h>

#include "fmt.h"
#include "fnv.h"
#include "sys/elf.h"
#include "sys/npk.h"

#define WHY(code, ...) \
	((void)(c->why ? fmt_snprintf(c->why, c->whylen, __VA_ARGS__) : 0), -(code))
#define ULL(x)	((unsigned long long)(x))

struct npk_ctx {
	const unsigned char *pkg;
	size_t len;
	const struct nx_npk_header *h;
	const unsigned char *elf;
	uint64_t elf_size;
	const struct elf64_phdr *dyn;	/* PT_DYNAMIC, if any */
	const struct elf64_phdr *relro;	/* PT_GNU_RELRO, if any */
	struct npk_app *out;
	char *why;
	size_t whylen;
};

static uint64_t page_down(uint64_t v)
{
	return v & ~(uint64_t)(NPK_PAGE - 1);
}

/* Only for values already bounded by a quota (< 2^45): cannot wrap. */
static uint64_t page_up(uint64_t v)
{
	return page_down(v + NPK_PAGE - 1);
}

uint32_t npk_checksum(const void *pkg, size_t len)
{
	const unsigned char *p = pkg;
	const size_t at = offsetof(struct nx_npk_header, checksum);
	const unsigned char zero[4] = { 0 };
	uint32_t h = fnv1a32(FNV1A32_INIT, p, at);

	h = fnv1a32(h, zero, sizeof(zero));
	return fnv1a32(h, p + at + 4, len - at - 4);
}

/*
 * Names are the app's and channels' identities in logs and lookups: short,
 * printable, and with zero bytes after the NUL so they compare as bytes.
 * Returns what is wrong, or NULL.
 */
static const char *name_problem(const char n[NX_NPK_NAME_MAX])
{
	size_t len = strnlen(n, NX_NPK_NAME_MAX);

	if (len == NX_NPK_NAME_MAX)
		return "not NUL-terminated";
	if (len == 0)
		return "empty";
	for (size_t i = 0; i < len; i++) {
		char ch = n[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
			  ch == '-';
		if (!ok)
			return "has a byte outside [A-Za-z0-9._-]";
	}
	for (size_t i = len; i < NX_NPK_NAME_MAX; i++)
		if (n[i])
			return "has non-zero bytes after its NUL";
	return NULL;
}

static int check_caps(struct npk_ctx *c)
{
	const struct nx_npk_header *h = c->h;
	static const struct nx_npk_capreq none;

	if (h->ncaps > NX_NPK_MAX_CAPS)
		return WHY(NX_EINVAL, "ncaps %u above %d", h->ncaps, NX_NPK_MAX_CAPS);
	for (uint32_t i = 0; i < NX_NPK_MAX_CAPS; i++) {
		const struct nx_npk_capreq *r = &h->caps[i];
		const char *bad = name_problem(r->channel);

		if (i >= h->ncaps && memcmp(r, &none, sizeof(none)) != 0)
			return WHY(NX_EINVAL, "cap %u: unused slot (ncaps %u) not zero",
				   i, h->ncaps);
		if (i < h->ncaps && bad)
			return WHY(NX_EINVAL, "cap %u: channel name %s", i, bad);
		if (i < h->ncaps && r->pad)
			return WHY(NX_EINVAL, "cap %u: pad 0x%x not zero", i, r->pad);
	}
	return 0;
}

static int check_fields(struct npk_ctx *c)
{
	const struct nx_npk_header *h = c->h;
	const char *bad = name_problem(h->name);

	if (h->magic != NX_NPK_MAGIC)
		return WHY(NX_EINVAL, "magic 0x%08x, expected 0x%08x (\"NPK1\")",
			   h->magic, NX_NPK_MAGIC);
	if (h->version != NX_NPK_VERSION)
		return WHY(NX_EINVAL, "version %u, expected %d", h->version,
			   NX_NPK_VERSION);
	if (h->header_size != sizeof(*h))
		return WHY(NX_EINVAL, "header_size %u, expected %zu",
			   h->header_size, sizeof(*h));
	if (bad)
		return WHY(NX_EINVAL, "name %s", bad);
	if (h->spectrum > NX_NPK_GRAVITY)
		return WHY(NX_EINVAL, "spectrum %u not 0 (photon), 1 (matter) or 2 (gravity)",
			   h->spectrum);
	if (h->restart > NX_NPK_RESTART_CRASH)
		return WHY(NX_EINVAL, "restart %u not 0 (never) or 1 (crash)",
			   h->restart);
	/* The image needs at least one page besides the stack. */
	if (h->stack_pages == 0 || h->stack_pages >= h->mem_pages)
		return WHY(NX_E2BIG, "stack_pages %u leaves no room in mem_pages %u",
			   h->stack_pages, h->mem_pages);
	return check_caps(c);
}

static int check_header(struct npk_ctx *c)
{
	const struct nx_npk_header *h = c->h;
	uint64_t end;
	int err;

	if (c->len < sizeof(*h))
		return WHY(NX_EINVAL, "package: %zu bytes, shorter than its %zu-byte header",
			   c->len, sizeof(*h));
	if ((err = check_fields(c)) != 0)
		return err;
	end = (uint64_t)h->elf_offset + h->elf_size;
	if (h->elf_offset < sizeof(*h) || h->elf_offset % 8)
		return WHY(NX_EINVAL, "elf_offset 0x%x inside the header or not 8-aligned",
			   h->elf_offset);
	if (end > c->len)
		return WHY(NX_EINVAL, "elf_offset 0x%x + elf_size 0x%x outside the package (0x%zx bytes)",
			   h->elf_offset, h->elf_size, c->len);
	if (npk_checksum(c->pkg, (size_t)end) != h->checksum)
		return WHY(NX_EINVAL, "checksum 0x%08x, package hashes to 0x%08x",
			   h->checksum, npk_checksum(c->pkg, (size_t)end));
	c->elf = c->pkg + h->elf_offset;
	c->elf_size = h->elf_size;
	return 0;
}

static int check_ehdr(struct npk_ctx *c, const struct elf64_ehdr *e)
{
	static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };
	uint64_t tbl = (uint64_t)e->e_phnum * sizeof(struct elf64_phdr);

	if (memcmp(e->e_ident, magic, sizeof(magic)) != 0)
		return WHY(NX_EINVAL, "ELF: bad magic %02x %02x %02x %02x",
			   e->e_ident[0], e->e_ident[1], e->e_ident[2], e->e_ident[3]);
	if (e->e_ident[EI_CLASS] != ELFCLASS64)
		return WHY(NX_EINVAL, "ELF: class %u, expected ELFCLASS64",
			   e->e_ident[EI_CLASS]);
	if (e->e_ident[EI_DATA] != ELFDATA2LSB)
		return WHY(NX_EINVAL, "ELF: data encoding %u, expected little-endian",
			   e->e_ident[EI_DATA]);
	if (e->e_ident[EI_VERSION] != EV_CURRENT || e->e_version != EV_CURRENT)
		return WHY(NX_EINVAL, "ELF: version %u, expected 1", e->e_version);
	if (e->e_machine != EM_AARCH64)
		return WHY(NX_EINVAL, "ELF: e_machine %u, expected %d (AArch64)",
			   e->e_machine, EM_AARCH64);
	if (e->e_type != ET_DYN)
		return WHY(NX_EINVAL, "ELF: e_type %u, expected ET_DYN (link with -pie)",
			   e->e_type);
	if (e->e_phentsize != sizeof(struct elf64_phdr))
		return WHY(NX_EINVAL, "ELF: e_phentsize %u, expected %zu",
			   e->e_phentsize, sizeof(struct elf64_phdr));
	if (e->e_phnum == 0 || e->e_phnum > NPK_MAX_PHDRS)
		return WHY(NX_EINVAL, "ELF: e_phnum %u not in 1..%d", e->e_phnum,
			   NPK_MAX_PHDRS);
	if (e->e_phoff % 8 || e->e_phoff > c->elf_size ||
	    tbl > c->elf_size - e->e_phoff)
		return WHY(NX_EINVAL, "ELF: program headers at 0x%llx (%u) outside the file (0x%llx bytes) or misaligned",
			   ULL(e->e_phoff), e->e_phnum, ULL(c->elf_size));
	return 0;
}

/* Where a segment may go relative to the one before it (sorted order). */
static int check_order(struct npk_ctx *c, int i, const struct elf64_phdr *p)
{
	const struct npk_seg *prev;
	uint64_t prev_end;

	if (c->out->nsegs == 0)
		return 0;
	prev = &c->out->seg[c->out->nsegs - 1];
	prev_end = prev->vaddr + prev->memsz;
	if (p->p_vaddr < prev->vaddr)
		return WHY(NX_EINVAL, "segment %d: vaddr 0x%llx below the previous segment's 0x%llx (PT_LOAD not sorted)",
			   i, ULL(p->p_vaddr), ULL(prev->vaddr));
	if (p->p_vaddr < prev_end)
		return WHY(NX_EINVAL, "segment %d: vaddr 0x%llx overlaps the previous segment (ends 0x%llx)",
			   i, ULL(p->p_vaddr), ULL(prev_end));
	/* Permissions are per page: a shared page would get both. */
	if (page_down(p->p_vaddr) < page_up(prev_end))
		return WHY(NX_EINVAL, "segment %d: vaddr 0x%llx shares a page with the previous segment (ends 0x%llx)",
			   i, ULL(p->p_vaddr), ULL(prev_end));
	return 0;
}

static int check_load(struct npk_ctx *c, int i, const struct elf64_phdr *p)
{
	uint64_t quota = (uint64_t)c->h->mem_pages * NPK_PAGE;
	uint64_t end;
	struct npk_seg *s;
	int err;

	if (p->p_memsz == 0)
		return 0;	/* nothing to place */
	if (c->out->nsegs == NPK_MAX_SEGS)
		return WHY(NX_E2BIG, "segment %d: more than %d PT_LOAD segments",
			   i, NPK_MAX_SEGS);
	if (p->p_filesz > p->p_memsz)
		return WHY(NX_EINVAL, "segment %d: filesz 0x%llx above memsz 0x%llx",
			   i, ULL(p->p_filesz), ULL(p->p_memsz));
	if (p->p_offset > c->elf_size || p->p_filesz > c->elf_size - p->p_offset)
		return WHY(NX_EINVAL, "segment %d: file range 0x%llx+0x%llx outside the ELF (0x%llx bytes)",
			   i, ULL(p->p_offset), ULL(p->p_filesz), ULL(c->elf_size));
	if (__builtin_add_overflow(p->p_vaddr, p->p_memsz, &end))
		return WHY(NX_E2BIG, "segment %d: vaddr 0x%llx + memsz 0x%llx overflows",
			   i, ULL(p->p_vaddr), ULL(p->p_memsz));
	if (end > quota)
		return WHY(NX_E2BIG, "segment %d: vaddr 0x%llx + memsz 0x%llx ends outside mem_pages %u (0x%llx bytes)",
			   i, ULL(p->p_vaddr), ULL(p->p_memsz), c->h->mem_pages, ULL(quota));
	/* Not required for copying, but it is what every linker produces and
	 * it keeps the file's page layout the memory's. */
	if (p->p_vaddr % NPK_PAGE != p->p_offset % NPK_PAGE)
		return WHY(NX_EINVAL, "segment %d: vaddr 0x%llx and offset 0x%llx not congruent modulo 0x%x",
			   i, ULL(p->p_vaddr), ULL(p->p_offset), NPK_PAGE);
	if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
		return WHY(NX_EINVAL, "segment %d: writable and executable (p_flags 0x%x)",
			   i, p->p_flags);
	if ((err = check_order(c, i, p)) != 0)
		return err;
	s = &c->out->seg[c->out->nsegs++];
	s->vaddr = p->p_vaddr;
	s->memsz = p->p_memsz;
	s->filesz = p->p_filesz;
	s->file = c->elf + p->p_offset;
	s->perms = p->p_flags & (NPK_R | NPK_W | NPK_X);
	return 0;
}

static int check_phdr(struct npk_ctx *c, int i, const struct elf64_phdr *p)
{
	switch (p->p_type) {
	case PT_LOAD:
		return check_load(c, i, p);
	case PT_DYNAMIC:
		if (c->dyn)
			return WHY(NX_EINVAL, "segment %d: a second PT_DYNAMIC", i);
		c->dyn = p;
		return 0;
	case PT_GNU_RELRO:
		c->relro = p;
		return 0;
	case PT_GNU_STACK:
		if (p->p_flags & PF_X)
			return WHY(NX_EINVAL, "segment %d: PT_GNU_STACK asks for an executable stack",
				   i);
		return 0;
	case PT_NULL:
	case PT_NOTE:
	case PT_PHDR:
	case PT_GNU_EH_FRAME:
	case PT_GNU_PROPERTY:
		return 0;
	case PT_INTERP:
		return WHY(NX_EINVAL, "segment %d: PT_INTERP: apps are static, there is no interpreter",
			   i);
	case PT_TLS:
		return WHY(NX_EINVAL, "segment %d: PT_TLS: thread-local storage is not supported",
			   i);
	default:
		return WHY(NX_EINVAL, "segment %d: unknown program header type 0x%x",
			   i, p->p_type);
	}
}

/* The segment whose file-backed bytes hold [vaddr, vaddr + size), or -1. */
static int file_seg(const struct npk_app *a, uint64_t vaddr, uint64_t size)
{
	for (uint32_t i = 0; i < a->nsegs; i++) {
		const struct npk_seg *s = &a->seg[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->filesz &&
		    size <= s->filesz - (vaddr - s->vaddr))
			return (int)i;
	}
	return -1;
}

/* The segment whose memory holds [vaddr, vaddr + size), or -1. */
static int mem_seg(const struct npk_app *a, uint64_t vaddr, uint64_t size)
{
	for (uint32_t i = 0; i < a->nsegs; i++) {
		const struct npk_seg *s = &a->seg[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->memsz &&
		    size <= s->memsz - (vaddr - s->vaddr))
			return (int)i;
	}
	return -1;
}

/* The bytes a loaded [vaddr, +size) will hold, read in the package. */
static const void *file_view(const struct npk_app *a, int seg, uint64_t vaddr)
{
	const unsigned char *f = a->seg[seg].file;

	return f + (vaddr - a->seg[seg].vaddr);
}

static int check_layout(struct npk_ctx *c, const struct elf64_ehdr *e)
{
	struct npk_app *a = c->out;
	const struct npk_seg *last;
	uint64_t pages;

	if (a->nsegs == 0)
		return WHY(NX_EINVAL, "ELF: no PT_LOAD segment");
	last = &a->seg[a->nsegs - 1];
	pages = page_up(last->vaddr + last->memsz) / NPK_PAGE;
	if (pages + c->h->stack_pages > c->h->mem_pages)
		return WHY(NX_E2BIG, "image %llu pages + stack_pages %u above mem_pages %u",
			   ULL(pages), c->h->stack_pages, c->h->mem_pages);
	a->image_pages = (uint32_t)pages;
	for (uint32_t i = 0; i < a->nsegs; i++) {
		const struct npk_seg *s = &a->seg[i];

		if ((s->perms & NPK_X) && e->e_entry >= s->vaddr &&
		    e->e_entry - s->vaddr < s->filesz) {
			a->entry = e->e_entry;
			return 0;
		}
	}
	return WHY(NX_EINVAL, "ELF: entry 0x%llx not inside an executable segment",
		   ULL(e->e_entry));
}

/*
 * PT_GNU_RELRO: the pages to make read-only after relocation. lld pads its
 * end to a page boundary past its segment's bytes; only the pages of the
 * segment it starts in count. Its first page counts when the range
 * starts that segment, as no other segment shares the page.
 */
static int check_relro(struct npk_ctx *c)
{
	const struct elf64_phdr *p = c->relro;
	const struct npk_seg *s;
	uint64_t lo, hi, end;
	int i;

	if (!p || p->p_memsz == 0)
		return 0;
	i = mem_seg(c->out, p->p_vaddr, 1);
	if (i < 0 || __builtin_add_overflow(p->p_vaddr, p->p_memsz, &end))
		return WHY(NX_EINVAL, "PT_GNU_RELRO 0x%llx+0x%llx does not start inside a loaded segment",
			   ULL(p->p_vaddr), ULL(p->p_memsz));
	s = &c->out->seg[i];
	lo = p->p_vaddr == s->vaddr ? page_down(p->p_vaddr) : page_up(p->p_vaddr);
	hi = page_down(end);
	if (hi > page_up(s->vaddr + s->memsz))
		hi = page_up(s->vaddr + s->memsz);
	if (hi > lo) {
		c->out->relro_off = lo;
		c->out->relro_size = hi - lo;
	}
	return 0;
}

struct dyn_info {
	uint64_t rela, relasz, relaent;
	bool has_rela;
};

static int check_dyn_tag(struct npk_ctx *c, const struct elf64_dyn *d,
			 struct dyn_info *di)
{
	switch (d->d_tag) {
	case DT_RELA:
		di->rela = d->d_val;
		di->has_rela = true;
		return 0;
	case DT_RELASZ:
		di->relasz = d->d_val;
		return 0;
	case DT_RELAENT:
		di->relaent = d->d_val;
		return 0;
	case DT_NEEDED:
		return WHY(NX_EINVAL, "DT_NEEDED: apps are static, no shared libraries");
	case DT_TEXTREL:
		return WHY(NX_EINVAL, "DT_TEXTREL: relocations in code are not supported");
	case DT_RELR:
		return WHY(NX_EINVAL, "DT_RELR: packed relocations are not supported");
	case DT_REL:
	case DT_RELSZ:
	case DT_JMPREL:
	case DT_PLTRELSZ:
		if (d->d_val)
			return WHY(NX_EINVAL, "dynamic tag %lld: only DT_RELA relocations are supported",
				   (long long)d->d_tag);
		return 0;
	default:
		return 0;	/* symbol tables and hashes: unused */
	}
}

/* Reads PT_DYNAMIC as it will be loaded, to find the RELA table. */
static int check_dynamic(struct npk_ctx *c, struct dyn_info *di)
{
	const struct elf64_phdr *p = c->dyn;
	const struct elf64_dyn *d;
	int s, err;

	if (!p)
		return 0;	/* nothing to relocate */
	s = file_seg(c->out, p->p_vaddr, p->p_filesz);
	if (s < 0 || p->p_vaddr % 8 || p->p_filesz < sizeof(*d))
		return WHY(NX_EINVAL, "PT_DYNAMIC 0x%llx+0x%llx not inside a loaded segment's file bytes, or misaligned",
			   ULL(p->p_vaddr), ULL(p->p_filesz));
	d = file_view(c->out, s, p->p_vaddr);
	if ((uintptr_t)d % 8)
		return WHY(NX_EINVAL, "PT_DYNAMIC: segment %d file offset misaligned", s);
	for (uint64_t k = 0; k < p->p_filesz / sizeof(*d) && d[k].d_tag != DT_NULL; k++)
		if ((err = check_dyn_tag(c, &d[k], di)) != 0)
			return err;
	return 0;
}

static int check_rela_table(struct npk_ctx *c, const struct dyn_info *di)
{
	const void *t;
	int s;

	if (di->relasz == 0)
		return 0;
	if (!di->has_rela)
		return WHY(NX_EINVAL, "DT_RELASZ 0x%llx without DT_RELA", ULL(di->relasz));
	if (di->relaent != sizeof(struct elf64_rela))
		return WHY(NX_EINVAL, "DT_RELAENT %llu, expected %zu",
			   ULL(di->relaent), sizeof(struct elf64_rela));
	if (di->relasz % sizeof(struct elf64_rela))
		return WHY(NX_EINVAL, "DT_RELASZ 0x%llx not a multiple of %zu",
			   ULL(di->relasz), sizeof(struct elf64_rela));
	s = file_seg(c->out, di->rela, di->relasz);
	if (s < 0)
		return WHY(NX_EINVAL, "DT_RELA 0x%llx + DT_RELASZ 0x%llx not inside a loaded segment's file bytes",
			   ULL(di->rela), ULL(di->relasz));
	t = file_view(c->out, s, di->rela);
	if ((uintptr_t)t % 8)
		return WHY(NX_EINVAL, "DT_RELA 0x%llx: table misaligned in the file",
			   ULL(di->rela));
	c->out->rela = t;
	c->out->nrela = (size_t)(di->relasz / sizeof(struct elf64_rela));
	return 0;
}

static int check_reloc(struct npk_ctx *c, size_t k, const struct elf64_rela *r)
{
	uint64_t span = (uint64_t)c->out->image_pages * NPK_PAGE;
	int s;

	if (ELF64_R_TYPE(r->r_info) != R_AARCH64_RELATIVE)
		return WHY(NX_EINVAL, "relocation %zu: type %u not R_AARCH64_RELATIVE",
			   k, ELF64_R_TYPE(r->r_info));
	if (ELF64_R_SYM(r->r_info) != 0)
		return WHY(NX_EINVAL, "relocation %zu: symbol %u, expected 0",
			   k, ELF64_R_SYM(r->r_info));
	if (r->r_offset % 8)
		return WHY(NX_EINVAL, "relocation %zu: offset 0x%llx not 8-byte aligned",
			   k, ULL(r->r_offset));
	s = mem_seg(c->out, r->r_offset, 8);
	if (s < 0)
		return WHY(NX_EINVAL, "relocation %zu: offset 0x%llx outside every loaded segment",
			   k, ULL(r->r_offset));
	if (c->out->seg[s].perms & NPK_X)
		return WHY(NX_EINVAL, "relocation %zu: offset 0x%llx inside executable segment %d",
			   k, ULL(r->r_offset), s);
	/* The image's end itself is allowed: a one-past-the-end pointer. */
	if (r->r_addend < 0 || (uint64_t)r->r_addend > span)
		return WHY(NX_EINVAL, "relocation %zu: addend 0x%llx outside the image (0x%llx bytes)",
			   k, ULL(r->r_addend), ULL(span));
	return 0;
}

static int check_elf(struct npk_ctx *c)
{
	const struct elf64_ehdr *e = (const void *)c->elf;
	const struct elf64_phdr *ph;
	struct dyn_info di = { 0 };
	int err;

	if (c->elf_size < sizeof(*e))
		return WHY(NX_EINVAL, "ELF: %llu bytes, shorter than its header",
			   ULL(c->elf_size));
	if ((err = check_ehdr(c, e)) != 0)
		return err;
	ph = (const void *)(c->elf + e->e_phoff);
	for (int i = 0; i < e->e_phnum; i++)
		if ((err = check_phdr(c, i, &ph[i])) != 0)
			return err;
	if ((err = check_layout(c, e)) != 0 || (err = check_relro(c)) != 0 ||
	    (err = check_dynamic(c, &di)) != 0 || (err = check_rela_table(c, &di)) != 0)
		return err;
	for (size_t k = 0; k < c->out->nrela; k++) {
		const struct elf64_rela *r = c->out->rela;

		if ((err = check_reloc(c, k, &r[k])) != 0)
			return err;
	}
	return 0;
}

int npk_parse(const void *pkg, size_t len, struct npk_app *out,
	      char *why, size_t whylen)
{
	struct npk_ctx ctx = {
		.pkg = pkg, .len = len, .h = pkg, .out = out,
		.why = why, .whylen = whylen,
	};
	struct npk_ctx *c = &ctx;
	int err;

	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = '\0';
	if ((uintptr_t)pkg % 8)
		return WHY(NX_EINVAL, "package: address %p not 8-byte aligned", pkg);
	if ((err = check_header(c)) != 0 || (err = check_elf(c)) != 0)
		return err;
	out->hdr = c->h;
	return 0;
}

int npk_load(const struct npk_app *a, void *base, size_t cell_bytes)
{
	unsigned char *b = base;
	const struct elf64_rela *r = a->rela;
	uint64_t span = (uint64_t)a->image_pages * NPK_PAGE, cur = 0;

	if ((uintptr_t)base % NPK_PAGE)
		return -NX_EINVAL;
	if (span > cell_bytes || (uintptr_t)base > UINTPTR_MAX - span)
		return -NX_E2BIG;
	for (uint32_t i = 0; i < a->nsegs; i++) {
		const struct npk_seg *s = &a->seg[i];

		memset(b + cur, 0, (size_t)(s->vaddr - cur));
		memcpy(b + s->vaddr, s->file, (size_t)s->filesz);
		cur = s->vaddr + s->filesz;
	}
	memset(b + cur, 0, (size_t)(span - cur));
	for (size_t k = 0; k < a->nrela; k++) {
		uint64_t v = (uint64_t)(uintptr_t)b + (uint64_t)r[k].r_addend;

		memcpy(b + r[k].r_offset, &v, sizeof(v));
	}
	return 0;
}
