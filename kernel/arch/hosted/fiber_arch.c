/*
 * Fiber hooks for the hosted build. The switch itself is switch.S; this
 * file tells AddressSanitizer about every change of stack (its fiber API,
 * sanitizer/common_interface_defs.h), which it would otherwise take for
 * stack corruption. Without ASan the hooks are the bare switch.
 */
#include <stddef.h>

#include "core/fiber.h"
#include "mm/page_alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif

#ifdef FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

static struct {
	const void *boot_bottom;	/* the process's own stack, learnt */
	size_t boot_size;		/* on the first switch away from it */
	struct fiber *from;		/* the fiber the last switch left */
} asan;

static void bounds(const struct fiber *f, const void **bottom, size_t *size)
{
	if (!f->stack) {
		*bottom = asan.boot_bottom;
		*size = asan.boot_size;
		return;
	}
	*bottom = (const char *)f->stack + PAGE_SIZE;
	*size = (f->stack_pages - 1) * PAGE_SIZE;
}

static void arrived(void *fake_stack)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
	if (asan.from && !asan.from->stack) {
		asan.boot_bottom = bottom;
		asan.boot_size = size;
	}
}

/*
 * An exited fiber never comes back, and its stack is freed next: its
 * frames' poison must not outlive it, or the page's next owner trips on it.
 */
void fiber_arch_switch(struct fiber *from, struct fiber *to)
{
	void *fake_stack = NULL;
	const void *bottom;
	size_t size;

	bounds(to, &bottom, &size);
	asan.from = from;
	if (from->state == FIBER_EXITED && from->stack) {
		ASAN_UNPOISON_MEMORY_REGION((char *)from->stack + PAGE_SIZE,
					    (from->stack_pages - 1) * PAGE_SIZE);
		__sanitizer_start_switch_fiber(NULL, bottom, size);
	} else {
		__sanitizer_start_switch_fiber(&fake_stack, bottom, size);
	}
	fiber_arch_swap(&from->sp, to->sp);
	arrived(fake_stack);
}

void fiber_arch_enter(void)
{
	arrived(NULL);
}

#else

void fiber_arch_switch(struct fiber *from, struct fiber *to)
{
	fiber_arch_swap(&from->sp, to->sp);
}

void fiber_arch_enter(void)
{
}

#endif
