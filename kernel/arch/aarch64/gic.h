/* GICv3: distributor, this core's redistributor, ICC system registers. */
#ifndef AARCH64_GIC_H
#define AARCH64_GIC_H

#include <stdint.h>

/* Returns 0, or -NX_EINVAL when this core has no redistributor. */
int gic_init(uint64_t gicd, uint64_t gicr, uint64_t gicr_size);
void gic_enable_irq(unsigned irq);
/* Acknowledge, dispatch and end every pending interrupt. */
void gic_handle_irq(void);

#endif
