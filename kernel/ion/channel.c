/*
 * Channel registry (see channel.h). Names are compared whole: a name that
 * does not fit is refused with -NX_E2BIG rather than cut short, since two
 * long names sharing a prefix would otherwise collide.
 */
#include <string.h>

#include <nexus/errno.h>

#include "ion/channel.h"

void chan_init(struct chan_registry *reg)
{
	memset(reg, 0, sizeof(*reg));
}

/* Length of name if it is a legal channel name, else a negative error. */
static int chan_name_check(const char *name)
{
	int len = 0;

	if (name == NULL)
		return -NX_EINVAL;
	/* Bounded walk: the name may come from an app and lack a NUL nearby. */
	while (len <= CHAN_NAME_MAX && name[len] != '\0')
		len++;
	if (len == 0)
		return -NX_EINVAL;
	if (len > CHAN_NAME_MAX)
		return -NX_E2BIG;
	return len;
}

static int chan_find(const struct chan_registry *reg, const char *name)
{
	int i;

	for (i = 0; i < CHAN_MAX; i++) {
		if (reg->entry[i].name[0] != '\0' && strcmp(reg->entry[i].name, name) == 0)
			return i;
	}
	return -1;
}

static int chan_free_slot(const struct chan_registry *reg)
{
	int i;

	for (i = 0; i < CHAN_MAX; i++) {
		if (reg->entry[i].name[0] == '\0')
			return i;
	}
	return -1;
}

int chan_register(struct chan_registry *reg, const char *name, struct ion_ring *ring)
{
	int len = chan_name_check(name);
	int slot;

	if (len < 0)
		return len;
	if (ring == NULL)
		return -NX_EINVAL;
	if (chan_find(reg, name) >= 0)
		return -NX_EEXIST;
	slot = chan_free_slot(reg);
	if (slot < 0)
		return -NX_ENOSPC;
	memcpy(reg->entry[slot].name, name, (size_t)len + 1);
	reg->entry[slot].ring = ring;
	return 0;
}

/* The slot holding @name: its index, or a negative NX_E value. */
static int chan_slot(const struct chan_registry *reg, const char *name)
{
	int err = chan_name_check(name);
	int slot;

	if (err < 0)
		return err;
	slot = chan_find(reg, name);
	return slot < 0 ? -NX_ENOENT : slot;
}

int chan_lookup(const struct chan_registry *reg, const char *name, struct ion_ring **ring)
{
	int slot = chan_slot(reg, name);

	if (slot < 0)
		return slot;
	*ring = reg->entry[slot].ring;
	return 0;
}

int chan_unregister(struct chan_registry *reg, const char *name)
{
	int slot = chan_slot(reg, name);

	if (slot < 0)
		return slot;
	memset(&reg->entry[slot], 0, sizeof(reg->entry[slot]));
	return 0;
}
