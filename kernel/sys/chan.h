/*
 * Channel objects: two ION rings between two ends. End 0 is the app that
 * created the channel (or the app a kernel service serves), end 1 the
 * app that connected, or the kernel. Each end has an event, signalled
 * when its rx ring may have gained an element or its peer went away.
 *
 * The kernel never trusts a ring header in app memory: it formats the
 * rings itself and keeps its own views (struct ion_ring) with the
 * geometry, so a scribbled header can only confuse the app that wrote it.
 */
#ifndef SYS_CHAN_H
#define SYS_CHAN_H

#include <stdbool.h>
#include <stdint.h>

#include <nexus/chan.h>

#include "core/event.h"
#include "ion/ring.h"

#define CHAN_OBJ_MAX	128

struct app;
struct channel;

/* A kernel service: drains @c's requests from end 0 and replies. */
typedef void chan_serve_fn(struct channel *c);
/* The service lets go of its own state for @c, just before @c is freed. */
typedef void chan_close_fn(struct channel *c);

struct channel {
	bool used;
	uint32_t gen;			/* bumped on free: stale caps miss */
	char name[NX_NAME_MAX];
	struct app *end[2];		/* end[1] NULL: served by the kernel */
	struct ion_ring ring[2];	/* ring[i]: end i produces, the other consumes */
	struct event readable[2];	/* end i's rx ring (ring[1 - i]) */
	chan_serve_fn *serve;
	chan_close_fn *on_close;
	unsigned svc_unit;		/* the service's handle: a NetSwitch port */
	void *mem;			/* the rings' pages */
	unsigned pages;
	bool pooled;			/* mem is from the shared pool */
	bool closed;			/* an end went away */
	bool device;			/* a driver's: end 0's event also means
					   "the device interrupted", news even
					   with the ring empty */
	uint32_t pending_read;		/* console: a READ waits for input */
	struct nx_msg pending;
};

/* Kernel-served channel for @a, rings in @mem (pages of @a's cell). */
struct channel *chan_service_create(struct app *a, const char *name,
				    chan_serve_fn *serve, void *mem, unsigned pages);
/*
 * Kernel-served channel for @a whose rings, @slots of @elem_size bytes
 * each way, come from the shared pool and are mapped into @a: for rings
 * too large for the app's cell layout. -NX_ENOSPC, -NX_ENOMEM, -NX_EINVAL.
 */
int chan_pool_service_create(struct app *a, const char *name, chan_serve_fn *serve,
			     uint32_t slots, uint32_t elem_size, struct channel **out);
/* A channel between two apps: its rings come from the shared pool. */
int chan_named_create(struct app *owner, const char *name, struct channel **out);
int chan_named_connect(struct app *a, const char *name, struct channel **out);
/* @a lets go of @c: its end closes, the peer is woken, memory returns. */
void chan_leave(struct channel *c, struct app *a);
/* @a is going away: every channel it holds an end of. */
void chan_release_app(struct app *a);

/* The capability object of @c, and back; NULL for stale or bad ones. */
uint64_t chan_object(const struct channel *c);
struct channel *chan_from_object(uint64_t object);
/* Which end @a holds, or -1. */
int chan_end_of(const struct channel *c, const struct app *a);

/* For the channel's holder @end: describe it, signal the peer, wait. */
void chan_describe(const struct channel *c, int end, int slot,
		   struct nx_chan_desc *d);
int chan_notify(struct channel *c, int end);
int chan_wait(struct channel *c, int end, uint64_t deadline);

/* Service side: the next request of end 0, and the reply to it. */
bool chan_next_request(struct channel *c, struct nx_msg *m);
void chan_reply(struct channel *c, const struct nx_msg *req, int64_t status);

#endif
