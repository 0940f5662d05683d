/*
 * Stage-2 translation: the hardware wall around a cell. Identity map
 * (IPA == PA) of exactly the cell's RAM and devices; anything else
 * faults to EL2. The format is arch code (hv/arch/aarch64/stage2.c).
 */
#ifndef HV_STAGE2_H
#define HV_STAGE2_H

#include <stdbool.h>
#include <stdint.h>

enum s2_kind { S2_RAM, S2_DEVICE };

/* A new, empty root table, or NULL when the table pool is spent. Boot. */
uint64_t *s2_create(void);
/* Maps [base, base+size) rounded out to pages. False: out of tables. Boot. */
bool s2_map(uint64_t *root, uint64_t base, uint64_t size, enum s2_kind kind);
/*
 * Unmaps [base, base+size) rounded out to pages. False if a block
 * mapping straddles the range (devices are mapped with pages, so a
 * pledge never meets one). The caller flushes the TLB.
 */
bool s2_unmap(uint64_t *root, uint64_t base, uint64_t size);
/* Empties @root and flushes the current VMID: the cell ends. */
void s2_revoke(uint64_t *root);
/* Drops every TLB entry of the current VMID, on all cores. */
void s2_flush_current(void);

#endif
