/*
 * nexus-boot: check the embedded bundle (include/nexus/bundle.h), copy
 * its parts to their load addresses, enter the hypervisor at EL2 (x0 =
 * device tree, x1 = bundle) or, with no hypervisor or when entered at
 * EL1, the kernel (x0 = device tree). Every check happens before the
 * first byte is copied; any failure prints one "nexus-boot: error:" line
 * on the PL011 and halts. Runs with the MMU off: no unaligned accesses
 * (built -mstrict-align), no library, nothing after boot_enter().
 */
#include <stddef.h>
#include <stdint.h>

#include "nexus/bundle.h"

/* QEMU virt: where the console is, and where QEMU leaves the device tree
 * for an ELF image linked high enough (x0 is 0 then). */
#define BOOT_UART		0x09000000ul
#define BOOT_UART_FR		0x18
#define BOOT_UART_FR_TXFF	(1u << 5)
#define BOOT_DTB_FALLBACK	0x40000000ul
#define BOOT_FDT_MAGIC		0xd00dfeedu

extern const unsigned char __boot_start[], __boot_end[];
extern const unsigned char __bundle_start[], __bundle_end[];

void boot_main(uint64_t x0, uint64_t el) __attribute__((noreturn));
void boot_enter(uint64_t entry, uint64_t x0, uint64_t x1)
	__attribute__((noreturn));

static void boot_putc(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)BOOT_UART;

	while (uart[BOOT_UART_FR / 4] & BOOT_UART_FR_TXFF)
		;
	uart[0] = (uint32_t)(unsigned char)c;
}

static void boot_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			boot_putc('\r');
		boot_putc(*s);
	}
}

static void boot_hex(uint64_t v)
{
	boot_puts("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		boot_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

/* "nexus-boot: error: WHAT['NAME'][ 0xV]", then halt for good. */
static void __attribute__((noreturn))
boot_fail(const char *what, const char *name, uint64_t v)
{
	boot_puts("nexus-boot: error: ");
	boot_puts(what);
	if (name) {
		boot_puts(" '");
		boot_puts(name);
		boot_putc('\'');
	}
	if (v) {
		boot_putc(' ');
		boot_hex(v);
	}
	boot_puts("\nnexus-boot: halted\n");
	for (;;)
		__asm__ volatile("wfe");
}

static uint32_t boot_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The device tree the kernel will get: x0 if it holds one, else QEMU's
 * copy at the base of RAM, else none (0). *size is its totalsize. */
static uint64_t boot_dtb(uint64_t x0, uint64_t *size)
{
	const unsigned char *p = (const unsigned char *)x0;

	if (!p || boot_be32(p) != BOOT_FDT_MAGIC)
		p = (const unsigned char *)BOOT_DTB_FALLBACK;
	if (boot_be32(p) != BOOT_FDT_MAGIC) {
		*size = 0;
		return 0;
	}
	*size = boot_be32(p + 4);
	return (uint64_t)p;
}

static void boot_check_part(const struct nx_bundle_header *h,
			    const struct nx_bundle_part *p)
{
	int named = 0;

	for (int i = 0; i < NX_BUNDLE_NAME_MAX; i++)
		named |= p->name[i] == '\0';
	if (!named)
		boot_fail("part name is not terminated", NULL, 0);
	if (p->kind < NX_PART_HYPERVISOR || p->kind > NX_PART_GUEST)
		boot_fail("unknown kind of part", p->name, p->kind);
	if (p->offset < NX_BUNDLE_PAYLOAD_OFF || p->offset % NX_BUNDLE_ALIGN ||
	    p->offset > h->total_size || p->size > h->total_size - p->offset)
		boot_fail("part lies outside the bundle", p->name, p->offset);
	if (p->mem_size < p->size || p->load_addr + p->mem_size < p->load_addr)
		boot_fail("part has a bad memory size", p->name, p->mem_size);
	if (p->kind != NX_PART_MANIFEST && p->kind != NX_PART_INITRD &&
	    (p->entry < p->load_addr || p->entry - p->load_addr >= p->mem_size))
		boot_fail("entry point outside its part", p->name, p->entry);
}

/* Everything about the bundle, before anything is copied. */
static const struct nx_bundle_header *boot_verify(void)
{
	const struct nx_bundle_header *h = (const void *)__bundle_start;
	uint64_t avail = (uint64_t)(__bundle_end - __bundle_start);
	const struct nx_bundle_part *parts = (const void *)(h + 1);
	uint64_t sum;

	if (avail < NX_BUNDLE_PAYLOAD_OFF)
		boot_fail("no bundle inside nexus-boot", NULL, avail);
	if (h->magic != NX_BUNDLE_MAGIC)
		boot_fail("bad bundle magic", NULL, h->magic);
	if (h->version != NX_BUNDLE_VERSION)
		boot_fail("unsupported bundle version", NULL, h->version);
	if (h->header_size != NX_BUNDLE_PAYLOAD_OFF ||
	    h->nparts > NX_BUNDLE_MAX_PARTS || h->total_size > avail ||
	    h->total_size < NX_BUNDLE_PAYLOAD_OFF || h->total_size % NX_BUNDLE_ALIGN)
		boot_fail("bundle header out of bounds, total size", NULL,
			  h->total_size);
	sum = nx_bundle_checksum(h, h->total_size);
	if (sum != h->checksum) {
		boot_puts("nexus-boot: bundle checksum ");
		boot_hex(sum);
		boot_puts(", header says ");
		boot_hex(h->checksum);
		boot_puts("\n");
		boot_fail("bundle checksum mismatch: corrupted image", NULL, 0);
	}
	for (uint32_t i = 0; i < h->nparts; i++)
		boot_check_part(h, &parts[i]);
	return h;
}

static int boot_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* Copies part @p to its load address and zeroes up to mem_size, unless
 * that would overwrite nexus-boot (bundle and stack included) or the
 * device tree the kernel needs. */
static void boot_place(const struct nx_bundle_header *h,
		       const struct nx_bundle_part *p, uint64_t dtb,
		       uint64_t dtb_size)
{
	const unsigned char *src = (const unsigned char *)h + p->offset;
	unsigned char *dst = (unsigned char *)p->load_addr;
	uint64_t i = 0;

	if (boot_overlap(p->load_addr, p->mem_size, (uint64_t)__boot_start,
			 (uint64_t)(__boot_end - __boot_start)))
		boot_fail("part would overwrite nexus-boot itself:", p->name,
			  p->load_addr);
	if (dtb && boot_overlap(p->load_addr, p->mem_size, dtb, dtb_size))
		boot_fail("part would overwrite the device tree:", p->name,
			  p->load_addr);
	/* Doublewords when both ends allow it: 8x fewer Device accesses. */
	if ((((uintptr_t)src | (uintptr_t)dst) & 7) == 0)
		for (; i + 8 <= p->size; i += 8)
			*(volatile uint64_t *)(dst + i) =
				*(const uint64_t *)(src + i);
	for (; i < p->size; i++)
		((volatile unsigned char *)dst)[i] = src[i];
	for (; i < p->mem_size; i++)
		((volatile unsigned char *)dst)[i] = 0;
}

static const struct nx_bundle_part *
boot_find(const struct nx_bundle_header *h, uint32_t kind)
{
	const struct nx_bundle_part *parts = (const void *)(h + 1);

	for (uint32_t i = 0; i < h->nparts; i++)
		if (parts[i].kind == kind)
			return &parts[i];
	return NULL;
}

void boot_main(uint64_t x0, uint64_t el)
{
	const struct nx_bundle_header *h;
	const struct nx_bundle_part *hv, *kern, *to, *parts;
	uint64_t dtb, dtb_size;

	boot_puts("nexus-boot: entered at EL");
	boot_putc((char)('0' + el));
	boot_puts(", bundle at ");
	boot_hex((uint64_t)__bundle_start);
	boot_puts("\n");
	dtb = boot_dtb(x0, &dtb_size);
	if (!dtb)
		boot_puts("nexus-boot: warning: no device tree found, passing 0\n");
	h = boot_verify();
	parts = (const void *)(h + 1);
	hv = boot_find(h, NX_PART_HYPERVISOR);
	kern = boot_find(h, NX_PART_KERNEL);
	if (hv && el != 2)
		boot_puts("nexus-boot: not entered at EL2: no hypervisor, the kernel boots bare\n");
	to = hv && el == 2 ? hv : kern;
	if (!to)
		boot_fail("the bundle has no kernel part", NULL, 0);
	for (uint32_t i = 0; i < h->nparts; i++)
		if (parts[i].kind != NX_PART_MANIFEST &&
		    (parts[i].kind != NX_PART_HYPERVISOR || to == hv))
			boot_place(h, &parts[i], dtb, dtb_size);
	boot_puts("nexus-boot: entering '");
	boot_puts(to->name);
	boot_puts("' at ");
	boot_hex(to->entry);
	boot_puts(", device tree at ");
	boot_hex(dtb);
	boot_puts("\n");
	boot_enter(to->entry, dtb, to == hv ? (uint64_t)h : 0);
}
