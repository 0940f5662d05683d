/*
 * fsbench DIR [FILES]: sequential write (fsync'd at the end) and read of
 * 10 MiB, then FILES small files (default 1000; create+write+fsync+close,
 * then read), in DIR. Prints
 * guest time per KiB and KiB per second of guest time, one line each:
 *   fsbench DIR WHAT ns_per_kib=N kib_per_s=N
 */
#include "nexus.h"

#define BIG	(10u << 20)
#define CHUNK	(64u << 10)
#define SMALL_BYTES 256u

static uint8_t buf[CHUNK];

static void report(const char *dir, const char *what, uint64_t ticks, uint64_t bytes)
{
	uint64_t freq = nx_systable()->clock_freq;
	uint64_t ns = ticks * 1000000000ull / freq, kib = bytes / 1024;

	printf("fsbench %s %s ns_per_kib=%lu kib_per_s=%lu\n", dir, what,
	       (unsigned long)(ns / (kib ? kib : 1)),
	       (unsigned long)(ns ? kib * 1000000000ull / ns : 0));
}

static int big(const char *dir)
{
	char path[96];
	uint64_t t;
	int fd;

	snprintf(path, sizeof(path), "%s/fsbench.big", dir);
	memset(buf, 0x5a, sizeof(buf));
	t = nx_clock();
	fd = open(path, NX_O_WRITE | NX_O_CREATE | NX_O_TRUNC);
	if (fd < 0)
		return fd;
	for (uint32_t off = 0; off < BIG; off += CHUNK)
		if (write(fd, buf, CHUNK) != CHUNK)
			return -NX_EIO;
	if (fsync(fd))
		return -NX_EIO;
	close(fd);
	report(dir, "seq_write_10MiB", nx_clock() - t, BIG);
	t = nx_clock();
	fd = open(path, NX_O_READ);
	if (fd < 0)
		return fd;
	for (uint32_t off = 0; off < BIG; off += CHUNK)
		if (read(fd, buf, CHUNK) != CHUNK)
			return -NX_EIO;
	close(fd);
	report(dir, "seq_read_10MiB", nx_clock() - t, BIG);
	return unlink(path);
}

static int small(const char *dir, unsigned files)
{
	char path[96];
	uint64_t t = nx_clock();
	int fd;

	snprintf(path, sizeof(path), "%s/fsb", dir);
	if (mkdir(path) && mkdir(path) != -NX_EEXIST)
		return -NX_EIO;
	for (unsigned i = 0; i < files; i++) {
		snprintf(path, sizeof(path), "%s/fsb/f%u", dir, i);
		fd = open(path, NX_O_WRITE | NX_O_CREATE | NX_O_TRUNC);
		if (fd < 0 || write(fd, buf, SMALL_BYTES) != SMALL_BYTES || fsync(fd))
			return fd < 0 ? fd : -NX_EIO;
		close(fd);
	}
	report(dir, "small_write", nx_clock() - t, (uint64_t)files * SMALL_BYTES);
	t = nx_clock();
	for (unsigned i = 0; i < files; i++) {
		snprintf(path, sizeof(path), "%s/fsb/f%u", dir, i);
		fd = open(path, NX_O_READ);
		if (fd < 0 || read(fd, buf, SMALL_BYTES) != SMALL_BYTES)
			return fd < 0 ? fd : -NX_EIO;
		close(fd);
	}
	report(dir, "small_read", nx_clock() - t, (uint64_t)files * SMALL_BYTES);
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
