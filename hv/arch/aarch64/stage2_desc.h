/*
 * Stage-2 descriptors, VMSAv8-64 with a 4 KiB granule (Arm ARM D8.3,
 * stage-2 attributes D8.5.5). RumKV uses a 39-bit IPA space
 * (VTCR_EL2.T0SZ = 25) starting at level 1 (VTCR_EL2.SL0 = 1): one
 * 4 KiB root table, 1 GiB per level-1 entry, 2 MiB blocks at level 2,
 * 4 KiB pages at level 3. QEMU's cortex-a72 reports PARange = 44 bits,
 * so a 40-bit IPA space would also work, at the price of two
 * concatenated root tables; 39 bits cover all of QEMU virt below 512 GiB.
 */
#ifndef HV_STAGE2_DESC_H
#define HV_STAGE2_DESC_H

#include <stdint.h>

#define S2_IPA_BITS	39
#define S2_ENTRIES	512
#define S2_VALID	(1ull << 0)
#define S2_TABLE	(1ull << 1)	/* levels 1-2: table; level 3: page */
#define S2_AF		(1ull << 10)	/* access flag set: no AF faults */
#define S2_SH_INNER	(3ull << 8)
#define S2_AP_RW	(3ull << 6)	/* S2AP: read and write */
#define S2_XN		(1ull << 54)	/* never execute (device memory) */
#define S2_MEM_NORMAL	(0xfull << 2)	/* MemAttr: Normal, write-back */
#define S2_MEM_DEVICE	(0x1ull << 2)	/* MemAttr: Device-nGnRE */
#define S2_ADDR_MASK	0x0000fffffffff000ull

#define S2_RAM_ATTR	(S2_VALID | S2_AF | S2_SH_INNER | S2_AP_RW | S2_MEM_NORMAL)
#define S2_DEV_ATTR	(S2_VALID | S2_AF | S2_AP_RW | S2_MEM_DEVICE | S2_XN)

/* Bits of the IPA that index level 1, 2, 3. */
static inline unsigned s2_index(uint64_t ipa, int level)
{
	return (unsigned)(ipa >> (39 - 9 * level)) & (S2_ENTRIES - 1);
}

static inline uint64_t s2_level_size(int level)
{
	return 1ull << (39 - 9 * level);
}

static inline uint64_t *s2_next(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & S2_ADDR_MASK);
}

#endif
