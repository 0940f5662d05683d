/*
 * The GICv3 distributor filter: no cell maps the distributor (GICD);
 * every access traps to EL2 as a stage-2 data abort and is replayed on
 * the real register, limited to the SPIs the cell owns. There is no
 * shadow state: the hardware register is the only copy.
 */
#ifndef HV_VGIC_DIST_H
#define HV_VGIC_DIST_H

#include <stdbool.h>
#include <stdint.h>

struct cell;

/* The distributor's 64 KiB frame (GICv3 spec 12.8, GICD_* offsets). */
#define VGIC_DIST_SIZE	0x10000u

/* Physical base of the distributor, set at boot; 0: no GICv3 found. */
extern uint64_t vgic_dist_base;

/*
 * One trapped access of @size bytes (1, 2, 4 or 8) at @off in the
 * distributor frame: a write of @val (returns 0), or a read whose value
 * is returned, zero-extended. Refused writes are counted in
 * NX_TRAP_GICD_REFUSED.
 */
uint64_t vgic_dist_access(struct cell *c, uint32_t off, unsigned size,
			  bool write, uint64_t val);

#endif
