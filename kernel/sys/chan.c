/*
 * Channel objects. The rings of a channel between two apps live in a
 * shared pool, one block of app memory set aside at boot, so that
 * neither app's exit can pull memory from under the other: the pages go
 * back to the pool only when both ends are gone. NetSwitch ports take
 * their larger rings from the same pool.
 */
#include <string.h>

#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/sched.h"
#include "mm/page_alloc.h"
#include "sys/app.h"
#include "sys/chan.h"

/* 4 MiB: every NetSwitch port's 48 pages, and room for named channels. */
#define POOL_PAGES	1024

static struct channel chans[CHAN_OBJ_MAX];
static struct {
	uint8_t *base;
	uint64_t used[POOL_PAGES / 64];
} pool;

static struct channel *chan_alloc(const char *name)
{
	for (unsigned i = 0; i < CHAN_OBJ_MAX; i++) {
		struct channel *c = &chans[i];

		if (!c->used) {
			uint32_t gen = c->gen;

			memset(c, 0, sizeof(*c));
			c->used = true;
			c->gen = gen;
			strlcpy(c->name, name, NX_NAME_MAX);
			return c;
		}
	}
	return NULL;
}

/* One ring's bytes, rounded so that the second ring starts on a cache line. */
static size_t ring_span(uint32_t slots, uint32_t elem_size)
{
	return (ion_ring_bytes(slots, elem_size) + NX_ION_CACHELINE - 1) &
	       ~(size_t)(NX_ION_CACHELINE - 1);
}

static unsigned rings_pages(uint32_t slots, uint32_t elem_size)
{
	return (unsigned)((2 * ring_span(slots, elem_size) + PAGE_SIZE - 1) / PAGE_SIZE);
}

/* Ring 0 at @mem, ring 1 right after it; message rings share one page. */
static int format_rings(struct channel *c, void *mem, unsigned pages, uint32_t slots,
			uint32_t elem_size)
{
	size_t n = ring_span(slots, elem_size);

	if (n == 0 || 2 * n > (size_t)pages * PAGE_SIZE ||
	    ion_ring_init(&c->ring[0], mem, n, slots, elem_size) ||
	    ion_ring_init(&c->ring[1], (uint8_t *)mem + n, n, slots, elem_size))
		return -NX_EINVAL;
	c->mem = mem;
	c->pages = pages;
	return 0;
}

struct channel *chan_service_create(struct app *a, const char *name,
				    chan_serve_fn *serve, void *mem, unsigned pages)
{
	struct channel *c = chan_alloc(name);

	if (!c)
		return NULL;
	if (format_rings(c, mem, pages, NX_CHAN_RING_SLOTS, sizeof(struct nx_msg))) {
		c->used = false;
		return NULL;
	}
	c->end[0] = a;
	c->serve = serve;
	return c;
}

static bool pool_taken(unsigned i)
{
	return pool.used[i / 64] >> (i % 64) & 1;
}

/* @n contiguous zeroed pages of the pool, first fit. */
static void *pool_alloc(unsigned n)
{
	unsigned run = 0;

	if (!pool.base) {
		pool.base = page_alloc_aligned(POOL_PAGES, POOL_PAGES * PAGE_SIZE);
		if (!pool.base || hal_user_memory((uint64_t)pool.base,
						  POOL_PAGES * PAGE_SIZE))
			return pool.base = NULL;
	}
	for (unsigned i = 0; i < POOL_PAGES; i++) {
		run = pool_taken(i) ? 0 : run + 1;
		if (run == n) {
			unsigned first = i + 1 - n;

			for (unsigned k = first; k <= i; k++)
				pool.used[k / 64] |= 1ull << (k % 64);
			memset(pool.base + (size_t)first * PAGE_SIZE, 0, (size_t)n * PAGE_SIZE);
			return pool.base + (size_t)first * PAGE_SIZE;
		}
	}
	return NULL;
}

static void pool_free(void *mem, unsigned n)
{
	size_t first = (size_t)((uint8_t *)mem - pool.base) / PAGE_SIZE;

	for (size_t k = first; k < first + n; k++)
		pool.used[k / 64] &= ~(1ull << (k % 64));
}

/* Rings from the pool for @c, formatted and mapped into @owner. */
static int pool_rings(struct channel *c, struct app *owner, uint32_t slots,
		      uint32_t elem_size)
{
	unsigned pages = rings_pages(slots, elem_size);
	void *mem = pool_alloc(pages);

	if (!mem)
		return -NX_ENOMEM;
	if (format_rings(c, mem, pages, slots, elem_size)) {
		pool_free(mem, pages);
		return -NX_EINVAL;
	}
	if (app_map_shared(owner, mem, pages)) {
		app_unmap_shared(owner, mem, pages);	/* whatever part was mapped */
		pool_free(mem, pages);
		return -NX_ENOMEM;
	}
	c->pooled = true;
	return 0;
}

int chan_pool_service_create(struct app *a, const char *name, chan_serve_fn *serve,
			     uint32_t slots, uint32_t elem_size, struct channel **out)
{
	struct channel *c = chan_alloc(name);
	int err;

	if (!c)
		return -NX_ENOSPC;
	err = pool_rings(c, a, slots, elem_size);
	if (err) {
		c->used = false;
		return err;
	}
	c->end[0] = a;
	c->serve = serve;
	*out = c;
	return 0;
}

static struct channel *chan_by_name(const char *name)
{
	for (unsigned i = 0; i < CHAN_OBJ_MAX; i++)
		if (chans[i].used && !chans[i].serve && !chans[i].closed &&
		    !strncmp(chans[i].name, name, NX_NAME_MAX))
			return &chans[i];
	return NULL;
}

int chan_named_create(struct app *owner, const char *name, struct channel **out)
{
	struct channel *c;
	int err;

	if (chan_by_name(name))
		return -NX_EEXIST;
	c = chan_alloc(name);
	if (!c)
		return -NX_ENOSPC;
	err = pool_rings(c, owner, NX_CHAN_RING_SLOTS, sizeof(struct nx_msg));
	if (err) {
		c->used = false;
		return err;
	}
	c->end[0] = owner;
	*out = c;
	return 0;
}

int chan_named_connect(struct app *a, const char *name, struct channel **out)
{
	struct channel *c = chan_by_name(name);

	if (!c)
		return -NX_ENOENT;
	if (c->end[1])
		return -NX_EBUSY;
	if (c->end[0] == a)
		return -NX_EINVAL;
	if (app_map_shared(a, c->mem, c->pages))
		return -NX_ENOMEM;
	c->end[1] = a;
	*out = c;
	return 0;
}

static void chan_free(struct channel *c)
{
	if (c->on_close)
		c->on_close(c);
	if (c->pooled)
		pool_free(c->mem, c->pages);
	c->used = false;
	c->gen++;
}

void chan_leave(struct channel *c, struct app *a)
{
	int end = chan_end_of(c, a);

	if (end < 0)
		return;
	/* Pool pages outlive this end: its view must not reach them any more. */
	if (c->pooled)
		app_unmap_shared(a, c->mem, c->pages);
	c->end[end] = NULL;
	c->closed = true;
	if (c->serve || !c->end[1 - end])
		chan_free(c);
	else
		event_signal(&c->readable[1 - end]);
}

void chan_release_app(struct app *a)
{
	for (unsigned i = 0; i < CHAN_OBJ_MAX; i++)
		if (chans[i].used)
			chan_leave(&chans[i], a);
}

uint64_t chan_object(const struct channel *c)
{
	return (uint64_t)c->gen << 32 | (uint64_t)(c - chans);
}

struct channel *chan_from_object(uint64_t object)
{
	uint32_t i = (uint32_t)object;

	if (i >= CHAN_OBJ_MAX || !chans[i].used || chans[i].gen != object >> 32)
		return NULL;
	return &chans[i];
}

int chan_end_of(const struct channel *c, const struct app *a)
{
	if (c->end[0] == a)
		return 0;
	if (c->end[1] == a && !c->serve)
		return 1;
	return -1;
}

void chan_describe(const struct channel *c, int end, int slot,
		   struct nx_chan_desc *d)
{
	d->tx = (uint64_t)c->ring[end].hdr;
	d->rx = (uint64_t)c->ring[1 - end].hdr;
	d->slot = slot;
	d->elem_size = c->ring[end].elem_size;
}

int chan_notify(struct channel *c, int end)
{
	if (c->serve) {
		c->serve(c);
		return 0;
	}
	if (!c->end[1 - end])
		return -NX_EIO;		/* nobody at the other end */
	event_signal(&c->readable[1 - end]);
	return 0;
}

/* The rx ring of @end has something, by the kernel's own view of it. */
static bool rx_ready(struct channel *c, int end)
{
	return ion_count(&c->ring[1 - end]) != 0;
}

int chan_wait(struct channel *c, int end, uint64_t deadline)
{
	for (;;) {
		int err;

		if (rx_ready(c, end))
			return 0;
		if (c->closed && !c->serve)
			return -NX_EIO;
		err = event_wait(&c->readable[end], deadline ? deadline : EVENT_FOREVER);
		if (err || c->device)
			return err;
	}
}

bool chan_next_request(struct channel *c, struct nx_msg *m)
{
	return ion_pop(&c->ring[0], m, NULL) == 0;
}

void chan_reply(struct channel *c, const struct nx_msg *req, int64_t status)
{
	struct nx_msg r = *req;

	r.status = status;
	/* A full reply ring is the client's own doing: the reply is lost. */
	if (ion_push(&c->ring[1], &r, NULL) == 0)
		event_signal(&c->readable[0]);
}
