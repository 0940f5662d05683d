/*
 * Host-side reader of ELF64 AArch64 executables for mkbundle: the PT_LOAD
 * segments become one flat image, as nexus-boot will copy it to RAM with
 * the MMU off (physical addresses, p_paddr).
 */
#ifndef TOOLS_ELFLOAD_H
#define TOOLS_ELFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Larger spans are refused: no image of ours comes near this, and it
 * keeps a corrupt header from asking for gigabytes. */
#define ELFLOAD_MAX_SPAN	(256u << 20)
#define ELFLOAD_MAX_LOADS	16

struct elfload_image {
	uint64_t load_addr;	/* lowest p_paddr */
	uint64_t entry;		/* e_entry, inside the image */
	uint64_t size;		/* bytes in data: up to the last file byte */
	uint64_t mem_size;	/* up to the last byte of any segment */
	unsigned char *data;	/* malloc'd; gaps between segments are zero */
};

/* True if @buf starts with the ELF magic (whatever its class/machine). */
bool elfload_is_elf(const void *buf, size_t len);

/*
 * Flattens the ELF in @buf[@len] into @out. Returns 0, or -NX_EINVAL with
 * a message in @err (not ELF64 little-endian, not AArch64, not an
 * executable, truncated tables or segments, overlapping segments, no
 * PT_LOAD, entry outside the image), -NX_E2BIG for a span above
 * ELFLOAD_MAX_SPAN or more than ELFLOAD_MAX_LOADS segments, -NX_ENOMEM.
 */
int elfload_flatten(const void *buf, size_t len, struct elfload_image *out,
		    char *err, size_t errlen);

void elfload_free(struct elfload_image *img);

#endif
