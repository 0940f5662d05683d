/* The page allocator on a pool carved from host memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "mm/page_alloc.h"
#include "stub_kprintf.h"

#define POOL_PAGES 64

static void *pool;

static int setup(void **state)
{
	(void)state;
	pool = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
	memset(pool, 0x5a, POOL_PAGES * PAGE_SIZE);
	return page_pool_init((uintptr_t)pool, (uintptr_t)pool + POOL_PAGES * PAGE_SIZE);
}

static int teardown(void **state)
{
	(void)state;
	free(pool);
	return 0;
}

static void test_counts(void **state)
{
	(void)state;
	assert_int_equal(page_count_total(), POOL_PAGES);
	/* 64 pages need one bitmap page. */
	assert_int_equal(page_count_free(), POOL_PAGES - 1);
}

static void test_alloc_is_zeroed_aligned_distinct(void **state)
{
	unsigned char *a = page_alloc(), *b = page_alloc();

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_int_equal((uintptr_t)a % PAGE_SIZE, 0);
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(a[i], 0);
	assert_int_equal(page_free(a), 0);
	assert_int_equal(page_free(b), 0);
}

static void test_exhaustion_then_recovery(void **state)
{
	void *pages[POOL_PAGES];
	size_t n = 0, before = page_count_free();

	(void)state;
	while ((pages[n] = page_alloc()) != NULL)
		n++;
	assert_int_equal(n, before);
	assert_int_equal(page_count_free(), 0);
	assert_null(page_alloc());
	assert_null(page_alloc_n(2));
	while (n)
		assert_int_equal(page_free(pages[--n]), 0);
	assert_int_equal(page_count_free(), before);
}

static void test_double_free_is_refused(void **state)
{
	void *p = page_alloc();
	size_t free_before;

	(void)state;
	assert_int_equal(page_free(p), 0);
	free_before = page_count_free();
	assert_int_equal(page_free(p), -NX_EINVAL);
	assert_non_null(strstr(kprintf_last, "double free"));
	assert_int_equal(page_count_free(), free_before);
}

static void test_bad_addresses_are_refused(void **state)
{
	char *p = page_alloc();
	int outside;

	(void)state;
	assert_int_equal(page_free(p + 8), -NX_EINVAL);
	assert_int_equal(page_free(&outside), -NX_EINVAL);
	assert_int_equal(page_free(pool), -NX_EINVAL);	/* the bitmap itself */
	assert_int_equal(page_free_n(p, POOL_PAGES), -NX_EINVAL);
	assert_int_equal(page_free(p), 0);
}

static void test_contiguous_runs(void **state)
{
	char *a = page_alloc(), *run, *b;

	(void)state;
	b = page_alloc();
	assert_int_equal(page_free(a), 0);
	/* The one-page hole before b is too small for three pages. */
	run = page_alloc_n(3);
	assert_non_null(run);
	assert_true(run > b);
	assert_int_equal(page_free_n(run + PAGE_SIZE, 2), 0);
	assert_int_equal(page_free_n(run, 2), -NX_EINVAL);	/* second page already free */
	assert_int_equal(page_free(run), 0);
	assert_ptr_equal(page_alloc(), a);			/* lowest free page first */
	assert_int_equal(page_free(a), 0);
	assert_int_equal(page_free(b), 0);
	assert_null(page_alloc_n(0));
}

/*
 * Aligned runs, as app cells use them: whole bitmap words at a time in
 * the middle, bit by bit at ragged ends. A pool of its own, big and
 * aligned enough to hold several.
 */
#define BIG_PAGES	1024
#define RUN		128				/* two bitmap words */
#define RUN_BYTES	((size_t)RUN * PAGE_SIZE)

static void test_aligned_runs(void **state)
{
	char *big = aligned_alloc(2u << 20, BIG_PAGES * PAGE_SIZE), *top, *a, *b, *c, *d;
	size_t free_before;

	(void)state;
	assert_int_equal(page_pool_init((uintptr_t)big, (uintptr_t)big + BIG_PAGES * PAGE_SIZE), 0);
	top = big + BIG_PAGES * PAGE_SIZE;
	a = page_alloc_aligned(RUN, RUN_BYTES);
	b = page_alloc_aligned(RUN, RUN_BYTES);
	assert_ptr_equal(a, top - RUN_BYTES);			/* from the top down */
	assert_ptr_equal(b, a - RUN_BYTES);
	/* Half of b free again: b's place no longer holds a run. */
	assert_int_equal(page_free_n(b + RUN_BYTES / 2, RUN / 2), 0);
	c = page_alloc_aligned(RUN, RUN_BYTES);
	assert_ptr_equal(c, b - RUN_BYTES);
	/* Freeing all of b finds the page that is free already. */
	free_before = page_count_free();
	assert_int_equal(page_free_n(b, RUN), -NX_EINVAL);
	assert_non_null(strstr(kprintf_last, "double free"));
	assert_int_equal(page_count_free(), free_before);
	assert_int_equal(page_free_n(b, RUN / 2), 0);
	assert_ptr_equal(page_alloc_aligned(RUN, RUN_BYTES), b);
	/* A run that starts and ends inside bitmap words. */
	d = page_alloc_aligned(100, 4 * PAGE_SIZE);
	assert_non_null(d);
	assert_true(d + 100 * PAGE_SIZE <= c && (uintptr_t)d % (4 * PAGE_SIZE) == 0);
	assert_int_equal(page_free_n(d, 100), 0);
	assert_int_equal(page_free_n(d + 40 * PAGE_SIZE, 1), -NX_EINVAL);
	for (char *p = c; p < top; p += RUN_BYTES)
		assert_int_equal(page_free_n(p, RUN), 0);
	assert_int_equal(page_count_free(), page_count_total() - 1);	/* all but the bitmap */
	free(big);
}

static void test_init_rejects_tiny_pool(void **state)
{
	(void)state;
	assert_int_equal(page_pool_init((uintptr_t)pool, (uintptr_t)pool), -NX_EINVAL);
	assert_int_equal(page_pool_init((uintptr_t)pool, (uintptr_t)pool + PAGE_SIZE),
			 -NX_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_is_zeroed_aligned_distinct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion_then_recovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double_free_is_refused, setup, teardown),
		cmocka_unit_test(test_aligned_runs),
		cmocka_unit_test_setup_teardown(test_bad_addresses_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contiguous_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_rejects_tiny_pool, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
