/*
 * The harmonic scheduler: the policy that picks the next fiber, and the
 * scheduling points where the running fiber hands over the CPU.
 *
 * Spectra run in strict order, Photon, Matter, Gravity, then Void (the
 * idle fiber), and round-robin (FIFO) inside each. Strict order alone
 * would let a busy spectrum starve the ones below it forever, so:
 *
 *   The window rule. A ready spectrum below the highest ready one is
 *   *due* once it has waited for the window of the spectrum directly
 *   above it: Matter after Photon's 2 ms, Gravity after Matter's 10 ms.
 *   It has waited since it last gave up the CPU or, if it had nothing
 *   ready, since a fiber of it last became ready. The pick is the highest
 *   due spectrum if any, else the highest ready one.
 *
 * Fibers are cooperative, so a due spectrum runs at the next scheduling
 * point: Matter waits at most 2 ms plus the run in progress; Gravity at
 * most 10 ms plus that run and one due Matter turn. Gravity's own window
 * (50 ms) bounds nothing, as Void only idles; all three windows are also
 * the energy refill periods (energy.c).
 *
 * Single CPU: the run queue is changed only with interrupts masked,
 * since interrupt handlers make fibers ready (sched_wake()).
 */
#include <stddef.h>

#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/energy.h"
#include "core/event.h"
#include "core/fiber.h"
#include "core/panic.h"
#include "core/sched.h"

static const uint32_t window_ms[SCHED_NSPECTRA] = { 2, 10, 50, 0 };
static const char *const spectrum_names[SCHED_NSPECTRA] = {
	"photon", "matter", "gravity", "void",
};

static struct {
	struct sched_rq rq;
	struct fiber *idle;	/* alone in Void, never in the run queue */
	struct timerq_entry budget;	/* the running app's budget deadline */
	bool preempt;		/* it passed: preempt at the next return to EL0 */
} cpu;

void sched_rq_init(struct sched_rq *rq, uint64_t freq)
{
	for (unsigned s = 0; s < SCHED_VOID; s++) {
		rq->head[s] = rq->tail[s] = NULL;
		rq->since[s] = 0;
		rq->window[s] = (uint64_t)window_ms[s] * freq / 1000;
	}
}

void sched_rq_push(struct sched_rq *rq, struct fiber *f, uint64_t now)
{
	enum sched_spectrum s = f->spectrum;

	f->next = NULL;
	if (rq->tail[s]) {
		rq->tail[s]->next = f;
	} else {
		rq->head[s] = f;
		rq->since[s] = now;
	}
	rq->tail[s] = f;
}

void sched_rq_remove(struct sched_rq *rq, struct fiber *f)
{
	enum sched_spectrum s = f->spectrum;
	struct fiber **pp = &rq->head[s], *prev = NULL;

	for (; *pp != f; prev = *pp, pp = &(*pp)->next)
		if (!*pp)
			panic("sched_rq_remove: fiber %u is not queued", f->id);
	*pp = f->next;
	if (rq->tail[s] == f)
		rq->tail[s] = prev;
	f->next = NULL;
}

void sched_rq_served(struct sched_rq *rq, enum sched_spectrum s, uint64_t now)
{
	if (s < SCHED_VOID)
		rq->since[s] = now;
}

bool sched_rq_empty(const struct sched_rq *rq)
{
	for (unsigned s = 0; s < SCHED_VOID; s++)
		if (rq->head[s])
			return false;
	return true;
}

struct fiber *sched_pick(const struct sched_rq *rq, uint64_t now)
{
	struct fiber *top = NULL;

	for (unsigned s = 0; s < SCHED_VOID; s++) {
		struct fiber *f = rq->head[s];

		if (!f)
			continue;
		if (!top)
			top = f;
		else if (now >= rq->since[s] &&
			 now - rq->since[s] >= rq->window[s - 1])
			return f;
	}
	return top;
}

uint64_t sched_window_ticks(enum sched_spectrum s)
{
	if ((unsigned)s >= SCHED_NSPECTRA)
		return 0;
	return (uint64_t)window_ms[s] * hal_time_freq() / 1000;
}

const char *sched_spectrum_name(enum sched_spectrum s)
{
	return (unsigned)s < SCHED_NSPECTRA ? spectrum_names[s] : "?";
}

/* A dry fiber waits on the timer queue for its refill instead. */
static void make_ready(struct fiber *f, uint64_t now)
{
	if (!f->killed && energy_dry(f, now)) {
		f->state = FIBER_SUSPENDED;
		timerq_add(&f->timer, energy_refill_at(f, now));
		return;
	}
	f->state = FIBER_READY;
	sched_rq_push(&cpu.rq, f, now);
}

void sched_admit(struct fiber *f)
{
	uint64_t irq = hal_irq_save();

	make_ready(f, hal_time_now());
	hal_irq_restore(irq);
}

/* Whoever wakes a fiber first takes it off every queue it waits on. */
bool sched_wake(struct fiber *f, enum sched_wake why)
{
	uint64_t irq = hal_irq_save();
	bool woke = f->state == FIBER_BLOCKED ||
		    (f->state == FIBER_SUSPENDED && why == SCHED_WAKE_KILL);

	if (woke) {
		timerq_cancel(&f->timer);
		event_unlink(f);
		f->wake = why;
		make_ready(f, hal_time_now());
	}
	hal_irq_restore(irq);
	return woke;
}

void sched_timer_fire(struct timerq_entry *t, uint64_t now)
{
	struct fiber *f = (struct fiber *)((char *)t -
					   offsetof(struct fiber, timer));

	if (f->state == FIBER_SUSPENDED)
		make_ready(f, now);
	else
		sched_wake(f, SCHED_WAKE_TIMEOUT);
}

static void budget_fire(struct timerq_entry *t, uint64_t now)
{
	(void)t;
	(void)now;
	cpu.preempt = true;
}

/*
 * Apps are the only fibers that can be preempted, and only when their
 * energy runs out: the one timer this arms is the moment the balance
 * reaches zero, so an app that blocks in time costs no interrupt.
 */
static void arm_budget(struct fiber *next, uint64_t now)
{
	int64_t balance;

	cpu.preempt = false;
	if (!(next->flags & FIBER_PREEMPTIBLE)) {
		if (cpu.budget.queued)
			timerq_cancel(&cpu.budget);
		return;
	}
	balance = energy_balance(next, now);
	if (balance <= 0)
		cpu.preempt = true;
	else
		timerq_add(&cpu.budget, now + (uint64_t)balance * hal_time_freq() /
			   (1000000000u / NX_ENERGY_UNIT_NS));
}

bool sched_preempt_due(void)
{
	return cpu.preempt;
}

void sched_switch(uint64_t irq)
{
	struct fiber *self = fiber_self(), *next;
	uint64_t now = hal_time_now();

	if (self == cpu.idle && self->state != FIBER_RUNNING)
		panic("sched_switch: the idle fiber cannot wait");
	sched_rq_served(&cpu.rq, self->spectrum, now);
	energy_charge_cpu(self, now > self->switched_in ?
			  now - self->switched_in : 0, now);
	if (self->state == FIBER_RUNNING && self != cpu.idle)
		make_ready(self, now);
	else if (self->state == FIBER_BLOCKED && self->killed)
		sched_wake(self, SCHED_WAKE_KILL);

	next = sched_pick(&cpu.rq, now);
	if (next)
		sched_rq_remove(&cpu.rq, next);
	else
		next = cpu.idle;
	if (self == cpu.idle && next != self)
		self->state = FIBER_READY;
	next->state = FIBER_RUNNING;
	next->switched_in = now;
	arm_budget(next, now);
	if (next != self) {
		next->switches++;
		fiber_switch(self, next, irq);
	}
	if (self->killed)
		fiber_exit_masked(FIBER_EXIT_KILLED, irq);
}

void sched_yield(void)
{
	uint64_t irq = hal_irq_save();

	sched_switch(irq);
	hal_irq_restore(irq);
}

void sched_sleep_until(uint64_t deadline)
{
	uint64_t irq = hal_irq_save();
	struct fiber *self = fiber_self();

	if (deadline > hal_time_now()) {
		self->state = FIBER_BLOCKED;
		timerq_add(&self->timer, deadline);
		sched_switch(irq);
	}
	hal_irq_restore(irq);
}

int sched_set_spectrum(struct fiber *f, enum sched_spectrum s)
{
	uint64_t irq, now;
	bool queued;

	if ((unsigned)s >= SCHED_VOID || f->spectrum == SCHED_VOID ||
	    f->state == FIBER_EXITED)
		return -NX_EINVAL;
	irq = hal_irq_save();
	now = hal_time_now();
	queued = f->state == FIBER_READY;
	if (queued)
		sched_rq_remove(&cpu.rq, f);
	energy_rebase(f, s, now);
	f->spectrum = s;
	if (queued)
		sched_rq_push(&cpu.rq, f, now);
	hal_irq_restore(irq);
	return 0;
}

int sched_lower_spectrum(enum sched_spectrum s)
{
	struct fiber *self = fiber_self();

	if ((unsigned)s >= SCHED_VOID)
		return -NX_EINVAL;
	if (s < self->spectrum)
		return -NX_EPERM;
	return sched_set_spectrum(self, s);
}

/*
 * Void. Checking with interrupts masked and idling masked is what makes
 * this race-free: an interrupt that readies a fiber after the check stays
 * pending, and hal_idle() returns at once.
 */
static void idle_main(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t irq = hal_irq_save();

		while (sched_rq_empty(&cpu.rq))
			hal_idle();
		sched_switch(irq);
		hal_irq_restore(irq);
	}
}

void sched_init(void)
{
	static const struct fiber_params idle = {
		.name = "idle",
		.entry = idle_main,
		.spectrum = SCHED_VOID,
		.flags = FIBER_DETACHED | FIBER_UNMETERED,
	};

	timerq_init();
	sched_rq_init(&cpu.rq, hal_time_freq());
	cpu.budget.fire = budget_fire;
	fiber_boot_init();
	cpu.idle = fiber_alloc(&idle);
	if (!cpu.idle)
		panic("sched_init: no memory for the idle fiber");
	cpu.idle->state = FIBER_READY;
}
