/*
 * The sys service: what only the kernel may do, each behind a promise;
 * the restarter; and the boot of the first app.
 */
#include <string.h>

#include <nexus/audit.h>
#include <nexus/driver.h>
#include <nexus/errno.h>
#include <nexus/hypercall.h>
#include <nexus/pledge.h>

#include "arch/hal.h"
#include "core/fiber.h"
#include "core/hardpledge.h"
#include "core/kprintf.h"
#include "core/monitor.h"
#include "core/panic.h"
#include "drivers/virtio_blk.h"
#include "drivers/virtio_net.h"
#include "fs/vfs.h"
#include "sec/provchain.h"
#include "sys/app.h"
#include "sys/service.h"

#define RESTART_QUEUE	8

extern const char initrd_start[], initrd_end[];

static struct {
	struct {
		char path[64];
		uint32_t parent;
		unsigned restarts;
	} q[RESTART_QUEUE];
	unsigned n;
	struct event ready;
} restarter;

uint32_t service_hv_cell(uint32_t *cell)
{
	struct nx_cell_info ci;
	uint64_t x1;

	*cell = 0;
	if (!hardpledge_under_rumkv())
		return 0;
	if (hal_hypercall(NX_HC_CELL_INFO, (uint64_t)&ci, &x1) == 0)
		*cell = ci.cell_id;
	return 1;
}

void service_restart_later(const char *path, struct app *parent, unsigned restarts)
{
	if (restarter.n == RESTART_QUEUE) {
		kprintf("restart of %s dropped: queue full\n", path);
		return;
	}
	strlcpy(restarter.q[restarter.n].path, path, sizeof(restarter.q[0].path));
	restarter.q[restarter.n].parent = parent ? parent->id : 0;
	restarter.q[restarter.n].restarts = restarts;
	restarter.n++;
	event_signal(&restarter.ready);
}

static void restarter_main(void *arg)
{
	(void)arg;
	for (;;) {
		event_wait(&restarter.ready, EVENT_FOREVER);
		while (restarter.n) {
			uint64_t irq = hal_irq_save();
			unsigned restarts = restarter.q[0].restarts;
			uint32_t parent = restarter.q[0].parent;
			struct app *p;
			char path[64];
			int id;

			memcpy(path, restarter.q[0].path, sizeof(path));
			memmove(&restarter.q[0], &restarter.q[1],
				--restarter.n * sizeof(restarter.q[0]));
			hal_irq_restore(irq);
			/* An exited parent hands its restarts to the kernel. */
			p = parent ? app_find(parent) : NULL;
			id = app_spawn(p && p->fiber ? p : NULL, path, "", 0);
			if (id >= 0)
				app_find((uint32_t)id)->restarts = restarts;
		}
	}
}

/*
 * Kill an app and everything it started, all in one pass while the
 * family tree is still intact: a fork bomb dies with its root.
 */
static int64_t sys_kill(struct app *a, uint64_t id)
{
	struct app *t = app_find((uint32_t)id);
	unsigned killed;

	app_need_promise(a, NX_PLEDGE_PROC, "kill");
	if (!t || !t->fiber || !app_descends_from(t, a))
		return -NX_ENOENT;	/* only one's own descendants exist */
	provchain_append(NX_AUDIT_KILL, t->id, a->id, t->name, hal_time_now());
	killed = app_kill_tree(t, a);
	if (app_descends_from(a, t))
		fiber_exit(FIBER_EXIT_KILLED);
	return killed;
}

static void monitor_main(void *arg)
{
	(void)arg;
	monitor_run();
}

static int64_t sys_monitor(void)
{
#ifdef NX_DEBUG
	static const struct fiber_params p = {
		.name = "monitor", .entry = monitor_main, .spectrum = SCHED_MATTER,
		.flags = FIBER_DETACHED | FIBER_UNMETERED,
	};

	service_console_monitor();
	return fiber_create(&p, NULL);
#else
	(void)monitor_main;
	return -NX_ENOSYS;
#endif
}

/* NX_SYSOP_DRIVER_CRASH's arg[1]: which driver, and how (docs/abi.md). */
#define CRASH_DISK	0	/* arg[0] is the disk: a fault */
#define CRASH_NIC	1
#define CRASH_DISK_MMIO	2	/* a store to a neighbouring device */
#define CRASH_DISK_DMA	3	/* DMA aimed at memory it was not lent */
#define CRASH_DISK_RESET 4	/* a store to its device's Status register */

/* Debug builds: the fault Blink must survive, on demand. */
static int64_t driver_crash(uint64_t disk, uint64_t kind)
{
#ifdef NX_DEBUG
	switch (kind) {
	case CRASH_NIC:
		return vnet_crash();
	case CRASH_DISK:
		return vblk_crash((unsigned)disk, NX_DRV_CRASH_FAULT);
	case CRASH_DISK_MMIO:
		return vblk_crash((unsigned)disk, NX_DRV_CRASH_MMIO);
	case CRASH_DISK_DMA:
		return vblk_crash((unsigned)disk, NX_DRV_CRASH_DMA);
	case CRASH_DISK_RESET:
		return vblk_crash((unsigned)disk, NX_DRV_CRASH_RESET);
	}
	return -NX_EINVAL;
#else
	(void)disk;
	(void)kind;
	return -NX_ENOSYS;
#endif
}

static void export_line(const char *line, void *ctx)
{
	(void)ctx;
	kprintf("%s\n", line);
}

/* The chain in the host verifier's format, between two marker lines. */
static int64_t audit_export(void)
{
	int err;

	kputs("--- provchain export ---\n");
	err = provchain_export(export_line, NULL);
	kputs("--- end of export ---\n");
	return err;
}

static int64_t sys_audit(struct app *a, const struct nx_msg *m, struct nx_msg *reply)
{
	size_t bad = 0;
	int err;

	app_need_promise(a, NX_PLEDGE_AUDIT, "audit");
	if (m->op == NX_SYSOP_AUDIT_TAMPER) {
#ifdef NX_DEBUG
		if (m->arg[0] >= provchain_count())
			return -NX_ERANGE;
		provchain_tamper(m->arg[0], m->arg[1]);
		return 0;
#else
		return -NX_ENOSYS;
#endif
	}
	err = provchain_verify(&bad);
	reply->arg[0] = bad;
	return err ? err : (int64_t)provchain_count();
}

void service_sys(struct channel *c)
{
	struct app *a = c->end[0];
	struct nx_msg m, reply;
	int64_t r;

	for (unsigned n = 0; n < NX_CHAN_RING_SLOTS && chan_next_request(c, &m); n++) {
		reply = m;
		switch (m.op) {
		case NX_SYSOP_KILL:
			r = sys_kill(a, m.arg[0]);
			break;
		case NX_SYSOP_POWEROFF:
		case NX_SYSOP_REBOOT:
			app_need_promise(a, NX_PLEDGE_POWER, "poweroff");
			vfs_sync_all();		/* a clean shutdown loses nothing */
			if (m.op == NX_SYSOP_REBOOT)
				hal_reset();
			hal_poweroff();
		case NX_SYSOP_AUDIT_VERIFY:
		case NX_SYSOP_AUDIT_TAMPER:
			r = sys_audit(a, &m, &reply);
			break;
		case NX_SYSOP_MONITOR:
			app_need_promise(a, NX_PLEDGE_POWER, "monitor");
			r = sys_monitor();
			break;
		case NX_SYSOP_DRIVER_CRASH:
			app_need_promise(a, NX_PLEDGE_POWER, "driver crash");
			r = driver_crash(m.arg[0], m.arg[1]);
			break;
		case NX_SYSOP_AUDIT_EXPORT:
			app_need_promise(a, NX_PLEDGE_AUDIT, "audit export");
			r = audit_export();
			break;
		default:
			r = -NX_ENOSYS;
		}
		chan_reply(c, &reply, r);
	}
}

void kernel_first_program(void)
{
	static const struct fiber_params rp = {
		.name = "restarter", .entry = restarter_main, .spectrum = SCHED_MATTER,
		.flags = FIBER_DETACHED | FIBER_UNMETERED,
	};
	int id;

	if (fiber_create(&rp, NULL))
		panic("no memory for the restarter");
	provchain_init(hal_time_now());
	if (service_mount_initrd(initrd_start, (size_t)(initrd_end - initrd_start)) == 0) {
		service_mount_disks();
		vnet_start();		/* no NIC: no driver, and nothing to say */
		id = app_spawn(NULL, "/bin/init.npk", "", NX_SPAWN_FOREGROUND);
	} else {
		id = -NX_ENOENT;
	}
	if (id < 0) {
#ifdef NX_DEBUG
		kprintf("init: cannot start /bin/init.npk (error %d); kernel monitor\n", id);
		monitor_run();
#else
		panic("init: cannot start /bin/init.npk (error %d)", id);
#endif
	}
	service_route_input();
}
