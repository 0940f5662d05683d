/* The register state saved on every exception (see vectors.S). */
#ifndef AARCH64_TRAP_H
#define AARCH64_TRAP_H

#include <stddef.h>
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];		/* x0..x30 */
	uint64_t sp;		/* at the moment of the exception */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

/* vectors.S hard-codes these; keep them in step. */
#define TRAP_FRAME_SIZE 288
_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "trap frame");
_Static_assert(offsetof(struct trap_frame, sp) == 248, "trap frame sp");
_Static_assert(offsetof(struct trap_frame, elr) == 256, "trap frame elr");
_Static_assert(offsetof(struct trap_frame, esr) == 272, "trap frame esr");

/* Human-readable decoding of an ESR_EL1 value. */
const char *esr_class_name(uint32_t ec);
void esr_print_detail(uint64_t esr, uint64_t far);

/* Frame pointers outside [lo, hi) end a backtrace: RAM, from the DTB. */
void backtrace_set_bounds(uint64_t lo, uint64_t hi);
void backtrace_from(uint64_t fp);
void print_symbol(uint64_t addr);

#endif
