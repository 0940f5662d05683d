#include <string.h>

#include <nexus/ion.h>
#include <parse.h>

#include "arch/hal.h"
#include "core/demo.h"
#include "core/energy.h"
#include "core/fiber.h"
#include "core/kprintf.h"
#include "core/sched.h"
#include "core/timerq.h"
#include "ion/link.h"
#include "mm/page_alloc.h"

/* Busy work between yields: long enough to show up in ps, short enough
 * that the shell answers at once (kernel fibers are cooperative). */
#define HOG_SPIN_TICKS(freq)	((freq) / 2000)		/* 0.5 ms */

static void spin_until(uint64_t t)
{
	while (hal_time_now() < t)
		;
}

static void hog_main(void *arg)
{
	(void)arg;
	for (;;) {
		spin_until(hal_time_now() + HOG_SPIN_TICKS(hal_time_freq()));
		sched_yield();
	}
}

/* Spends SPAWN-priced energy until the economy suspends and strikes it. */
static void spender_main(void *arg)
{
	(void)arg;
	for (;;) {
		energy_spend(NX_ENERGY_SPAWN);
		sched_yield();
	}
}

static void sleeper_main(void *arg)
{
	(void)arg;
	for (;;)
		fiber_sleep_ms(1000);
}

/* Blocked for good: a fiber that waits must cost no timer interrupts. */
static void waiter_main(void *arg)
{
	struct event never = { 0 };

	(void)arg;
	event_wait(&never, EVENT_FOREVER);
}

static const struct demo {
	const char *name;
	enum sched_spectrum spectrum;
	fiber_entry_fn *entry;
	const char *what;
} demos[] = {
	{ "hog", SCHED_GRAVITY, hog_main, "background CPU hog, yields every 0.5 ms" },
	{ "spin", SCHED_MATTER, hog_main, "interactive-class CPU hog" },
	{ "spender", SCHED_MATTER, spender_main, "burns energy on verbs until struck" },
	{ "sleeper", SCHED_PHOTON, sleeper_main, "wakes once a second" },
	{ "waiter", SCHED_MATTER, waiter_main, "waits on an event nobody signals" },
	{ NULL, 0, NULL, NULL },
};

void demo_cmd_spawn(int argc, char **argv)
{
	for (const struct demo *d = demos; argc == 2 && d->name; d++) {
		struct fiber_params p = {
			.name = d->name, .entry = d->entry,
			.spectrum = d->spectrum, .flags = FIBER_DETACHED,
		};
		struct fiber *f;
		int err;

		if (strcmp(argv[1], d->name))
			continue;
		err = fiber_create(&p, &f);
		if (err)
			kprintf("spawn-demo: cannot create %s: error %d\n", d->name, err);
		else
			kprintf("spawned fiber %u (%s, %s)\n", f->id, d->name,
				sched_spectrum_name(d->spectrum));
		return;
	}
	kprintf("usage: spawn-demo KIND, where KIND is one of:\n");
	for (const struct demo *d = demos; d->name; d++)
		kprintf("  %-8s %-7s %s\n", d->name,
			sched_spectrum_name(d->spectrum), d->what);
}

/*
 * Photon before Matter: a Photon fiber sleeps to a deadline while a
 * Matter fiber yields in a loop, counting the turns it gets while the
 * Photon fiber is already ready. The timer interrupt makes it ready, so
 * at the very next scheduling point it must run: at most the one turn
 * during which the interrupt arrived may go to Matter.
 */
static struct {
	struct fiber *photon;
	volatile int asleep;
	volatile uint64_t late_turns;	/* Matter turns while Photon was ready */
	uint64_t deadline, woke;
	volatile int done;
} probe;

static void matter_busy(void *arg)
{
	(void)arg;
	while (!probe.done) {
		if (probe.asleep && probe.photon->state == FIBER_READY)
			probe.late_turns++;
		sched_yield();
	}
}

static void photon_waiter(void *arg)
{
	(void)arg;
	probe.photon = fiber_self();
	probe.asleep = 1;
	sched_sleep_until(probe.deadline);
	probe.woke = hal_time_now();
	probe.done = 1;
}

static int run_pair(fiber_entry_fn *a, enum sched_spectrum sa,
		    fiber_entry_fn *b, enum sched_spectrum sb, void *arg)
{
	struct fiber_params pa = { .name = "test-a", .entry = a, .arg = arg, .spectrum = sa };
	struct fiber_params pb = { .name = "test-b", .entry = b, .arg = arg, .spectrum = sb };
	struct fiber *fa, *fb;
	int code;

	if (fiber_create(&pa, &fa))
		return -1;
	if (fiber_create(&pb, &fb)) {
		fiber_kill(fa);
		fiber_join(fa, &code);
		return -1;
	}
	fiber_join(fa, &code);
	fiber_join(fb, &code);
	return 0;
}

void demo_cmd_sched_test(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "photon")) {
		kprintf("usage: sched-test photon\n");
		return;
	}
	memset((void *)&probe, 0, sizeof(probe));
	probe.deadline = timerq_deadline_ms(20);
	if (run_pair(photon_waiter, SCHED_PHOTON, matter_busy, SCHED_MATTER, NULL)) {
		kprintf("sched-test: out of memory\n");
		return;
	}
	kprintf("sched-test photon: woke %lu ticks after its deadline; matter "
		"ran %lu turns while photon was ready: %s\n",
		(unsigned long)(probe.woke - probe.deadline),
		(unsigned long)probe.late_turns,
		probe.late_turns <= 1 ? "PASS" : "FAIL");
}

/*
 * Ping-pong over two rings: the pinger sends sequence numbers, the ponger
 * echoes each back, and the pinger checks that every reply is the next
 * number. Both block on their rings' doorbells.
 */
struct pingpong {
	struct ion_link ping, pong;
	uint64_t count, errors;
};

static void pinger(void *arg)
{
	struct pingpong *pp = arg;
	struct nx_ion_packet out = { 0 }, in;
	uint64_t sent = 0, got = 0;

	/* Keep up to half a ring in flight, so both sides batch. */
	while (got < pp->count) {
		while (sent < pp->count && sent - got < 32) {
			out.data = sent++;
			ion_link_send(&pp->ping, &out);
		}
		ion_link_recv(&pp->pong, &in);
		if (in.data != got++)
			pp->errors++;
	}
}

static void ponger(void *arg)
{
	struct pingpong *pp = arg;
	struct nx_ion_packet p;

	for (uint64_t i = 0; i < pp->count; i++) {
		ion_link_recv(&pp->ping, &p);
		ion_link_send(&pp->pong, &p);
	}
}

#define PP_CAPACITY 64

void demo_cmd_ring_test(int argc, char **argv)
{
	size_t bytes = ion_ring_bytes(PP_CAPACITY, sizeof(struct nx_ion_packet));
	size_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	static struct pingpong pp;
	uint64_t n = 1000000;
	char *mem;

	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &n) || n == 0))) {
		kprintf("usage: ring-test [MESSAGES]\n");
		return;
	}
	mem = page_alloc_n(2 * pages);
	if (!mem) {
		kprintf("ring-test: out of memory\n");
		return;
	}
	memset(&pp, 0, sizeof(pp));
	pp.count = n;
	if (ion_link_init(&pp.ping, mem, pages * PAGE_SIZE, PP_CAPACITY,
			  sizeof(struct nx_ion_packet)) ||
	    ion_link_init(&pp.pong, mem + pages * PAGE_SIZE, pages * PAGE_SIZE,
			  PP_CAPACITY, sizeof(struct nx_ion_packet)) ||
	    run_pair(pinger, SCHED_MATTER, ponger, SCHED_MATTER, &pp))
		kprintf("ring-test: setup failed\n");
	else
		kprintf("ring-test: %lu messages each way, %lu out of order or "
			"lost, %lu doorbells: %s\n", (unsigned long)n,
			(unsigned long)pp.errors,
			(unsigned long)(pp.ping.doorbells + pp.pong.doorbells),
			pp.errors ? "FAIL" : "PASS");
	page_free_n(mem, 2 * pages);
}
