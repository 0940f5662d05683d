/* info(): read-only introspection, each kind behind the promise it needs. */
#include <string.h>

#include <nexus/audit.h>
#include <nexus/errno.h>
#include <nexus/pledge.h>

#include "core/energy.h"
#include "core/fiber.h"
#include "core/irq.h"
#include "fs/vfs.h"
#include "mm/page_alloc.h"
#include "net/netswitch.h"
#include "sec/pledge.h"
#include "sec/provchain.h"
#include "sys/app.h"
#include "sys/syscall.h"

#define PROCS_MAX	96

static void proc_info(const struct fiber_info *fi, struct nx_proc_info *p)
{
	struct app *a = app_find(fi->id);

	memset(p, 0, sizeof(*p));
	p->id = fi->id;
	memcpy(p->name, fi->name, sizeof(p->name));
	p->spectrum = fi->spectrum;
	p->state = fi->state;
	p->energy = fi->energy;
	p->cpu_ticks = fi->cpu_ticks;
	p->switches = fi->switches;
	p->strikes = fi->strikes;
	if (a && a->fiber) {
		p->parent = a->parent;
		p->is_app = 1;
		p->pledges = a->pledges;
		p->mem_pages = a->pages_used;
		p->mem_quota = a->quota;
	}
}

static int64_t info_proc(uint64_t index, struct nx_proc_info *out, bool self)
{
	static struct fiber_info fi[PROCS_MAX];
	size_t n = fiber_snapshot(fi, PROCS_MAX);

	if (self) {
		for (index = 0; index < n && fi[index].id != fiber_self()->id; index++)
			;
	}
	if (index >= n || index >= PROCS_MAX)
		return -NX_ENOENT;
	proc_info(&fi[index], out);
	return (int64_t)n;
}

struct irq_walk {
	uint64_t want, seen;
	struct nx_irq_info *out;
};

static struct irq_walk walk;

static void irq_one(unsigned irq, const char *name, uint64_t count)
{
	if (walk.seen++ != walk.want)
		return;
	walk.out->irq = irq;
	walk.out->count = count;
	strlcpy(walk.out->name, name, sizeof(walk.out->name));
}

int64_t sys_info(struct app *a, const uint64_t *x)
{
	uint64_t kind = x[0], index = x[1], buf = x[2], len = x[3];
	union {
		struct nx_proc_info proc;
		struct nx_irq_info irq;
		struct nx_mem_info mem;
		struct nx_audit_record audit;
		struct nx_mount_info mount;
		struct nx_netport_info netport;
	} u;
	const struct vfs_mount *mnt;
	size_t size;
	int64_t r;

	memset(&u, 0, sizeof(u));
	switch (kind) {
	case NX_INFO_SELF:
	case NX_INFO_PROC:
		if (kind == NX_INFO_PROC)
			app_need_promise(a, NX_PLEDGE_PROC, "info(proc)");
		size = sizeof(u.proc);
		r = info_proc(index, &u.proc, kind == NX_INFO_SELF);
		break;
	case NX_INFO_IRQ:
		size = sizeof(u.irq);
		walk = (struct irq_walk){ .want = index, .out = &u.irq };
		u.irq.irq = 0xffffffffu;
		irq_for_each(irq_one);
		r = u.irq.irq == 0xffffffffu ? -NX_ENOENT : (int64_t)walk.seen;
		break;
	case NX_INFO_MEM:
		size = sizeof(u.mem);
		u.mem.pages_total = page_count_total();
		u.mem.pages_free = page_count_free();
		r = 0;
		break;
	case NX_INFO_MOUNT:
		size = sizeof(u.mount);
		mnt = vfs_mount_at((unsigned)index);
		if (!mnt)
			return -NX_ENOENT;
		strlcpy(u.mount.point, mnt->point, sizeof(u.mount.point));
		strlcpy(u.mount.type, mnt->ops->type, sizeof(u.mount.type));
		r = 0;
		break;
	case NX_INFO_NETPORT:
		app_need_promise(a, NX_PLEDGE_INET, "info(netport)");
		size = sizeof(u.netport);
		r = netswitch_info(&netswitch_system,
				   (unsigned)(index < UINT32_MAX ? index : UINT32_MAX), &u.netport);
		break;
	case NX_INFO_AUDIT:
		app_need_promise(a, NX_PLEDGE_AUDIT, "info(audit)");
		size = sizeof(u.audit);
		if (index >= provchain_count())
			return -NX_ENOENT;
		u.audit = *provchain_record(index);
		r = (int64_t)provchain_count();
		break;
	default:
		return -NX_EINVAL;
	}
	if (r < 0)
		return r;
	if (len < size)
		return -NX_E2BIG;
	if (!app_can_write(a, buf, size))
		return -NX_EFAULT;
	memcpy((void *)buf, &u, size);
	return r;
}
