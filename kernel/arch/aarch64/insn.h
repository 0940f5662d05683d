/*
 * Just enough of the A64 instruction set to replay a load or store that
 * faulted on a device window lent to a driver app (sys/user.h): the
 * Data Abort syndrome says nothing about the instruction for a stage 1
 * fault (ISV is 0), so it is decoded from the app's code.
 */
#ifndef AARCH64_INSN_H
#define AARCH64_INSN_H

#include <stdbool.h>
#include <stdint.h>

struct insn_ldst {
	unsigned size;		/* bytes: 1, 2, 4 or 8 */
	unsigned rt;		/* 31: xzr */
	bool store;
};

/*
 * LDR/STR (immediate, unsigned offset), general registers, zero-
 * extending loads only: what a driver's register accessors compile to.
 * False for anything else (sign-extending, pre/post-index, pairs, SIMD).
 */
bool insn_decode_ldst(uint32_t insn, struct insn_ldst *out);

#endif
