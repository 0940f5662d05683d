/*
 * Building a cell's stage-2 tables (boot-only). Tables come from a
 * static pool in RumKV's own memory, which no cell maps. RAM is mapped
 * with 2 MiB blocks where alignment allows; devices always with 4 KiB
 * pages, so a hard pledge can unmap one without splitting a block.
 */
#include <string.h>

#include "core/stage2.h"
#include "stage2_desc.h"
#include "sysreg.h"

#define S2_POOL_PAGES	32	/* about 6 per cell on QEMU virt */

static uint64_t s2_pool[S2_POOL_PAGES][S2_ENTRIES]
	__attribute__((aligned(4096)));
static unsigned s2_pool_used;

static uint64_t *s2_alloc(void)
{
	if (s2_pool_used == S2_POOL_PAGES)
		return NULL;
	/* .bss is zero: every entry starts invalid. */
	return s2_pool[s2_pool_used++];
}

uint64_t *s2_create(void)
{
	return s2_alloc();
}

/* The table below entry @e, created if missing; NULL if out of tables. */
static uint64_t *s2_walk_alloc(uint64_t *e)
{
	uint64_t *t;

	if (*e & S2_VALID)
		return (*e & S2_TABLE) ? s2_next(*e) : NULL;
	t = s2_alloc();
	if (t)
		*e = (uint64_t)(uintptr_t)t | S2_VALID | S2_TABLE;
	return t;
}

static bool s2_map_one(uint64_t *root, uint64_t ipa, uint64_t end,
		       enum s2_kind kind, uint64_t *step)
{
	uint64_t attr = kind == S2_RAM ? S2_RAM_ATTR : S2_DEV_ATTR;
	uint64_t *l2, *l3, *e;

	l2 = s2_walk_alloc(&root[s2_index(ipa, 1)]);
	if (!l2)
		return false;
	e = &l2[s2_index(ipa, 2)];
	if (kind == S2_RAM && !(*e & S2_VALID) &&
	    !(ipa & (s2_level_size(2) - 1)) && end - ipa >= s2_level_size(2)) {
		*e = ipa | (attr & ~S2_TABLE);	/* a level-2 block */
		*step = s2_level_size(2);
		return true;
	}
	l3 = s2_walk_alloc(e);
	if (!l3)
		return false;
	l3[s2_index(ipa, 3)] = ipa | attr | S2_TABLE;
	*step = s2_level_size(3);
	return true;
}

bool s2_map(uint64_t *root, uint64_t base, uint64_t size, enum s2_kind kind)
{
	uint64_t ipa = base & ~0xfffull;
	uint64_t end = (base + size + 0xfff) & ~0xfffull;
	uint64_t step;

	if (end > (1ull << S2_IPA_BITS) || end <= ipa)
		return false;
	for (; ipa < end; ipa += step)
		if (!s2_map_one(root, ipa, end, kind, &step))
			return false;
	dsb_ish();
	return true;
}
