/*
 * A test-and-set spinlock for RumKV's shared state, now that two cores
 * of one cell can trap at the same time.
 *
 * LDAXR/STXR (Arm ARM B2.9, load-acquire exclusive and store exclusive)
 * take it, STLR (store-release) drops it: the acquire/release pair
 * orders everything done under the lock (B2.3.11). cortex-a72 is Armv8.0
 * and has no LSE atomics (CAS/SWP), hence the exclusive pair.
 *
 * Caveat: EL2 runs with its MMU off, so the lock word is Device memory.
 * The architecture only guarantees exclusives on Normal memory with the
 * global monitor the implementation provides (B2.9.5): QEMU TCG honours
 * them regardless, real hardware may not (STXR may fail for ever). A
 * real machine needs EL2's MMU on, with RumKV's data mapped cacheable
 * Normal memory, before this lock can be trusted; that is not done.
 */
#include "core/spinlock.h"

void spin_lock(struct spinlock *l)
{
	uint32_t tmp;

	__asm__ volatile("1:	ldaxr	%w0, [%1]\n"
			 "	cbnz	%w0, 1b\n"
			 "	stxr	%w0, %w2, [%1]\n"
			 "	cbnz	%w0, 1b"
			 : "=&r"(tmp) : "r"(&l->held), "r"(1u) : "memory");
}

void spin_unlock(struct spinlock *l)
{
	__asm__ volatile("stlr	wzr, [%0]" : : "r"(&l->held) : "memory");
}
