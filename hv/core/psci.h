/*
 * PSCI (Arm DEN 0022) as a cell sees it: RumKV emulates it for the
 * cell's own cores only, through SMC trapped by HCR_EL2.TSC.
 */
#ifndef HV_PSCI_H
#define HV_PSCI_H

#include <stdint.h>

struct cell;

/* @x: the cell's x0..x3; function ID in x[0], result back in x[0]. */
void psci_handle(struct cell *c, uint64_t *x);

#endif
