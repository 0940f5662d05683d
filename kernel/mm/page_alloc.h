/*
 * Physical page allocator: one bit per 4 KiB page over a single contiguous
 * pool. The bitmap lives in the first pages of the pool itself.
 */
#ifndef PAGE_ALLOC_H
#define PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE	4096u
#define PAGE_SHIFT	12

/* Hand [base, end) to the allocator; returns 0 or -NX_EINVAL. */
int page_pool_init(uintptr_t base, uintptr_t end);

/* One zeroed page, or NULL when the pool is exhausted. */
void *page_alloc(void);
/* @n physically contiguous zeroed pages, or NULL. */
void *page_alloc_n(size_t n);
/*
 * @n contiguous pages starting at a multiple of @align bytes, NOT zeroed:
 * these are large (app memory cells), and their owner zeroes each page
 * before handing it out.
 */
void *page_alloc_aligned(size_t n, size_t align);

/*
 * Return pages. Freeing a page that is not allocated (double free), not
 * page-aligned or outside the pool is refused with -NX_EINVAL and a line on
 * the console naming the address; the pool is left unchanged.
 */
int page_free(void *page);
int page_free_n(void *page, size_t n);

size_t page_count_total(void);
size_t page_count_free(void);

#endif
