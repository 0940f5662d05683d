/*
 * PSCI 1.1 emulation for a cell (Arm DEN 0022D). A cell may only act on
 * its own cores: CPU_ON of a core it does not own is INVALID_PARAMETERS,
 * never a way to reach another cell's core. SYSTEM_OFF ends the cell;
 * the machine goes off when no cell is left. Both the SMC32 and SMC64
 * forms of the calls that have them are accepted.
 */
#include "cell.h"
#include "psci.h"

#define PSCI_VERSION		0x84000000u
#define PSCI_CPU_OFF		0x84000002u
#define PSCI_CPU_ON		0x84000003u	/* | 0x40000000: SMC64 */
#define PSCI_AFFINITY_INFO	0x84000004u	/* | 0x40000000: SMC64 */
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u
#define PSCI_FEATURES		0x8400000au
#define PSCI_SMC64		0x40000000u

#define PSCI_V1_1		0x10001
#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define AFFINITY_ON		0
#define AFFINITY_OFF		1

#define MPIDR_AFF_MASK		0xff00fffffful

static int64_t psci_cpu_on(struct cell *c, uint64_t mpidr)
{
	int i = cell_core_index(c, mpidr & MPIDR_AFF_MASK);

	if (i < 0)
		return PSCI_INVALID_PARAMS;
	if (c->core_on[i])
		return PSCI_ALREADY_ON;
	/* Cells have one core so far: any core they own is the one running. */
	return PSCI_INVALID_PARAMS;
}

static int64_t psci_affinity(struct cell *c, uint64_t mpidr, uint64_t level)
{
	int i = cell_core_index(c, mpidr & MPIDR_AFF_MASK);

	if (i < 0 || level != 0)
		return PSCI_INVALID_PARAMS;
	return c->core_on[i] ? AFFINITY_ON : AFFINITY_OFF;
}

static int64_t psci_features(uint32_t fn)
{
	switch (fn & ~PSCI_SMC64) {
	case PSCI_VERSION: case PSCI_CPU_OFF: case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO: case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET: case PSCI_FEATURES:
		return PSCI_SUCCESS;
	}
	return PSCI_NOT_SUPPORTED;
}

void psci_handle(struct cell *c, uint64_t *x)
{
	uint32_t fn = (uint32_t)x[0];
	int64_t ret = PSCI_NOT_SUPPORTED;

	switch (fn & ~PSCI_SMC64) {
	case PSCI_VERSION:
		ret = PSCI_V1_1;
		break;
	case PSCI_FEATURES:
		ret = psci_features((uint32_t)x[1]);
		break;
	case PSCI_CPU_ON:
		ret = psci_cpu_on(c, x[1]);
		break;
	case PSCI_AFFINITY_INFO:
		ret = psci_affinity(c, x[1], x[2]);
		break;
	case PSCI_CPU_OFF:	/* the cell's only core: nothing runs it now */
		cell_terminate(c, "stopped: its last core called CPU_OFF");
	case PSCI_SYSTEM_OFF:
		cell_terminate(c, "powered off");
	case PSCI_SYSTEM_RESET:
		cell_terminate(c, "asked for a reset: cell reset is not "
			       "supported yet, terminated");
	}
	x[0] = (uint64_t)ret;
}
