/* Monitor commands: a table of names, each with one handler. */
#include <string.h>

#include <parse.h>

#include "arch/hal.h"
#include "core/clock.h"
#include "core/console.h"
#include "core/demo.h"
#include "core/energy.h"
#include "core/fiber.h"
#include "core/gicpoke.h"
#include "core/attack.h"
#include "core/hardpledge.h"
#include "core/irq.h"
#include "core/kbench.h"
#include "core/kernel.h"
#include "core/kprintf.h"
#include "lined.h"
#include "core/monitor.h"
#include "core/platform.h"
#include "core/timerq.h"
#include "drivers/blk_cmd.h"
#include "drivers/net_cmd.h"
#include "mm/page_alloc.h"

#define MAX_ARGS	8
#define MAX_SLEEP_MS	3600000u	/* an hour */

struct command {
	const char *name;
	const char *args;
	const char *help;
	void (*run)(int argc, char **argv);
};

static const struct command commands[];
static uint64_t prompt_ns;	/* guest time when the first prompt showed */

static void cmd_help(int argc, char **argv);

static void print_irq(unsigned irq, const char *name, uint64_t count)
{
	kprintf("irq %u (%s): %lu\n", irq, name, (unsigned long)count);
}

static void print_platform(const struct platform *p)
{
	kprintf("memory:   %lu MiB at 0x%lx\n",
		(unsigned long)(p->mem_size >> 20), (unsigned long)p->mem_base);
	kprintf("devices:  uart 0x%lx irq %u, gicd 0x%lx, gicr 0x%lx, "
		"virtual timer irq %u, psci %s\n",
		(unsigned long)p->uart_base, p->uart_irq,
		(unsigned long)p->gicd_base, (unsigned long)p->gicr_base,
		p->timer_virt_irq, psci_conduit_name(p->psci));
	if (p->nvirtio)
		kprintf("virtio:   %u mmio slots, 0x%lx-0x%lx, irq %u-%u\n",
			p->nvirtio, (unsigned long)p->virtio[0].base,
			(unsigned long)(p->virtio[p->nvirtio - 1].base +
					p->virtio[p->nvirtio - 1].size - 1),
			p->virtio[0].irq, p->virtio[p->nvirtio - 1].irq);
}

static void cmd_info(int argc, char **argv)
{
	const struct boot_info *bi = kernel_boot_info();
	uint64_t up = clock_uptime_ns();
	struct timerq_stats ts;

	(void)argc, (void)argv;
	kprintf("machine:  %s, entered at EL%u, running at EL%u\n",
		bi->machine, bi->entry_el, bi->run_el);
	if (bi->plat)
		print_platform(bi->plat);
	kprintf("pages:    %zu total, %zu free (%u bytes each)\n",
		page_count_total(), page_count_free(), PAGE_SIZE);
	kprintf("kernel:   image %lu bytes: text %lu, rodata %lu, data %lu, "
		"bss %lu\n", (unsigned long)bi->image_size,
		(unsigned long)bi->text_size, (unsigned long)bi->rodata_size,
		(unsigned long)bi->data_size, (unsigned long)bi->bss_size);
	kprintf("uptime:   %lu.%03lu s (counter %lu Hz)\n",
		(unsigned long)(up / 1000000000u),
		(unsigned long)(up / 1000000u % 1000u),
		(unsigned long)hal_time_freq());
	kprintf("boot:     prompt after %lu ns\n", (unsigned long)prompt_ns);
	timerq_stats(&ts);
	kprintf("timer:    programmed %lu, disarmed %lu, deadlines expired %lu\n",
		(unsigned long)ts.arms, (unsigned long)ts.disarms,
		(unsigned long)ts.expired);
	irq_for_each(print_irq);
	kprintf("irq spurious: %lu, console bytes dropped: %lu\n",
		(unsigned long)irq_spurious(), (unsigned long)console_rx_dropped());
}

static void cmd_sleep(int argc, char **argv)
{
	uint64_t ms;

	if (argc != 2 || !parse_u64(argv[1], &ms) || ms > MAX_SLEEP_MS) {
		kprintf("usage: sleep MS (0 to %u milliseconds)\n", MAX_SLEEP_MS);
		return;
	}
	fiber_sleep_ms(ms);
}

static void cmd_ps(int argc, char **argv)
{
	static struct fiber_info fi[64];
	size_t n = fiber_snapshot(fi, 64);

	(void)argc, (void)argv;
	kprintf("%4s %-15s %-8s %-9s %8s %10s %10s %7s\n", "ID", "NAME",
		"SPECTRUM", "STATE", "ENERGY", "CPU(us)", "SWITCHES", "STRIKES");
	for (size_t i = 0; i < n && i < 64; i++)
		kprintf("%4u %-15s %-8s %-9s %8ld %10lu %10lu %7u\n", fi[i].id,
			fi[i].name, sched_spectrum_name(fi[i].spectrum),
			fiber_state_name(fi[i].state), (long)fi[i].energy,
			(unsigned long)(clock_ticks_to_ns(fi[i].cpu_ticks) / 1000),
			(unsigned long)fi[i].switches, fi[i].strikes);
	if (n > 64)
		kprintf("(%zu more not shown)\n", n - 64);
}

static void cmd_kill(int argc, char **argv)
{
	uint64_t id;
	struct fiber *f;

	if (argc != 2 || !parse_u64(argv[1], &id)) {
		kprintf("usage: kill ID (see ps)\n");
		return;
	}
	f = fiber_find((uint32_t)id);
	if (!f || id > UINT32_MAX) {
		kprintf("kill: no fiber %s\n", argv[1]);
		return;
	}
	if (f == fiber_self() || f->spectrum == SCHED_VOID) {
		kprintf("kill: fiber %s is the %s and cannot be killed\n",
			argv[1], f == fiber_self() ? "monitor itself" : "idle fiber");
		return;
	}
	if (fiber_kill(f))
		kprintf("kill: fiber %s is already exiting\n", argv[1]);
}

/* Volatile so that the compiler can prove neither fault away. */
static volatile unsigned recursion_limit = ~0u;
static volatile uintptr_t null_address;

static unsigned recurse(unsigned depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth == recursion_limit)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void cmd_panic_test(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "wx";

	if (!strcmp(kind, "wx")) {
		kprintf("panic-test: writing into kernel text at %p\n",
			(void *)cmd_panic_test);
		*(volatile uint32_t *)(uintptr_t)cmd_panic_test = 0;
	} else if (!strcmp(kind, "null")) {
		kprintf("panic-test: reading address 0\n");
		kprintf("%u\n", *(volatile uint32_t *)null_address);
	} else if (!strcmp(kind, "stack")) {
		kprintf("panic-test: recursing until the stack overflows\n");
		recurse(0);
	} else {
		kprintf("usage: panic-test [wx|null|stack]\n");
		return;
	}
	kprintf("panic-test: the fault did not happen\n");
}

static void cmd_poweroff(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("Powering off.\n");
	hal_poweroff();
}

static void cmd_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("Rebooting.\n");
	hal_reset();
}

static const struct command commands[] = {
	{ "help", "", "list the commands", cmd_help },
	{ "info", "", "memory, devices, uptime, timer and interrupt counts", cmd_info },
	{ "sleep", "MS", "idle for MS milliseconds", cmd_sleep },
	{ "ps", "", "list fibers: spectrum, state, energy, switches, strikes", cmd_ps },
	{ "kill", "ID", "stop a fiber", cmd_kill },
	{ "spawn-demo", "KIND", "start a demo fiber (no KIND: list them)", demo_cmd_spawn },
	{ "sched-test", "photon", "check that a woken Photon fiber runs before Matter", demo_cmd_sched_test },
	{ "ring-test", "[N]", "ping-pong N messages between two fibers over rings", demo_cmd_ring_test },
	{ "bench", "[N]", "switch, ring, round-trip, timer-latency and NetSwitch figures", kbench_cmd },
	{ "panic-test", "[wx|null|stack]", "fault on purpose to show the panic screen", cmd_panic_test },
	{ "hardpledge", "[MASK]", "RumKV: keep only these device classes (default console)", hardpledge_cmd },
	{ "hv-info", "", "RumKV: this cell and its trap counts", hvinfo_cmd },
	{ "mmio-poke", "ADDR", "read a 32-bit device register", mmio_poke_cmd },
	{ "attack", "KIND [ARG]", "debug: hostile accesses that RumKV must stop", attack_cmd },
	{ "gic-poke", "read|write OFF [VALUE]", "debug: one 32-bit GIC distributor access", gicpoke_cmd },
	{ "blk", "SUBCOMMAND ...", "virtio-blk: info, read S, write S TEXT, test N [restart], restart", blk_cmd },
	{ "net", "[crash|restart]", "NetSwitch ports and the virtio-net driver", net_cmd },
	{ "poweroff", "", "turn the machine off", cmd_poweroff },
	{ "reboot", "", "reset the machine", cmd_reboot },
	{ NULL, NULL, NULL, NULL },
};

static void cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (const struct command *c = commands; c->name; c++)
		kprintf("  %-11s %-16s %s\n", c->name, c->args, c->help);
}

/* Splits @line in place at blanks; returns the word count. */
static int split_args(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == MAX_ARGS)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

void monitor_exec(char *line)
{
	char *argv[MAX_ARGS];
	int argc = split_args(line, argv);

	if (argc < 0) {
		kprintf("too many arguments (at most %d)\n", MAX_ARGS - 1);
		return;
	}
	if (argc == 0)
		return;
	for (const struct command *c = commands; c->name; c++) {
		if (!strcmp(argv[0], c->name)) {
			c->run(argc, argv);
			return;
		}
	}
	kprintf("%s: unknown command; type 'help'\n", argv[0]);
}

static void console_echo(const char *s, size_t n)
{
	while (n--)
		hal_console_putc(*s++);
}

void monitor_run(void)
{
	static struct lined ed;

	lined_init(&ed, console_echo);
	kprintf("Type 'help' for commands.\n");
	for (;;) {
		kputs("nexus> ");
		if (!prompt_ns)
			prompt_ns = clock_uptime_ns();
		lined_reset(&ed);
		while (lined_feed(&ed, console_getc()) == LINED_MORE)
			;
		if (ed.len)
			monitor_exec(ed.line);
	}
}
