/*
 * NPK validator and loader (kernel/sys/npk.c), with the package that
 * tools/npk built from tests/unit/data/npk_app.c (mk/npk.mk): the good
 * package loads and relocates; every malformed variant, made by mutating
 * a copy of it, is refused with the expected reason; random corruption
 * never gets past the validator into a bad load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>
#include <nexus/npk.h>

#include "sys/elf.h"
#include "sys/npk.h"

#define PKG_PATH	NEXUS_BUILD_DIR "/tests/data/npk_app.npk"
#define APP_PATH	NEXUS_BUILD_DIR "/tests/data/npk_app.elf"
#define TOOL_PATH	NEXUS_BUILD_DIR "/tools/npk"
#define PROBE_MAGIC	0x315453455454504eull	/* as in npk_app.c */
/* Room for mutations that append a program header table. */
#define SLACK		1024

static unsigned char *good;
static size_t good_len;
static struct npk_app good_plan;

/* The package's variable parts, as offsets into a copy. */
static struct nx_npk_header *hdr(unsigned char *b)
{
	return (struct nx_npk_header *)b;
}

static unsigned char *elf(unsigned char *b)
{
	return b + hdr(b)->elf_offset;
}

static struct elf64_ehdr *ehdr(unsigned char *b)
{
	return (struct elf64_ehdr *)elf(b);
}

static struct elf64_phdr *phdr(unsigned char *b, int i)
{
	return (struct elf64_phdr *)(elf(b) + ehdr(b)->e_phoff) + i;
}

/* The first program header of @type (and, for PT_LOAD, with @flags). */
static struct elf64_phdr *find_phdr(unsigned char *b, uint32_t type, uint32_t flags)
{
	for (int i = 0; i < ehdr(b)->e_phnum; i++) {
		struct elf64_phdr *p = phdr(b, i);

		if (p->p_type == type && (type != PT_LOAD || p->p_flags == flags))
			return p;
	}
	fail_msg("no program header of type 0x%x", type);
	return NULL;
}

/* The last PT_LOAD: .data and .bss. */
static struct elf64_phdr *data_seg(unsigned char *b)
{
	struct elf64_phdr *last = NULL;

	for (int i = 0; i < ehdr(b)->e_phnum; i++)
		if (phdr(b, i)->p_type == PT_LOAD)
			last = phdr(b, i);
	return last;
}

static struct elf64_rela *rela(unsigned char *b)
{
	return (struct elf64_rela *)(b + ((const unsigned char *)good_plan.rela - good));
}

static struct elf64_dyn *dyn_tag(unsigned char *b, int64_t tag)
{
	struct elf64_phdr *p = find_phdr(b, PT_DYNAMIC, 0);
	struct elf64_dyn *d = (struct elf64_dyn *)(elf(b) + p->p_offset);

	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			return d;
	fail_msg("no dynamic tag %lld", (long long)tag);
	return NULL;
}

static void reseal(unsigned char *b)
{
	hdr(b)->checksum = npk_checksum(b, hdr(b)->elf_offset + hdr(b)->elf_size);
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b = malloc((size_t)n + SLACK);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int setup(void **state)
{
	char why[160];

	(void)state;
	good = read_all(PKG_PATH, &good_len);
	if (npk_parse(good, good_len, &good_plan, why, sizeof(why)) != 0) {
		fprintf(stderr, "good package refused: %s\n", why);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(good);
	return 0;
}

static void test_good_plan(void **state)
{
	const struct npk_app *a = &good_plan;

	(void)state;
	assert_string_equal(a->hdr->name, "npk-test");
	assert_int_equal(a->hdr->spectrum, NX_NPK_MATTER);
	assert_int_equal(a->hdr->pledges, 0x3);
	assert_int_equal(a->hdr->ncaps, 2);
	assert_string_equal(a->hdr->caps[0].channel, "console");
	assert_int_equal(a->hdr->caps[0].verbs, 0x6);
	assert_int_equal(a->hdr->restart, NX_NPK_RESTART_CRASH);
	assert_int_equal(a->hdr->energy_budget, 1000);
	assert_int_equal(a->hdr->mem_pages, 16);
	assert_int_equal(a->hdr->stack_pages, 4);
	assert_true(a->nsegs >= 2 && a->nsegs <= NPK_MAX_SEGS);
	assert_true(a->image_pages + a->hdr->stack_pages <= a->hdr->mem_pages);
	assert_true(a->nrela >= 3);	/* str, self, scratch */
	for (uint32_t i = 0; i < a->nsegs; i++)
		assert_false((a->seg[i].perms & NPK_W) && (a->seg[i].perms & NPK_X));
}

/* Loads the good package and checks what relocation made of the probe. */
static void test_load_relocates(void **state)
{
	const struct npk_app *a = &good_plan;
	size_t span = (size_t)a->image_pages * NPK_PAGE, cell = 16 * NPK_PAGE;
	unsigned char *base = aligned_alloc(NPK_PAGE, cell);
	const struct { uint64_t magic; const char *str; const void *self; char *scratch; } *probe = NULL;
	uint64_t cur = 0;

	(void)state;
	assert_non_null(base);
	memset(base, 0xaa, cell);
	assert_int_equal(npk_load(a, base, cell), 0);
	for (uint32_t i = 0; i < a->nsegs; i++) {
		const struct npk_seg *s = &a->seg[i];

		for (uint64_t o = cur; o < s->vaddr; o++)
			assert_int_equal(base[o], 0);	/* gaps */
		cur = s->vaddr + s->filesz;
	}
	for (uint64_t o = cur; o < span; o++)
		assert_int_equal(base[o], 0);		/* last .bss and tail */
	for (size_t k = 0; k < a->nrela; k++) {
		const struct elf64_rela *r = (const struct elf64_rela *)a->rela + k;
		uint64_t v;

		memcpy(&v, base + r->r_offset, 8);
		assert_int_equal(v, (uintptr_t)base + (uint64_t)r->r_addend);
	}
	for (size_t o = 0; o + 32 <= span; o += 8)
		if (*(const uint64_t *)(base + o) == PROBE_MAGIC)
			probe = (const void *)(base + o);
	assert_non_null(probe);
	assert_ptr_equal(probe->self, probe);
	assert_true((const unsigned char *)probe->str > base &&
		    (const unsigned char *)probe->str < base + span);
	assert_string_equal(probe->str, "npk-test-string");
	assert_true((unsigned char *)probe->scratch > base &&
		    (unsigned char *)probe->scratch + 256 <= base + span);
	assert_int_equal(probe->scratch[0], 0);
	free(base);
}

static void test_load_refuses(void **state)
{
	unsigned char *base = aligned_alloc(NPK_PAGE, 16 * NPK_PAGE);

	(void)state;
	assert_int_equal(npk_load(&good_plan, base + 8, 15 * NPK_PAGE), -NX_EINVAL);
	assert_int_equal(npk_load(&good_plan, base, (good_plan.image_pages - 1) * NPK_PAGE),
			 -NX_E2BIG);
	free(base);
}

/* ---- malformed packages ------------------------------------------------ */

struct mutation {
	const char *name;
	void (*apply)(unsigned char *b, size_t *len);
	int err;
	const char *why;	/* substring of the reason */
	int raw;		/* 1: do not reseal the checksum */
};

static void m_magic(unsigned char *b, size_t *n) { (void)n; hdr(b)->magic ^= 1; }
static void m_version(unsigned char *b, size_t *n) { (void)n; hdr(b)->version = 2; }
static void m_hsize(unsigned char *b, size_t *n) { (void)n; hdr(b)->header_size = 256; }
static void m_name(unsigned char *b, size_t *n) { (void)n; memset(hdr(b)->name, 'a', 16); }
static void m_name_empty(unsigned char *b, size_t *n) { (void)n; memset(hdr(b)->name, 0, 16); }
static void m_name_junk(unsigned char *b, size_t *n) { (void)n; hdr(b)->name[12] = 'x'; }
static void m_name_char(unsigned char *b, size_t *n) { (void)n; hdr(b)->name[0] = '/'; }
static void m_spectrum(unsigned char *b, size_t *n) { (void)n; hdr(b)->spectrum = 3; }
static void m_restart(unsigned char *b, size_t *n) { (void)n; hdr(b)->restart = 2; }
static void m_stack(unsigned char *b, size_t *n) { (void)n; hdr(b)->stack_pages = 0; }
static void m_ncaps(unsigned char *b, size_t *n) { (void)n; hdr(b)->ncaps = 9; }
static void m_cap_name(unsigned char *b, size_t *n) { (void)n; memset(hdr(b)->caps[0].channel, 'c', 16); }
static void m_cap_pad(unsigned char *b, size_t *n) { (void)n; hdr(b)->caps[1].pad = 1; }
static void m_cap_unused(unsigned char *b, size_t *n) { (void)n; hdr(b)->caps[5].verbs = 1; }
static void m_elf_out(unsigned char *b, size_t *n) { (void)n; hdr(b)->elf_size += 8; }
static void m_elf_off(unsigned char *b, size_t *n) { (void)n; hdr(b)->elf_offset = 8; }
static void m_short(unsigned char *b, size_t *n) { (void)b; *n = 100; }
static void m_checksum(unsigned char *b, size_t *n) { b[*n - 1] ^= 0x40; }
static void m_hdr_flip(unsigned char *b, size_t *n) { (void)n; hdr(b)->pledges ^= 1u << 7; }
static void m_not_elf(unsigned char *b, size_t *n) { (void)n; ehdr(b)->e_ident[0] = 0; }
static void m_elf32(unsigned char *b, size_t *n) { (void)n; ehdr(b)->e_ident[EI_CLASS] = 1; }
static void m_big(unsigned char *b, size_t *n) { (void)n; ehdr(b)->e_ident[EI_DATA] = 2; }
static void m_machine(unsigned char *b, size_t *n) { (void)n; ehdr(b)->e_machine = 62; }
static void m_exec(unsigned char *b, size_t *n) { (void)n; ehdr(b)->e_type = ET_EXEC; }
static void m_phentsize(unsigned char *b, size_t *n) { (void)n; ehdr(b)->e_phentsize = 32; }
static void m_phnum0(unsigned char *b, size_t *n) { (void)n; ehdr(b)->e_phnum = 0; }
static void m_elf_tiny(unsigned char *b, size_t *n) { (void)n; hdr(b)->elf_size = 40; }

static void m_phoff(unsigned char *b, size_t *n)
{
	(void)n;
	ehdr(b)->e_phoff = hdr(b)->elf_size - 8;
}

static void m_overlap(unsigned char *b, size_t *n)
{
	struct elf64_phdr *d = data_seg(b);

	(void)n;
	d->p_vaddr -= 0x1000 + 0x90;	/* 0x90 into the segment before */
	d->p_offset -= 0x90;
}

static void m_share(unsigned char *b, size_t *n) { (void)n; data_seg(b)->p_vaddr -= 0x1000; }

static void m_unsorted(unsigned char *b, size_t *n)
{
	struct elf64_phdr *d = data_seg(b);

	(void)n;
	d->p_vaddr &= 0xfff;	/* into page 0, below the text */
}

static void m_congruent(unsigned char *b, size_t *n)
{
	(void)n;
	find_phdr(b, PT_LOAD, PF_R | PF_X)->p_vaddr += 4;
}

static void m_filesz(unsigned char *b, size_t *n)
{
	(void)n;
	data_seg(b)->p_filesz = data_seg(b)->p_memsz + 8;
}

static void m_file_range(unsigned char *b, size_t *n)
{
	(void)n;
	data_seg(b)->p_offset = hdr(b)->elf_size;
}

static void m_wx(unsigned char *b, size_t *n)
{
	(void)n;
	find_phdr(b, PT_LOAD, PF_R | PF_X)->p_flags |= PF_W;
}

static void m_quota(unsigned char *b, size_t *n)
{
	(void)n;
	hdr(b)->mem_pages = good_plan.image_pages + 1;	/* + stack 4: too many */
}

static void m_seg_quota(unsigned char *b, size_t *n)
{
	(void)n;
	hdr(b)->mem_pages = 3;
	hdr(b)->stack_pages = 1;	/* the data segment ends in page 3 */
}

static void m_entry(unsigned char *b, size_t *n) { (void)n; ehdr(b)->e_entry = 0x10; }

static void m_absurd(unsigned char *b, size_t *n)
{
	(void)n;
	data_seg(b)->p_memsz = 0xffffffffffff0000ull;
}

static void m_wrap(unsigned char *b, size_t *n)
{
	struct elf64_phdr *d = data_seg(b);

	(void)n;
	d->p_vaddr = 0xfffffffffffff000ull | (d->p_vaddr & 0xfff);
	d->p_memsz = 0x2000;
}

static void m_interp(unsigned char *b, size_t *n)
{
	(void)n;
	find_phdr(b, PT_GNU_STACK, 0)->p_type = PT_INTERP;
}

static void m_tls(unsigned char *b, size_t *n) { (void)n; find_phdr(b, PT_GNU_STACK, 0)->p_type = PT_TLS; }
static void m_unknown(unsigned char *b, size_t *n) { (void)n; find_phdr(b, PT_GNU_STACK, 0)->p_type = 0x12345; }
static void m_xstack(unsigned char *b, size_t *n) { (void)n; find_phdr(b, PT_GNU_STACK, 0)->p_flags |= PF_X; }

static void m_two_dyn(unsigned char *b, size_t *n)
{
	struct elf64_phdr *d = find_phdr(b, PT_DYNAMIC, 0);

	(void)n;
	*find_phdr(b, PT_GNU_STACK, 0) = *d;
}

/* Nine PT_LOADs in a new table appended to the ELF. */
static void m_many(unsigned char *b, size_t *n)
{
	uint64_t at = (hdr(b)->elf_size + 7) & ~7ull;
	struct elf64_phdr *t = (struct elf64_phdr *)(elf(b) + at);

	for (int i = 0; i < 9; i++)
		t[i] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R,
			.p_vaddr = (uint64_t)i * NPK_PAGE, .p_memsz = 0x10 };
	ehdr(b)->e_phoff = at;
	ehdr(b)->e_phnum = 9;
	hdr(b)->elf_size = (uint32_t)(at + 9 * sizeof(*t));
	*n = hdr(b)->elf_offset + hdr(b)->elf_size;
}

static void m_r_type(unsigned char *b, size_t *n) { (void)n; rela(b)[0].r_info = 257; }
static void m_r_sym(unsigned char *b, size_t *n) { (void)n; rela(b)[0].r_info = (1ull << 32) | R_AARCH64_RELATIVE; }
static void m_r_out(unsigned char *b, size_t *n) { (void)n; rela(b)[1].r_offset = 0x100000; }
static void m_r_align(unsigned char *b, size_t *n) { (void)n; rela(b)[0].r_offset += 4; }
static void m_r_addend(unsigned char *b, size_t *n) { (void)n; rela(b)[2].r_addend = 0x100000; }
static void m_r_neg(unsigned char *b, size_t *n) { (void)n; rela(b)[2].r_addend = -8; }

static void m_r_text(unsigned char *b, size_t *n)
{
	(void)n;
	rela(b)[0].r_offset = (find_phdr(b, PT_LOAD, PF_R | PF_X)->p_vaddr + 7) & ~7ull;
}

static void m_needed(unsigned char *b, size_t *n) { (void)n; dyn_tag(b, 21 /* DT_DEBUG */)->d_tag = DT_NEEDED; }
static void m_relaent(unsigned char *b, size_t *n) { (void)n; dyn_tag(b, DT_RELAENT)->d_val = 16; }
static void m_relasz(unsigned char *b, size_t *n) { (void)n; dyn_tag(b, DT_RELASZ)->d_val = 24 * 1000; }
static void m_relr(unsigned char *b, size_t *n) { (void)n; dyn_tag(b, 21)->d_tag = DT_RELR; }

static const struct mutation mutations[] = {
	{ "bad magic", m_magic, NX_EINVAL, "magic 0x314b504f", 0 },
	{ "bad version", m_version, NX_EINVAL, "version 2", 0 },
	{ "bad header size", m_hsize, NX_EINVAL, "header_size 256", 0 },
	{ "name not terminated", m_name, NX_EINVAL, "name not NUL-terminated", 0 },
	{ "name empty", m_name_empty, NX_EINVAL, "name empty", 0 },
	{ "name junk after NUL", m_name_junk, NX_EINVAL, "after its NUL", 0 },
	{ "name bad byte", m_name_char, NX_EINVAL, "outside [A-Za-z0-9._-]", 0 },
	{ "bad spectrum", m_spectrum, NX_EINVAL, "spectrum 3", 0 },
	{ "bad restart", m_restart, NX_EINVAL, "restart 2", 0 },
	{ "no stack", m_stack, NX_E2BIG, "stack_pages 0", 0 },
	{ "ncaps > 8", m_ncaps, NX_EINVAL, "ncaps 9", 0 },
	{ "channel not terminated", m_cap_name, NX_EINVAL, "cap 0: channel name not NUL-terminated", 0 },
	{ "cap pad", m_cap_pad, NX_EINVAL, "cap 1: pad", 0 },
	{ "unused cap slot", m_cap_unused, NX_EINVAL, "cap 5: unused slot", 0 },
	{ "elf outside the package", m_elf_out, NX_EINVAL, "outside the package", 1 },
	{ "elf inside the header", m_elf_off, NX_EINVAL, "elf_offset 0x8", 0 },
	{ "package shorter than header", m_short, NX_EINVAL, "shorter than its", 1 },
	{ "checksum mismatch", m_checksum, NX_EINVAL, "checksum", 1 },
	{ "header bit flipped", m_hdr_flip, NX_EINVAL, "checksum", 1 },
	{ "not ELF", m_not_elf, NX_EINVAL, "ELF: bad magic", 0 },
	{ "ELF32", m_elf32, NX_EINVAL, "class 1", 0 },
	{ "big-endian", m_big, NX_EINVAL, "little-endian", 0 },
	{ "wrong machine", m_machine, NX_EINVAL, "e_machine 62", 0 },
	{ "ET_EXEC", m_exec, NX_EINVAL, "e_type 2", 0 },
	{ "ELF shorter than its header", m_elf_tiny, NX_EINVAL, "shorter than its header", 0 },
	{ "bad phentsize", m_phentsize, NX_EINVAL, "e_phentsize 32", 0 },
	{ "no phdrs", m_phnum0, NX_EINVAL, "e_phnum 0", 0 },
	{ "phdrs outside file", m_phoff, NX_EINVAL, "program headers", 0 },
	{ "overlapping segments", m_overlap, NX_EINVAL, "overlaps the previous segment", 0 },
	{ "segments sharing a page", m_share, NX_EINVAL, "shares a page", 0 },
	{ "segments unsorted", m_unsorted, NX_EINVAL, "not sorted", 0 },
	{ "unaligned vaddr", m_congruent, NX_EINVAL, "not congruent", 0 },
	{ "filesz > memsz", m_filesz, NX_EINVAL, "above memsz", 0 },
	{ "segment file range outside", m_file_range, NX_EINVAL, "outside the ELF", 0 },
	{ "W+X segment", m_wx, NX_EINVAL, "writable and executable", 0 },
	{ "image + stack above mem_pages", m_quota, NX_E2BIG, "above mem_pages", 0 },
	{ "segment outside the cell", m_seg_quota, NX_E2BIG, "outside mem_pages 3", 0 },
	{ "entry outside executable segment", m_entry, NX_EINVAL, "entry 0x10", 0 },
	{ "too many segments", m_many, NX_E2BIG, "more than 8 PT_LOAD", 0 },
	{ "PT_INTERP", m_interp, NX_EINVAL, "PT_INTERP", 0 },
	{ "PT_TLS", m_tls, NX_EINVAL, "PT_TLS", 0 },
	{ "unknown phdr type", m_unknown, NX_EINVAL, "unknown program header type 0x12345", 0 },
	{ "executable stack", m_xstack, NX_EINVAL, "executable stack", 0 },
	{ "two PT_DYNAMIC", m_two_dyn, NX_EINVAL, "second PT_DYNAMIC", 0 },
	{ "relocation not RELATIVE", m_r_type, NX_EINVAL, "type 257 not R_AARCH64_RELATIVE", 0 },
	{ "relocation with symbol", m_r_sym, NX_EINVAL, "symbol 1", 0 },
	{ "relocation offset outside", m_r_out, NX_EINVAL, "relocation 1: offset 0x100000 outside", 0 },
	{ "relocation unaligned", m_r_align, NX_EINVAL, "not 8-byte aligned", 0 },
	{ "relocation in text", m_r_text, NX_EINVAL, "executable segment", 0 },
	{ "relocation addend outside", m_r_addend, NX_EINVAL, "relocation 2: addend 0x100000", 0 },
	{ "relocation addend negative", m_r_neg, NX_EINVAL, "relocation 2: addend", 0 },
	{ "absurd memsz", m_absurd, NX_E2BIG, "memsz 0xffffffffffff0000", 0 },
	{ "vaddr + memsz overflows", m_wrap, NX_E2BIG, "overflows", 0 },
	{ "DT_NEEDED", m_needed, NX_EINVAL, "DT_NEEDED", 0 },
	{ "DT_RELR", m_relr, NX_EINVAL, "DT_RELR", 0 },
	{ "DT_RELAENT", m_relaent, NX_EINVAL, "DT_RELAENT 16", 0 },
	{ "DT_RELASZ past the file", m_relasz, NX_EINVAL, "not inside a loaded segment", 0 },
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		const struct mutation *m = &mutations[i];
		unsigned char *b = malloc(good_len + SLACK);
		size_t len = good_len;
		struct npk_app a;
		char why[160];
		int err;

		memcpy(b, good, good_len);
		m->apply(b, &len);
		if (!m->raw)
			reseal(b);
		err = npk_parse(b, len, &a, why, sizeof(why));
		free(b);
		if (err != -m->err || !strstr(why, m->why))
			fail_msg("%s: got %d \"%s\", expected %d \"...%s...\"",
				 m->name, err, why, -m->err, m->why);
	}
}

static void test_misaligned_package(void **state)
{
	unsigned char *b = malloc(good_len + 8);
	struct npk_app a;
	char why[160];

	(void)state;
	memcpy(b + 4, good, good_len);
	assert_int_equal(npk_parse(b + 4, good_len, &a, why, sizeof(why)), -NX_EINVAL);
	assert_non_null(strstr(why, "not 8-byte aligned"));
	assert_int_equal(npk_parse(b + 4, good_len, &a, NULL, 0), -NX_EINVAL);
	free(b);
}

/* Random damage, resealed so the checksum does not hide it: whatever the
 * validator lets through must load. */
static void test_random_damage(void **state)
{
	unsigned char *b = malloc(good_len + SLACK);
	unsigned char *cell = aligned_alloc(NPK_PAGE, 64 * NPK_PAGE);
	unsigned accepted = 0;

	(void)state;
	srand(1);
	for (int it = 0; it < 20000; it++) {
		struct npk_app a;
		size_t len = good_len;

		memcpy(b, good, good_len);
		for (int k = rand() % 4; k >= 0; k--)
			b[(size_t)rand() % good_len] ^= (unsigned char)(1u << (rand() % 8));
		if (hdr(b)->elf_offset + (uint64_t)hdr(b)->elf_size <= len &&
		    hdr(b)->elf_offset >= sizeof(struct nx_npk_header))
			reseal(b);
		if (npk_parse(b, len, &a, NULL, 0) != 0)
			continue;
		accepted++;
		assert_true(a.image_pages <= a.hdr->mem_pages);
		if (a.image_pages <= 64)
			assert_int_equal(npk_load(&a, cell, 64 * NPK_PAGE), 0);
	}
	assert_true(accepted > 0);	/* e.g. flips in the symbol table */
	free(cell);
	free(b);
}

/* Runs @cmd and returns its exit status, its output in @out. */
static int run(const char *cmd, char *out, size_t outlen)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	assert_non_null(p);
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	return pclose(p);
}

static void test_tool(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(run(TOOL_PATH " show " PKG_PATH " 2>&1", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "name       npk-test"));
	assert_non_null(strstr(out, "cap 0    console verbs 0x6 ( send recv )"));
	assert_non_null(strstr(out, "R_AARCH64_RELATIVE"));
	/* Too small for its own image: refused at build time, same reason. */
	assert_int_not_equal(run(TOOL_PATH " pack -o /dev/null --name t --mem 16K --stack 8K "
				 APP_PATH " 2>&1", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "above mem_pages 4"));
	assert_int_not_equal(run(TOOL_PATH " pack -o /dev/null --name t --pledge bogus "
				 APP_PATH " 2>&1", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "unknown word 'bogus'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_plan),
		cmocka_unit_test(test_load_relocates),
		cmocka_unit_test(test_load_refuses),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_misaligned_package),
		cmocka_unit_test(test_random_damage),
		cmocka_unit_test(test_tool),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
