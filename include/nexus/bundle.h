/*
 * The boot bundle: every image nexus-boot places in RAM, in one flat,
 * position-independent blob that tools/mkbundle.c writes on the host and
 * nexus-boot (and RumKV, which receives its address in x1) reads in place.
 *
 *   offset 0                         struct nx_bundle_header (64 bytes)
 *   offset 64                        struct nx_bundle_part[NX_BUNDLE_MAX_PARTS]
 *   offset NX_BUNDLE_PAYLOAD_OFF     part payloads, each 8-byte aligned
 *   offset total_size                end
 *
 * All fields are little-endian. Unused table slots are all zero. The
 * checksum is 64-bit FNV-1a over the whole bundle (total_size bytes) with
 * the checksum field itself read as zero; it catches corruption, not
 * tampering. docs/bundle.md describes the format and the manifest schema.
 * Part of the frozen ABI: a layout change bumps NX_BUNDLE_VERSION.
 */
#ifndef NEXUS_BUNDLE_H
#define NEXUS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#define NX_BUNDLE_MAGIC		0x314c444e5542584eull	/* "NXBUNDL1" in memory */
#define NX_BUNDLE_VERSION	2
#define NX_BUNDLE_MAX_PARTS	8
#define NX_BUNDLE_NAME_MAX	32	/* including the NUL */
#define NX_BUNDLE_ALIGN		8

/* Part kinds. A MANIFEST is read in place (load_addr 0); the rest are
 * copied to load_addr, and the bytes from size up to mem_size zeroed. */
#define NX_PART_HYPERVISOR	1	/* RumKV: entered at EL2 */
#define NX_PART_KERNEL		2	/* Rumpk, from an ELF */
#define NX_PART_INITRD		3	/* raw bytes for a cell */
#define NX_PART_MANIFEST	4	/* the cell manifest, a DTB */
#define NX_PART_GUEST		5	/* a raw kernel image a cell boots */

struct nx_bundle_header {
	uint64_t magic;		/* NX_BUNDLE_MAGIC */
	uint32_t version;	/* NX_BUNDLE_VERSION */
	uint32_t nparts;	/* used slots, first in the table */
	uint64_t total_size;	/* header + table + payloads, bytes */
	uint64_t checksum;	/* nx_bundle_checksum() */
	uint32_t header_size;	/* NX_BUNDLE_PAYLOAD_OFF: table included */
	uint32_t pad;
	uint64_t reserved[3];	/* zero */
};
_Static_assert(sizeof(struct nx_bundle_header) == 64, "bundle header size");
_Static_assert(offsetof(struct nx_bundle_header, total_size) == 16,
	       "bundle total_size offset");
_Static_assert(offsetof(struct nx_bundle_header, checksum) == 24,
	       "bundle checksum offset");

struct nx_bundle_part {
	char name[NX_BUNDLE_NAME_MAX];	/* NUL-terminated, as the manifest names it */
	uint32_t kind;		/* NX_PART_* */
	uint32_t pad;
	uint64_t load_addr;	/* physical; 0 for a MANIFEST */
	uint64_t entry;		/* physical entry point; 0 if not executable */
	uint64_t offset;	/* of the payload from the bundle start */
	uint64_t size;		/* payload bytes */
	uint64_t mem_size;	/* bytes occupied once loaded, >= size */
};
_Static_assert(sizeof(struct nx_bundle_part) == 80, "bundle part size");
_Static_assert(offsetof(struct nx_bundle_part, load_addr) == 40,
	       "bundle part load_addr offset");
_Static_assert(offsetof(struct nx_bundle_part, mem_size) == 72,
	       "bundle part mem_size offset");

#define NX_BUNDLE_PAYLOAD_OFF \
	(sizeof(struct nx_bundle_header) + \
	 NX_BUNDLE_MAX_PARTS * sizeof(struct nx_bundle_part))
_Static_assert(NX_BUNDLE_PAYLOAD_OFF == 704, "bundle payload offset");
_Static_assert(NX_BUNDLE_PAYLOAD_OFF % NX_BUNDLE_ALIGN == 0,
	       "bundle payloads start aligned");

/*
 * FNV-1a, 64-bit, over the bundle taken as little-endian 64-bit words
 * (a bundle is a whole number of them: payloads are padded to
 * NX_BUNDLE_ALIGN), with the header's checksum field, word 3, read as zero.
 * Word by word rather than byte by byte: nexus-boot checks a 34 MB Linux
 * bundle in 4 M steps instead of 34 M. Part of the format's definition, so
 * it lives here: the writer, nexus-boot and RumKV must agree bit for bit.
 * @b must be 8-byte aligned and @size a multiple of 8.
 */
static inline uint64_t nx_bundle_checksum(const void *b, uint64_t size)
{
	const uint64_t *w = b;
	uint64_t h = 0xcbf29ce484222325ull;

	for (uint64_t i = 0; i < size / 8; i++)
		h = (h ^ (i == offsetof(struct nx_bundle_header, checksum) / 8 ?
			  0 : w[i])) * 0x100000001b3ull;
	return h;
}

#endif
