/*
 * Checking a queue someone else filled. A driver app builds its chains
 * in its own memory; before the device is told about them, its
 * supervisor reads each descriptor once, into a copy, and judges the
 * copy. The device reads the same descriptors during the notification
 * the supervisor then performs, while the driver is stopped in its trap,
 * so on one CPU what is checked is what the device uses.
 */
#include <nexus/errno.h>

#include "drivers/virtq.h"

static int refuse(const char **why, const char *what)
{
	*why = what;
	return -NX_EPERM;
}

int virtq_check_avail(const struct virtq_desc *desc, const struct virtq_avail *avail,
		      unsigned size, uint16_t from, uint16_t to,
		      virtq_dma_fn *allowed, void *ctx, const char **why)
{
	const volatile struct virtq_desc *table = desc;

	if ((uint16_t)(to - from) > size)
		return refuse(why, "more chains than the queue holds");
	for (uint16_t i = from; i != to; i++) {
		uint16_t at = ((const volatile uint16_t *)avail->ring)[i & (size - 1)];

		for (unsigned links = 0;; links++) {
			struct virtq_desc d;

			if (at >= size)
				return refuse(why, "descriptor outside the queue");
			if (links == size)
				return refuse(why, "descriptor chain loops");
			d.addr = table[at].addr;
			d.len = table[at].len;
			d.flags = table[at].flags;
			d.next = table[at].next;
			if (d.flags & VIRTQ_DESC_F_INDIRECT)
				return refuse(why, "indirect descriptor");
			if (d.addr + d.len < d.addr ||
			    !allowed(ctx, d.addr, d.len, d.flags & VIRTQ_DESC_F_WRITE))
				return refuse(why, "DMA outside its grants");
			if (!(d.flags & VIRTQ_DESC_F_NEXT))
				break;
			at = d.next;
		}
	}
	return 0;
}
