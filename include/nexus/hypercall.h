/*
 * The RumKV hypercall ABI: what a cell's kernel may ask of the hypervisor.
 * `hvc #NX_HVC_IMM` with the call number in x0 and arguments in x1..x3;
 * the result comes back in x0 (0 or a negative NX_E value), and x1..x3
 * where a call says so. Part of the frozen ABI: numbers never change.
 */
#ifndef NEXUS_HYPERCALL_H
#define NEXUS_HYPERCALL_H

#include <stdint.h>

#define NX_HVC_IMM		0x4E58	/* "NX" */

/* x0: call numbers. */
#define NX_HC_VERSION		0	/* -> x0 = 0, x1 = NX_HV_ABI_VERSION */
#define NX_HC_CELL_INFO		1	/* x1 = struct nx_cell_info *, IPA -> 0 */
#define NX_HC_PLEDGE		2	/* x1 = device classes to KEEP (mask) */
#define NX_HC_TRAP_COUNT	3	/* x1 = reason (NX_TRAP_*) -> x1 = count */

#define NX_HV_ABI_VERSION	1

/*
 * Device classes of a hard pledge. A cell starts with the classes its
 * manifest grants; NX_HC_PLEDGE keeps only those in x1 and unmaps every
 * device of the others from the cell's stage-2 tables. A mask that would
 * add a class is refused with -NX_EPERM and counted: the ratchet only
 * turns one way.
 */
#define NX_DEVCLASS_CONSOLE	(1u << 0)
#define NX_DEVCLASS_NET		(1u << 1)
#define NX_DEVCLASS_BLOCK	(1u << 2)
#define NX_DEVCLASS_RNG		(1u << 3)
#define NX_DEVCLASS_OTHER	(1u << 4)
#define NX_DEVCLASS_ALL		0x1fu

/* Why a cell trapped into the hypervisor; per-cell counters. */
#define NX_TRAP_HVC		0
#define NX_TRAP_SMC		1	/* PSCI */
#define NX_TRAP_DABT		2	/* stage-2 data abort: emulated or fatal */
#define NX_TRAP_IABT		3
#define NX_TRAP_IRQ		4
#define NX_TRAP_SYSREG		5
#define NX_TRAP_PLEDGE_REFUSED	6	/* loosening attempts */
#define NX_TRAP_OTHER		7
#define NX_TRAP_GICD_REFUSED	8	/* distributor writes refused by the filter */
#define NX_TRAP_REASONS		9

struct nx_cell_info {
	uint32_t cell_id;
	uint32_t ncpus;
	uint32_t devclasses;	/* classes still held */
	uint32_t pad;
	uint64_t mem_base;
	uint64_t mem_size;
	char name[32];
};
_Static_assert(sizeof(struct nx_cell_info) == 64, "nx_cell_info size");

#endif
