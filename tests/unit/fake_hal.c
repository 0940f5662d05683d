/*
 * A HAL for the scheduler's host tests: a clock the test sets, a timer
 * that only records its deadline, an interrupt mask that is a flag, and an
 * idle that plays the interrupt: it runs the test's one-shot hook if one
 * is set, else jumps the clock to the armed deadline and expires the
 * timer queue. Idling with neither is a deadlock and aborts the test.
 *
 * Also a page pool for the real page allocator, whose guard pages are
 * mprotect()ed, and kprintf/panic stubs. The stubs are weak, so a test
 * binary that links the real kprintf.c or panic.c gets those instead.
 *
 * Tests reach the fake_* names through fake_hal.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/hal.h"
#include "core/kprintf.h"
#include "core/panic.h"
#include "core/timerq.h"
#include "fake_hal.h"
#include "mm/page_alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define FAKE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAKE_ASAN 1
#endif
#endif

#ifdef FAKE_ASAN
#include <sanitizer/asan_interface.h>
#define FAKE_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define FAKE_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define FAKE_POOL_PAGES 512

uint64_t fake_now;
uint64_t fake_freq;
uint64_t fake_armed;
unsigned fake_arms, fake_disarms, fake_idles, fake_guards;
bool fake_masked;
void (*fake_idle_hook)(void);
char fake_log[4096];

static void *pool;

static void die(const char *why)
{
	fprintf(stderr, "fake_hal: %s\n", why);
	abort();
}

/*
 * Fresh state for one test. The pool is reused: pages that guarded or
 * held the stacks of a previous test's fibers are made ordinary again.
 */
void fake_reset(void)
{
	size_t size = FAKE_POOL_PAGES * PAGE_SIZE;

	if (!pool) {
		pool = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (pool == MAP_FAILED)
			die("no memory for the page pool");
	}
	if (mprotect(pool, size, PROT_READ | PROT_WRITE))
		die("mprotect of the pool failed");
	FAKE_UNPOISON(pool, size);
	if (page_pool_init((uintptr_t)pool, (uintptr_t)pool + size))
		die("page_pool_init failed");
	fake_now = 0;
	fake_freq = 1000000;		/* one tick is one microsecond */
	fake_armed = TIMERQ_NEVER;
	fake_arms = fake_disarms = fake_idles = fake_guards = 0;
	fake_masked = false;
	fake_idle_hook = NULL;
	fake_log[0] = '\0';
}

void hal_console_putc(char c)
{
	size_t n = strlen(fake_log);

	if (n + 1 < sizeof(fake_log)) {
		fake_log[n] = c;
		fake_log[n + 1] = '\0';
	}
}

uint64_t hal_time_now(void)
{
	return fake_now;
}

uint64_t hal_time_freq(void)
{
	return fake_freq;
}

void hal_timer_arm(uint64_t deadline)
{
	fake_armed = deadline;
	fake_arms++;
}

void hal_timer_disarm(void)
{
	fake_armed = TIMERQ_NEVER;
	fake_disarms++;
}

uint64_t hal_irq_save(void)
{
	bool was = fake_masked;

	fake_masked = true;
	return was;
}

void hal_irq_restore(uint64_t state)
{
	fake_masked = state != 0;
}

void hal_idle(void)
{
	void (*hook)(void) = fake_idle_hook;

	if (!fake_masked)
		die("hal_idle called with interrupts unmasked");
	fake_idles++;
	if (hook) {
		fake_idle_hook = NULL;
		hook();
		return;
	}
	if (fake_armed == TIMERQ_NEVER)
		die("idle with no timer armed and no interrupt to come: deadlock");
	if (fake_now < fake_armed)
		fake_now = fake_armed;
	timerq_expire(fake_now);
}

void hal_backtrace(void)
{
}

void hal_guard_page(void *page)
{
	if (mprotect(page, PAGE_SIZE, PROT_NONE))
		die("hal_guard_page: mprotect failed");
	fake_guards++;
}

void hal_unguard_page(void *page)
{
	if (mprotect(page, PAGE_SIZE, PROT_READ | PROT_WRITE))
		die("hal_unguard_page: mprotect failed");
	fake_guards--;
}

void hal_poweroff(void)
{
	exit(0);
}

void hal_reset(void)
{
	exit(0);
}

void hal_halt(void)
{
	abort();
}

__attribute__((weak)) void kvprintf(const char *fmt, va_list ap)
{
	size_t n = strlen(fake_log);

	vsnprintf(fake_log + n, sizeof(fake_log) - n, fmt, ap);
}

__attribute__((weak)) void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

__attribute__((weak)) void kputs(const char *s)
{
	while (*s)
		hal_console_putc(*s++);
}

__attribute__((weak)) void panic(const char *fmt, ...)
{
	va_list ap;

	fputs("panic: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
