/* RumKV's EL2 stage-1 map, between mmu_boot.c and the resident mmu.c. */
#ifndef HV_MMU_H
#define HV_MMU_H

/* Load the tables on this core and turn the MMU on (off if none built). */
void hv_mmu_enable(void);

#endif
