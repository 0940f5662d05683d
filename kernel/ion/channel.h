/*
 * Channel registry: a small fixed table that maps a service name
 * ("console", "vfs", "net", ...) to the ring that reaches it. Capabilities
 * will hand channels out; the registry only names them.
 *
 * Not locked: registration happens at boot or from cooperative kernel
 * fibers, and the caller serialises access to one registry.
 */
#ifndef ION_CHANNEL_H
#define ION_CHANNEL_H

#include <stdint.h>

#include "ion/ring.h"

#define CHAN_MAX	16	/* channels per registry */
#define CHAN_NAME_MAX	15	/* name bytes, without the terminating NUL */

struct chan_entry {
	char name[CHAN_NAME_MAX + 1];	/* "" marks a free entry */
	struct ion_ring *ring;
};

struct chan_registry {
	struct chan_entry entry[CHAN_MAX];
};

void chan_init(struct chan_registry *reg);
int chan_register(struct chan_registry *reg, const char *name, struct ion_ring *ring);
int chan_lookup(const struct chan_registry *reg, const char *name, struct ion_ring **ring);
int chan_unregister(struct chan_registry *reg, const char *name);

#endif
