/*
 * The capability algebra: one struct cap_space (64 slots) per app, and a
 * fixed, kernel-wide pool of derivation nodes that remembers who derived
 * what from whom, so that revoke reaches copies in any space.
 *
 * Locking: none. The kernel is single-core and calls every function here
 * with interrupts masked; the pool is shared by all spaces, so that rule
 * must hold for all of them together.
 *
 * Ownership: every occupied slot owns exactly one pool node, so with
 * CAP_POOL_NODES / NX_CAP_SLOTS spaces or fewer the pool can never run
 * out. A space must be cleared (cap_space_clear) before its memory is
 * reused, and never copied by value: the copy would share the nodes.
 *
 * Returns: a slot number or 0 on success, otherwise a negative NX_E code:
 * -NX_EINVAL for a slot number out of range, -NX_ENOENT for an empty
 * slot or one killed by a revoke or drop of an ancestor, -NX_EPERM for a
 * wrong type or a verb not held. Nothing changes on any error.
 */
#ifndef SEC_CAP_H
#define SEC_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nexus/cap.h>

#define CAP_POOL_NODES		4096	/* derivation nodes, kernel-wide */
#define CAP_DEPTH_MAX		16	/* capabilities in one chain, root included */
#define CAP_VERBS_FMT_MAX	40	/* "spawn,send,recv,map,mask,tick,grant" + NUL */

struct cap_slot {
	uint64_t object;	/* what the capability names; type says how */
	uint32_t epoch;		/* revokes done through this slot */
	uint16_t node;		/* the pool node this slot owns */
	uint8_t type;		/* enum nx_cap_type; NX_CAP_EMPTY when free */
	uint8_t pad;
};

struct cap_space {
	struct cap_slot slot[NX_CAP_SLOTS];
};

void cap_space_init(struct cap_space *cs);

/* Drops every capability (app exit); their descendants die with them. */
void cap_space_clear(struct cap_space *cs);

/*
 * A root capability, for the kernel only. Returns the lowest free slot (a
 * slot whose capability was revoked counts as free), or -NX_EINVAL for
 * type NX_CAP_EMPTY or verbs outside NX_CAP_ALL, -NX_ENOSPC, -NX_ENOMEM.
 */
int cap_mint(struct cap_space *cs, uint32_t type, uint64_t object, uint32_t verbs);

/*
 * The syscall gate: 0 and *object if slot holds a live capability of
 * this type with every verb in `verb` (-NX_EINVAL for verb 0: asking for
 * nothing must not pass as a check). object may be NULL.
 *
 * Cost: O(1) while no revoke, drop or mask has happened anywhere since
 * this slot was last checked (a per-node cache stamped with a global
 * counter); otherwise one walk to the root, at most CAP_DEPTH_MAX - 1
 * links, which refreshes the cache.
 */
int cap_check(const struct cap_space *cs, int slot, uint32_t type, uint32_t verb,
	      uint64_t *object);

/*
 * Needs NX_CAP_MASK. verbs &= keep, here and, in effect, in every copy
 * derived from this slot: no descendant ever holds more than any of its
 * ancestors holds now. Bits of keep outside NX_CAP_ALL are ignored.
 */
int cap_mask(struct cap_space *cs, int slot, uint32_t keep);

/*
 * Needs NX_CAP_GRANT, and verbs must be a subset of the verbs held
 * (-NX_EPERM). Puts a derived copy with those verbs in `to` (which may be
 * `from`) and returns its slot; -NX_E2BIG if the chain is already
 * CAP_DEPTH_MAX long, -NX_ENOSPC, -NX_ENOMEM.
 */
int cap_grant(struct cap_space *from, int slot, struct cap_space *to, uint32_t verbs);

/*
 * Kills every capability derived from slot, in any space, transitively.
 * Needs no verb: whoever holds a capability may take back its copies.
 * The slot itself stays live, and new grants from it work again.
 */
int cap_revoke(struct cap_space *cs, int slot);

/* Empties slot (live or already revoked) and kills its descendants. */
int cap_drop(struct cap_space *cs, int slot);

/* Fills *out with the capability's effective verbs. */
int cap_inspect(const struct cap_space *cs, int slot, struct nx_cap_info *out);

/* The lowest live slot naming (type, object), or -NX_ENOENT. */
int cap_find(const struct cap_space *cs, uint32_t type, uint64_t object);

/*
 * "spawn,send,recv", "none" for 0. NULL if buf is shorter than needed
 * (CAP_VERBS_FMT_MAX always suffices) or verbs has bits outside NX_CAP_ALL.
 */
const char *cap_verbs_format(uint32_t verbs, char *buf, size_t len);

/* Comma-separated verb names, "all" or "none". -NX_EINVAL otherwise. */
int cap_verbs_parse(const char *s, uint32_t *out);

/* Pool nodes in use: for leak checks in tests and the shell's statistics. */
unsigned cap_pool_used(void);

#endif
