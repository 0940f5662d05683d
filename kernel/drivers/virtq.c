/*
 * Split virtqueue bookkeeping: the free descriptor list, publishing
 * chains on the available ring and taking them back from the used ring.
 *
 * Ordering with the device (virtio 1.2, 2.7.13): descriptors and ring
 * entries must be visible before the index that publishes them, so
 * avail->idx is stored with release semantics; the device's used entries
 * are read only after used->idx is loaded with acquire semantics.
 */
#include <nexus/errno.h>

#include "drivers/virtq.h"

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

size_t virtq_bytes(unsigned size, size_t *avail_off, size_t *used_off)
{
	size_t avail = (size_t)size * sizeof(struct virtq_desc);
	/* flags, idx, ring[size], used_event */
	size_t used = align_up(avail + 4 + 2 * (size_t)size + 2, 4);

	if (avail_off)
		*avail_off = avail;
	if (used_off)
		*used_off = used;
	return used + 4 + sizeof(struct virtq_used_elem) * size + 2;
}

int virtq_init(struct virtq *q, unsigned size, void *mem)
{
	size_t avail_off, used_off;

	if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)) ||
	    ((uintptr_t)mem & 15))
		return -NX_EINVAL;
	virtq_bytes(size, &avail_off, &used_off);
	*q = (struct virtq){ .size = size, .nfree = size };
	q->desc = mem;
	q->avail = (struct virtq_avail *)((char *)mem + avail_off);
	q->used = (struct virtq_used *)((char *)mem + used_off);
	for (unsigned i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	return 0;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n,
	      void *cookie)
{
	uint16_t head = q->free_head, d = head, last = head;
	bool writing = false;

	if (n == 0 || n > q->size || !cookie)
		return -NX_EINVAL;
	for (unsigned i = 0; i < n; i++) {
		if (bufs[i].len == 0 || (writing && !bufs[i].device_writes))
			return -NX_EINVAL;	/* readable after writable */
		writing = bufs[i].device_writes;
	}
	if (n > q->nfree)
		return -NX_EAGAIN;
	for (unsigned i = 0; i < n; i++) {
		struct virtq_desc *dp = &q->desc[d];

		dp->addr = (uint64_t)(uintptr_t)bufs[i].addr;
		dp->len = bufs[i].len;
		dp->flags = (uint16_t)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
				       (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		last = d;
		d = dp->next;
	}
	/* The free list continues where the chain's last link pointed. */
	q->free_head = q->desc[last].next;
	q->nfree -= n;
	q->cookie[head] = cookie;
	q->avail->ring[q->avail_idx & (q->size - 1)] = head;
	q->avail_idx++;
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
	return head;
}

bool virtq_notify_wanted(const struct virtq *q)
{
	/* Seen after our avail->idx store, or the device may miss the kick. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED) &
		 VIRTQ_USED_F_NO_NOTIFY);
}

unsigned virtq_used_pending(const struct virtq *q)
{
	return (uint16_t)(__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) -
			  q->last_used);
}

bool virtq_get_used(struct virtq *q, void **cookie, uint32_t *len)
{
	struct virtq_used_elem e;
	uint16_t d;
	unsigned n = 1;

	if (!virtq_used_pending(q))
		return false;
	e = q->used->ring[q->last_used & (q->size - 1)];
	q->last_used++;
	*len = e.len;
	*cookie = NULL;
	if (e.id >= q->size || !q->cookie[e.id])
		return true;
	*cookie = q->cookie[e.id];
	q->cookie[e.id] = NULL;
	for (d = (uint16_t)e.id; q->desc[d].flags & VIRTQ_DESC_F_NEXT && n < q->size; n++)
		d = q->desc[d].next;
	q->desc[d].next = q->free_head;
	q->free_head = (uint16_t)e.id;
	q->nfree += n;
	return true;
}
