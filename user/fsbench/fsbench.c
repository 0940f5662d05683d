/*
 * fsbench DIR [FILES]: sequential write (fsync'd at the end) and read of
 * 10 MiB, then FILES small files (default 1000; create+write+fsync+close,
 * then read), in DIR. Prints, one line each, the CPU time per KiB (the
 * app's own, which includes the filesystem's work done on its behalf:
 * instructions, under icount) and KiB per second of guest time:
 *   fsbench DIR WHAT cpu_ns_per_kib=N kib_per_s=N
 *
 * It runs thousands of requests flat out, so it paces itself (nx_pace):
 * the sleeps count in the guest time (kib_per_s), not in the CPU time.
 */
#include "nexus.h"

#define BIG	(10u << 20)
#define CHUNK	(64u << 10)
#define SMALL_BYTES 256u

static uint8_t buf[CHUNK];

struct mark {
	uint64_t clock, cpu;
};

static struct nx_proc_info self(void)
{
	struct nx_proc_info p = { 0 };

	nx_info(NX_INFO_SELF, 0, &p, sizeof(p));
	return p;
}

static struct mark now(void)
{
	return (struct mark){ nx_clock(), self().cpu_ticks };
}

static uint64_t to_ns(uint64_t ticks)
{
	return ticks * 1000000000ull / nx_systable()->clock_freq;
}

static void report(const char *dir, const char *what, struct mark t, uint64_t bytes)
{
	struct mark e = now();
	uint64_t ns = to_ns(e.clock - t.clock), cpu = to_ns(e.cpu - t.cpu);
	uint64_t kib = bytes / 1024 ? bytes / 1024 : 1;

	printf("fsbench %s %s cpu_ns_per_kib=%lu kib_per_s=%lu\n", dir, what,
	       (unsigned long)(cpu / kib),
	       (unsigned long)(ns ? kib * 1000000000ull / ns : 0));
}

static int big(const char *dir)
{
	char path[96];
	struct mark t;
	int fd;

	snprintf(path, sizeof(path), "%s/fsbench.big", dir);
	memset(buf, 0x5a, sizeof(buf));
	nx_pace();
	t = now();
	fd = open(path, NX_O_WRITE | NX_O_CREATE | NX_O_TRUNC);
	if (fd < 0)
		return fd;
	for (uint32_t off = 0; off < BIG; off += CHUNK) {
		nx_pace();
		if (write(fd, buf, CHUNK) != CHUNK)
			return -NX_EIO;
	}
	if (fsync(fd))
		return -NX_EIO;
	close(fd);
	report(dir, "seq_write_10MiB", t, BIG);
	nx_pace();
	t = now();
	fd = open(path, NX_O_READ);
	if (fd < 0)
		return fd;
	for (uint32_t off = 0; off < BIG; off += CHUNK) {
		nx_pace();
		if (read(fd, buf, CHUNK) != CHUNK)
			return -NX_EIO;
	}
	close(fd);
	report(dir, "seq_read_10MiB", t, BIG);
	return unlink(path);
}

static int small(const char *dir, unsigned files)
{
	char path[96];
	struct mark t = now();
	int fd;

	snprintf(path, sizeof(path), "%s/fsb", dir);
	if (mkdir(path) && mkdir(path) != -NX_EEXIST)
		return -NX_EIO;
	for (unsigned i = 0; i < files; i++) {
		nx_pace();
		snprintf(path, sizeof(path), "%s/fsb/f%u", dir, i);
		fd = open(path, NX_O_WRITE | NX_O_CREATE | NX_O_TRUNC);
		if (fd < 0 || write(fd, buf, SMALL_BYTES) != SMALL_BYTES || fsync(fd))
			return fd < 0 ? fd : -NX_EIO;
		close(fd);
	}
	report(dir, "small_write", t, (uint64_t)files * SMALL_BYTES);
	t = now();
	for (unsigned i = 0; i < files; i++) {
		nx_pace();
		snprintf(path, sizeof(path), "%s/fsb/f%u", dir, i);
		fd = open(path, NX_O_READ);
		if (fd < 0 || read(fd, buf, SMALL_BYTES) != SMALL_BYTES)
			return fd < 0 ? fd : -NX_EIO;
		close(fd);
	}
	report(dir, "small_read", t, (uint64_t)files * SMALL_BYTES);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t files = 1000;
	int err;

	if (argc < 2 || argc > 3 || (argc == 3 && !parse_u64(argv[2], &files))) {
		printf("usage: fsbench DIR [FILES]\n");
		return 1;
	}
	err = big(argv[1]);
	if (!err)
		err = small(argv[1], (unsigned)files);
	printf("fsbench %s %s\n", argv[1], err ? nx_strerror(err) : "done");
	return err ? 1 : 0;
}
