#ifndef AARCH64_MMU_H
#define AARCH64_MMU_H

#include <stdint.h>

struct platform;

/*
 * Builds the identity map (VA == PA) from the device tree's memory and
 * devices, with the kernel image mapped W^X by section, and turns the MMU
 * and caches on. Panics if the machine does not fit the tables.
 */
void mmu_init(const struct platform *p);

#endif
