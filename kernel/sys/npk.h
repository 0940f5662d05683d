/*
 * NPK packages (include/nexus/npk.h): the validator that turns a package
 * into a load plan, and the loader that carries the plan out.
 *
 * Decode, then invoke: npk_parse() reads the package and checks every
 * field and every ELF structure the loader will use, and touches nothing
 * else; npk_load() then cannot meet a surprise. The plan points into the
 * package, which must stay in place (unchanged) until npk_load() returns.
 * The host packer (tools/npk.c) runs the same npk_parse(), so an app the
 * kernel would refuse fails at build time with the same reason.
 */
#ifndef SYS_NPK_H
#define SYS_NPK_H

#include <stddef.h>
#include <stdint.h>

#include <nexus/npk.h>

#define NPK_PAGE	NX_NPK_PAGE_SIZE
#define NPK_MAX_SEGS	8	/* PT_LOAD segments */
#define NPK_MAX_PHDRS	16	/* program headers of any type */

/* Segment permissions: the ELF PF_* values. */
#define NPK_X	1
#define NPK_W	2
#define NPK_R	4

/* One PT_LOAD segment, at base + vaddr once loaded. */
struct npk_seg {
	uint64_t vaddr;		/* offset from the load base */
	uint64_t memsz;		/* bytes in memory; [filesz, memsz) is zeroed */
	uint64_t filesz;	/* bytes copied from file */
	const void *file;	/* inside the package */
	uint32_t perms;		/* NPK_R | NPK_W | NPK_X, never W and X */
	uint32_t pad;
};

/*
 * The load plan. Segments are sorted and no two share a page, so the
 * caller can map each segment's pages [vaddr & ~(NPK_PAGE-1),
 * vaddr + memsz rounded up) with its perms, and the pages in between not
 * at all. The image spans [0, image_pages * NPK_PAGE) from the base; the
 * stack and heap are the caller's to place in the rest of mem_pages.
 */
struct npk_app {
	const struct nx_npk_header *hdr;	/* inside the package */
	uint32_t nsegs;
	uint32_t image_pages;
	struct npk_seg seg[NPK_MAX_SEGS];
	uint64_t entry;		/* offset from the base, in an X segment */
	/* Pages the app asked to be read-only once relocated (PT_GNU_RELRO),
	 * page-aligned; relro_size 0 if none. */
	uint64_t relro_off;
	uint64_t relro_size;
	const void *rela;	/* struct elf64_rela[nrela], inside the package */
	size_t nrela;
};

/*
 * Validates the package @pkg[@len] (8-byte aligned) and fills @out.
 * Returns 0, or -NX_EINVAL (malformed) / -NX_E2BIG (too large for its
 * quota or for arithmetic) with a one-line reason in @why[@whylen] naming
 * the field and its value. @out is meaningless on failure.
 */
int npk_parse(const void *pkg, size_t len, struct npk_app *out,
	      char *why, size_t whylen);

/*
 * Copies the image to @base (page-aligned) per @a, zeroes the rest of the
 * image span, and applies the relocations for that base. Returns 0,
 * -NX_EINVAL for a misaligned base, -NX_E2BIG if the image does not fit
 * in @cell_bytes. Mapping the pages with each segment's perms is the
 * caller's job.
 */
int npk_load(const struct npk_app *a, void *base, size_t cell_bytes);

/* The header's checksum for the package's first @len bytes (header and
 * ELF), the checksum field read as zero. @len >= the header size. */
uint32_t npk_checksum(const void *pkg, size_t len);

#endif
