/* RumKV's EL2 stage-1 descriptors and the tables' bookkeeping. */
#ifndef HV_MMU_DESC_H
#define HV_MMU_DESC_H

#include <stdint.h>

#define HV_PAGE		4096ul
#define HV_BLOCK	(2ul << 20)

#define D_VALID		(1ul << 0)
#define D_TABLE		(1ul << 1)	/* level 1-2: next table; level 3: page */
#define D_DEVICE	(0ul << 2)	/* MAIR index 0: Device-nGnRE */
#define D_NORMAL	(1ul << 2)	/* MAIR index 1: Normal write-back */
#define D_AP1		(1ul << 6)	/* RES1 at EL2 */
#define D_RO		(1ul << 7)
#define D_SH_INNER	(3ul << 8)
#define D_AF		(1ul << 10)
#define D_XN		(1ul << 54)

#define D_RW		(D_NORMAL | D_SH_INNER | D_AF | D_AP1 | D_XN)
#define D_RX		(D_NORMAL | D_SH_INNER | D_AF | D_AP1 | D_RO)
#define D_R		(D_RW | D_RO)
#define D_DEV		(D_DEVICE | D_AF | D_AP1 | D_XN)

/* What the resident code needs to know of the tables mmu_boot.c built. */
struct hv_mmu {
	uint64_t mair, tcr, ttbr;	/* ttbr 0: no map, MMU stays off */
	uint64_t *l3;			/* the pages of RumKV's own 2 MiB */
	uint64_t l3_base;
};
extern struct hv_mmu hv_mmu;

#endif
