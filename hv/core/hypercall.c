/*
 * Hypercalls from a cell: `hvc #NX_HVC_IMM`, call number in x0. Each
 * call checks all its arguments before it changes anything. A hard
 * pledge is a one-way ratchet: keeping a class the cell no longer holds
 * is refused, counted and logged, and changes nothing.
 */
#include <string.h>

#include <nexus/errno.h>
#include <nexus/hypercall.h>

#include "cell.h"
#include "hypercall.h"
#include "log.h"
#include "stage2.h"

static int64_t hc_cell_info(struct cell *c, uint64_t ipa)
{
	struct nx_cell_info info;

	if (!cell_owns_ram(c, ipa, sizeof(info)))
		return -NX_EFAULT;
	memset(&info, 0, sizeof(info));
	info.cell_id = c->id;
	info.ncpus = c->cfg->ncpus;
	info.devclasses = c->devclasses;
	info.mem_base = c->cfg->mem[0].base;
	info.mem_size = c->cfg->mem[0].size;
	memcpy(info.name, c->cfg->name, sizeof(info.name));
	info.name[sizeof(info.name) - 1] = '\0';
	/*
	 * IPA == PA and EL2 runs with its MMU off, so the store goes to
	 * memory uncached. Clean and invalidate the cell's cached copy first,
	 * or a dirty line of its own could later overwrite ours.
	 */
	for (uint64_t a = ipa & ~63ull; a < ipa + sizeof(info); a += 64)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish" : : : "memory");
	memcpy((void *)(uintptr_t)ipa, &info, sizeof(info));
	return 0;
}

static int64_t hc_pledge(struct cell *c, uint64_t keep)
{
	uint32_t drop = c->devclasses & ~(uint32_t)keep;

	if (keep & ~(uint64_t)c->devclasses) {
		cell_count_trap(c, NX_TRAP_PLEDGE_REFUSED);
		log_str("rumkv: cell ");
		log_dec(c->id);
		log_str(" refused pledge loosening: holds ");
		log_hex(c->devclasses);
		log_str(", asked to keep ");
		log_hex(keep);
		log_str("\n");
		return -NX_EPERM;
	}
	/* Two cores of the cell may pledge at once: one table walk each. */
	spin_lock(&c->lock);
	for (uint32_t i = 0; i < c->cfg->ndevs; i++) {
		const struct cell_dev *d = &c->cfg->devs[i];

		if ((d->devclass & drop) &&
		    !s2_unmap(c->s2_root, d->base, d->size)) {
			spin_unlock(&c->lock);
			return -NX_EINVAL;	/* cannot happen: devices use pages */
		}
	}
	c->devclasses &= (uint32_t)keep;
	s2_flush_current();	/* TLBI ...IS: the cell's other cores too */
	spin_unlock(&c->lock);
	return 0;
}

void hc_handle(struct cell *c, uint32_t imm, uint64_t *x)
{
	int64_t ret = -NX_ENOSYS;

	if (imm != NX_HVC_IMM) {
		x[0] = (uint64_t)ret;
		return;
	}
	switch (x[0]) {
	case NX_HC_VERSION:
		ret = 0;
		x[1] = NX_HV_ABI_VERSION;
		break;
	case NX_HC_CELL_INFO:
		ret = hc_cell_info(c, x[1]);
		break;
	case NX_HC_PLEDGE:
		ret = hc_pledge(c, x[1]);
		x[1] = c->devclasses;
		break;
	case NX_HC_TRAP_COUNT:
		if (x[1] >= NX_TRAP_REASONS) {
			ret = -NX_EINVAL;
			break;
		}
		x[1] = c->traps[x[1]];
		ret = 0;
		break;
	}
	x[0] = (uint64_t)ret;
}
