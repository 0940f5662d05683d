/* The RumKV hypercalls (include/nexus/hypercall.h is the ABI). */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdint.h>

struct cell;

/* @imm: the HVC immediate; @x: the cell's x0..x3, results written back. */
void hc_handle(struct cell *c, uint32_t imm, uint64_t *x);

#endif
