/*
 * virtio-blk (virtio 1.2, section 5.2): the kernel's half. One device,
 * one request queue. The driver itself is an app, user/vblkd, at EL0 in a
 * cell of its own (docs/drivers.md): it owns the queue and moves requests
 * onto it; this half keeps the device's life (discovery, reset, features,
 * placing the queue), the requests, the interrupt, and the checks that
 * keep the driver's reach to its own device and the buffers it is lent.
 * Clients hand requests in and wait on each request's completion event.
 * No polling anywhere.
 *
 * Every request gets an id and stays on the disk's submitted list from
 * vblk_submit() until its completion is signalled. A driver restart
 * (vblk_restart(): device reset, a new driver app) therefore loses
 * nothing: whatever the old driver held is simply handed to the new one
 * again, in id order. Re-running a read or a write of the same data is harmless, so
 * replay needs no record of how far the device had got.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"

#define VBLK_SECTOR		512u
#define VBLK_MAX_SECTORS	128u	/* per request: 64 KiB */
#define VBLK_DISKS		2	/* /data and /nex */

/* Feature bits of the block device (5.2.3). */
#define VIRTIO_BLK_F_RO		(1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE	(1ull << 6)
#define VIRTIO_BLK_F_FLUSH	(1ull << 9)

enum vblk_op { VBLK_READ, VBLK_WRITE, VBLK_FLUSH };

/*
 * One request. The caller fills op, sector, buf and count and keeps the
 * struct alive, unmoved, until done is signalled; it may live on a fiber
 * stack, since kernel memory is mapped VA == PA and so is DMA-addressable
 * as it is. The driver app is lent buf for DMA, never for its own loads
 * and stores.
 */
struct vblk_req {
	enum vblk_op op;
	uint64_t sector;
	void *buf;			/* count * VBLK_SECTOR bytes; NULL to flush */
	uint32_t count;			/* 0 to flush */
	/* Set by the driver. */
	uint32_t id;			/* unique since boot */
	uint64_t submitted_at;		/* clock ticks, for Blink's watchdog */
	int result;			/* 0, -NX_EIO; valid once done */
	struct event done;
	struct vblk_req *next;		/* submitted list */
	bool sent;			/* on the driver's channel, or its queue */
};

struct vblk_info {
	uint64_t capacity;		/* in sectors */
	uint64_t offered, features;
	unsigned queue_size;
	unsigned slot, irq;
	unsigned generation;		/* driver starts since boot */
	uint32_t driver_app;		/* the driver's app id; 0 while none runs */
	uint64_t submitted, completed, errors, interrupts, notifies;
	uint64_t replayed;		/* put on a new ring by a restart */
	uint64_t restart_latency;	/* ticks from the last fault to a request served */
	uint64_t restart_ticks;		/* ticks from it to the driver running again,
					   its requests back on its queue */
};

/*
 * Find the modern virtio-blk devices (up to VBLK_DISKS, in slot order:
 * disk 0 is the first), set each up and start its driver app
 * (/bin/vblkd.npk, from the initial image). Returns how many disks run;
 * calling it again starts only disks not yet found.
 */
int vblk_start(void);
/*
 * Stop the driver app, reset the device and start a new driver; requests
 * still on the submitted list are replayed once it has its queue. Fiber
 * context. Returns how many were pending, or -NX_ENOENT and the errors
 * of vblk_start().
 */
int vblk_restart(unsigned disk);
/*
 * Queue @r. 0, or before anything is queued: -NX_ENOENT (driver not
 * started), -NX_EINVAL (bad buffer or count), -NX_ERANGE (past the end of
 * the disk), -NX_EROFS (write to a read-only device). A flush on a device
 * without a write cache completes at once.
 */
int vblk_submit(unsigned disk, struct vblk_req *r);
/* Fiber context: block until @r completes; returns its result. */
int vblk_wait(struct vblk_req *r);
/* Submit and wait: @count sectors from @sector to or from @buf. */
int vblk_io(unsigned disk, enum vblk_op op, uint64_t sector, void *buf, uint32_t count);
int vblk_info(unsigned disk, struct vblk_info *out);
/*
 * Debug: have the driver of @disk misbehave as @how (NX_DRV_CRASH_*) at
 * its next wakeup. -NX_EAGAIN while it has no channel yet.
 */
int vblk_crash(unsigned disk, unsigned how);

#endif
