/*
 * The twelve system calls. Each one checks, in this order: the promise
 * it needs (a violation kills the app), the capability it needs, its
 * arguments (every pointer against the app's own view), then charges its
 * energy price and does the work. docs/abi.md is the reference.
 */
#include <string.h>

#include <nexus/audit.h>
#include <nexus/errno.h>
#include <nexus/pledge.h>
#include <nexus/syscall.h>

#include "arch/hal.h"
#include "core/energy.h"
#include "core/fiber.h"
#include "fmt.h"
#include "mm/page_alloc.h"
#include "sec/pledge.h"
#include "sec/provchain.h"
#include "sys/app.h"
#include "sys/chan.h"
#include "sys/service.h"
#include "sys/syscall.h"
#include "sys/user.h"

typedef int64_t sys_fn(struct app *a, const uint64_t *x);

/* A verb of the app's own process capability. */
static int need_self(struct app *a, uint32_t verb)
{
	int slot = cap_find(&a->caps, NX_CAP_SELF, 0);

	return slot < 0 ? -NX_EPERM : cap_check(&a->caps, slot, NX_CAP_SELF, verb, NULL);
}

/* The NetSwitch capability, with both verbs a port needs. */
static int need_net(struct app *a)
{
	int slot = cap_find(&a->caps, NX_CAP_NET, 0);

	return slot < 0 ? -NX_EPERM :
	       cap_check(&a->caps, slot, NX_CAP_NET, NX_CAP_SEND | NX_CAP_RECV, NULL);
}

static int channel_of(struct app *a, uint64_t slot, uint32_t verb,
		      struct channel **c, int *end)
{
	uint64_t object;
	int err = cap_check(&a->caps, (int)slot, NX_CAP_CHANNEL, verb, &object);

	if (err)
		return err;
	*c = chan_from_object(object);
	if (!*c || (*end = chan_end_of(*c, a)) < 0)
		return -NX_EIO;		/* the channel is gone */
	return 0;
}

static int charge(uint32_t price)
{
	energy_spend((enum nx_energy_price)price);
	return 0;
}

static int64_t sys_exit(struct app *a, const uint64_t *x)
{
	(void)a;
	fiber_exit((int)x[0]);
}

static int64_t sys_spawn(struct app *a, const uint64_t *x)
{
	char path[64], args[NX_ARGS_MAX];
	int err, id, slot;

	app_need_promise(a, NX_PLEDGE_EXEC, "spawn");
	err = need_self(a, NX_CAP_SPAWN);
	if (!err)
		err = app_copy_string(a, x[0], x[1], path, sizeof(path));
	if (!err)
		err = app_copy_string(a, x[2], x[3], args, sizeof(args));
	if (err)
		return err;
	charge(NX_ENERGY_SPAWN);
	id = app_spawn(a, path, args, (uint32_t)x[4]);
	if (id < 0)
		return id;
	slot = cap_mint(&a->caps, NX_CAP_PROCESS, (uint64_t)id,
			NX_CAP_RECV | NX_CAP_GRANT | NX_CAP_MASK);
	if (slot < 0) {
		fiber_kill(app_find((uint32_t)id)->fiber);
		return slot;
	}
	app_sync_systable(a);
	return slot;
}

static int64_t wait_process(struct app *a, int slot, uint64_t object,
			    uint64_t deadline, uint64_t status_ptr)
{
	struct app *child = app_find((uint32_t)object);
	int64_t code;
	int err;

	if (status_ptr && !app_can_write(a, status_ptr, sizeof(int64_t)))
		return -NX_EFAULT;
	if (!child || child->parent != a->id)
		return -NX_ENOENT;
	while (!child->zombie) {
		err = event_wait(&child->exited, deadline ? deadline : EVENT_FOREVER);
		if (err)
			return err;
	}
	code = app_reap(child);
	cap_drop(&a->caps, slot);
	app_sync_systable(a);
	if (status_ptr)
		*(int64_t *)status_ptr = code;
	return 0;
}

static int64_t sys_wait(struct app *a, const uint64_t *x)
{
	int slot = (int)x[0];
	uint64_t deadline = x[1], object;
	struct nx_cap_info ci;
	struct channel *c;
	int end, err;

	app_need_promise(a, NX_PLEDGE_STDIO, "wait");
	if (deadline != NX_DEADLINE_NEVER && (err = need_self(a, NX_CAP_TICK)))
		return err;
	charge(deadline ? NX_ENERGY_RECV + NX_ENERGY_TICK : NX_ENERGY_RECV);
	if (slot == NX_WAIT_NONE) {
		if (deadline == NX_DEADLINE_NEVER)
			return -NX_EINVAL;	/* would sleep forever */
		sched_sleep_until(deadline);
		return 0;
	}
	err = cap_inspect(&a->caps, slot, &ci);
	if (err)
		return err;
	if (ci.type == NX_CAP_PROCESS) {
		err = cap_check(&a->caps, slot, NX_CAP_PROCESS, NX_CAP_RECV, &object);
		return err ? err : wait_process(a, slot, object, deadline, x[2]);
	}
	err = channel_of(a, (uint64_t)slot, NX_CAP_RECV, &c, &end);
	return err ? err : chan_wait(c, end, deadline);
}

static int64_t sys_notify(struct app *a, const uint64_t *x)
{
	struct channel *c;
	int end, err;

	app_need_promise(a, NX_PLEDGE_STDIO, "notify");
	err = channel_of(a, x[0], NX_CAP_SEND, &c, &end);
	if (err)
		return err;
	charge(NX_ENERGY_SEND);
	return chan_notify(c, end);
}

/*
 * A port is asked for by its flag and its name together, so the INET
 * promise is checked once the call is known to be one: a stray flag
 * with any other name is only -NX_EINVAL.
 */
static int64_t sys_chan_open(struct app *a, const uint64_t *x)
{
	char name[NX_NAME_MAX];
	struct nx_chan_desc d;
	struct channel *c;
	uint32_t verbs = NX_CAP_SEND | NX_CAP_RECV;
	int err, slot;

	app_need_promise(a, NX_PLEDGE_STDIO, "chan_open");
	err = app_copy_string(a, x[0], x[1], name, sizeof(name));
	if (err)
		return err;
	if (x[2] == NX_CHAN_NET) {
		if (strcmp(name, "net"))
			return -NX_EINVAL;
		app_need_promise(a, NX_PLEDGE_INET, "net");
		if ((err = need_net(a)))
			return err;
	}
	if (!app_can_write(a, x[3], sizeof(d)))
		return -NX_EFAULT;
	if ((err = need_self(a, NX_CAP_MAP)))
		return err;
	charge(NX_ENERGY_MAP);
	if (x[2] == NX_CHAN_CREATE) {
		err = chan_named_create(a, name, &c);
		verbs |= NX_CAP_GRANT | NX_CAP_MASK;
	} else if (x[2] == NX_CHAN_CONNECT) {
		err = chan_named_connect(a, name, &c);
	} else if (x[2] == NX_CHAN_NET) {
		err = service_net_open(a, &c);
	} else if (x[2] == NX_CHAN_DRIVER) {
		/* Only an app the kernel started as a driver has a device. */
		err = a->device ? a->device->open(a, &c) : -NX_EPERM;
	} else {
		return -NX_EINVAL;
	}
	if (err)
		return err;
	slot = cap_mint(&a->caps, NX_CAP_CHANNEL, chan_object(c), verbs);
	if (slot < 0) {
		chan_leave(c, a);	/* no capability, no channel */
		return slot;
	}
	chan_describe(c, chan_end_of(c, a), slot, &d);
	memcpy((void *)x[3], &d, sizeof(d));
	app_sync_systable(a);
	return slot;
}

static int64_t sys_map(struct app *a, const uint64_t *x)
{
	uint64_t addr;
	unsigned pages;
	int err;

	app_need_promise(a, NX_PLEDGE_STDIO, "map");
	if ((err = need_self(a, NX_CAP_MAP)))
		return err;
	if (x[2] == 0 || x[2] > (uint64_t)a->cell_pages * PAGE_SIZE)
		return -NX_EINVAL;
	pages = (unsigned)((x[2] + PAGE_SIZE - 1) / PAGE_SIZE);
	charge(NX_ENERGY_MAP);
	switch (x[0]) {
	case NX_MAP_ALLOC:
		err = app_alloc_pages(a, pages, HAL_USER_R | HAL_USER_W, &addr);
		return err ? err : (int64_t)addr;
	case NX_MAP_FREE:
		return app_free_pages(a, x[1], pages);
	case NX_MAP_PROTECT:
		if (!app_can_write(a, x[1], x[2]) || x[1] & (PAGE_SIZE - 1))
			return -NX_EINVAL;
		return hal_space_map(a->space, x[1], pages, HAL_USER_R);
	}
	return -NX_EINVAL;
}

static int64_t sys_cap(struct app *a, const uint64_t *x)
{
	int slot = (int)x[1], err;
	struct nx_cap_info ci;
	uint64_t object;
	struct app *to;

	app_need_promise(a, NX_PLEDGE_STDIO, "cap");
	switch (x[0]) {
	case NX_CAP_OP_INSPECT:
		if (!app_can_write(a, x[2], sizeof(ci)))
			return -NX_EFAULT;
		err = cap_inspect(&a->caps, slot, &ci);
		if (!err)
			memcpy((void *)x[2], &ci, sizeof(ci));
		return err;
	case NX_CAP_OP_MASK:
		charge(NX_ENERGY_MASK);
		err = cap_mask(&a->caps, slot, (uint32_t)x[2]);
		app_sync_systable(a);
		return err;
	case NX_CAP_OP_GRANT:
		err = cap_check(&a->caps, (int)x[3], NX_CAP_PROCESS, NX_CAP_GRANT, &object);
		if (err)
			return err;
		to = app_find((uint32_t)object);
		if (!to || to->zombie)
			return -NX_ENOENT;
		charge(NX_ENERGY_GRANT);
		err = cap_grant(&a->caps, slot, &to->caps, (uint32_t)x[2]);
		if (err >= 0) {
			provchain_append(NX_AUDIT_GRANT, a->id, to->id, "cap grant",
					 hal_time_now());
			app_sync_systable(to);
		}
		return err;
	case NX_CAP_OP_REVOKE:
		charge(NX_ENERGY_MASK);
		err = cap_revoke(&a->caps, slot);
		if (!err) {
			provchain_append(NX_AUDIT_REVOKE, a->id, (uint32_t)slot, "cap revoke",
					 hal_time_now());
			app_sync_all();
		}
		return err;
	}
	return -NX_EINVAL;
}

static int64_t sys_pledge(struct app *a, const uint64_t *x)
{
	uint64_t before = a->pledges;
	unsigned spectrum;
	char text[48];
	int err;

	err = pledge_narrow(&a->pledges, x[0]);
	if (err)
		return err;
	spectrum = (unsigned)(a->pledges >> NX_PLEDGE_SPECTRUM_SHIFT);
	if (spectrum > a->fiber->spectrum)
		sched_lower_spectrum((enum sched_spectrum)spectrum);
	pledge_format(a->pledges, text, sizeof(text));
	if (a->pledges != before)
		provchain_append(NX_AUDIT_PLEDGE, a->id, 0, text, hal_time_now());
	app_sync_systable(a);
	return 0;
}

static int64_t sys_unveil(struct app *a, const uint64_t *x)
{
	char path[NX_PATH_MAX];
	int err;

	if (x[0] == 0 && x[1] == 0) {
		err = unveil_lock(&a->unveil);
		if (!err)
			provchain_append(NX_AUDIT_UNVEIL, a->id, 0, "locked", hal_time_now());
		return err;
	}
	err = app_copy_string(a, x[0], x[1], path, sizeof(path));
	if (err)
		return err;
	err = unveil_add(&a->unveil, path, (unsigned)x[2]);
	if (!err)
		provchain_append(NX_AUDIT_UNVEIL, a->id, (uint32_t)x[2], path, hal_time_now());
	return err;
}

static int64_t sys_clock(struct app *a, const uint64_t *x)
{
	int err = need_self(a, NX_CAP_TICK);

	(void)x;
	if (err)
		return err;
	charge(NX_ENERGY_TICK);
	return (int64_t)hal_time_now();
}

static int64_t sys_yield(struct app *a, const uint64_t *x)
{
	(void)a;
	(void)x;
	sched_yield();
	return 0;
}

static sys_fn *const calls[NX_SYS_COUNT] = {
	[NX_SYS_EXIT] = sys_exit,
	[NX_SYS_SPAWN] = sys_spawn,
	[NX_SYS_WAIT] = sys_wait,
	[NX_SYS_NOTIFY] = sys_notify,
	[NX_SYS_CHAN_OPEN] = sys_chan_open,
	[NX_SYS_MAP] = sys_map,
	[NX_SYS_CAP] = sys_cap,
	[NX_SYS_PLEDGE] = sys_pledge,
	[NX_SYS_UNVEIL] = sys_unveil,
	[NX_SYS_CLOCK] = sys_clock,
	[NX_SYS_INFO] = sys_info,
	[NX_SYS_YIELD] = sys_yield,
};

int64_t syscall_entry(uint64_t nr, const uint64_t *x)
{
	struct app *a = app_current();

	if (nr >= NX_SYS_COUNT)
		return -NX_ENOSYS;
	return calls[nr](a, x);
}
