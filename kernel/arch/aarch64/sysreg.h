/*
 * System register access. The register name must be a literal token in
 * the instruction, hence macros rather than functions.
 */
#ifndef AARCH64_SYSREG_H
#define AARCH64_SYSREG_H

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

static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline void mmio_write64(uint64_t addr, uint64_t v)
{
	*(volatile uint64_t *)addr = v;
}

static inline uint64_t mmio_read64(uint64_t addr)
{
	return *(volatile uint64_t *)addr;
}

#endif
