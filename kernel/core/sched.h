/*
 * The harmonic scheduler: four spectra in strict order, round-robin inside
 * each, with per-spectrum windows that keep a busy spectrum from starving
 * the ones below it (the rule is stated in sched.c and docs/scheduler.md).
 *
 * The policy is split from the mechanism so that host tests can drive it
 * with a fake clock: struct sched_rq and sched_pick() know nothing of
 * stacks, interrupts or the hardware clock.
 */
#ifndef SCHED_H
#define SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct fiber;
struct timerq_entry;

/* Strict order: a lower value always runs first, windows permitting. */
enum sched_spectrum {
	SCHED_PHOTON,		/* interrupt and driver work, 2 ms window */
	SCHED_MATTER,		/* interactive, 10 ms window */
	SCHED_GRAVITY,		/* background, 50 ms window */
	SCHED_VOID,		/* the idle fiber alone */
	SCHED_NSPECTRA
};

/* Why a blocked fiber became runnable again. */
enum sched_wake {
	SCHED_WAKE_SIGNAL,	/* its event was signalled */
	SCHED_WAKE_TIMEOUT,	/* its deadline passed */
	SCHED_WAKE_KILL,	/* it was killed and must run to exit */
};

/*
 * Ready fibers, one FIFO per spectrum above Void, linked through
 * fiber.next. since[s] is when spectrum s last had the CPU, or when it
 * last became non-empty, whichever is later: how long it has waited.
 */
struct sched_rq {
	struct fiber *head[SCHED_VOID];
	struct fiber *tail[SCHED_VOID];
	uint64_t since[SCHED_VOID];
	uint64_t window[SCHED_VOID];	/* in clock ticks */
};

/* Policy: pure functions of a run queue and a time. */
void sched_rq_init(struct sched_rq *rq, uint64_t freq);
void sched_rq_push(struct sched_rq *rq, struct fiber *f, uint64_t now);
void sched_rq_remove(struct sched_rq *rq, struct fiber *f);
/* Spectrum @s held the CPU until @now. */
void sched_rq_served(struct sched_rq *rq, enum sched_spectrum s, uint64_t now);
bool sched_rq_empty(const struct sched_rq *rq);
/* The fiber to run next, or NULL for the idle fiber. Changes nothing. */
struct fiber *sched_pick(const struct sched_rq *rq, uint64_t now);

uint64_t sched_window_ticks(enum sched_spectrum s);
const char *sched_spectrum_name(enum sched_spectrum s);

/*
 * Mechanism, on the one CPU. sched_init() turns the running context into
 * the boot fiber (Matter, unmetered) and creates the idle fiber; it needs
 * the page allocator and leaves interrupts alone.
 */
void sched_init(void);
void sched_yield(void);
/* Block the current fiber until @deadline (absolute ticks), if still ahead. */
void sched_sleep_until(uint64_t deadline);
/*
 * Any context, interrupt handlers included; never switches. Makes a
 * blocked fiber runnable (a suspended one too, for SCHED_WAKE_KILL) after
 * taking it off its event and the timer queue. False if it was not blocked.
 */
bool sched_wake(struct fiber *f, enum sched_wake why);
/* Only downwards, for the calling fiber: -NX_EPERM to raise, -NX_EINVAL. */
int sched_lower_spectrum(enum sched_spectrum s);
/* Privileged: may raise. The capability check belongs to the caller. */
int sched_set_spectrum(struct fiber *f, enum sched_spectrum s);

/* For fiber.c and event.c. */
void sched_admit(struct fiber *f);
/*
 * The scheduling point. Interrupts are masked and @irq is the mask state
 * from before; the caller has already set its own state (RUNNING to stay
 * ready, BLOCKED, EXITED). Returns when the caller runs again.
 */
void sched_switch(uint64_t irq);
/* The running app spent its budget: preempt it before it returns to EL0. */
bool sched_preempt_due(void);
void sched_timer_fire(struct timerq_entry *t, uint64_t now);

#endif
