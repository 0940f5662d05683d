/*
 * The register frame vectors.S saves on every trap from a cell: all the
 * general registers, then ELR_EL2 and SPSR_EL2. The offsets below are
 * the ones vectors.S uses; the asserts keep the two in step.
 */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#define FRAME_ELR	248
#define FRAME_SPSR	256
#define FRAME_SIZE	272	/* a multiple of 16: SP stays aligned */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};
_Static_assert(offsetof(struct trap_frame, elr) == FRAME_ELR, "frame elr");
_Static_assert(offsetof(struct trap_frame, spsr) == FRAME_SPSR, "frame spsr");
_Static_assert(sizeof(struct trap_frame) == FRAME_SIZE, "frame size");

void traps_arch_lower_sync(struct trap_frame *f);
__attribute__((noreturn)) void traps_arch_unexpected(struct trap_frame *f,
						     uint64_t kind);
#endif

#endif
