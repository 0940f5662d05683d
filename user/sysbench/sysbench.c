/*
 * sysbench: three costs of the system as an app sees them, each the mean
 * per operation after a warm-up:
 *
 *   null_syscall_rt  a system call that does no work (an unknown number,
 *                    refused at once): the trap in and out alone
 *   pipe_rt          one struct nx_msg to a partner app (pingpong) over a
 *                    named channel and one back: two sends, two receives,
 *                    two blocking switches
 *   spawn_exit       nx_run() of /bin/true.npk: spawn, run, exit, reap
 *
 * Times are nx_clock() ticks. Under QEMU's -icount shift=0 one guest
 * instruction is one virtual nanosecond, so ticks * 1e9 / clock_freq is
 * an instruction count; the `basis` line prints the factor so that a
 * reader can check it. bench/run.py parses the lines that start with
 * "sysbench " (docs/benchmarks.md).
 *
 * Energy. Verbs cost energy and a fiber that runs dry is held off the CPU
 * until its spectrum's next refill (docs/scheduler.md). A loop timed
 * straight through would count that wait as work and earn strikes. So
 * every loop runs in batches, only the batches are timed, and between
 * batches the app sleeps until its balance is back above three quarters
 * of a full one. Sleeping costs no host time: with -icount sleep=off
 * idle virtual time passes at once.
 */
#include "nexus.h"

#include "../pingpong/pingpong.h"

#define NULL_BATCHES	20
#define NULL_BATCH	5000
#define RT_BATCHES	40
#define RT_BATCH	250
#define SPAWN_BATCHES	100
#define SPAWN_BATCH	2
#define CLOCK_PAIRS	1000

static uint64_t freq;		/* clock() ticks per second */
static int64_t full;		/* energy balance at start: one budget */
static uint64_t clock_cost;	/* ticks one clock() pair adds to a batch */

static int fail(const char *what, int err)
{
	printf("sysbench: %s: %s\n", what, nx_strerror(err));
	return err;
}

static int64_t balance(uint32_t *strikes)
{
	struct nx_proc_info p;

	if (nx_info(NX_INFO_SELF, 0, &p, sizeof(p)) < 0)
		return 0;
	if (strikes)
		*strikes = p.strikes;
	return p.energy;
}

/*
 * A running fiber pays for its CPU time when it is switched out, so the
 * balance is only current after a sleep; refills come at fixed instants,
 * and sleeping a millisecond at a time finds the next one.
 */
static void pace(void)
{
	do
		nx_wait(NX_WAIT_NONE, nx_clock() + freq / 1000, NULL);
	while (balance(NULL) < full / 4 * 3);
}

/* Instructions in @ticks, exact whenever clock_freq divides 1e9. */
static uint64_t insns(uint64_t ticks)
{
	return ticks / freq * 1000000000u + ticks % freq * 1000000000u / freq;
}

/* The cheapest batch of a loop, per operation: what a run costs without
 * the occasional extra (an audit checkpoint's signature, say). */
static uint64_t min_batch = UINT64_MAX;

static void report(const char *name, uint64_t ticks, uint64_t iters, uint64_t batch)
{
	uint64_t total = insns(ticks);
	uint64_t tenths = (total * 10 + iters / 2) / iters;

	printf("sysbench %s %lu.%lu iters=%lu total_insns=%lu min_batch_insns_per_op=%lu\n",
	       name, (unsigned long)(tenths / 10), (unsigned long)(tenths % 10),
	       (unsigned long)iters, (unsigned long)total,
	       (unsigned long)(insns(min_batch) / batch));
	min_batch = UINT64_MAX;
}

/* What the two clock() calls around a batch add to it, measured the same way. */
static void measure_clock(void)
{
	uint64_t sum = 0;

	for (int i = 0; i < CLOCK_PAIRS; i++) {
		uint64_t t0 = nx_clock();

		sum += nx_clock() - t0;
	}
	clock_cost = sum / CLOCK_PAIRS;
}

/* Ticks of one batch, less the clock overhead (never below zero). */
static uint64_t batch_ticks(uint64_t t0, uint64_t t1)
{
	uint64_t t = t1 - t0 > clock_cost ? t1 - t0 - clock_cost : 0;

	if (t < min_batch)
		min_batch = t;
	return t;
}

static void null_syscall(void)
{
	uint64_t ticks = 0;

	for (int i = 0; i < NULL_BATCH; i++)
		nx_syscall(NX_SYS_COUNT, 0, 0, 0, 0, 0);
	for (int b = 0; b < NULL_BATCHES; b++) {
		uint64_t t0;

		pace();
		t0 = nx_clock();
		for (int i = 0; i < NULL_BATCH; i++)
			nx_syscall(NX_SYS_COUNT, 0, 0, 0, 0, 0);
		ticks += batch_ticks(t0, nx_clock());
	}
	report("null_syscall_rt", ticks, (uint64_t)NULL_BATCHES * NULL_BATCH, NULL_BATCH);
}

static int round_trip(struct nx_chan *c, struct nx_msg *m)
{
	int err = nx_send(c, m);

	return err ? err : nx_recv(c, m, NX_DEADLINE_NEVER);
}

static int rt_batches(struct nx_chan *c, int batches, uint64_t *ticks)
{
	struct nx_msg m = { .op = PINGPONG_ECHO };

	for (int b = 0; b < batches; b++) {
		uint64_t t0;

		pace();
		t0 = nx_clock();
		for (int i = 0; i < RT_BATCH; i++) {
			int err = round_trip(c, &m);

			if (err)
				return err;
		}
		*ticks += batch_ticks(t0, nx_clock());
	}
	return 0;
}

/*
 * The channel is created here, under a name of this app's own, before the
 * partner exists; pingpong retries its connect until the name is there
 * and says hello once it has attached, since a send before that would
 * find nobody at the other end.
 */
static int pipe_rt(void)
{
	struct nx_msg m = { .op = 0 };
	struct nx_chan_desc d;
	struct nx_chan c;
	uint64_t ticks = 0;
	int64_t status = 0;
	char name[NX_NAME_MAX];
	int err, child;

	snprintf(name, sizeof(name), "sysbench.%u", nx_systable()->app_id);
	err = nx_chan_open(name, NX_CHAN_CREATE, &d);
	if (err < 0 || (err = nx_chan_attach(&c, &d)))
		return fail(name, err);
	child = nx_spawn("/bin/pingpong.npk", name, 0);
	if (child < 0)
		return fail("/bin/pingpong.npk", child);
	err = nx_recv(&c, &m, nx_clock() + freq);
	if (err || m.op != PINGPONG_HELLO)
		return fail("hello from pingpong", err ? err : -NX_EIO);
	err = rt_batches(&c, 1, &ticks);
	ticks = 0;
	min_batch = UINT64_MAX;
	if (!err)
		err = rt_batches(&c, RT_BATCHES, &ticks);
	if (err)
		return fail("round trip", err);
	m.op = PINGPONG_STOP;
	nx_send(&c, &m);
	err = nx_wait(child, nx_clock() + freq, &status);
	if (err || status)
		printf("sysbench: pingpong ended with %ld (%s)\n", (long)status, nx_strerror(err));
	report("pipe_rt", ticks, (uint64_t)RT_BATCHES * RT_BATCH, RT_BATCH);
	return 0;
}

static int spawn_batch(uint64_t *ticks)
{
	uint64_t t0;

	pace();
	t0 = nx_clock();
	for (int i = 0; i < SPAWN_BATCH; i++) {
		int64_t status = 0;
		int err = nx_run("/bin/true.npk", "", false, &status);

		if (err || status)
			return err ? err : -NX_EIO;
	}
	*ticks += batch_ticks(t0, nx_clock());
	return 0;
}

static int spawn_exit(void)
{
	uint64_t ticks = 0;
	int err = spawn_batch(&ticks);

	ticks = 0;
	min_batch = UINT64_MAX;
	for (int b = 0; !err && b < SPAWN_BATCHES; b++)
		err = spawn_batch(&ticks);
	if (err)
		return fail("/bin/true.npk", err);
	report("spawn_exit", ticks, (uint64_t)SPAWN_BATCHES * SPAWN_BATCH, SPAWN_BATCH);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t strikes_before, strikes_after;
	int err;

	(void)argc;
	(void)argv;
	freq = nx_systable()->clock_freq;
	if (!freq) {
		fail("clock_freq", -NX_EINVAL);
		return 1;
	}
	full = balance(&strikes_before);
	measure_clock();
	printf("sysbench basis clock_freq=%lu insns_per_tick=%lu%s clock_pair_ticks=%lu\n",
	       (unsigned long)freq, (unsigned long)(1000000000u / freq),
	       1000000000u % freq ? " (inexact)" : "", (unsigned long)clock_cost);
	null_syscall();
	err = pipe_rt();
	if (!err)
		err = spawn_exit();
	balance(&strikes_after);
	if (strikes_after != strikes_before) {
		printf("sysbench: ran dry %u times: the figures include waits for energy\n",
		       strikes_after - strikes_before);
		return 1;
	}
	if (!err)
		printf("sysbench done\n");
	return err ? 1 : 0;
}
