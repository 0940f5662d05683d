/*
 * The HAL as a Linux process: the console is stdin/stdout, the counter is
 * CLOCK_MONOTONIC in nanoseconds, and "waiting for an interrupt" is a
 * poll() on stdin bounded by the armed timer deadline. Input and timer
 * expiry are delivered through irq_dispatch() like real interrupts, so
 * the portable kernel runs unchanged.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/kprintf.h"
#include "hosted.h"

static bool masked;
static bool timer_armed;
static uint64_t timer_deadline;
static char input[64];
static ssize_t input_len;

void hal_console_putc(char c)
{
	if (write(STDOUT_FILENO, &c, 1) != 1)
		_exit(3);
}

uint64_t hal_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t hal_time_freq(void)
{
	return 1000000000u;
}

void hal_timer_arm(uint64_t deadline)
{
	timer_deadline = deadline;
	timer_armed = true;
}

void hal_timer_disarm(void)
{
	timer_armed = false;
}

uint64_t hal_irq_save(void)
{
	bool was = masked;

	masked = true;
	return was;
}

void hal_irq_restore(uint64_t state)
{
	masked = state;
}

/* Only the console and the timer interrupt a hosted kernel. */
void hal_irq_enable(unsigned irq)
{
	(void)irq;
}

/* The "interrupt" that hands the bytes read by hal_idle() to the console. */
void hosted_console_irq(unsigned irq)
{
	(void)irq;
	for (ssize_t i = 0; i < input_len; i++)
		console_rx_push(input[i]);
	input_len = 0;
}

void hal_idle(void)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	int timeout = -1;

	if (timer_armed) {
		uint64_t now = hal_time_now();

		timeout = now >= timer_deadline ? 0 :
			  (int)((timer_deadline - now + 999999) / 1000000);
	}
	if (poll(&pfd, 1, timeout) > 0) {
		input_len = read(STDIN_FILENO, input, sizeof(input));
		if (input_len <= 0)
			hal_poweroff();		/* end of input: nobody is left to type */
		irq_dispatch(HOSTED_IRQ_CONSOLE);
	}
	if (timer_armed && hal_time_now() >= timer_deadline)
		irq_dispatch(HAL_IRQ_TIMER);
}

void hal_backtrace(void)
{
	fputs("(no backtrace in the hosted build)\n", stdout);
}

void hal_guard_page(void *page)
{
	if (mprotect(page, 4096, PROT_NONE))
		perror("hal_guard_page");
}

void hal_unguard_page(void *page)
{
	if (mprotect(page, 4096, PROT_READ | PROT_WRITE))
		perror("hal_unguard_page");
}

int64_t hal_hypercall(uint64_t nr, uint64_t a1, uint64_t *x1_out)
{
	(void)nr, (void)a1;
	*x1_out = 0;
	return -NX_ENOSYS;
}

bool hal_el2_implemented(void)
{
	return false;
}

/* The attack hooks (core/attack.c) need a machine: a process has none. */
bool hal_map_raw(uint64_t addr)
{
	kprintf("hal_map_raw(0x%lx): not supported in the hosted build\n",
		(unsigned long)addr);
	return false;
}

int64_t hal_psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)fn, (void)a1, (void)a2, (void)a3;
	return -1;	/* PSCI NOT_SUPPORTED: there is no firmware */
}

void hal_poweroff(void)
{
	exit(0);
}

void hal_reset(void)
{
	exit(0);
}

void hal_halt(void)
{
	exit(2);
}
