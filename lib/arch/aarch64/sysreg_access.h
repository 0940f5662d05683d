/*
 * AArch64 system-register access and barriers, shared by the kernel, the
 * hypervisor and the loader. The register name must be a literal token in
 * the instruction, hence macros rather than functions.
 */
#ifndef NX_AARCH64_SYSREG_ACCESS_H
#define NX_AARCH64_SYSREG_ACCESS_H

#include <stdint.h>

#define sysreg_read(reg) ({						\
	uint64_t v_;							\
	__asm__ volatile("mrs %0, " #reg : "=r"(v_));			\
	v_;								\
})

#define sysreg_write(reg, val) do {					\
	uint64_t v_ = (val);						\
	__asm__ volatile("msr " #reg ", %0" : : "r"(v_) : "memory");	\
} while (0)

static inline void isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

static inline void dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}

#endif
