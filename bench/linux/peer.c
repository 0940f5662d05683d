/*
 * Linux peer benchmarks. Each subcommand measures one kernel path of an
 * unmodified Linux guest and prints one line:
 *
 *	PEER <name> insns_per_op=N iters=N [more key=value pairs]
 *
 * Times come from CNTVCT_EL0, which Linux lets EL0 read. The guest runs under
 * QEMU -icount shift=0, where one virtual nanosecond is one instruction, so
 * counter ticks convert to instructions as ticks * 1e9 / CNTFRQ_EL0.
 *
 * Everything is pinned to CPU 0: the figures are for switches on one core,
 * and the guest is started with a single CPU anyway.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Iteration counts: large enough that start-up and the 16-instruction tick
 * granularity vanish, small enough to keep the whole guest run short. */
#define GETPID_ITERS	200000
#define YIELD_ITERS	50000	/* per side */
#define PIPE_ITERS	20000
#define SPAWN_ITERS	500
#define TIMER_SAMPLES	101	/* odd, so the median is one sample */
#define TIMER_AHEAD_NS	1000000	/* deadline this far after "now" */
#define WARMUP		100	/* untimed rounds to fault in pages and caches */

static const char *bench = "peer";

static void die(const char *what)
{
	printf("PEER-ERROR %s: %s: %s\n", bench, what, strerror(errno));
	exit(1);
}

static inline uint64_t cntvct(void)
{
	uint64_t v;

	/* The isb keeps the read from being hoisted above the measured code. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t cntfrq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static uint64_t ticks_to_insns(uint64_t ticks)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000u / cntfrq());
}

static void report(uint64_t ticks, unsigned long ops, const char *extra)
{
	uint64_t insns = ticks_to_insns(ticks);

	printf("PEER %s insns_per_op=%llu iters=%lu total_insns=%llu%s%s\n",
	       bench, (unsigned long long)((insns + ops / 2) / ops), ops,
	       (unsigned long long)insns, extra ? " " : "", extra ? extra : "");
	fflush(stdout);
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		die("sched_setaffinity");
}

static void wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		die("child failed");
	}
}

/* --- boot: counter value at the first line of /init --------------------- */

static int run_boot(void)
{
	uint64_t now = cntvct();

	/* QEMU starts the counter at 0 on reset and Linux leaves CNTVOFF at 0,
	 * so the counter itself is the time since reset. */
	printf("PEER boot cntvct=%llu cntfrq=%llu insns=%llu\n",
	       (unsigned long long)now, (unsigned long long)cntfrq(),
	       (unsigned long long)ticks_to_insns(now));
	return 0;
}

/* --- getpid: a null system call ------------------------------------------ */

static int run_getpid(void)
{
	uint64_t t0;

	/* syscall() rather than getpid(), so no libc can answer from a cache. */
	for (int i = 0; i < WARMUP; i++)
		syscall(SYS_getpid);
	t0 = cntvct();
	for (int i = 0; i < GETPID_ITERS; i++)
		syscall(SYS_getpid);
	report(cntvct() - t0, GETPID_ITERS, NULL);
	return 0;
}

/* --- switch / switch_proc: sched_yield ping-pong on one CPU --------------- */

/*
 * Two tasks on CPU 0 call sched_yield() in turn. The arena is shared memory
 * so the same code serves threads and processes. A switch is counted when a
 * task returns from sched_yield() and finds the other task ran last: CFS does
 * not promise to hand over on every yield, so counting them keeps the figure
 * honest. Only one CPU runs both tasks, but a task can be preempted between
 * read and write, hence the atomics.
 */
struct yield_arena {
	int ready;
	int last;
	unsigned long switches;
	uint64_t start[2], end[2];
};

static void yield_side(struct yield_arena *a, int me)
{
	__atomic_add_fetch(&a->ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&a->ready, __ATOMIC_SEQ_CST) < 2)
		sched_yield();
	a->start[me] = cntvct();
	for (int i = 0; i < YIELD_ITERS; i++) {
		sched_yield();
		if (__atomic_exchange_n(&a->last, me, __ATOMIC_SEQ_CST) != me)
			__atomic_add_fetch(&a->switches, 1, __ATOMIC_SEQ_CST);
	}
	a->end[me] = cntvct();
}

static void *yield_thread(void *arg)
{
	yield_side(arg, 1);
	return NULL;
}

static void yield_report(struct yield_arena *a)
{
	uint64_t t0 = a->start[0] < a->start[1] ? a->start[0] : a->start[1];
	uint64_t t1 = a->end[0] > a->end[1] ? a->end[0] : a->end[1];
	char extra[64];

	if (a->switches == 0) {
		errno = EAGAIN;
		die("no switches observed");
	}
	snprintf(extra, sizeof(extra), "yields=%d", 2 * YIELD_ITERS);
	report(t1 - t0, a->switches, extra);
}

static struct yield_arena *yield_arena_new(void)
{
	struct yield_arena *a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		die("mmap");
	a->last = -1;
	return a;
}

static int run_switch_thread(void)
{
	struct yield_arena *a = yield_arena_new();
	pthread_t t;

	pin_cpu0();
	if (pthread_create(&t, NULL, yield_thread, a) != 0)
		die("pthread_create");
	yield_side(a, 0);
	pthread_join(t, NULL);
	yield_report(a);
	return 0;
}

static int run_switch_proc(void)
{
	struct yield_arena *a = yield_arena_new();
	pid_t pid;

	pin_cpu0();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		yield_side(a, 1);
		_exit(0);
	}
	yield_side(a, 0);
	wait_child(pid);
	yield_report(a);
	return 0;
}

/* --- pipe_rtt: message round trip over a pair of pipes --------------------- */

static void read_full(int fd, char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, buf, len);

		if (n <= 0)
			die("read");
		buf += n;
		len -= (size_t)n;
	}
}

static void pipe_echo(int in, int out, size_t len)
{
	char buf[64];

	for (;;) {
		ssize_t n = read(in, buf, len);

		if (n == 0)
			_exit(0);	/* the parent closed its end: done */
		if (n < 0 || write(out, buf, (size_t)n) != n)
			_exit(1);
	}
}

static void pipe_round(int out, int in, char *buf, size_t len)
{
	if (write(out, buf, len) != (ssize_t)len)
		die("write");
	read_full(in, buf, len);
}

static int run_pipe(size_t len)
{
	int ping[2], pong[2];
	char buf[64] = "nexus-peer-pipe-message";
	char extra[32];
	uint64_t t0, t1;
	pid_t pid;

	pin_cpu0();
	if (pipe(ping) != 0 || pipe(pong) != 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(ping[1]);
		close(pong[0]);
		pipe_echo(ping[0], pong[1], len);
	}
	close(ping[0]);
	close(pong[1]);
	for (int i = 0; i < WARMUP; i++)
		pipe_round(ping[1], pong[0], buf, len);
	t0 = cntvct();
	for (int i = 0; i < PIPE_ITERS; i++)
		pipe_round(ping[1], pong[0], buf, len);
	t1 = cntvct();
	close(ping[1]);
	wait_child(pid);
	snprintf(extra, sizeof(extra), "bytes=%zu", len);
	report(t1 - t0, PIPE_ITERS, extra);
	return 0;
}

/* --- timer_latency: absolute deadline to the sleeper running again -------- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int run_timer(void)
{
	uint64_t lat[TIMER_SAMPLES], sum = 0;
	char extra[96];

	/* The default 50 us slack lets the kernel fire late on purpose; ask for
	 * the tightest timer so the figure is the wakeup path, not the policy. */
	if (prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0) != 0)
		die("prctl");
	/* CLOCK_MONOTONIC advances at one ns per instruction under icount, so
	 * its nanoseconds are already instructions. */
	for (int i = -1; i < TIMER_SAMPLES; i++) {
		uint64_t deadline = mono_ns() + TIMER_AHEAD_NS, wake;
		struct timespec ts = {
			.tv_sec = (time_t)(deadline / 1000000000u),
			.tv_nsec = (long)(deadline % 1000000000u),
		};

		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			die("clock_nanosleep");
		wake = mono_ns();
		if (i >= 0)	/* the first round only warms up */
			lat[i] = wake - deadline;
	}
	qsort(lat, TIMER_SAMPLES, sizeof(lat[0]), cmp_u64);
	for (int i = 0; i < TIMER_SAMPLES; i++)
		sum += lat[i];
	snprintf(extra, sizeof(extra), "min=%llu max=%llu mean=%llu",
		 (unsigned long long)lat[0],
		 (unsigned long long)lat[TIMER_SAMPLES - 1],
		 (unsigned long long)(sum / TIMER_SAMPLES));
	printf("PEER %s insns_per_op=%llu iters=%d %s\n", bench,
	       (unsigned long long)lat[TIMER_SAMPLES / 2], TIMER_SAMPLES, extra);
	return 0;
}

/* --- spawn: fork + exec + exit + wait of a tiny static program ------------ */

static const char *spawn_path = "/bin/true";

static void spawn_once(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char *argv[] = { (char *)spawn_path, NULL };
		char *envp[] = { NULL };

		execve(spawn_path, argv, envp);
		_exit(127);
	}
	wait_child(pid);
}

static int run_spawn(void)
{
	uint64_t t0;

	pin_cpu0();
	for (int i = 0; i < 5; i++)
		spawn_once();
	t0 = cntvct();
	for (int i = 0; i < SPAWN_ITERS; i++)
		spawn_once();
	report(cntvct() - t0, SPAWN_ITERS, NULL);
	return 0;
}

/* --- spawn_exit: posix_spawn + exit + wait of the same program ------------ */

/*
 * glibc's posix_spawn clones with CLONE_VM | CLONE_VFORK: the child borrows
 * the parent's address space until execve, so no page tables are copied or
 * torn down. That is the cheapest way Linux starts a new program, and the
 * closest to creating an app from nothing, which is what the figure is
 * meant to be set beside.
 */
static void posix_spawn_once(void)
{
	char *argv[] = { (char *)spawn_path, NULL };
	char *envp[] = { NULL };
	pid_t pid;
	int err = posix_spawn(&pid, spawn_path, NULL, NULL, argv, envp);

	if (err != 0) {
		errno = err;
		die("posix_spawn");
	}
	wait_child(pid);
}

static int run_spawn_exit(void)
{
	uint64_t t0;

	pin_cpu0();
	for (int i = 0; i < 5; i++)
		posix_spawn_once();
	t0 = cntvct();
	for (int i = 0; i < SPAWN_ITERS; i++)
		posix_spawn_once();
	report(cntvct() - t0, SPAWN_ITERS, NULL);
	return 0;
}

/* --- tcp_sink, tcp_source: the two ends of bench/netpeer.py --------------- */

/*
 * The host drives these through QEMU's user networking and times them; the
 * same protocol runs against Nexus's netbench app. tcp_sink takes one
 * connection, reads it to the end and answers with the byte count in
 * decimal; tcp_source connects, sends BYTES, and closes once the host has.
 */
static char net_buf[64 * 1024];

static int run_tcp_sink(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	unsigned long long total = 0;
	uint64_t t0;
	int ls, fd, one = 1;
	ssize_t n;
	char reply[32];

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1))
		die("listen");
	printf("PEER-NET-LISTENING %d\n", port);
	fflush(stdout);
	fd = accept(ls, NULL, NULL);
	if (fd < 0)
		die("accept");
	t0 = cntvct();
	while ((n = read(fd, net_buf, sizeof(net_buf))) > 0)
		total += (unsigned long long)n;
	if (n < 0)
		die("read");
	snprintf(reply, sizeof(reply), "%llu\n", total);
	if (write(fd, reply, strlen(reply)) != (ssize_t)strlen(reply))
		die("write");
	close(fd);
	close(ls);
	printf("PEER tcp_sink bytes=%llu insns=%llu\n", total,
	       (unsigned long long)ticks_to_insns(cntvct() - t0));
	return 0;
}

static int run_tcp_source(const char *host, int port, unsigned long long bytes)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	unsigned long long left = bytes;
	uint64_t t0;
	int fd;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		errno = EINVAL;
		die("address");
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	t0 = cntvct();
	while (left) {
		size_t chunk = left < sizeof(net_buf) ? left : sizeof(net_buf);
		ssize_t n = write(fd, net_buf, chunk);

		if (n <= 0)
			die("write");
		left -= (unsigned long long)n;
	}
	/*
	 * The machine powers off next: wait for the host's close, which comes
	 * once it has every byte, or the tail still in flight is lost.
	 */
	shutdown(fd, SHUT_WR);
	while (read(fd, net_buf, sizeof(net_buf)) > 0)
		;
	close(fd);
	printf("PEER tcp_source bytes=%llu insns=%llu\n", bytes,
	       (unsigned long long)ticks_to_insns(cntvct() - t0));
	return 0;
}

/* ------------------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*run)(void);
} benches[] = {
	{ "boot", run_boot },
	{ "getpid", run_getpid },
	{ "switch", run_switch_thread },
	{ "switch_proc", run_switch_proc },
	{ "timer_latency", run_timer },
	{ "spawn", run_spawn },
	{ "spawn_exit", run_spawn_exit },
};

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "pipe_rtt") == 0) {
		static char name[32];
		size_t len = (size_t)atoi(argv[2]);

		if (len == 0 || len > 64) {
			fprintf(stderr, "peer: pipe_rtt BYTES, 1..64\n");
			return 2;
		}
		snprintf(name, sizeof(name), "pipe_rtt_%zu", len);
		bench = name;
		return run_pipe(len);
	}
	if (argc == 3 && strcmp(argv[1], "tcp_sink") == 0) {
		bench = "tcp_sink";
		return run_tcp_sink(atoi(argv[2]));
	}
	if (argc == 5 && strcmp(argv[1], "tcp_source") == 0) {
		bench = "tcp_source";
		return run_tcp_source(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 10));
	}
	for (size_t i = 0; argc == 2 && i < sizeof(benches) / sizeof(benches[0]); i++) {
		if (strcmp(argv[1], benches[i].name) == 0) {
			bench = benches[i].name;
			return benches[i].run();
		}
	}
	fprintf(stderr, "usage: peer boot|getpid|switch|switch_proc|"
			"timer_latency|spawn|spawn_exit | peer pipe_rtt BYTES |\n"
			"       peer tcp_sink PORT | peer tcp_source IP PORT BYTES\n");
	return 2;
}
