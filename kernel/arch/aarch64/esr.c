/*
 * ESR_EL1 in words (Arm ARM D17.2.37, "ESR_ELx"): the exception class, and
 * for aborts the fault status code and the access that faulted.
 */
#include <stdbool.h>

#include "core/kprintf.h"
#include "trap.h"

const char *esr_class_name(uint32_t ec)
{
	switch (ec) {
	case 0x00: return "Unknown reason";
	case 0x01: return "Trapped WFI/WFE";
	case 0x07: return "Trapped SVE/SIMD/FP access";
	case 0x0e: return "Illegal execution state";
	case 0x15: return "SVC from AArch64";
	case 0x16: return "HVC from AArch64";
	case 0x17: return "SMC from AArch64";
	case 0x18: return "Trapped MSR/MRS/system instruction";
	case 0x20: return "Instruction abort from a lower EL";
	case 0x21: return "Instruction abort at the same EL";
	case 0x22: return "PC alignment fault";
	case 0x24: return "Data abort from a lower EL";
	case 0x25: return "Data abort at the same EL";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError interrupt";
	case 0x30: return "Breakpoint from a lower EL";
	case 0x31: return "Breakpoint at the same EL";
	case 0x32: return "Software step from a lower EL";
	case 0x33: return "Software step at the same EL";
	case 0x34: return "Watchpoint from a lower EL";
	case 0x35: return "Watchpoint at the same EL";
	case 0x3c: return "BRK instruction";
	default:   return "Reserved or unhandled exception class";
	}
}

/* Data/instruction fault status code, bits [5:0] of the ISS. */
static const char *fault_status(uint32_t fsc)
{
	switch (fsc & 0x3c) {
	case 0x00: return "address size fault";
	case 0x04: return "translation fault";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault";
	}
	switch (fsc) {
	case 0x10: return "synchronous external abort";
	case 0x21: return "alignment fault";
	case 0x30: return "TLB conflict abort";
	default:   return "other fault";
	}
}

void esr_print_detail(uint64_t esr, uint64_t far)
{
	uint32_t ec = (uint32_t)(esr >> 26) & 0x3f;
	uint32_t iss = (uint32_t)esr & 0x1ffffff;
	bool data = ec == 0x24 || ec == 0x25;

	if (!data && ec != 0x20 && ec != 0x21)
		return;
	kprintf("  %s, level %u, %s at 0x%016lx\n", fault_status(iss & 0x3f),
		iss & 3, data ? (iss & (1u << 6) ? "write" : "read") : "fetch",
		(unsigned long)far);
}
