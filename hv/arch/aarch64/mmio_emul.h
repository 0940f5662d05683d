/* Emulated MMIO from stage-2 data aborts (mmio_emul.c). */
#ifndef HV_MMIO_EMUL_H
#define HV_MMIO_EMUL_H

#include <stdbool.h>
#include <stdint.h>

struct cell;
struct trap_frame;

/*
 * Replays the data abort at @ipa (syndrome @esr) if RumKV emulates that
 * address, advancing the cell past the access: true. False if not an
 * emulated address (the caller's fault policy applies). Ends the cell
 * if the access is emulated but the syndrome does not describe it.
 */
bool mmio_emulate(struct cell *c, struct trap_frame *f, uint64_t esr,
		  uint64_t ipa);

#endif
