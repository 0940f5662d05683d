/*
 * Capabilities as apps see them: slot numbers, verb bits, object types
 * and the record the `cap` syscall's INSPECT fills in. Part of the frozen
 * ABI, shared by the kernel, apps and host tools. The algebra behind it
 * lives in kernel/sec/cap.c.
 *
 * An app holds up to NX_CAP_SLOTS capabilities, named by slot number.
 * A capability names one object (its type says what kind) and carries a
 * subset of the seven verbs. Rights only ever shrink along a derivation:
 * MASK narrows a capability in place, GRANT hands on at most what the
 * granter holds, and REVOKE kills every copy derived from a capability
 * while the capability itself stays.
 */
#ifndef NEXUS_CAP_H
#define NEXUS_CAP_H

#include <stddef.h>
#include <stdint.h>

#define NX_CAP_SLOTS	64

/* Verbs; each is also what the kinetic economy charges (<nexus/energy.h>). */
#define NX_CAP_SPAWN	(1u << 0)	/* start an app */
#define NX_CAP_SEND	(1u << 1)	/* put on a channel */
#define NX_CAP_RECV	(1u << 2)	/* take from a channel */
#define NX_CAP_MAP	(1u << 3)	/* map memory */
#define NX_CAP_MASK	(1u << 4)	/* narrow this capability's verbs */
#define NX_CAP_TICK	(1u << 5)	/* timers and sleeping */
#define NX_CAP_GRANT	(1u << 6)	/* hand a copy on to another app */
#define NX_CAP_ALL	0x7fu

enum nx_cap_type {
	NX_CAP_EMPTY = 0,
	NX_CAP_SELF = 1,	/* the app's own process: SPAWN, MAP, TICK, MASK, GRANT */
	NX_CAP_CHANNEL = 2,
	NX_CAP_PROCESS = 3,	/* another app, e.g. a child */
	NX_CAP_NET = 4,		/* the NetSwitch: SEND|RECV open a port */
};

/*
 * The `cap` syscall: cap(op, slot, a, b). Every operation first checks
 * that `slot` is in [0, NX_CAP_SLOTS) (else -NX_EINVAL) and holds a live
 * capability (else -NX_ENOENT: empty, or revoked by an ancestor).
 *
 *   NX_CAP_OP_INSPECT  a: user address of a struct nx_cap_info to fill.
 *                      Returns 0. -NX_EFAULT if `a` is not writable.
 *   NX_CAP_OP_MASK     a: verbs to keep. Needs NX_CAP_MASK. The verbs
 *                      become verbs & a, for this capability and, in
 *                      effect, for everything derived from it. Returns 0.
 *   NX_CAP_OP_GRANT    a: verbs for the copy; b: slot of an
 *                      NX_CAP_PROCESS capability holding NX_CAP_GRANT
 *                      that names the recipient (spawn mints one for each
 *                      child). Needs NX_CAP_GRANT on `slot`, and a
 *                      must be a subset of its verbs (-NX_EPERM, nothing
 *                      created). Returns the copy's slot in the
 *                      recipient; -NX_ENOSPC if the recipient has no
 *                      free slot, -NX_E2BIG if the derivation chain is
 *                      already at its depth limit.
 *   NX_CAP_OP_REVOKE   Kills every capability derived from `slot`, in
 *                      any app, transitively; `slot` stays. Returns 0.
 *
 * Why: MASK in place rather than "mint a smaller copy" keeps the slot
 * numbers an app was given stable, and makes dropping a right one call.
 */
#define NX_CAP_OP_INSPECT	0
#define NX_CAP_OP_MASK		1
#define NX_CAP_OP_GRANT		2
#define NX_CAP_OP_REVOKE	3

/* nx_cap_info.flags */
#define NX_CAP_INFO_DERIVED	(1u << 0)	/* granted, not minted by the kernel */

struct nx_cap_info {
	uint32_t type;		/* enum nx_cap_type */
	uint32_t verbs;		/* NX_CAP_* verbs usable now */
	uint64_t object;	/* object id, meaning set by type */
	uint32_t epoch;		/* times this slot has been revoked (wraps) */
	uint32_t flags;		/* NX_CAP_INFO_* */
};
_Static_assert(sizeof(struct nx_cap_info) == 24, "cap info size");
_Static_assert(offsetof(struct nx_cap_info, verbs) == 4, "cap info verbs offset");
_Static_assert(offsetof(struct nx_cap_info, object) == 8, "cap info object offset");
_Static_assert(offsetof(struct nx_cap_info, epoch) == 16, "cap info epoch offset");
_Static_assert(offsetof(struct nx_cap_info, flags) == 20, "cap info flags offset");

#endif
