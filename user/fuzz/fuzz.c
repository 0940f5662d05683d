/*
 * fuzz [CALLS] [SEED]: system calls with random numbers and arguments,
 * bad pointers among them. The kernel must answer every one with a
 * result or an error, never fall over, and refuse every pointer that is
 * not this app's to use. Excluded, because they would end the run
 * rather than test the kernel: exit, and spawn and pledge (promises this
 * app lacks, or narrows away, kill it by design); masking or revoking
 * the capabilities it needs to report (slots 0-3); and write-protecting
 * its own live memory. Its energy is paced: it waits for a refill when
 * low, since running dry three times is a kill by design too.
 */
#include "nexus.h"

#define PAGE		4096u
#define BAD_PTRS	9

static uint64_t rng;
static uint8_t buf[2 * PAGE] __attribute__((aligned(16)));
static uint64_t bad_ptr[BAD_PTRS];
static uint64_t calls, errors, refused, accepted, by_nr[NX_SYS_COUNT + 1];

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t pick(uint64_t n)
{
	return next() % n;
}

static uint64_t any_ptr(bool *bad)
{
	*bad = pick(2);
	return *bad ? bad_ptr[pick(BAD_PTRS)] : (uint64_t)buf + pick(PAGE);
}

static uint64_t any_value(void)
{
	switch (pick(5)) {
	case 0: return pick(72);
	case 1: return (uint64_t)-1;
	case 2: return next();
	case 3: return pick(2 * PAGE);
	}
	return (uint64_t)buf + pick(PAGE);
}

static int safe_slot(void)
{
	return 4 + (int)pick(NX_CAP_SLOTS + 8);	/* some beyond the table */
}

/* One call; returns true when it passed a bad pointer that it must refuse. */
static bool one_call(int64_t *r)
{
	uint64_t nr = pick(NX_SYS_COUNT + 2), a[5];
	bool bad = false, must_refuse = false;
	static const uint32_t kinds[] = { NX_INFO_SELF, NX_INFO_PROC, NX_INFO_IRQ,
					  NX_INFO_AUDIT, NX_INFO_MEM };

	for (int i = 0; i < 5; i++)
		a[i] = any_value();
	switch (nr) {
	case NX_SYS_EXIT:
	case NX_SYS_SPAWN:
	case NX_SYS_PLEDGE:
		nr = NX_SYS_YIELD;
		break;
	case NX_SYS_WAIT:
		a[1] = nx_clock() + 1 + pick(2000);	/* never wait for ever */
		a[2] = pick(2) ? 0 : any_ptr(&bad);
		break;
	case NX_SYS_CHAN_OPEN:
		a[0] = any_ptr(&bad);
		a[1] = 1 + pick(20);
		a[3] = any_ptr(&bad);
		break;
	case NX_SYS_MAP:
		a[0] = pick(4);
		if (a[0] == NX_MAP_PROTECT)
			a[1] = bad_ptr[pick(BAD_PTRS)];
		a[2] = pick(4) ? pick(4 * PAGE) : next();
		break;
	case NX_SYS_CAP:
		a[0] = pick(5);
		if (a[0] != NX_CAP_OP_INSPECT)
			a[1] = (uint64_t)safe_slot();
		else if (pick(2))
			a[1] = pick(4);
		if (a[0] == NX_CAP_OP_INSPECT) {
			a[2] = any_ptr(&bad);
			must_refuse = bad && a[1] < 4;
		}
		break;
	case NX_SYS_UNVEIL:
		a[0] = any_ptr(&bad);
		a[1] = 1 + pick(40);
		must_refuse = bad;
		break;
	case NX_SYS_INFO:
		a[0] = pick(6) < 5 ? kinds[pick(5)] : next();
		a[1] = pick(8);
		a[2] = any_ptr(&bad);
		a[3] = pick(2) ? 256 : pick(300);
		must_refuse = bad && a[0] <= NX_INFO_MEM;
		break;
	}
	*r = nx_syscall(nr, a[0], a[1], a[2], a[3], a[4]);
	by_nr[nr < NX_SYS_COUNT ? nr : NX_SYS_COUNT]++;
	return must_refuse;
}

/* Wait for a refill when the balance runs low, instead of running dry. */
static void pace(void)
{
	struct nx_proc_info me;
	uint64_t window = nx_systable()->clock_freq / 100;	/* Matter: 10 ms */

	while (nx_info(NX_INFO_SELF, 0, &me, sizeof(me)) >= 0 && me.energy < 4000)
		nx_wait(NX_WAIT_NONE, (nx_clock() / window + 1) * window, NULL);
}

int main(int argc, char **argv)
{
	const struct nx_systable *st = nx_systable();
	uint64_t total = 1000000, seed = 0x4e65787573ull;

	if (argc > 1)
		parse_u64(argv[1], &total);
	if (argc > 2)
		parse_u64(argv[2], &seed);
	rng = seed ? seed : 1;
	bad_ptr[0] = 0;
	bad_ptr[1] = 0x40200000;		/* the kernel */
	bad_ptr[2] = 0x08000000;		/* the GIC */
	bad_ptr[3] = st->cell_base + st->cell_size;	/* the next cell up */
	bad_ptr[4] = (uint64_t)(uintptr_t)main;	/* own code: not writable */
	bad_ptr[5] = (uint64_t)st;		/* the SysTable: read-only */
	bad_ptr[6] = 0xffff000000000000ull;
	bad_ptr[7] = st->cell_base + st->cell_size - 16;	/* runs off the end */
	bad_ptr[8] = 0x1000;
	printf("fuzz: seed 0x%lx, %lu calls\n", (unsigned long)seed, (unsigned long)total);
	for (calls = 0; calls < total; calls++) {
		int64_t r;
		bool must_refuse = one_call(&r);

		if (r < 0)
			errors++;
		if (must_refuse)
			r < 0 ? refused++ : accepted++;
		if ((calls & 255) == 0)
			pace();
	}
	printf("fuzz: seed 0x%lx calls %lu errors %lu bad-pointers refused %lu accepted %lu\n",
	       (unsigned long)seed, (unsigned long)calls, (unsigned long)errors,
	       (unsigned long)refused, (unsigned long)accepted);
	for (int i = 0; i <= NX_SYS_COUNT; i++)
		printf("fuzz:   nr %2d: %lu\n", i, (unsigned long)by_nr[i]);
	printf("fuzz: %s\n", accepted ? "FAIL" : "ok");
	return accepted ? 1 : 0;
}
