/*
 * NPK: the app package. One file holds everything the kernel needs to start
 * an app: who it is, what it may do and how much it may use (this header),
 * then the app itself, a static position-independent AArch64 ELF.
 *
 *   offset 0               struct nx_npk_header (264 bytes)
 *   offset elf_offset      the ELF, elf_size bytes (elf_offset is 8-aligned)
 *
 * All fields are little-endian. Unused capability slots, their padding and
 * the bytes after each name's NUL are zero, so a package has exactly one
 * valid encoding. The checksum is 32-bit FNV-1a over the package from
 * byte 0 to the end of the ELF with the checksum field read as zero: it
 * covers the header too, so a flipped pledge bit is caught, not obeyed.
 * It catches corruption, not tampering.
 *
 * The ELF is loaded at whatever page-aligned base its memory cell gives
 * it (the address space is identity-mapped), so it must be ET_DYN with
 * only R_AARCH64_RELATIVE relocations; kernel/sys/npk.c lists every rule.
 * Part of the frozen ABI: a layout change bumps NX_NPK_VERSION.
 */
#ifndef NEXUS_NPK_H
#define NEXUS_NPK_H

#include <stddef.h>
#include <stdint.h>

#define NX_NPK_MAGIC		0x314b504eu	/* "NPK1" in memory */
#define NX_NPK_VERSION		1
#define NX_NPK_NAME_MAX		16	/* including the NUL */
#define NX_NPK_MAX_CAPS		8
#define NX_NPK_PAGE_SIZE	4096u	/* unit of mem_pages and stack_pages */

/* The scheduler's spectra an app may ask for; Void is the idle class. */
enum nx_npk_spectrum {
	NX_NPK_PHOTON = 0,	/* interrupt and driver work, 2 ms window */
	NX_NPK_MATTER = 1,	/* interactive, 10 ms window */
	NX_NPK_GRAVITY = 2,	/* background, 50 ms window */
};

enum nx_npk_restart {
	NX_NPK_RESTART_NEVER = 0,
	NX_NPK_RESTART_CRASH = 1,	/* restart after a fault or a kill */
};

/* One channel capability the app asks for at spawn. */
struct nx_npk_capreq {
	char channel[NX_NPK_NAME_MAX];	/* NUL-terminated channel name */
	uint32_t verbs;		/* capability verb bits */
	uint32_t pad;		/* zero */
};
_Static_assert(sizeof(struct nx_npk_capreq) == 24, "npk capreq size");
_Static_assert(offsetof(struct nx_npk_capreq, verbs) == 16,
	       "npk capreq verbs offset");

struct nx_npk_header {
	uint32_t magic;		/* NX_NPK_MAGIC */
	uint32_t version;	/* NX_NPK_VERSION */
	uint32_t header_size;	/* sizeof(struct nx_npk_header) */
	uint32_t spectrum;	/* enum nx_npk_spectrum */
	char name[NX_NPK_NAME_MAX];	/* NUL-terminated app name */
	uint64_t pledges;	/* promise bits (nexus/pledge.h) */
	uint32_t energy_budget;	/* units per window; 0: the spectrum's default */
	uint32_t restart;	/* enum nx_npk_restart */
	uint32_t mem_pages;	/* quota: image + stack + heap, in pages */
	uint32_t stack_pages;	/* part of mem_pages */
	uint32_t elf_offset;	/* from the package start, 8-aligned */
	uint32_t elf_size;	/* bytes */
	uint32_t checksum;	/* FNV-1a 32, see above */
	uint32_t ncaps;		/* used slots in caps, first in the table */
	struct nx_npk_capreq caps[NX_NPK_MAX_CAPS];
};
_Static_assert(sizeof(struct nx_npk_header) == 264, "npk header size");
_Static_assert(offsetof(struct nx_npk_header, name) == 16, "npk name offset");
_Static_assert(offsetof(struct nx_npk_header, pledges) == 32,
	       "npk pledges offset");
_Static_assert(offsetof(struct nx_npk_header, elf_offset) == 56,
	       "npk elf_offset offset");
_Static_assert(offsetof(struct nx_npk_header, checksum) == 64,
	       "npk checksum offset");
_Static_assert(offsetof(struct nx_npk_header, caps) == 72, "npk caps offset");
_Static_assert(sizeof(struct nx_npk_header) % 8 == 0,
	       "an ELF right after the header starts 8-aligned");

#endif
