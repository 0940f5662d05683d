/*
 * writer PATH BYTES [SYNC_EVERY]: write a deterministic pattern to PATH,
 * fsync every SYNC_EVERY bytes (default 64 KiB) and say so, then read the
 * whole file back and compare. The pattern depends only on the offset, so
 * a test can check any prefix from outside.
 */
#include "nexus.h"

#define CHUNK	4096

static uint8_t buf[CHUNK], back[CHUNK];

static uint8_t pattern(uint64_t off)
{
	uint64_t x = off / 8 * 0x9e3779b97f4a7c15ull;

	return (uint8_t)(x >> (56 - 8 * (off % 8)));
}

static void fill(uint64_t off, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(off + i);
}

static int verify(const char *path, uint64_t total)
{
	int fd = open(path, NX_O_READ);
	uint64_t off = 0;

	if (fd < 0)
		return fd;
	while (off < total) {
		size_t n = total - off < CHUNK ? (size_t)(total - off) : CHUNK;
		int64_t r;

		nx_pace();
		r = read(fd, back, n);

		if (r != (int64_t)n) {
			close(fd);
			printf("writer: short read at %lu: %ld\n", (unsigned long)off, (long)r);
			return -NX_EIO;
		}
		fill(off, buf, n);
		if (memcmp(buf, back, n)) {
			close(fd);
			printf("writer: MISMATCH in the 4 KiB at %lu\n", (unsigned long)off);
			return -NX_EIO;
		}
		off += n;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t total, every = 64 * 1024, off = 0, synced = 0;
	int fd, err = 0;

	if (argc < 3 || !parse_u64(argv[2], &total) ||
	    (argc > 3 && (!parse_u64(argv[3], &every) || every < CHUNK))) {
		printf("usage: writer PATH BYTES [SYNC_EVERY]\n");
		return 1;
	}
	fd = open(argv[1], NX_O_WRITE | NX_O_CREATE | NX_O_TRUNC);
	if (fd < 0) {
		printf("writer: %s: %s\n", argv[1], nx_strerror(fd));
		return 1;
	}
	while (off < total && !err) {
		size_t n = total - off < CHUNK ? (size_t)(total - off) : CHUNK;
		int64_t w;

		nx_pace();		/* thousands of requests in a row */
		fill(off, buf, n);
		w = write(fd, buf, n);
		if (w != (int64_t)n) {
			err = w < 0 ? (int)w : -NX_EIO;
			break;
		}
		off += n;
		if (off - synced >= every || off == total) {
			err = fsync(fd);
			synced = off;
			if (!err)
				printf("writer: fsynced %lu bytes\n", (unsigned long)synced);
		}
	}
	close(fd);
	if (err) {
		printf("writer: %s: %s after %lu bytes\n", argv[1], nx_strerror(err),
		       (unsigned long)off);
		return 1;
	}
	err = verify(argv[1], total);
	printf("writer: %s: %lu bytes %s\n", argv[1], (unsigned long)total,
	       err ? "FAILED verification" : "verified");
	return err ? 1 : 0;
}
