/*
 * A spinlock for RumKV's shared state, now that several cores (of one
 * cell or of several) can trap at the same time. The implementation is
 * per arch (hv/arch/aarch64/spinlock.c says what it relies on).
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <stdint.h>

struct spinlock {
	uint32_t held;		/* 0: free, 1: held */
};

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

#endif
