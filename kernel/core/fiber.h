/*
 * Fibers: the kernel's threads of control. Each has its own stack from
 * the page allocator with a guard page below it, and runs until it
 * yields, waits or exits: kernel fibers are cooperative.
 *
 * The per-arch context is nothing but the saved stack pointer: the switch
 * pushes the callee-saved registers on the outgoing stack, stores sp,
 * loads the other sp and pops. Hooks named fiber_arch_* live in
 * kernel/arch/<arch>/switch.S and fiber_arch.c.
 */
#ifndef FIBER_H
#define FIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nexus/errno.h>

#include "core/event.h"
#include "core/sched.h"
#include "core/timerq.h"

#define FIBER_NAME_MAX		16
#define FIBER_STACK_PAGES	4	/* 16 KiB, plus the guard page */

#define FIBER_DETACHED		0x1u	/* freed at exit; cannot be joined */
#define FIBER_UNMETERED		0x2u	/* never runs dry: boot, idle, ... */
#define FIBER_STATIC		0x4u	/* not from the page allocator */
#define FIBER_PREEMPTIBLE	0x8u	/* an app: preempted when its energy runs out */
#define FIBER_SUPERVISED	0x10u	/* a driver: a fault stops it, Blink restarts it */

/* The exit code of a fiber that was killed. */
#define FIBER_EXIT_KILLED	(-NX_EPERM)

enum fiber_state {
	FIBER_READY,		/* in a run queue (the idle fiber: not) */
	FIBER_RUNNING,
	FIBER_BLOCKED,		/* on an event and/or the timer queue */
	FIBER_SUSPENDED,	/* dry; on the timer queue until its refill */
	FIBER_EXITED,		/* waiting to be joined or reaped */
};

typedef void fiber_entry_fn(void *arg);

struct fiber_params {
	const char *name;	/* copied, truncated to FIBER_NAME_MAX - 1 */
	fiber_entry_fn *entry;
	void *arg;
	enum sched_spectrum spectrum;
	size_t stack_pages;	/* 0: FIBER_STACK_PAGES */
	unsigned flags;		/* FIBER_DETACHED, FIBER_UNMETERED */
};

/*
 * One CPU: fields that interrupt handlers touch (state, next, waiting_on,
 * timer, wake) change only with interrupts masked. The struct lives at
 * the top of the fiber's own stack pages.
 */
struct fiber {
	void *sp;			/* while switched out; the arch context */
	uint32_t id;
	unsigned flags;
	char name[FIBER_NAME_MAX];
	enum fiber_state state;
	enum sched_spectrum spectrum;
	fiber_entry_fn *entry;
	void *arg;
	void *stack;			/* guard page first; NULL if static */
	size_t stack_pages;		/* guard page included */
	struct fiber *next;		/* run queue or event wait list */
	struct fiber *all;		/* the fiber table, in id order */
	struct event *waiting_on;
	struct timerq_entry timer;	/* sleep, wait deadline or refill */
	enum sched_wake wake;		/* why it last left FIBER_BLOCKED */
	bool killed;			/* exits at its next scheduling point */
	int exit_code;
	struct event exited;		/* signalled once, for the joiner */
	uint64_t switched_in;		/* time of the last switch-in */
	uint64_t cpu_ticks;		/* total time run */
	uint64_t switches;		/* times switched in */
	int64_t energy;			/* balance as of energy_period */
	int64_t budget;			/* per window; 0: the spectrum's */
	uint64_t energy_period;		/* window number of the last refill */
	unsigned strikes;
	uint64_t struck_at;		/* time of the last strike */
	struct hal_space *space;	/* EL0 view; NULL: kernel tables */
	struct app *app;		/* the app this fiber runs, if any */
	/* Called as the fiber exits, on its own stack, interrupts masked. */
	void (*on_exit)(struct fiber *f, int code);
};

/* What the shell's ps shows; a copy, taken with interrupts masked. */
struct app;
struct hal_space;

struct fiber_info {
	uint32_t id;
	char name[FIBER_NAME_MAX];
	enum sched_spectrum spectrum;
	enum fiber_state state;
	int64_t energy;
	uint64_t cpu_ticks;
	uint64_t switches;
	unsigned strikes;
};

/*
 * A new ready fiber. Kernel callers may pick any spectrum but Void; apps
 * will reach this through spawn, which checks its own rights. Returns 0
 * (and the fiber in *@out unless NULL), -NX_EINVAL or -NX_ENOMEM.
 */
int fiber_create(const struct fiber_params *p, struct fiber **out);
__attribute__((noreturn)) void fiber_exit(int code);
/*
 * Wait for @f to exit, store its code and free it. One joiner per
 * fiber. -NX_EINVAL for oneself, a detached fiber or NULL.
 */
int fiber_join(struct fiber *f, int *code);
/* @f exits with FIBER_EXIT_KILLED at its next scheduling point. */
int fiber_kill(struct fiber *f);
struct fiber *fiber_self(void);
/* The live fiber with id @id, or NULL; valid until the caller next yields. */
struct fiber *fiber_find(uint32_t id);
void fiber_sleep_ms(uint64_t ms);
/* Fills up to @max entries in id order; returns the number of fibers. */
size_t fiber_snapshot(struct fiber_info *out, size_t max);
const char *fiber_state_name(enum fiber_state s);

/* For sched.c. */
void fiber_boot_init(void);
struct fiber *fiber_alloc(const struct fiber_params *p);
void fiber_switch(struct fiber *from, struct fiber *to, uint64_t irq);
__attribute__((noreturn)) void fiber_exit_masked(int code, uint64_t irq);
/* Reached through fiber_arch_entry on a fiber's first switch-in. */
__attribute__((noreturn)) void fiber_trampoline(void);

/* Per arch. */
void *fiber_arch_init_stack(void *top);
void fiber_arch_swap(void **save_sp, void *load_sp);
void fiber_arch_switch(struct fiber *from, struct fiber *to);
void fiber_arch_enter(void);

#endif
