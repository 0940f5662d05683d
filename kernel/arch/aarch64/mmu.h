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

/* Descriptor bits of the VMSAv8-64 4 KiB granule, shared with space.c. */
#define PTE_VALID	(1ull << 0)
#define PTE_TABLE	(1ull << 1)	/* level 1-2: next table; level 3: page */
#define PTE_ATTR_DEV	(0ull << 2)	/* MAIR index 0 */
#define PTE_ATTR_MEM	(1ull << 2)	/* MAIR index 1 */
#define PTE_USER	(1ull << 6)	/* AP[1]: EL0 may access */
#define PTE_RO		(1ull << 7)	/* AP[2] */
#define PTE_SH_INNER	(3ull << 8)
#define PTE_AF		(1ull << 10)
#define PTE_NG		(1ull << 11)	/* not global: tagged with the ASID */
#define PTE_PXN		(1ull << 53)
#define PTE_UXN		(1ull << 54)
#define PTE_ADDR	0x0000fffffffff000ull

#define MEM_RW		(PTE_ATTR_MEM | PTE_SH_INNER | PTE_AF | PTE_PXN | PTE_UXN)
#define MEM_RO		(MEM_RW | PTE_RO)
#define MEM_RX		(PTE_ATTR_MEM | PTE_SH_INNER | PTE_AF | PTE_RO | PTE_UXN)
#define DEVICE		(PTE_ATTR_DEV | PTE_AF | PTE_PXN | PTE_UXN)

#define L1_SHIFT	30
#define L2_SHIFT	21
#define BLOCK_2M	(1ull << L2_SHIFT)
#define GIB		(1ull << L1_SHIFT)
#define MAX_GIB		4		/* addresses below 4 GiB only */

/* The kernel's tables: one level-1 table, one level-2 table per GiB. */
extern uint64_t mmu_l1[512];
extern uint64_t mmu_l2[MAX_GIB][512];

/* The kernel's level-2 entry for @va, or NULL above MAX_GIB. */
uint64_t *mmu_l2_entry(uint64_t va);
/* Every change to a kernel level-2 entry goes through here. */
void mmu_l2_update(uint64_t va, uint64_t entry);
/* space.c: copy a kernel level-2 change into every app view. */
void space_l2_changed(uint64_t va, uint64_t entry);

#endif
