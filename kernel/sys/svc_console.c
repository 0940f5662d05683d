/*
 * The console service and the input router. Output is written to the
 * UART at once, on the caller's time. Input goes to the foreground app:
 * the router (the boot fiber, after init has started) queues each byte
 * for it and completes its pending READ. Ctrl-C kills a foreground app
 * that something else put in the foreground, the way a shell's job dies.
 */
#include <string.h>

#include <nexus/errno.h>
#include <nexus/pledge.h>

#include "arch/hal.h"
#include "core/console.h"
#include "core/fiber.h"
#include "core/kprintf.h"
#include "sec/pledge.h"
#include "sys/app.h"
#include "sys/service.h"

#define WRITE_MAX	4096	/* bytes per WRITE request */

static bool monitor_mode;	/* debug builds: the monitor owns the input */

static void deliver(struct app *a, struct channel *c)
{
	const struct nx_msg *req = &c->pending;
	uint32_t n = a->input_len < req->len ? a->input_len : (uint32_t)req->len;

	if (!c->pending_read || a->input_len == 0)
		return;
	c->pending_read = 0;
	if (!app_can_write(a, req->buf, n)) {
		chan_reply(c, req, -NX_EFAULT);
		return;
	}
	memcpy((void *)req->buf, a->input, n);
	memmove(a->input, a->input + n, a->input_len - n);
	a->input_len -= n;
	chan_reply(c, req, n);
}

static int64_t con_write(struct app *a, const struct nx_msg *m)
{
	const char *p = (const char *)m->buf;

	if (m->len > WRITE_MAX)
		return -NX_E2BIG;
	if (!app_can_read(a, m->buf, m->len))
		return -NX_EFAULT;
	for (uint64_t i = 0; i < m->len; i++) {
		if (p[i] == '\n')
			hal_console_putc('\r');
		hal_console_putc(p[i]);
	}
	return (int64_t)m->len;
}

void service_console(struct channel *c)
{
	struct app *a = c->end[0];
	struct nx_msg m;

	for (unsigned n = 0; n < NX_CHAN_RING_SLOTS && chan_next_request(c, &m); n++) {
		switch (m.op) {
		case NX_CON_WRITE:
			chan_reply(c, &m, con_write(a, &m));
			break;
		case NX_CON_READ:
			if (c->pending_read) {
				chan_reply(c, &m, -NX_EBUSY);
			} else if (m.len == 0 || !app_can_write(a, m.buf, m.len)) {
				chan_reply(c, &m, m.len ? -NX_EFAULT : 0);
			} else {
				c->pending = m;
				c->pending_read = 1;
				deliver(a, c);
			}
			break;
		default:
			chan_reply(c, &m, -NX_ENOSYS);
		}
	}
}

void service_console_monitor(void)
{
	monitor_mode = true;
}

static void route(char ch)
{
	struct app *a = app_foreground();

	if (!a || !a->console)
		return;
	if (ch == 0x03 && a->fg_below) {
		kputs("^C\n");
		fiber_kill(a->fiber);
		return;
	}
	if (a->input_len < APP_INPUT)
		a->input[a->input_len++] = ch;
	deliver(a, a->console);
}

void service_route_input(void)
{
	for (;;) {
		char ch = console_getc();

		if (monitor_mode) {
			console_unget(ch);
			fiber_exit(0);
		}
		route(ch);
	}
}
