/*
 * Stage-2 changes at run time: unmapping a device for a hard pledge,
 * revoking an ended cell's whole map, and the TLB maintenance that
 * makes either take effect.
 */
#include <stddef.h>

#include "core/stage2.h"
#include "stage2_desc.h"
#include "sysreg.h"

/* The level-3 entry of @ipa, or NULL when a block or nothing maps it. */
static uint64_t *s2_pte(uint64_t *root, uint64_t ipa, bool *block)
{
	uint64_t *t = root;

	*block = false;
	for (int level = 1; level < 3; level++) {
		uint64_t e = t[s2_index(ipa, level)];

		if (!(e & S2_VALID))
			return NULL;
		if (!(e & S2_TABLE)) {
			*block = true;
			return NULL;
		}
		t = s2_next(e);
	}
	return &t[s2_index(ipa, 3)];
}

bool s2_unmap(uint64_t *root, uint64_t base, uint64_t size)
{
	uint64_t end = (base + size + 0xfff) & ~0xfffull;
	bool block;

	for (uint64_t ipa = base & ~0xfffull; ipa < end; ipa += 0x1000) {
		uint64_t *pte = s2_pte(root, ipa, &block);

		if (block)
			return false;
		if (pte)
			*pte = 0;	/* invalid: no break-before-make needed */
	}
	return true;
}

/*
 * TLBI VMALLS12E1IS drops stage-1 and stage-2 entries of the VMID in
 * VTTBR_EL2, which is the trapping cell's (Arm ARM D8.13). The DSB
 * before it makes the table writes visible to the walker; the DSB after
 * it waits for the invalidation on every core.
 */
void s2_flush_current(void)
{
	__asm__ volatile("dsb ishst\n\ttlbi vmalls12e1is\n\tdsb ish\n\tisb"
			 : : : "memory");
}

/*
 * A cell has ended: every level-1 entry invalid (valid to invalid needs
 * no break-before-make, Arm ARM D8.16.1), then its TLB entries dropped
 * on all cores, so none of its cores can translate anything again.
 */
void s2_revoke(uint64_t *root)
{
	for (unsigned i = 0; i < S2_ENTRIES; i++)
		root[i] = 0;
	s2_flush_current();
}
