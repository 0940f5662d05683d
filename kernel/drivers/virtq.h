/*
 * Split virtqueues (virtio 1.2, section 2.7): the descriptor table, the
 * available ring the driver fills and the used ring the device fills, in
 * memory the caller provides. Nothing here touches a register, so the
 * host tests drive it against a fake device.
 *
 * Everything is little-endian on the wire; both the kernel (aarch64) and
 * the host tests run little-endian, so fields are stored as they are.
 *
 * One owner: a queue is used by one fiber at a time (the driver's); the
 * device is the only other party, and it is fenced by the index stores
 * and loads below, never by a lock.
 */
#ifndef VIRTQ_H
#define VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE		128	/* per-queue bookkeeping is static */

#define VIRTQ_DESC_F_NEXT	1u
#define VIRTQ_DESC_F_WRITE	2u	/* the device writes this buffer */
#define VIRTQ_DESC_F_INDIRECT	4u	/* a table of descriptors: refused */
#define VIRTQ_USED_F_NO_NOTIFY	1u	/* the device asks not to be kicked */

struct virtq_desc {
	uint64_t addr;			/* guest-physical: VA == PA here */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;			/* free-running, wraps at 2^16 */
	uint16_t ring[];		/* then used_event, unused here */
};

struct virtq_used_elem {
	uint32_t id;			/* head of the chain the device is done with */
	uint32_t len;			/* bytes it wrote into the chain */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];	/* then avail_event, unused here */
};

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc layout");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem layout");

struct virtq {
	unsigned size;			/* a power of two, <= VIRTQ_MAX_SIZE */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t free_head;		/* free descriptors, chained by next */
	unsigned nfree;
	uint16_t avail_idx;		/* the driver's copy of avail->idx */
	uint16_t last_used;		/* used entries consumed so far */
	void *cookie[VIRTQ_MAX_SIZE];	/* per chain head, while in flight */
};

/* One buffer of a chain. */
struct virtq_buf {
	void *addr;
	uint32_t len;
	bool device_writes;
};

/*
 * Bytes of memory a queue of @size needs, and the offsets of its rings
 * in it: descriptors at 0 (16-byte aligned), the available ring after
 * them, the used ring on its own 4-byte boundary. Spec alignment
 * requirements for version-2 devices are only 16, 2 and 4.
 */
size_t virtq_bytes(unsigned size, size_t *avail_off, size_t *used_off);
/*
 * Lay out an empty queue in @mem (zeroed, 16-byte aligned, at least
 * virtq_bytes() long). -NX_EINVAL unless @size is a power of two in
 * 1..VIRTQ_MAX_SIZE.
 */
int virtq_init(struct virtq *q, unsigned size, void *mem);
/*
 * Chain @n buffers, readable ones first as the spec requires, and make
 * the chain available with @cookie (not NULL). Returns the chain's head,
 * -NX_EAGAIN when fewer than @n descriptors are free, or -NX_EINVAL.
 */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n,
	      void *cookie);
/* Whether the device wants a notification for what was just added. */
bool virtq_notify_wanted(const struct virtq *q);
/*
 * Take one completed chain off the used ring: returns true and its cookie
 * and written length, freeing its descriptors; false when none is
 * pending. A used entry naming a chain not in flight is a device bug:
 * its cookie comes back NULL and nothing is freed.
 */
bool virtq_get_used(struct virtq *q, void **cookie, uint32_t *len);
/* Chains the device has completed but the driver has not taken. */
unsigned virtq_used_pending(const struct virtq *q);

/*
 * For a supervisor that lets an untrusted driver fill a queue (see
 * virtq_check.c): whether the device may read, or with @device_writes
 * write, [addr, addr + len).
 */
typedef bool virtq_dma_fn(void *ctx, uint64_t addr, uint32_t len, bool device_writes);
/*
 * Check the chains made available in avail->ring[from .. to) (free-
 * running indices) of a queue of @size: every descriptor passes
 * @allowed, every chain ends inside the table within @size links, none
 * is indirect. 0, or -NX_EPERM with the first problem in @why.
 */
int virtq_check_avail(const struct virtq_desc *desc, const struct virtq_avail *avail,
		      unsigned size, uint16_t from, uint16_t to,
		      virtq_dma_fn *allowed, void *ctx, const char **why);

#endif
