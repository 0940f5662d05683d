/* The small HAL pieces: interrupt mask, idle, time, backtraces. */
#include "arch/hal.h"
#include "core/kprintf.h"
#include "gic.h"
#include "sysreg.h"
#include "trap.h"

#define DAIF_I		(1u << 7)
#define CNTV_ENABLE	1u

uint64_t hal_irq_save(void)
{
	uint64_t daif = sysreg_read(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return daif;
}

void hal_irq_restore(uint64_t state)
{
	if (!(state & DAIF_I))
		__asm__ volatile("msr daifclr, #2" : : : "memory");
}

void hal_irq_enable(unsigned irq)
{
	gic_enable_irq(irq);
}

/* WFI wakes on a pending interrupt even while it is masked. */
void hal_idle(void)
{
	__asm__ volatile("wfi\n\tmsr daifclr, #2\n\tisb\n\tmsr daifset, #2"
			 : : : "memory");
}

void hal_halt(void)
{
	for (;;)
		__asm__ volatile("msr daifset, #2\n\twfi");
}

uint64_t hal_time_now(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

uint64_t hal_time_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

void hal_timer_arm(uint64_t deadline)
{
	sysreg_write(cntv_cval_el0, deadline);
	sysreg_write(cntv_ctl_el0, CNTV_ENABLE);
	isb();
}

void hal_timer_disarm(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	isb();
}

static uint64_t ram_lo, ram_hi;

void backtrace_set_bounds(uint64_t lo, uint64_t hi)
{
	ram_lo = lo;
	ram_hi = hi;
}

/*
 * Frame records {previous fp, lr} chained through x29 (AAPCS64 6.4.6).
 * Each step must move up the stack, so a corrupt chain ends the walk
 * instead of looping.
 */
void backtrace_from(uint64_t fp)
{
	uint64_t prev = 0, repeats = 0;

	for (int depth = 1; depth < 64; depth++) {
		uint64_t *frame = (uint64_t *)fp, lr;

		if (fp & 7 || fp < ram_lo || fp + 16 > ram_hi)
			break;
		lr = frame[1];
		if (lr == 0)
			break;
		if (lr == prev) {	/* deep recursion: say so once */
			repeats++;
		} else {
			kprintf("  #%-2d 0x%016lx ", depth, (unsigned long)(lr - 4));
			print_symbol(lr - 4);
			kputs("\n");
			prev = lr;
		}
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	if (repeats)
		kprintf("  (the last frame repeats %lu more times)\n",
			(unsigned long)repeats);
}

void hal_backtrace(void)
{
	kputs("Backtrace:\n");
	backtrace_from((uint64_t)__builtin_frame_address(0));
}
