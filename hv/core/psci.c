/*
 * PSCI 1.1 emulation for a cell (Arm DEN 0022D). A cell may only act on
 * its own cores: CPU_ON of a core it does not own is INVALID_PARAMETERS,
 * never a way to reach another cell's core. CPU_ON of one of its own
 * cores that is off powers that physical core on (the real PSCI CPU_ON,
 * from EL2) into RumKV, which enters the cell there; CPU_OFF turns a
 * core off again unless it is the cell's last one, which ends the cell.
 * SYSTEM_OFF ends the cell, all its cores; the machine goes off when no
 * cell is left. Both the SMC32 and SMC64 forms of the calls that have
 * them are accepted.
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
#define PSCI_INTERNAL_FAILURE	(-6)
#define PSCI_INVALID_ADDRESS	(-9)
#define AFFINITY_ON		0
#define AFFINITY_OFF		1

#define MPIDR_AFF_MASK		0xff00fffffful

/*
 * How often a real CPU_ON is retried while it says ALREADY_ON: a core
 * of the cell that just called CPU_OFF is marked off here a moment
 * before its own real CPU_OFF takes effect (psci_cpu_off).
 */
#define CPU_ON_RETRIES		100000

/*
 * CPU_ON (DEN 0022D 5.6): the core starts at @entry, at EL1 (the
 * caller's EL), MMU off, with x0 = @ctx (6.4.3). @entry must lie in the
 * cell's RAM (INVALID_ADDRESS otherwise, 5.6.2). c->lock makes the
 * check and the marking one step, so two cores of the cell asking for
 * the same core get one SUCCESS and one ALREADY_ON.
 */
static int64_t psci_cpu_on(struct cell *c, uint64_t mpidr, uint64_t entry,
			   uint64_t ctx)
{
	int i = cell_core_index(c, mpidr & MPIDR_AFF_MASK);
	struct hv_core *k;
	int64_t ret = PSCI_SUCCESS;

	if (i < 0)
		return PSCI_INVALID_PARAMS;
	if (!cell_owns_ram(c, entry, 4))
		return PSCI_INVALID_ADDRESS;
	spin_lock(&c->lock);
	if (c->core_on[i]) {
		ret = PSCI_ALREADY_ON;
		goto out;
	}
	k = c->core[i] ? c->core[i] : hv_core_alloc();
	if (!k) {
		ret = PSCI_INTERNAL_FAILURE;	/* no EL2 stack left */
		goto out;
	}
	k->cell = c;
	k->index = (uint32_t)i;
	k->entry = entry;
	k->arg = ctx;
	k->on_start = cell_arch_counter();
	c->core[i] = k;
	c->core_on[i] = true;
	for (uint32_t n = 0; n < CPU_ON_RETRIES; n++) {
		ret = cell_arch_cpu_on(c->cfg->mpidr[i], k);
		if (ret != PSCI_ALREADY_ON)
			break;
	}
	if (ret) {
		c->core_on[i] = false;
		ret = PSCI_INTERNAL_FAILURE;
	}
out:
	spin_unlock(&c->lock);
	return ret;
}

/*
 * CPU_OFF (DEN 0022D 5.5) from one of the cell's cores. The last core
 * on ends the cell as before; any other is marked off and really powered
 * off, so that a later CPU_ON can start it again.
 */
static __attribute__((noreturn)) void psci_cpu_off(struct cell *c)
{
	uint32_t self = cell_arch_core()->index, on = 0;

	spin_lock(&c->lock);
	for (uint32_t i = 0; i < c->cfg->ncpus; i++)
		on += c->core_on[i];
	if (on <= 1) {
		spin_unlock(&c->lock);
		cell_terminate(c, "stopped: its last core called CPU_OFF");
	}
	c->core_on[self] = false;
	spin_unlock(&c->lock);
	cell_arch_quiesce();
	cell_arch_cpu_off();
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
	case PSCI_CPU_ON:	/* SMC32: only the low halves count (SMCCC) */
		ret = fn & PSCI_SMC64 ? psci_cpu_on(c, x[1], x[2], x[3]) :
		      psci_cpu_on(c, (uint32_t)x[1], (uint32_t)x[2],
				  (uint32_t)x[3]);
		break;
	case PSCI_AFFINITY_INFO:
		ret = psci_affinity(c, x[1], x[2]);
		break;
	case PSCI_CPU_OFF:
		psci_cpu_off(c);
	case PSCI_SYSTEM_OFF:
		cell_terminate(c, "powered off");
	case PSCI_SYSTEM_RESET:
		cell_terminate(c, "asked for a reset: cell reset is not "
			       "supported yet, terminated");
	}
	x[0] = (uint64_t)ret;
}
