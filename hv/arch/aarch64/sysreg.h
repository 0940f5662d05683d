/* EL2 system registers: access (from lib/), HCR_EL2 bits, ESR_EL2 fields. */
#ifndef HV_SYSREG_H
#define HV_SYSREG_H

#include <stdint.h>

#include <arch/aarch64/sysreg_access.h>

/* HCR_EL2 bits (Arm ARM D13.2.46). */
#define HCR_VM		(1ul << 0)	/* stage-2 translation on */
#define HCR_SWIO	(1ul << 1)	/* DC ISW acts as DC CISW */
#define HCR_FMO		(1ul << 3)	/* FIQs to EL2 (left 0) */
#define HCR_IMO		(1ul << 4)	/* IRQs to EL2 (left 0) */
#define HCR_TSC		(1ul << 19)	/* trap SMC: PSCI emulation */
#define HCR_RW		(1ul << 31)	/* EL1 is AArch64 */

/* ESR_EL2 exception classes (Arm ARM D13.2.37). */
#define ESR_EC(esr)		((uint32_t)((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)		((uint32_t)(esr) & 0x1ffffff)
#define EC_HVC64		0x16
#define EC_SMC64		0x17
#define EC_SYSREG		0x18
#define EC_IABT_LOW		0x20
#define EC_DABT_LOW		0x24
#define ISS_DABT_WNR		(1u << 6)	/* write, not read */
#define ISS_DABT_S1PTW		(1u << 7)	/* on a stage-1 table walk */

#endif
