/*
 * Physical page allocator. A bitmap (1 = allocated) tells allocated pages
 * from free ones, which is what lets page_free() refuse a double free
 * instead of corrupting a free list. The bitmap occupies the first pages
 * of the pool, marked allocated forever.
 *
 * Not reentrant: called from fiber context only, never from interrupts.
 */
#include <stdbool.h>
#include <string.h>

#include <nexus/errno.h>

#include "core/kprintf.h"
#include "mm/page_alloc.h"

static struct {
	uintptr_t base;		/* first page of the pool */
	size_t npages;
	size_t reserved;	/* bitmap pages at the start, never freed */
	size_t nfree;
	size_t hint;		/* no free page below this index */
	uint64_t *bits;
} pool;

static bool bit_get(size_t i)
{
	return pool.bits[i / 64] >> (i % 64) & 1;
}

static void bit_set(size_t i, bool v)
{
	if (v)
		pool.bits[i / 64] |= 1ull << (i % 64);
	else
		pool.bits[i / 64] &= ~(1ull << (i % 64));
}

/*
 * Whether every page of [first, first + n) is @used, and making it so:
 * whole bitmap words where the run covers them (a 2 MiB cell is eight).
 */
static bool run_is(size_t first, size_t n, bool used)
{
	size_t i = first, end = first + n;

	for (; i < end && i % 64; i++)
		if (bit_get(i) != used)
			return false;
	for (; i + 64 <= end; i += 64)
		if (pool.bits[i / 64] != (used ? ~0ull : 0))
			return false;
	for (; i < end; i++)
		if (bit_get(i) != used)
			return false;
	return true;
}

static void run_set(size_t first, size_t n, bool used)
{
	size_t i = first, end = first + n;

	for (; i < end && i % 64; i++)
		bit_set(i, used);
	for (; i + 64 <= end; i += 64)
		pool.bits[i / 64] = used ? ~0ull : 0;
	for (; i < end; i++)
		bit_set(i, used);
}

int page_pool_init(uintptr_t base, uintptr_t end)
{
	size_t npages, map_pages;

	base = (base + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
	end &= ~(uintptr_t)(PAGE_SIZE - 1);
	if (end <= base)
		return -NX_EINVAL;
	npages = (end - base) >> PAGE_SHIFT;
	map_pages = ((npages + 63) / 64 * 8 + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (map_pages >= npages)
		return -NX_EINVAL;

	pool.base = base;
	pool.npages = npages;
	pool.bits = (uint64_t *)base;
	memset(pool.bits, 0, map_pages * PAGE_SIZE);
	for (size_t i = 0; i < map_pages; i++)
		bit_set(i, true);
	pool.reserved = map_pages;
	pool.nfree = npages - map_pages;
	pool.hint = map_pages;
	return 0;
}

/* First run of @n free pages at or after the hint, or pool.npages. */
static size_t find_run(size_t n)
{
	size_t run = 0;

	for (size_t i = pool.hint; i < pool.npages; i++) {
		run = bit_get(i) ? 0 : run + 1;
		if (run == n)
			return i + 1 - n;
	}
	return pool.npages;
}

/*
 * Highest run of @n free pages whose address is a multiple of @align
 * bytes. Searching from the top keeps large aligned runs (app memory
 * cells) away from the small allocations that grow from the bottom.
 */
static size_t find_aligned_run(size_t n, uintptr_t align)
{
	uintptr_t lo = pool.base + (pool.reserved << PAGE_SHIFT);
	uintptr_t end = pool.base + (pool.npages << PAGE_SHIFT);
	uintptr_t a;

	if ((n << PAGE_SHIFT) > end - lo)
		return pool.npages;
	for (a = (end - (n << PAGE_SHIFT)) & ~(align - 1); a >= lo; a -= align) {
		size_t first = (a - pool.base) >> PAGE_SHIFT;

		if (run_is(first, n, false))
			return first;
		if (a < align)
			break;
	}
	return pool.npages;
}

static void *take_run(size_t first, size_t n, bool zero)
{
	void *p;

	run_set(first, n, true);
	pool.nfree -= n;
	if (first == pool.hint)
		pool.hint = first + n;
	p = (void *)(pool.base + (first << PAGE_SHIFT));
	if (zero)
		memset(p, 0, n * PAGE_SIZE);
	return p;
}

void *page_alloc_aligned(size_t n, size_t align)
{
	size_t first;

	if (n == 0 || n > pool.nfree || align < PAGE_SIZE || (align & (align - 1)))
		return NULL;
	first = find_aligned_run(n, align);
	return first == pool.npages ? NULL : take_run(first, n, false);
}

void *page_alloc_n(size_t n)
{
	size_t first;

	if (n == 0 || n > pool.nfree)
		return NULL;
	first = find_run(n);
	if (first == pool.npages)
		return NULL;
	return take_run(first, n, true);
}

void *page_alloc(void)
{
	return page_alloc_n(1);
}

int page_free_n(void *page, size_t n)
{
	uintptr_t a = (uintptr_t)page;
	size_t first;

	if (a & (PAGE_SIZE - 1) || a < pool.base || n == 0 ||
	    (a - pool.base) >> PAGE_SHIFT < pool.reserved ||
	    (a - pool.base) >> PAGE_SHIFT >= pool.npages ||
	    n > pool.npages - ((a - pool.base) >> PAGE_SHIFT)) {
		kprintf("page_free: %p (%zu pages) is not a page of the pool\n",
			page, n);
		return -NX_EINVAL;
	}
	first = (a - pool.base) >> PAGE_SHIFT;
	if (!run_is(first, n, true)) {
		size_t i = first;

		while (bit_get(i))
			i++;
		kprintf("page_free: double free of page 0x%lx\n",
			(unsigned long)(pool.base + (i << PAGE_SHIFT)));
		return -NX_EINVAL;
	}
	run_set(first, n, false);
	pool.nfree += n;
	if (first < pool.hint)
		pool.hint = first;
	return 0;
}

int page_free(void *page)
{
	return page_free_n(page, 1);
}

size_t page_count_total(void)
{
	return pool.npages;
}

size_t page_count_free(void)
{
	return pool.nfree;
}
