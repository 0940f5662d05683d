/*
 * The cell manifest: a device tree (schema in docs/bundle.md) read into a
 * struct hv_config. The same code runs in RumKV at boot (freestanding, at
 * EL2) and in tools/mkbundle on the host, so a manifest the tool accepts
 * is one the hypervisor accepts.
 */
#ifndef HV_MANIFEST_H
#define HV_MANIFEST_H

#include <stddef.h>

#include "config.h"

/* The root node's compatible string; any other tree is not a manifest. */
#define MANIFEST_COMPATIBLE	"nexus,manifest-v1"

/*
 * Reads @dtb (a flattened device tree, already known to be at least its
 * header's totalsize long) into @out. Returns 0, or -NX_EINVAL with a
 * message in @err naming the node and property at fault; -NX_E2BIG when a
 * list is longer than its limit in config.h (never truncated). Checks the
 * shape of the tree only: manifest_validate() checks the meaning.
 */
int manifest_parse(const void *dtb, struct hv_config *out, char *err,
		   size_t errlen);

/*
 * Checks that @c describes a partition that can exist: limits respected,
 * every cell has cores, memory inside RAM and an image name, and no
 * memory, core, device (MMIO range) or interrupt is given twice. Returns
 * 0, or -NX_EINVAL / -NX_E2BIG with a message naming what collides.
 */
int manifest_validate(const struct hv_config *c, char *err, size_t errlen);

#endif
