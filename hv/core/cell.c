/*
 * Cells at run time: which one trapped, what it owns, and how it ends.
 * Creation is boot-only and lives in cell_boot.c.
 */
#include <stddef.h>

#include "cell.h"
#include "log.h"

struct cell cell_table[CELL_MAX];
uint32_t cell_count;
struct hv_core hv_cores[HV_CORES_MAX];

/* Slots below CELL_MAX are the cells' first cores (hv_boot.c). */
static uint32_t hv_cores_used = CELL_MAX;
static struct spinlock hv_cores_lock;

struct hv_core *hv_core_alloc(void)
{
	struct hv_core *k = NULL;

	spin_lock(&hv_cores_lock);
	if (hv_cores_used < HV_CORES_MAX)
		k = &hv_cores[hv_cores_used++];
	spin_unlock(&hv_cores_lock);
	return k;
}

/*
 * A core powered on by PSCI CPU_ON (at boot for a cell's first core, or
 * for a cell's other cores when it asks), on its own stack with
 * TPIDR_EL2 = @k: the per-core EL2 registers, then its cell.
 */
void hv_secondary_main(struct hv_core *k)
{
	cell_arch_setup();
	cell_arch_enter(k);
}

struct cell *cell_current(void)
{
	return cell_arch_core()->cell;
}

int cell_core_index(const struct cell *c, uint64_t mpidr)
{
	for (uint32_t i = 0; i < c->cfg->ncpus; i++)
		if (c->cfg->mpidr[i] == mpidr)
			return (int)i;
	return -1;
}

bool cell_owns_ram(const struct cell *c, uint64_t ipa, uint64_t len)
{
	for (uint32_t i = 0; i < c->cfg->nmem; i++) {
		const struct cell_mem *m = &c->cfg->mem[i];

		/* Written so that no sum can wrap. */
		if (ipa >= m->base && ipa - m->base <= m->size &&
		    len <= m->size - (ipa - m->base))
			return true;
	}
	return false;
}

static void cell_log(const struct cell *c, const char *what)
{
	log_str("rumkv: cell ");
	log_dec(c->id);
	log_str(" (");
	log_str(c->cfg->name);
	log_str(") ");
	log_str(what);
}

/*
 * Stops @c; powers off when it was the last cell, else parks this core.
 * Only @c's cores write c->running, under c->lock: when two of them end
 * it at once, the first stops the others (cell_arch_stop_others: they
 * trap and park) and the second only parks. Two cells may end at the
 * same time on two cores: the fence orders this core's store before its
 * loads of the others' flags (a store-load barrier, DMB ISH), so at
 * least one of them sees no cell left and the machine cannot stay on
 * with every core parked. Both may power off, which is harmless.
 */
static __attribute__((noreturn)) void cell_end(struct cell *c)
{
	uint32_t left = 0, others = 0;
	bool was;

	cell_arch_quiesce();
	spin_lock(&c->lock);
	was = c->running;
	for (uint32_t i = 0; i < CELL_MAX_CPUS; i++) {
		others += c->core_on[i];
		c->core_on[i] = false;
	}
	__atomic_store_n(&c->running, false, __ATOMIC_RELEASE);
	/* A single-core cell has nobody else to stop (others counts us). */
	if (was && others > 1)
		cell_arch_stop_others(c);
	spin_unlock(&c->lock);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (uint32_t i = 0; i < cell_count; i++)
		left += *(volatile bool *)&cell_table[i].running;
	if (!left) {
		log_str("rumkv: no cell left running, powering off\n");
		cell_arch_poweroff();
	}
	cell_arch_park();
}

void cell_terminate(struct cell *c, const char *why)
{
	cell_log(c, why);
	log_str("\n");
	cell_end(c);
}

/*
 * The counter values bracket the whole termination, report included, so
 * that make bench can give the cost of a fault from trap to parked core.
 */
void cell_fault(struct cell *c, const char *access, uint64_t ipa,
		uint64_t esr)
{
	uint64_t start = cell_arch_counter();

	cell_log(c, "terminated: stage-2 fault on ");
	log_str(access);
	log_str(" at IPA ");
	log_hex(ipa);
	log_str(" (ESR ");
	log_hex(esr);
	log_str(")\n");
	cell_log(c, "fault handled in counter ticks ");
	log_hex(cell_arch_counter() - start);
	log_str("\n");
	cell_end(c);
}
