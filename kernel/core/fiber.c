/*
 * Fiber objects: creation, exit, join, kill, the fiber table, and the
 * switch between two fibers. Each fiber is one page_alloc_n() run:
 *
 *   base: guard page | stack, growing down ...        | struct fiber :top
 *
 * so running off the stack faults on the guard page, and a fiber needs no
 * other allocation. A fiber cannot free the stack it runs on: a joinable
 * one is freed by its joiner, a detached one by whichever fiber runs
 * right after its last switch (reap()).
 */
#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/energy.h"
#include "core/fiber.h"
#include "core/panic.h"
#include "mm/page_alloc.h"

static struct fiber boot_fiber;	/* the context kmain runs on */

static struct {
	struct fiber *current;
	struct fiber *prev;	/* the last switch left it; reap() looks */
	struct fiber *all;	/* every fiber not yet freed, by id */
	uint32_t next_id;
	uint64_t start_irq;	/* mask state a new fiber starts with */
} fb;

static const char *const state_names[] = {
	"ready", "running", "blocked", "suspended", "exited",
};

static void setup(struct fiber *f, const struct fiber_params *p)
{
	struct fiber **pp;
	const char *name = p->name ? p->name : "fiber";
	size_t i;

	for (i = 0; i < FIBER_NAME_MAX - 1 && name[i]; i++)
		f->name[i] = name[i];
	f->name[i] = '\0';
	f->id = fb.next_id++;
	f->flags = p->flags;
	f->spectrum = p->spectrum;
	f->entry = p->entry;
	f->arg = p->arg;
	f->timer.fire = sched_timer_fire;
	energy_reset(f, hal_time_now());
	for (pp = &fb.all; *pp; pp = &(*pp)->all)
		;
	*pp = f;
}

void fiber_boot_init(void)
{
	static const struct fiber_params boot = {
		.name = "boot",
		.spectrum = SCHED_MATTER,
		.flags = FIBER_STATIC | FIBER_DETACHED | FIBER_UNMETERED,
	};

	boot_fiber = (struct fiber){ 0 };
	fb.current = &boot_fiber;
	fb.prev = NULL;
	fb.all = NULL;
	fb.next_id = 0;
	setup(&boot_fiber, &boot);
	boot_fiber.state = FIBER_RUNNING;
	boot_fiber.switched_in = hal_time_now();
}

struct fiber *fiber_alloc(const struct fiber_params *p)
{
	size_t pages = (p->stack_pages ? p->stack_pages : FIBER_STACK_PAGES) + 1;
	char *base = page_alloc_n(pages);
	uintptr_t top;
	struct fiber *f;

	if (!base)
		return NULL;
	hal_guard_page(base);
	top = ((uintptr_t)base + pages * PAGE_SIZE - sizeof(*f)) & ~(uintptr_t)15;
	f = (struct fiber *)top;	/* zeroed by page_alloc_n() */
	f->stack = base;
	f->stack_pages = pages;
	f->sp = fiber_arch_init_stack(f);
	setup(f, p);
	return f;
}

int fiber_create(const struct fiber_params *p, struct fiber **out)
{
	struct fiber *f;

	if (!p || !p->entry || (unsigned)p->spectrum >= SCHED_VOID ||
	    p->flags & FIBER_STATIC)
		return -NX_EINVAL;
	f = fiber_alloc(p);
	if (!f)
		return -NX_ENOMEM;
	sched_admit(f);
	if (out)
		*out = f;
	return 0;
}

static void fiber_free(struct fiber *f)
{
	struct fiber **pp;

	for (pp = &fb.all; *pp != f; pp = &(*pp)->all)
		if (!*pp)
			panic("fiber_free: fiber %u is not in the table", f->id);
	*pp = f->all;
	if (f->flags & FIBER_STATIC)
		return;
	hal_unguard_page(f->stack);
	if (page_free_n(f->stack, f->stack_pages))
		panic("fiber_free: the stack of fiber %u", f->id);
}

static void reap(void)
{
	struct fiber *p = fb.prev;

	fb.prev = NULL;
	if (p && p->state == FIBER_EXITED && p->flags & FIBER_DETACHED)
		fiber_free(p);
}

void fiber_switch(struct fiber *from, struct fiber *to, uint64_t irq)
{
	fb.prev = from;
	fb.current = to;
	fb.start_irq = irq;
	fiber_arch_switch(from, to);
	reap();
}

void fiber_trampoline(void)
{
	struct fiber *self = fb.current;

	fiber_arch_enter();
	reap();
	hal_irq_restore(fb.start_irq);
	if (!self->killed)
		self->entry(self->arg);
	fiber_exit(self->killed ? FIBER_EXIT_KILLED : 0);
}

void fiber_exit_masked(int code, uint64_t irq)
{
	struct fiber *self = fb.current;

	if (self->spectrum == SCHED_VOID)
		panic("fiber_exit: the idle fiber cannot exit");
	self->exit_code = code;
	if (self->on_exit)
		self->on_exit(self, code);
	self->state = FIBER_EXITED;
	event_signal(&self->exited);
	sched_switch(irq);
	panic("fiber_exit: fiber %u ran after its exit", self->id);
}

void fiber_exit(int code)
{
	fiber_exit_masked(code, hal_irq_save());
}

int fiber_join(struct fiber *f, int *code)
{
	if (!f || f == fb.current || f->flags & FIBER_DETACHED)
		return -NX_EINVAL;
	event_wait(&f->exited, EVENT_FOREVER);
	if (f->state != FIBER_EXITED)
		panic("fiber_join: fiber %u signalled exit without exiting",
		      f->id);
	if (code)
		*code = f->exit_code;
	fiber_free(f);
	return 0;
}

int fiber_kill(struct fiber *f)
{
	uint64_t irq;

	if (!f || f->spectrum == SCHED_VOID || f->state == FIBER_EXITED)
		return -NX_EINVAL;
	irq = hal_irq_save();
	f->killed = true;
	sched_wake(f, SCHED_WAKE_KILL);
	hal_irq_restore(irq);
	return 0;
}

struct fiber *fiber_self(void)
{
	return fb.current;
}

struct fiber *fiber_find(uint32_t id)
{
	for (struct fiber *f = fb.all; f; f = f->all)
		if (f->id == id && f->state != FIBER_EXITED)
			return f;
	return NULL;
}

void fiber_sleep_ms(uint64_t ms)
{
	sched_sleep_until(timerq_deadline_ms(ms));
}

size_t fiber_snapshot(struct fiber_info *out, size_t max)
{
	uint64_t irq = hal_irq_save(), now = hal_time_now();
	size_t n = 0;

	for (struct fiber *f = fb.all; f; f = f->all, n++) {
		struct fiber_info *i;

		if (n >= max)
			continue;
		i = &out[n];
		*i = (struct fiber_info){
			.id = f->id, .spectrum = f->spectrum, .state = f->state,
			.energy = energy_balance(f, now),
			.cpu_ticks = f->cpu_ticks, .switches = f->switches,
			.strikes = f->strikes,
		};
		for (size_t c = 0; c < FIBER_NAME_MAX; c++)
			i->name[c] = f->name[c];
	}
	hal_irq_restore(irq);
	return n;
}

const char *fiber_state_name(enum fiber_state s)
{
	return (unsigned)s <= FIBER_EXITED ? state_names[s] : "?";
}
