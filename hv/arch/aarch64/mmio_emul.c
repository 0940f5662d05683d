/*
 * Emulated MMIO: a stage-2 data abort on the GIC distributor, which no
 * cell maps, is decoded from its syndrome and replayed by the
 * distributor filter (core/vgic_dist.c).
 *
 * ESR_EL2.ISS for a data abort (Arm ARM D13.2.37, "ISS encoding for an
 * exception from a Data Abort"): with ISV = 1 the hardware describes a
 * single load or store of one general register: SAS (access size), SSE
 * (sign-extend), SRT (the register, 31 = XZR), SF (64-bit register).
 * ISV = 0 (pairs, writeback, SIMD, exclusives...) cannot be replayed
 * without decoding the instruction, which RumKV does not do.
 */
#include "core/cell.h"
#include "core/vgic_dist.h"
#include "frame.h"
#include "mmio_emul.h"
#include "sysreg.h"

#define ISS_DABT_ISV		(1u << 24)
#define ISS_DABT_SAS(iss)	((iss) >> 22 & 3)
#define ISS_DABT_SSE		(1u << 21)
#define ISS_DABT_SRT(iss)	((iss) >> 16 & 31)
#define ISS_DABT_SF		(1u << 15)

bool mmio_emulate(struct cell *c, struct trap_frame *f, uint64_t esr,
		  uint64_t ipa)
{
	uint32_t iss = ESR_ISS(esr), srt = ISS_DABT_SRT(iss);
	uint64_t off = ipa - vgic_dist_base, v, top;
	unsigned size = 1u << ISS_DABT_SAS(iss);

	/* A stage-1 walk through the distributor is not an access to it. */
	if (!vgic_dist_base || off >= VGIC_DIST_SIZE || (iss & ISS_DABT_S1PTW))
		return false;
	if (!(iss & ISS_DABT_ISV))
		cell_fault(c, "an undescribed (ISV = 0) GIC distributor access",
			   ipa, esr);
	top = size == 8 ? ~0ull : (1ull << size * 8) - 1;
	/* A store's value; XZR reads as zero (the frame has no x31). */
	v = (iss & ISS_DABT_WNR) && srt != 31 ? f->x[srt] & top : 0;
	v = vgic_dist_access(c, (uint32_t)off, size, iss & ISS_DABT_WNR, v) & top;
	if (!(iss & ISS_DABT_WNR) && srt != 31) {
		if ((iss & ISS_DABT_SSE) && (v & ~(top >> 1)))
			v |= ~top;	/* LDRSB/LDRSH/LDRSW */
		if (!(iss & ISS_DABT_SF))
			v = (uint32_t)v;	/* a W register */
		f->x[srt] = v;
	}
	f->elr += 4;	/* the load or store is done: skip it */
	return true;
}
