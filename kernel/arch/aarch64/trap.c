/*
 * C side of the exception vectors. A synchronous exception at EL1 is a
 * kernel bug: print what and where, the registers and a symbolic
 * backtrace, then halt. From EL0 it is a system call or the app's own
 * fault, which the portable kernel handles (sys/user.h).
 */
#include "arch/hal.h"
#include "core/kprintf.h"
#include "core/ksyms.h"
#include "core/fiber.h"
#include "drivers/blink.h"
#include "gic.h"
#include "insn.h"
#include "sys/user.h"
#include "sysreg.h"
#include "trap.h"

void print_symbol(uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		kprintf("<%s+0x%lx>", name, (unsigned long)off);
	else
		kputs("<?>");
}

static void print_registers(const struct trap_frame *f)
{
	for (int i = 0; i < 31; i++)
		kprintf("  x%-2d %016lx%s", i, (unsigned long)f->x[i],
			i % 4 == 3 ? "\n" : "");
	kprintf("  sp  %016lx\n", (unsigned long)f->sp);
}

static __attribute__((noreturn)) void die(const char *what,
					  const struct trap_frame *f)
{
	uint32_t ec = (uint32_t)(f->esr >> 26) & 0x3f;

	kprintf("\n*** KERNEL PANIC: %s ***\n", what);
	kprintf("  ESR 0x%08lx  EC 0x%02x: %s\n", (unsigned long)f->esr, ec,
		esr_class_name(ec));
	esr_print_detail(f->esr, f->far);
	kprintf("  FAR  0x%016lx\n", (unsigned long)f->far);
	kprintf("  ELR  0x%016lx ", (unsigned long)f->elr);
	print_symbol(f->elr);
	kprintf("\n  SPSR 0x%08lx\n", (unsigned long)f->spsr);
	print_registers(f);
	kputs("Backtrace:\n  #0  ");
	kprintf("0x%016lx ", (unsigned long)f->elr);
	print_symbol(f->elr);
	kputs("\n");
	backtrace_from(f->x[29]);
	kputs("System halted.\n");
	hal_halt();
}

void trap_sync(struct trap_frame *f)
{
	/* A supervised driver's fault stops that driver, not the kernel. */
	blink_fault(fiber_self(), esr_class_name((uint32_t)(f->esr >> 26) & 0x3f),
		    f->far, f->elr);
	die("synchronous exception in the kernel", f);
}

void trap_irq(struct trap_frame *f)
{
	(void)f;
	gic_handle_irq();
}

#define EC_SVC64	0x15
#define EC_DABT_LOW	0x24

/*
 * A driver app's load or store on its device window: performed for it
 * if its supervisor allows the access, and the app resumes after it.
 * Out of line, so that the system call path below saves no more
 * registers for it.
 */
static __attribute__((noinline)) bool emulate_device_access(struct trap_frame *f)
{
	struct insn_ldst op;
	uint32_t insn;
	uint64_t val;

	if (!user_fetch_insn(f->elr, &insn) || !insn_decode_ldst(insn, &op))
		return false;
	val = op.rt == 31 ? 0 : f->x[op.rt];
	if (!user_device_access(f->far, op.size, op.store, &val))
		return false;
	if (!op.store && op.rt != 31)
		f->x[op.rt] = val;
	f->elr += 4;
	return true;
}

/*
 * A system call is ordinary kernel work on the app's fiber: interrupts
 * are on while it runs, as they are for every fiber, and off again only
 * for the return to EL0.
 */
void trap_el0_sync(struct trap_frame *f)
{
	uint32_t ec = (uint32_t)(f->esr >> 26) & 0x3f;

	hal_irq_restore(0);
	if (__builtin_expect(ec == EC_SVC64, 1))
		f->x[0] = (uint64_t)syscall_entry(f->x[8], f->x);
	else if (ec != EC_DABT_LOW || !emulate_device_access(f))
		user_fault(esr_class_name(ec), f->esr, f->far, f->elr);
	user_return();
	hal_irq_save();
}

void trap_el0_irq(struct trap_frame *f)
{
	(void)f;
	gic_handle_irq();
	hal_irq_restore(0);
	user_return();
	hal_irq_save();
}

void hal_user_enter_frame(struct trap_frame *f) __attribute__((noreturn));

void hal_user_enter(uint64_t entry, uint64_t sp, uint64_t arg0, uint64_t arg1)
{
	struct trap_frame f = {
		.x = { arg0, arg1 },
		.sp = sp,
		.elr = entry,
		.spsr = 0,	/* EL0t, AArch64, interrupts unmasked */
	};

	hal_irq_save();
	hal_user_enter_frame(&f);
}

void trap_stack_overflow(struct trap_frame *f)
{
	kprintf("\n*** kernel stack overflow: sp 0x%016lx ran into a guard page ***",
		(unsigned long)f->sp);
	die("kernel stack overflow", f);
}

void trap_unexpected(struct trap_frame *f, uint64_t kind)
{
	static const char *const names[] = {
		"EL1t sync", "EL1t IRQ", "EL1t FIQ", "EL1t SError",
		"EL1h sync", "EL1h IRQ", "EL1h FIQ", "EL1h SError",
		"EL0 sync", "EL0 IRQ", "EL0 FIQ", "EL0 SError",
		"AArch32 EL0 sync", "AArch32 EL0 IRQ", "AArch32 EL0 FIQ",
		"AArch32 EL0 SError",
	};

	kprintf("\n*** unexpected exception: %s ***", names[kind & 15]);
	die("unexpected exception", f);
}
