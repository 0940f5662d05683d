#include <string.h>

#include <nexus/ion.h>
#include <parse.h>

#include "arch/hal.h"
#include "core/clock.h"
#include "core/fiber.h"
#include "core/hardpledge.h"
#include "core/kbench.h"
#include "core/kprintf.h"
#include "core/sched.h"
#include "ion/link.h"
#include "mm/page_alloc.h"
#include "net/netswitch.h"
#include "net/switchbench.h"

#include <nexus/hypercall.h>

#define RING_CAPACITY 64

static struct {
	uint64_t iters;
	uint64_t start, end;		/* ticks, set by the measured fiber */
	uint64_t latency;		/* timer: sum of wake-up delays */
	struct ion_link ping, pong;
	struct switchbench net;		/* ticks per figure */
	int net_err;
} b;

static void report(const char *name, uint64_t ticks, uint64_t ops)
{
	uint64_t ns100 = clock_ticks_to_ns(ticks) * 100 / ops;

	kprintf("bench %-7s %lu.%02lu ns/op (%lu ops)\n", name,
		(unsigned long)(ns100 / 100), (unsigned long)(ns100 % 100),
		(unsigned long)ops);
}

static int run(fiber_entry_fn *a, fiber_entry_fn *bfn, enum sched_spectrum s)
{
	struct fiber_params pa = { .name = "bench-a", .entry = a, .spectrum = s };
	struct fiber_params pb = { .name = "bench-b", .entry = bfn, .spectrum = s };
	struct fiber *fa, *fb = NULL;
	int code;

	if (fiber_create(&pa, &fa))
		return -1;
	if (bfn && fiber_create(&pb, &fb)) {
		fiber_kill(fa);
		fiber_join(fa, &code);
		return -1;
	}
	fiber_join(fa, &code);
	if (fb)
		fiber_join(fb, &code);
	return 0;
}

/* Two fibers yield to each other: every yield is one switch. */
static void yielder_a(void *arg)
{
	(void)arg;
	b.start = hal_time_now();
	for (uint64_t i = 0; i < b.iters; i++)
		sched_yield();
	b.end = hal_time_now();
}

static void yielder_b(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < b.iters; i++)
		sched_yield();
}

/* One fiber pushes and pops, with the doorbell checks a link makes. */
static void push_pop(void *arg)
{
	struct nx_ion_packet p = { 0 };
	bool wake;

	(void)arg;
	b.start = hal_time_now();
	for (uint64_t i = 0; i < b.iters; i++) {
		p.data = i;
		ion_push(&b.ping.tx, &p, &wake);
		ion_pop(&b.ping.rx, &p, &wake);
	}
	b.end = hal_time_now();
}

/* Round trip: push, doorbell, wake, pop, reply, and back. */
static void rtt_client(void *arg)
{
	struct nx_ion_packet p = { 0 };

	(void)arg;
	b.start = hal_time_now();
	for (uint64_t i = 0; i < b.iters; i++) {
		p.data = i;
		ion_link_send(&b.ping, &p);
		ion_link_recv(&b.pong, &p);
	}
	b.end = hal_time_now();
}

static void rtt_server(void *arg)
{
	struct nx_ion_packet p;

	(void)arg;
	for (uint64_t i = 0; i < b.iters; i++) {
		ion_link_recv(&b.ping, &p);
		ion_link_send(&b.pong, &p);
	}
}

/* From the timer deadline to the sleeping Photon fiber running again. */
static void timer_sleeper(void *arg)
{
	uint64_t period = hal_time_freq() / 1000;	/* 1 ms */

	(void)arg;
	for (uint64_t i = 0; i < b.iters; i++) {
		uint64_t deadline = hal_time_now() + period;

		sched_sleep_until(deadline);
		b.latency += hal_time_now() - deadline;
	}
}

/* The NetSwitch's own cost per frame, on a switch of the bench's own. */
static void switch_frames(void *arg)
{
	(void)arg;
	b.net_err = switchbench_run(b.iters, &b.net);
}

/* In a RumKV cell: the cheapest hypercall, there and back. */
static void hvc_roundtrip(void *arg)
{
	uint64_t x1;

	(void)arg;
	b.start = hal_time_now();
	for (uint64_t i = 0; i < b.iters; i++)
		hal_hypercall(NX_HC_VERSION, 0, &x1);
	b.end = hal_time_now();
}

static void report_net(uint64_t frames)
{
	if (b.net_err) {
		kprintf("bench: NetSwitch figures failed (%d)\n", b.net_err);
		return;
	}
	kprintf("bench net: %u-byte frames, broadcast to %u ports\n", SWITCHBENCH_FRAME_LEN,
		NETSWITCH_PORTS);
	report("net_in", b.net.unicast, frames);
	report("net_bc", b.net.broadcast, frames);
	report("net_out", b.net.to_wire, frames);
}

static int setup_links(void *mem, size_t half)
{
	return ion_link_init(&b.ping, mem, half, RING_CAPACITY,
			     sizeof(struct nx_ion_packet)) ||
	       ion_link_init(&b.pong, (char *)mem + half, half, RING_CAPACITY,
			     sizeof(struct nx_ion_packet));
}

void kbench_cmd(int argc, char **argv)
{
	uint64_t n = 20000;
	size_t half = PAGE_SIZE * 2;
	void *mem;

	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &n) || n == 0))) {
		kprintf("usage: bench [ITERATIONS]\n");
		return;
	}
	mem = page_alloc_n(4);
	if (!mem || setup_links(mem, half)) {
		kprintf("bench: out of memory\n");
		return;
	}
	b.iters = n;
	if (run(yielder_a, yielder_b, SCHED_MATTER) == 0)
		report("switch", b.end - b.start, 2 * n);
	if (run(push_pop, NULL, SCHED_MATTER) == 0)
		report("ring", b.end - b.start, n);
	if (run(rtt_client, rtt_server, SCHED_MATTER) == 0)
		report("rtt", b.end - b.start, n);
	b.iters = n / 100 ? n / 100 : 1;
	b.latency = 0;
	if (run(timer_sleeper, NULL, SCHED_PHOTON) == 0)
		report("timer", b.latency, b.iters);
	b.iters = n;
	if (run(switch_frames, NULL, SCHED_MATTER) == 0)
		report_net(n);
	if (hardpledge_under_rumkv() && run(hvc_roundtrip, NULL, SCHED_MATTER) == 0)
		report("hvc", b.end - b.start, n);
	page_free_n(mem, 4);
}
