/*
 * The monitor's `blk` command: device facts, single-sector reads and
 * writes, and a pattern test with timings. It starts the driver on first
 * use, so a machine without a disk never touches a virtio slot.
 */
#include <string.h>

#include <nexus/driver.h>
#include <nexus/errno.h>
#include <parse.h>

#include "arch/hal.h"
#include "core/clock.h"
#include "core/fiber.h"
#include "core/kprintf.h"
#include "drivers/blk_cmd.h"
#include "drivers/virtio_blk.h"
#include "drivers/virtio_mmio.h"
#include "mm/page_alloc.h"

#define TEST_MAX_SECTORS	4096u	/* 2 MiB */
#define TEST_CHUNK		8u	/* sectors per request: many in flight */
#define SHOW_TEXT		64

/* Static: kernel memory is DMA-addressable as it is (VA == PA). */
enum test_mode { TEST_PLAIN, TEST_RESTART, TEST_CRASH };

static uint8_t sector_buf[VBLK_SECTOR] __attribute__((aligned(16)));

/* The monitor's blk command works on disk 0. */
static bool started(void)
{
	if (vblk_start() > 0)
		return true;
	kprintf("blk: no virtio-blk device with the modern (version 2) "
		"virtio-mmio interface\n");
	return false;
}

static void blk_info_cmd(void)
{
	struct vblk_info i;

	vblk_info(0, &i);
	kprintf("capacity: %lu sectors of %u bytes (%lu bytes)\n",
		(unsigned long)i.capacity, VBLK_SECTOR,
		(unsigned long)(i.capacity * VBLK_SECTOR));
	kprintf("device:   virtio-mmio slot %u, irq %u, queue size %u, "
		"driver generation %u (app %u)\n", i.slot, i.irq, i.queue_size, i.generation,
		i.driver_app);
	kprintf("features: offered 0x%lx, agreed 0x%lx:%s%s%s\n",
		(unsigned long)i.offered, (unsigned long)i.features,
		i.features & VIRTIO_F_VERSION_1 ? " VERSION_1" : "",
		i.features & VIRTIO_BLK_F_FLUSH ? " FLUSH" : "",
		i.features & VIRTIO_BLK_F_RO ? " RO" : "");
	kprintf("requests: %lu submitted, %lu completed, %lu failed; "
		"%lu interrupts, %lu notifications, %lu replayed\n",
		(unsigned long)i.submitted, (unsigned long)i.completed,
		(unsigned long)i.errors, (unsigned long)i.interrupts,
		(unsigned long)i.notifies, (unsigned long)i.replayed);
	if (i.restart_ticks)
		kprintf("restart:  fault to the driver running again, requests back on "
			"the ring: %lu ns\n", (unsigned long)clock_ticks_to_ns(i.restart_ticks));
	if (i.restart_latency)
		kprintf("restart:  fault to the next request served: %lu ns\n",
			(unsigned long)clock_ticks_to_ns(i.restart_latency));
}

static void blk_read_cmd(uint64_t sector)
{
	char text[SHOW_TEXT + 1];
	size_t n = 0;
	int err = vblk_io(0, VBLK_READ, sector, sector_buf, 1);

	if (err) {
		kprintf("blk: reading sector %lu failed: error %d\n",
			(unsigned long)sector, err);
		return;
	}
	for (; n < SHOW_TEXT && sector_buf[n]; n++)
		text[n] = sector_buf[n] >= 0x20 && sector_buf[n] < 0x7f ?
			  (char)sector_buf[n] : '.';
	text[n] = '\0';
	kprintf("sector %lu: text \"%s\"\n", (unsigned long)sector, text);
	kprintf("sector %lu: bytes", (unsigned long)sector);
	for (unsigned i = 0; i < 16; i++)
		kprintf(" %02x", sector_buf[i]);
	kprintf("\n");
}

static void blk_write_cmd(uint64_t sector, int argc, char **argv)
{
	size_t len = 0;
	int err;

	memset(sector_buf, 0, sizeof sector_buf);
	/* The monitor split the text at blanks: join it with single spaces. */
	for (int i = 0; i < argc; i++) {
		size_t w = strlen(argv[i]);

		if (len + w + (i > 0) >= VBLK_SECTOR) {
			kprintf("blk: text longer than %u bytes\n", VBLK_SECTOR - 1);
			return;
		}
		if (i > 0)
			sector_buf[len++] = ' ';
		memcpy(sector_buf + len, argv[i], w);
		len += w;
	}
	err = vblk_io(0, VBLK_WRITE, sector, sector_buf, 1);
	if (!err)
		err = vblk_io(0, VBLK_FLUSH, 0, NULL, 0);
	if (err)
		kprintf("blk: writing sector %lu failed: error %d\n",
			(unsigned long)sector, err);
	else
		kprintf("blk: wrote %zu bytes of text to sector %lu, flushed\n",
			len, (unsigned long)sector);
}

static uint32_t pattern(uint32_t seed, uint64_t sector, unsigned word)
{
	uint32_t x = seed ^ (uint32_t)sector * 0x9e3779b9u ^ word * 0x85ebca6bu;

	x ^= x >> 15;
	return x * 0x2c1b3c6du;
}

/*
 * Submit every chunk, then wait for all: the queue runs full. With
 * @restart, the driver is restarted once the device holds a ringful, to
 * show that nothing submitted is lost.
 */
static int transfer(struct vblk_req *reqs, unsigned nreq, enum vblk_op op,
		    uint64_t first, uint32_t n, uint8_t *buf, enum test_mode mode)
{
	int err = 0;

	for (unsigned i = 0; i < nreq; i++) {
		uint32_t done = i * TEST_CHUNK;

		reqs[i] = (struct vblk_req){
			.op = op, .sector = first + done,
			.buf = buf + (size_t)done * VBLK_SECTOR,
			.count = n - done < TEST_CHUNK ? n - done : TEST_CHUNK,
		};
		err = vblk_submit(0, &reqs[i]);
		if (err) {
			nreq = i;
			break;
		}
	}
	if (mode == TEST_RESTART && !err) {
		int pending;

		sched_yield();		/* the Photon driver fills the ring */
		pending = vblk_restart(0);
		if (pending < 0)
			err = pending;
		else
			kprintf("blk test: driver restarted with %d of %u requests "
				"unfinished; they are replayed\n", pending, nreq);
	} else if (mode == TEST_CRASH && !err) {
		sched_yield();		/* the driver is busy: now it faults */
		vblk_crash(0, NX_DRV_CRASH_FAULT);
		kprintf("blk test: driver crash injected with %u requests submitted\n", nreq);
	}
	for (unsigned i = 0; i < nreq; i++) {
		int r = vblk_wait(&reqs[i]);

		if (r && !err)
			err = r;
	}
	if (!err && op == VBLK_WRITE)
		err = vblk_io(0, VBLK_FLUSH, 0, NULL, 0);
	return err;
}

static void print_rate(const char *what, uint64_t ticks, uint32_t n)
{
	uint64_t ns = clock_ticks_to_ns(ticks);
	uint64_t kib = (uint64_t)n * VBLK_SECTOR / 1024;

	kprintf("blk test: %s %lu us, %lu ns per KiB\n", what,
		(unsigned long)(ns / 1000),
		(unsigned long)(kib ? ns / kib : ns));
}

static void blk_test_cmd(uint64_t n, enum test_mode mode)
{
	struct vblk_info info;
	size_t bytes = (size_t)n * VBLK_SECTOR;
	size_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned nreq = (unsigned)((n + TEST_CHUNK - 1) / TEST_CHUNK);
	size_t req_pages = (nreq * sizeof(struct vblk_req) + PAGE_SIZE - 1) / PAGE_SIZE;
	uint32_t seed = (uint32_t)hal_time_now() | 1;
	uint64_t first, t0, t1, t2, bad = 0, first_bad = 0;
	uint8_t *out, *in;
	struct vblk_req *reqs;
	int err;

	vblk_info(0, &info);
	if (n == 0 || n > TEST_MAX_SECTORS || n > info.capacity) {
		kprintf("usage: blk test N [restart|crash] (1 to %u sectors, at most "
			"the capacity)\n",
			TEST_MAX_SECTORS);
		return;
	}
	/* The end of the disk: what `blk write` put at the start survives. */
	first = info.capacity - n;
	out = page_alloc_n(pages);
	in = page_alloc_n(pages);
	reqs = page_alloc_n(req_pages);
	if (!out || !in || !reqs) {
		kprintf("blk test: out of memory\n");
		goto out;
	}
	for (uint64_t s = 0; s < n; s++)
		for (unsigned w = 0; w < VBLK_SECTOR / 4; w++)
			((uint32_t *)out)[s * (VBLK_SECTOR / 4) + w] =
				pattern(seed, first + s, w);
	t0 = hal_time_now();
	err = transfer(reqs, nreq, VBLK_WRITE, first, (uint32_t)n, out, mode);
	t1 = hal_time_now();
	if (!err)
		err = transfer(reqs, nreq, VBLK_READ, first, (uint32_t)n, in, TEST_PLAIN);
	t2 = hal_time_now();
	if (err) {
		kprintf("blk test: I/O error %d: FAIL\n", err);
		goto out;
	}
	for (uint64_t s = 0; s < n; s++) {
		if (memcmp(out + s * VBLK_SECTOR, in + s * VBLK_SECTOR, VBLK_SECTOR)) {
			if (!bad++)
				first_bad = first + s;
		}
	}
	kprintf("blk test: %lu sectors (%lu KiB) at %lu-%lu, %u requests of up to "
		"%u sectors each way\n", (unsigned long)n,
		(unsigned long)(bytes / 1024), (unsigned long)first,
		(unsigned long)(first + n - 1), nreq, TEST_CHUNK);
	print_rate("write+flush", t1 - t0, (uint32_t)n);
	print_rate("read", t2 - t1, (uint32_t)n);
	kprintf("blk test: (under -icount shift=0 a nanosecond is one guest "
		"instruction: ns per KiB = instructions per KiB)\n");
	if (bad)
		kprintf("blk test: %lu sectors differ, the first at %lu: FAIL\n",
			(unsigned long)bad, (unsigned long)first_bad);
	else
		kprintf("blk test: %lu sectors read back equal: PASS\n", (unsigned long)n);
out:
	if (out)
		page_free_n(out, pages);
	if (in)
		page_free_n(in, pages);
	if (reqs)
		page_free_n(reqs, req_pages);
}

static void usage(void)
{
	kprintf("usage: blk info | read SECTOR | write SECTOR TEXT | "
		"test N [restart|crash] | restart | crash\n");
}

void blk_cmd(int argc, char **argv)
{
	uint64_t v = 0;

	if (argc < 2) {
		usage();
		return;
	}
	if (argc >= 3 && !parse_u64(argv[2], &v)) {
		usage();
		return;
	}
	if (!started())
		return;
	if (!strcmp(argv[1], "info") && argc == 2) {
		blk_info_cmd();
	} else if (!strcmp(argv[1], "read") && argc == 3) {
		blk_read_cmd(v);
	} else if (!strcmp(argv[1], "write") && argc >= 4) {
		blk_write_cmd(v, argc - 3, argv + 3);
	} else if (!strcmp(argv[1], "test") && argc == 3) {
		blk_test_cmd(v, TEST_PLAIN);
	} else if (!strcmp(argv[1], "test") && argc == 4 && !strcmp(argv[3], "restart")) {
		blk_test_cmd(v, TEST_RESTART);
	} else if (!strcmp(argv[1], "test") && argc == 4 && !strcmp(argv[3], "crash")) {
		blk_test_cmd(v, TEST_CRASH);
	} else if (!strcmp(argv[1], "crash") && argc == 2) {
		vblk_crash(0, NX_DRV_CRASH_FAULT);
	} else if (!strcmp(argv[1], "restart") && argc == 2) {
		if (vblk_restart(0) >= 0)
			kprintf("blk: device reset and queue rebuilt\n");
		blk_info_cmd();
	} else {
		usage();
	}
}
