/*
 * Rumpk as a Linux process: the portable kernel on the hosted HAL, with a
 * memory pool from mmap. The terminal is put in raw mode so the kernel's
 * own line editor sees every key, Ctrl-C included.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "arch/hal.h"
#include "core/clock.h"
#include "core/irq.h"
#include "core/kernel.h"
#include "core/monitor.h"
#include "hosted.h"

#define POOL_SIZE (16u << 20)

static struct termios saved_tty;

static void restore_tty(void)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

static void raw_tty(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty))
		return;
	t = saved_tty;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
	t.c_iflag &= ~(tcflag_t)(ICRNL | IXON);
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	atexit(restore_tty);
}

int main(void)
{
	void *pool = mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct boot_info bi = {
		.machine = "hosted (Linux process)",
		.pool_base = (uintptr_t)pool,
		.pool_end = (uintptr_t)pool + POOL_SIZE,
	};

	if (pool == MAP_FAILED)
		return 1;
	raw_tty();
	irq_register(HAL_IRQ_TIMER, "timer", clock_timer_irq);
	irq_register(HOSTED_IRQ_CONSOLE, "console", hosted_console_irq);
	kernel_main(&bi);
}

/* No EL0 in a Linux process: the kernel monitor is the first program. */
void kernel_first_program(void)
{
	monitor_run();
}
