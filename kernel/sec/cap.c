/*
 * Capability spaces and the derivation pool behind revoke.
 *
 * Every occupied slot owns one node of a kernel-wide pool. A node records
 * its parent's index and the parent's child epoch at the moment of
 * derivation. A capability is live iff every link up to its root still
 * matches: revoke bumps the revoker's child epoch, which breaks the first
 * link of every descendant at once, however many spaces they sit in,
 * without visiting them. Freeing a node bumps its child epoch as well,
 * and child epochs are never reset (not even when a node is reused) and
 * are 64 bits wide, so a stale link can never match again.
 *
 * The effective verbs of a capability are its own verbs and-ed with all
 * of its ancestors', computed on the same walk. A walk's result is cached
 * in the node, stamped with cap_world; any event that can kill a link or
 * narrow an ancestor (revoke, free, mask) bumps cap_world and so expires
 * every cache at once. Grants and mints expire nothing: they only add
 * nodes no one depends on yet.
 *
 * Revoked descendants keep their nodes until their slot is reused,
 * dropped or cleared: the one-node-per-slot rule is what bounds the pool.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <nexus/errno.h>

#include "sec/cap.h"

#define CAP_NONE	0xffffu

struct cap_node {
	uint64_t child_epoch;	/* bumped by revoke and free, never reset */
	uint64_t parent_epoch;	/* parent's child_epoch when derived */
	uint64_t checked;	/* cap_world when eff was computed; 0: never */
	uint16_t parent;	/* CAP_NONE for a root; next free while free */
	uint8_t depth;		/* links to the root */
	uint8_t verbs;		/* as minted, granted or masked */
	uint8_t eff;		/* verbs & every ancestor's, as of `checked` */
	uint8_t pad[3];
};
_Static_assert(CAP_POOL_NODES < CAP_NONE, "node indices fit in 16 bits");
_Static_assert(CAP_DEPTH_MAX < 256, "depth fits in 8 bits");

static struct cap_node cap_pool[CAP_POOL_NODES];
static uint16_t cap_free = CAP_NONE;	/* freed nodes, linked by parent */
static unsigned cap_fresh;		/* nodes from here up never used */
static unsigned cap_used;
static uint64_t cap_world = 1;

unsigned cap_pool_used(void)
{
	return cap_used;
}

static int cap_node_alloc(void)
{
	int n;

	if (cap_free != CAP_NONE) {
		n = cap_free;
		cap_free = cap_pool[n].parent;
	} else if (cap_fresh < CAP_POOL_NODES) {
		n = (int)cap_fresh++;
	} else {
		return -NX_ENOMEM;
	}
	cap_used++;
	return n;
}

static void cap_node_free(uint16_t n)
{
	struct cap_node *c = &cap_pool[n];

	c->child_epoch++;
	c->checked = 0;
	c->parent = cap_free;
	cap_free = n;
	cap_used--;
	cap_world++;
}

/* Fills node n as a child of parent (CAP_NONE for a root). */
static void cap_node_init(uint16_t n, uint16_t parent, uint32_t verbs)
{
	struct cap_node *c = &cap_pool[n];

	c->parent = parent;
	c->parent_epoch = parent == CAP_NONE ? 0 : cap_pool[parent].child_epoch;
	c->depth = parent == CAP_NONE ? 0 : (uint8_t)(cap_pool[parent].depth + 1);
	c->verbs = (uint8_t)verbs;
	c->checked = 0;
}

/*
 * True if node n is live, with its effective verbs in *eff. The walk
 * stops early at the first ancestor whose cache is current, since that
 * ancestor's eff already covers the rest of the chain.
 */
static bool cap_node_live(uint16_t n, uint8_t *eff)
{
	struct cap_node *c = &cap_pool[n];
	uint8_t v = c->verbs;

	for (uint16_t i = n; c->checked != cap_world && cap_pool[i].parent != CAP_NONE;) {
		const struct cap_node *p = &cap_pool[cap_pool[i].parent];

		if (p->child_epoch != cap_pool[i].parent_epoch)
			return false;
		if (p->checked == cap_world) {
			v &= p->eff;
			break;
		}
		v &= p->verbs;
		i = cap_pool[i].parent;
	}
	if (c->checked != cap_world) {
		c->eff = v;
		c->checked = cap_world;
	}
	*eff = c->eff;
	return true;
}

static bool cap_slot_ok(int slot)
{
	return slot >= 0 && slot < NX_CAP_SLOTS;
}

/* Decode step shared by every operation on an existing slot. */
static int cap_live(const struct cap_space *cs, int slot, uint8_t *eff)
{
	const struct cap_slot *s;

	if (!cap_slot_ok(slot))
		return -NX_EINVAL;
	s = &cs->slot[slot];
	if (s->type == NX_CAP_EMPTY || !cap_node_live(s->node, eff))
		return -NX_ENOENT;
	return 0;
}

/* The lowest slot that is empty or holds a dead capability. */
static int cap_free_slot(const struct cap_space *cs)
{
	uint8_t eff;

	for (int i = 0; i < NX_CAP_SLOTS; i++)
		if (cs->slot[i].type == NX_CAP_EMPTY || !cap_node_live(cs->slot[i].node, &eff))
			return i;
	return -NX_ENOSPC;
}

static void cap_slot_release(struct cap_slot *s)
{
	if (s->type != NX_CAP_EMPTY)
		cap_node_free(s->node);
	memset(s, 0, sizeof(*s));
}

/*
 * Invoke step of mint and grant: everything has been checked, so only the
 * pool can still say no, and it is asked before anything changes. A dead
 * capability in the chosen slot gives its node back first, which also
 * guarantees the allocation.
 */
static int cap_install(struct cap_space *cs, int slot, uint32_t type, uint64_t object,
		       uint16_t parent, uint32_t verbs)
{
	struct cap_slot *s = &cs->slot[slot];
	int n;

	if (s->type != NX_CAP_EMPTY)
		cap_slot_release(s);
	if ((n = cap_node_alloc()) < 0)
		return n;
	cap_node_init((uint16_t)n, parent, verbs);
	s->object = object;
	s->epoch = 0;
	s->node = (uint16_t)n;
	s->type = (uint8_t)type;
	return slot;
}

void cap_space_init(struct cap_space *cs)
{
	memset(cs, 0, sizeof(*cs));
}

void cap_space_clear(struct cap_space *cs)
{
	for (int i = 0; i < NX_CAP_SLOTS; i++)
		cap_slot_release(&cs->slot[i]);
}

int cap_mint(struct cap_space *cs, uint32_t type, uint64_t object, uint32_t verbs)
{
	int slot;

	/* NX_CAP_NET is the last type <nexus/cap.h> defines. */
	if (type == NX_CAP_EMPTY || type > NX_CAP_NET || (verbs & ~NX_CAP_ALL))
		return -NX_EINVAL;
	if ((slot = cap_free_slot(cs)) < 0)
		return slot;
	return cap_install(cs, slot, type, object, CAP_NONE, verbs);
}

int cap_check(const struct cap_space *cs, int slot, uint32_t type, uint32_t verb,
	      uint64_t *object)
{
	uint8_t eff;
	int err;

	if (verb == 0)
		return -NX_EINVAL;
	if ((err = cap_live(cs, slot, &eff)) < 0)
		return err;
	if (cs->slot[slot].type != type || (verb & ~(uint32_t)eff))
		return -NX_EPERM;
	if (object)
		*object = cs->slot[slot].object;
	return 0;
}

int cap_mask(struct cap_space *cs, int slot, uint32_t keep)
{
	uint8_t eff;
	int err;

	if ((err = cap_live(cs, slot, &eff)) < 0)
		return err;
	if (!(eff & NX_CAP_MASK))
		return -NX_EPERM;
	cap_pool[cs->slot[slot].node].verbs &= (uint8_t)keep;
	cap_world++;
	return 0;
}

int cap_grant(struct cap_space *from, int slot, struct cap_space *to, uint32_t verbs)
{
	const struct cap_slot *s;
	uint8_t eff;
	int err, dst;

	if ((err = cap_live(from, slot, &eff)) < 0)
		return err;
	if (!(eff & NX_CAP_GRANT) || (verbs & ~(uint32_t)eff))
		return -NX_EPERM;
	s = &from->slot[slot];
	if (cap_pool[s->node].depth + 1 >= CAP_DEPTH_MAX)
		return -NX_E2BIG;
	if ((dst = cap_free_slot(to)) < 0)
		return dst;
	return cap_install(to, dst, s->type, s->object, s->node, verbs);
}

int cap_revoke(struct cap_space *cs, int slot)
{
	uint8_t eff;
	int err;

	if ((err = cap_live(cs, slot, &eff)) < 0)
		return err;
	cap_pool[cs->slot[slot].node].child_epoch++;
	cs->slot[slot].epoch++;
	cap_world++;
	return 0;
}

int cap_drop(struct cap_space *cs, int slot)
{
	if (!cap_slot_ok(slot))
		return -NX_EINVAL;
	if (cs->slot[slot].type == NX_CAP_EMPTY)
		return -NX_ENOENT;
	cap_slot_release(&cs->slot[slot]);
	return 0;
}

int cap_inspect(const struct cap_space *cs, int slot, struct nx_cap_info *out)
{
	const struct cap_slot *s;
	uint8_t eff;
	int err;

	if ((err = cap_live(cs, slot, &eff)) < 0)
		return err;
	s = &cs->slot[slot];
	out->type = s->type;
	out->verbs = eff;
	out->object = s->object;
	out->epoch = s->epoch;
	out->flags = cap_pool[s->node].parent == CAP_NONE ? 0 : NX_CAP_INFO_DERIVED;
	return 0;
}

int cap_find(const struct cap_space *cs, uint32_t type, uint64_t object)
{
	uint8_t eff;

	for (int i = 0; i < NX_CAP_SLOTS; i++)
		if (cs->slot[i].type == type && type != NX_CAP_EMPTY &&
		    cs->slot[i].object == object && cap_live(cs, i, &eff) == 0)
			return i;
	return -NX_ENOENT;
}
