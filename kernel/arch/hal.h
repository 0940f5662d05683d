/*
 * The hardware abstraction layer: everything the portable kernel needs from
 * a machine, and nothing more. One implementation per directory under
 * kernel/arch/ (aarch64 on QEMU virt, hosted as a Linux process).
 *
 * Time is a free-running counter in ticks of hal_time_freq() Hz. The timer
 * is one-shot on an absolute deadline: there is no periodic tick anywhere.
 */
#ifndef HAL_H
#define HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Console output is synchronous; input arrives via console_rx_push(). */
void hal_console_putc(char c);

uint64_t hal_time_now(void);
uint64_t hal_time_freq(void);
/* Fire the timer interrupt once at or after the absolute @deadline. */
void hal_timer_arm(uint64_t deadline);
void hal_timer_disarm(void);

/*
 * Interrupt mask. hal_idle() is called with interrupts masked: it waits
 * until an interrupt is pending, lets the handlers run, and returns masked
 * again. So "mask, check for work, idle" cannot lose a wakeup.
 */
uint64_t hal_irq_save(void);		/* mask, return the previous state */
void hal_irq_restore(uint64_t state);
void hal_idle(void);
/*
 * Let interrupt @irq reach this CPU, once a handler is registered for
 * it (drivers do this; the arch layer enables its own timer and UART).
 */
void hal_irq_enable(unsigned irq);

/* Print a frame-pointer backtrace of the caller, with symbol names. */
void hal_backtrace(void);

/*
 * Make one page inaccessible, so that running off the end of the stack
 * above it faults at once instead of corrupting memory. @page is
 * page-aligned and came from the page allocator; hal_unguard_page()
 * makes it ordinary memory again before it is freed.
 */
void hal_guard_page(void *page);
void hal_unguard_page(void *page);

/*
 * RumKV hypercalls (include/nexus/hypercall.h): x0 = @nr, x1 = @a1; the
 * result is x0, and x1 goes to *@x1_out. Only safe to call once a
 * hypervisor is known to be there (see core/hardpledge.c); hosted
 * builds answer -NX_ENOSYS.
 */
int64_t hal_hypercall(uint64_t nr, uint64_t a1, uint64_t *x1_out);
/* Whether the machine has an exception level above the kernel's. */
bool hal_el2_implemented(void);

/*
 * Debug hooks for core/attack.c, which plays a compromised kernel to show
 * that the hypervisor, not the kernel's own tables, stops it.
 *
 * hal_map_raw() maps the 2 MiB region holding @addr into the kernel's
 * stage-1 tables as Device memory, if nothing is mapped there yet, so a
 * load or store to @addr reaches stage 2. False when it cannot (hosted
 * builds, or an address the tables do not cover); true when @addr is
 * mapped afterwards, by this call or already before.
 *
 * hal_psci_call() makes a raw PSCI call (function @fn, arguments
 * @a1..@a3) through the device tree's conduit and returns x0; -1
 * (NOT_SUPPORTED) when there is no conduit.
 */
bool hal_map_raw(uint64_t addr);
int64_t hal_psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

/*
 * App address spaces (arch/aarch64/space.c): per-app permission views of
 * the one identity map, tagged with an ASID so that switching costs no
 * TLB flush. App memory must first be declared with hal_user_memory()
 * (2 MiB-aligned regions the kernel then never uses for itself).
 * hal_space_map() gives EL0 the rights @perms to @pages pages from @va,
 * or with @perms 0 takes them back. hal_space_access_ok() says whether
 * EL0 in @s may read (or write) all of [@va, @va + @len). Hosted builds
 * have no EL0: create returns NULL.
 */
#define HAL_USER_R	1u
#define HAL_USER_W	2u
#define HAL_USER_X	4u
struct hal_space;
int hal_user_memory(uint64_t base, size_t bytes);
struct hal_space *hal_space_create(void);
void hal_space_destroy(struct hal_space *s);
int hal_space_map(struct hal_space *s, uint64_t va, size_t pages, unsigned perms);
bool hal_space_access_ok(const struct hal_space *s, uint64_t va, size_t len,
			 bool write);
/*
 * Make @s (NULL: the kernel's tables) the current view; returns the one
 * before. Pages EL0 may only read are read-only for EL1 too in an app's
 * view, so the kernel writes them (the SysTable) from its own.
 */
struct hal_space *hal_space_switch(struct hal_space *s);
/*
 * Leave the kernel for EL0 at @entry with stack @sp and x0 = @arg0,
 * x1 = @arg1, interrupts on, in the current view. Exceptions from EL0
 * come back on the calling fiber's kernel stack, to user_trap().
 */
__attribute__((noreturn)) void hal_user_enter(uint64_t entry, uint64_t sp,
					      uint64_t arg0, uint64_t arg1);

__attribute__((noreturn)) void hal_poweroff(void);
__attribute__((noreturn)) void hal_reset(void);
__attribute__((noreturn)) void hal_halt(void);	/* after a panic */

/* Interrupt numbers the portable kernel dispatches (GIC INTIDs on virt). */
#define HAL_IRQ_TIMER	27
#define HAL_IRQ_MAX	1024

#endif
