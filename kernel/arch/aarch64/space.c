/*
 * App address spaces: permission views of the one identity map.
 *
 * Every app sees the same addresses as the kernel (VA == PA); what
 * differs is which pages EL0 may touch. A view is a level-1 table of its
 * own that shares the kernel's level-2 tables, except for the GiBs where
 * the app has pages: there it has a private copy of the level-2 table,
 * and private level-3 tables for the 2 MiB blocks that hold its pages.
 * A private level-3 table starts as the kernel's view of its block (so
 * the kernel, running a system call on the app's tables, still reaches
 * all memory) with the app's pages switched to EL0 access.
 *
 * ASIDs tag the app's entries, so switching views is one TTBR0 write
 * with no TLB flush. A page that is non-global in one view must be
 * non-global in all of them, or two TLB entries could match one address:
 * hal_user_memory() therefore turns app memory non-global in the
 * kernel's own tables before any view maps it. Everything else stays
 * global and identical in every view.
 *
 * One CPU, and tables change with interrupts masked.
 */
#include <string.h>

#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/kprintf.h"
#include "mm/page_alloc.h"
#include "mmu.h"
#include "sysreg.h"

#define SPACES_MAX	64
#define ASID_MAX	256		/* 8-bit ASIDs; 0 is the kernel's */

struct hal_space {
	bool used;
	uint16_t asid;
	uint64_t *l1;
	uint64_t *l2[MAX_GIB];		/* private level-2 tables, or NULL */
	uint64_t private_l3[MAX_GIB][512 / 64];	/* bitmap over l2 entries */
};

static struct hal_space spaces[SPACES_MAX];
static struct hal_space *current;	/* NULL: the kernel's tables */

static bool is_private(const struct hal_space *s, unsigned g, unsigned i)
{
	return s->private_l3[g][i / 64] >> (i % 64) & 1;
}

void space_l2_changed(uint64_t va, uint64_t entry)
{
	unsigned g = (unsigned)(va >> L1_SHIFT), i = (va >> L2_SHIFT) & 511;

	for (unsigned n = 0; n < SPACES_MAX; n++) {
		struct hal_space *s = &spaces[n];

		if (s->used && s->l2[g] && !is_private(s, g, i))
			s->l2[g][i] = entry;
	}
}

static void flush_asid(uint16_t asid)
{
	dsb_ish();
	__asm__ volatile("tlbi aside1is, %0" : : "r"((uint64_t)asid << 48) : "memory");
	dsb_ish();
	isb();
}

struct hal_space *hal_space_create(void)
{
	uint64_t irq = hal_irq_save();
	struct hal_space *s = NULL;

	for (unsigned n = 0; n < SPACES_MAX; n++) {
		if (!spaces[n].used) {
			s = &spaces[n];
			break;
		}
	}
	if (s) {
		memset(s, 0, sizeof(*s));
		s->l1 = page_alloc();
		if (s->l1) {
			memcpy(s->l1, mmu_l1, PAGE_SIZE);
			s->used = true;
			/* Slot n always owns ASID n + 1: no allocator needed. */
			s->asid = (uint16_t)(s - spaces + 1);
		} else {
			s = NULL;
		}
	}
	hal_irq_restore(irq);
	return s;
}

void hal_space_destroy(struct hal_space *s)
{
	uint64_t irq = hal_irq_save();

	if (current == s)
		hal_space_switch(NULL);
	for (unsigned g = 0; g < MAX_GIB; g++) {
		if (!s->l2[g])
			continue;
		for (unsigned i = 0; i < 512; i++)
			if (is_private(s, g, i))
				page_free((void *)(s->l2[g][i] & PTE_ADDR));
		page_free(s->l2[g]);
	}
	page_free(s->l1);
	flush_asid(s->asid);
	s->used = false;
	hal_irq_restore(irq);
}

static uint64_t *private_l2(struct hal_space *s, unsigned g)
{
	if (!s->l2[g]) {
		s->l2[g] = page_alloc();
		if (!s->l2[g])
			return NULL;
		memcpy(s->l2[g], mmu_l2[g], PAGE_SIZE);
		s->l1[g] = (uint64_t)s->l2[g] | PTE_TABLE | PTE_VALID;
	}
	return s->l2[g];
}

/* The kernel's level-3 entry for the page at @va, from a block or a table. */
static uint64_t kernel_page_entry(uint64_t va)
{
	uint64_t e = *mmu_l2_entry(va);

	if (!(e & PTE_VALID))
		return 0;
	if (e & PTE_TABLE)
		return ((uint64_t *)(e & PTE_ADDR))[(va >> PAGE_SHIFT) & 511];
	return (e & ~PTE_ADDR) | (va & ~(uint64_t)(PAGE_SIZE - 1)) | PTE_TABLE;
}

/* The kernel's 512 level-3 entries for the 2 MiB block at @block. */
static void kernel_l3(uint64_t *l3, uint64_t block)
{
	uint64_t e = *mmu_l2_entry(block);

	if ((e & PTE_VALID) && (e & PTE_TABLE)) {
		memcpy(l3, (const void *)(e & PTE_ADDR), PAGE_SIZE);
		return;
	}
	for (unsigned n = 0; n < 512; n++)
		l3[n] = e & PTE_VALID ? (e & ~PTE_ADDR) | (block + ((uint64_t)n << PAGE_SHIFT)) |
					PTE_TABLE : 0;
}

static uint64_t *l3_entry(struct hal_space *s, uint64_t va)
{
	unsigned g = (unsigned)(va >> L1_SHIFT), i = (va >> L2_SHIFT) & 511;
	uint64_t *l2 = private_l2(s, g), *l3;

	if (!l2)
		return NULL;
	if (!is_private(s, g, i)) {
		l3 = page_alloc();
		if (!l3)
			return NULL;
		kernel_l3(l3, va & ~(BLOCK_2M - 1));
		l2[i] = (uint64_t)l3 | PTE_TABLE | PTE_VALID;
		s->private_l3[g][i / 64] |= 1ull << (i % 64);
	}
	l3 = (uint64_t *)(l2[i] & PTE_ADDR);
	return &l3[(va >> PAGE_SHIFT) & 511];
}

static uint64_t user_attr(unsigned perms)
{
	uint64_t a = PTE_ATTR_MEM | PTE_SH_INNER | PTE_AF | PTE_NG | PTE_USER |
		     PTE_PXN | PTE_TABLE | PTE_VALID;

	if (!(perms & HAL_USER_W))
		a |= PTE_RO;
	if (!(perms & HAL_USER_X) || (perms & HAL_USER_W))
		a |= PTE_UXN;
	return a;
}

int hal_space_map(struct hal_space *s, uint64_t va, size_t pages, unsigned perms)
{
	uint64_t irq = hal_irq_save();
	int err = 0;

	for (size_t n = 0; n < pages; n++) {
		uint64_t a = va + (n << PAGE_SHIFT);
		uint64_t *e = a < MAX_GIB * GIB ? l3_entry(s, a) : NULL;

		if (!e || !(kernel_page_entry(a) & PTE_NG)) {
			err = e ? -NX_EFAULT : -NX_ENOMEM;
			break;
		}
		*e = a | (perms ? user_attr(perms) : kernel_page_entry(a) & ~PTE_ADDR);
	}
	flush_asid(s->asid);
	hal_irq_restore(irq);
	return err;
}

struct hal_space *hal_space_switch(struct hal_space *s)
{
	struct hal_space *prev = current;

	if (s == current)
		return prev;
	current = s;
	sysreg_write(ttbr0_el1, s ? (uint64_t)s->l1 | (uint64_t)s->asid << 48 :
				    (uint64_t)mmu_l1);
	isb();
	return prev;
}

/* A software walk: it works for any view, not only the current one. */
bool hal_space_access_ok(const struct hal_space *s, uint64_t va, size_t len,
			 bool write)
{
	uint64_t end = va + len;

	if (!s || end < va || end > MAX_GIB * GIB)
		return false;
	for (uint64_t a = va & ~(uint64_t)(PAGE_SIZE - 1); a < end; a += PAGE_SIZE) {
		unsigned g = (unsigned)(a >> L1_SHIFT), i = (a >> L2_SHIFT) & 511;
		uint64_t e;

		if (!s->l2[g] || !is_private(s, g, i))
			return false;
		e = ((uint64_t *)(s->l2[g][i] & PTE_ADDR))[(a >> PAGE_SHIFT) & 511];
		if (!(e & PTE_VALID) || !(e & PTE_USER) || (write && (e & PTE_RO)))
			return false;
	}
	return true;
}

int hal_user_memory(uint64_t base, size_t bytes)
{
	uint64_t irq;

	if ((base | bytes) & (BLOCK_2M - 1) || base + bytes > MAX_GIB * GIB)
		return -NX_EINVAL;
	irq = hal_irq_save();
	for (uint64_t a = base; a < base + bytes; a += BLOCK_2M) {
		uint64_t e = *mmu_l2_entry(a);

		if (e & PTE_NG)
			continue;
		if (e & PTE_TABLE) {
			/* A block split for an old guard page: mark each page. */
			uint64_t *l3 = (uint64_t *)(e & PTE_ADDR);

			mmu_l2_update(a, 0);
			for (unsigned n = 0; n < 512; n++)
				if (l3[n] & PTE_VALID)
					l3[n] |= PTE_NG;
			mmu_l2_update(a, e | PTE_NG);
		} else {
			mmu_l2_update(a, e | PTE_NG);
		}
	}
	hal_irq_restore(irq);
	return 0;
}
