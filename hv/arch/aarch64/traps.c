/*
 * Synchronous traps from a cell, decoded from ESR_EL2 (Arm ARM D13.2.37)
 * and handed to the core: HVC to the hypercalls, trapped SMC to PSCI,
 * stage-2 aborts to MMIO emulation (the GIC distributor) or else to the
 * fault policy. Counted per cell and reason.
 */
#include "core/cell.h"
#include "core/hypercall.h"
#include "core/log.h"
#include "core/psci.h"
#include "frame.h"
#include "mmio_emul.h"
#include "sysreg.h"

/*
 * The faulting IPA: HPFAR_EL2.FIPA holds IPA[47:12] in bits [39:4]
 * (D13.2.53), FAR_EL2 the offset in the page.
 */
static uint64_t fault_ipa(void)
{
	uint64_t hpfar = sysreg_read(hpfar_el2);

	return ((hpfar >> 4) & 0xfffffffffull) << 12 |
	       (sysreg_read(far_el2) & 0xfff);
}

static const char *fault_access(uint32_t ec, uint32_t iss)
{
	if (ec == EC_IABT_LOW)
		return "fetch";
	/* A stage-1 walk that faults at stage 2 is a read of a table. */
	return (iss & ISS_DABT_WNR) && !(iss & ISS_DABT_S1PTW) ? "write" : "read";
}

void traps_arch_lower_sync(struct trap_frame *f)
{
	struct cell *c = cell_current();
	uint64_t esr = sysreg_read(esr_el2);
	uint32_t ec = ESR_EC(esr), iss = ESR_ISS(esr);

	/*
	 * Another core of this cell ended it (SYSTEM_OFF, a fault) and
	 * revoked its stage 2: whatever this trap was, the cell is gone.
	 */
	if (!__atomic_load_n(&c->running, __ATOMIC_ACQUIRE)) {
		cell_arch_quiesce();
		cell_arch_park();
	}
	switch (ec) {
	case EC_HVC64:		/* ELR_EL2 already points past the HVC */
		cell_count_trap(c, NX_TRAP_HVC);
		hc_handle(c, iss & 0xffff, f->x);
		return;
	case EC_SMC64:		/* a trapped SMC returns to itself: skip it */
		cell_count_trap(c, NX_TRAP_SMC);
		f->elr += 4;
		psci_handle(c, f->x);
		return;
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		cell_count_trap(c, ec == EC_DABT_LOW ? NX_TRAP_DABT : NX_TRAP_IABT);
		/* The GIC distributor is trapped on purpose: emulate it. */
		if (ec == EC_DABT_LOW && mmio_emulate(c, f, esr, fault_ipa()))
			return;
		cell_fault(c, fault_access(ec, iss), fault_ipa(), esr);
	case EC_SYSREG:
		cell_count_trap(c, NX_TRAP_SYSREG);
		break;
	default:
		cell_count_trap(c, NX_TRAP_OTHER);
		break;
	}
	cell_terminate(c, "terminated: unexpected trap");
}

void traps_arch_unexpected(struct trap_frame *f, uint64_t kind)
{
	log_str("rumkv: unexpected EL2 exception, vector ");
	log_dec(kind);
	log_str(", ESR ");
	log_hex(sysreg_read(esr_el2));
	log_str(", ELR ");
	log_hex(f->elr);
	log_str(", FAR ");
	log_hex(sysreg_read(far_el2));
	log_str("\nrumkv: halting the machine\n");
	cell_arch_poweroff();
}
