/*
 * A cell at run time: its configuration, stage-2 root, the device
 * classes it still holds, its cores and its trap counters.
 *
 * A cell owns one or more cores; only its first is started at boot,
 * the others by the cell itself through PSCI CPU_ON (psci.c). Two cores
 * of one cell can trap at the same time, so what they share in struct
 * cell (which cores are on, whether it runs, its stage-2 tables) is
 * changed under c->lock; the trap counters are bumped atomically. Cells
 * on different cores share the distributor (vgic_dist.c, its own lock)
 * and the end-of-machine accounting (cell_end() in cell.c).
 */
#ifndef HV_CELL_H
#define HV_CELL_H

#include <stdbool.h>
#include <stdint.h>

#include <nexus/hypercall.h>

#include "spinlock.h"
#include "config.h"

/* INTIDs 1020..1023 are special (GICv3 spec 2.2.1); the map stops there. */
#define CELL_IRQ_LIMIT	1024

struct hv_core;

struct cell {
	const struct cell_config *cfg;
	struct spinlock lock;	/* running, core_on[], core[], s2 changes */
	uint32_t id;
	uint32_t vmid;		/* stage-2 TLB tag; 0 is left unused */
	uint32_t devclasses;	/* still held: only ever shrinks */
	bool running;
	bool core_on[CELL_MAX_CPUS];
	/* The EL2 state of each core once it has been started (kept for a
	 * later CPU_ON after CPU_OFF); NULL before. */
	struct hv_core *core[CELL_MAX_CPUS];
	uint64_t *s2_root;
	uint64_t dtb;		/* IPA of the cell's device tree */
	uint64_t traps[NX_TRAP_REASONS];
	/*
	 * SPIs the cell owns (its devices' irqs[]), one bit per INTID,
	 * built at boot: the distributor filter (vgic_dist.c) asks on every
	 * trapped access, so a bit test beats walking the devices.
	 */
	uint32_t irqs_owned[CELL_IRQ_LIMIT / 32];
	/* Boot: the redistributor frames of its cores, [lo, hi), which its
	 * device tree names instead of the whole region. */
	uint64_t gicr_lo, gicr_hi;
};

/*
 * One physical core as RumKV sees it, found through TPIDR_EL2 (set at
 * entry): its EL2 stack, the cell it runs, which of the cell's cores it
 * is and where it enters the cell. The boot core is hv_cores[0]; the
 * first core of cell i is hv_cores[i]; the cells' other cores take the
 * slots from CELL_MAX on as the cells start them (hv_core_alloc()).
 */
#define HV_CORES_MAX	(CELL_MAX + 4)

struct hv_core {
	uint64_t stack_top;	/* first: entry.S loads it at offset 0 */
	struct cell *cell;
	uint32_t index;		/* into cell->cfg->mpidr[] */
	uint64_t entry;		/* where it enters the cell at EL1 */
	uint64_t arg;		/* and its x0 there */
	uint64_t on_start;	/* counter at the trapped CPU_ON; 0: boot */
};

extern struct hv_core hv_cores[HV_CORES_MAX];

/* Owned by cell.c. */
extern struct cell cell_table[CELL_MAX];
extern uint32_t cell_count;

/* Boot: build cell @cfg (stage 2, device tree from @machine_fdt). */
struct cell *cell_create(const struct cell_config *cfg,
			 const void *machine_fdt);
/* Boot: prints @c's layout (once per cell, from the boot core). */
void cell_announce(const struct cell *c);
/* Boot: start @c on the calling core, hv_cores[@core]. Does not return. */
__attribute__((noreturn)) void cell_start(struct cell *c, uint32_t core);
/* The GIC's distributor and redistributors, [*lo, *hi), once found. */
void cell_gic_range(uint64_t *lo, uint64_t *hi);
/*
 * Boot: powers on @c's first core (real PSCI CPU_ON) as hv_cores[@core];
 * it sets up its own EL2 state and enters @c. False after saying why.
 */
bool cell_start_remote(struct cell *c, uint32_t core);

/* A free hv_core for a cell's core started by CPU_ON; NULL if none. */
struct hv_core *hv_core_alloc(void);
/* A core powered on by PSCI CPU_ON, on its own stack: enter its cell. */
__attribute__((noreturn)) void hv_secondary_main(struct hv_core *k);

/* The cell whose core trapped. */
struct cell *cell_current(void);
/* Index of @mpidr among @c's cores, or -1. */
int cell_core_index(const struct cell *c, uint64_t mpidr);
/* True if @c owns SPI @intid (SGIs and PPIs are per core: never). */
static inline bool cell_owns_irq(const struct cell *c, uint32_t intid)
{
	return intid < CELL_IRQ_LIMIT &&
	       (c->irqs_owned[intid / 32] >> (intid % 32) & 1);
}
/* True if [ipa, ipa+len) lies inside one RAM region of @c. */
bool cell_owns_ram(const struct cell *c, uint64_t ipa, uint64_t len);

/*
 * Stops @c for good: prints "rumkv: cell N (name) <why>", parks the
 * calling core, and powers the machine off when no cell is left.
 */
__attribute__((noreturn)) void cell_terminate(struct cell *c, const char *why);

/*
 * The fault policy: a stage-2 abort ends the cell that caused it, with
 * one line naming the access (read, write, fetch), the IPA and ESR.
 */
__attribute__((noreturn)) void cell_fault(struct cell *c, const char *access,
					  uint64_t ipa, uint64_t esr);

/* Arch hooks. */
/* Enters @k's cell at k->entry with x0 = k->arg, EL1, MMU off. */
__attribute__((noreturn)) void cell_arch_enter(struct hv_core *k);
/*
 * RumKV's own EL2 map: built at boot from the machine's RAM and the
 * devices RumKV drives (false if they do not fit), turned on by each core
 * in cell_arch_setup(); the boot core enters its cell last, through
 * cell_arch_enter_after_boot(), which unmaps the boot-only pages first.
 */
bool cell_arch_map_self(const struct hv_config *cfg, uint64_t dev_lo, uint64_t dev_hi);
__attribute__((noreturn)) void cell_arch_enter_after_boot(struct hv_core *k);
__attribute__((noreturn)) void cell_arch_park(void);
__attribute__((noreturn)) void cell_arch_poweroff(void);
void cell_arch_setup(void);	/* once per core, before its first entry */
struct hv_core *cell_arch_core(void);	/* the calling core's */
void cell_arch_core_set(struct hv_core *k);	/* boot core, boot */
void cell_arch_quiesce(void);	/* the cell on this core has ended */
uint64_t cell_arch_counter(void);	/* the generic timer's count */
/* Real PSCI CPU_ON of @mpidr into RumKV for @k; PSCI's result. */
int64_t cell_arch_cpu_on(uint64_t mpidr, struct hv_core *k);
/* Real PSCI CPU_OFF of the calling core; parks it if that fails. */
__attribute__((noreturn)) void cell_arch_cpu_off(void);
/*
 * @c has ended on the calling core: make its other cores trap (stage 2
 * revoked, a physical SGI to wake them) so that they park.
 */
void cell_arch_stop_others(struct cell *c);
/* Atomically adds 1 to a trap counter (two cores of a cell may trap). */
static inline void cell_count_trap(struct cell *c, unsigned reason)
{
	__atomic_fetch_add(&c->traps[reason], 1, __ATOMIC_RELAXED);
}

/*
 * Boot: copies the machine's tree into RumKV's memory (cells' trees are
 * written over the place QEMU put it); NULL if it is not a valid tree.
 */
const void *dtb_save_machine(const void *fdt);
/* Boot: builds @c's tree at the base of its RAM from the saved copy. */
int dtb_build(struct cell *c, const void *machine_fdt);

#endif
