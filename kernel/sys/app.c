/*
 * App life: spawn from a package in the initial image, the memory cell,
 * exit and the zombie an exited app leaves for its parent to collect.
 */
#include <string.h>

#include <nexus/errno.h>
#include <nexus/npk.h>
#include <nexus/pledge.h>
#include <nexus/audit.h>

#include "arch/hal.h"
#include "core/energy.h"
#include "core/fiber.h"
#include "core/kprintf.h"
#include "fmt.h"
#include "fs/tarfs.h"
#include "mm/page_alloc.h"
#include "sec/pledge.h"
#include "sec/provchain.h"
#include "sys/app.h"
#include "sys/chan.h"
#include "sys/npk.h"
#include "sys/service.h"

#define CELL_ALIGN	(2u << 20)
#define RESTARTS_MAX	3

static struct app apps[APP_MAX];
static struct app *fg;			/* top of the foreground stack */

struct app *app_current(void)
{
	return fiber_self()->app;
}

struct app *app_find(uint32_t id)
{
	for (unsigned i = 0; i < APP_MAX; i++)
		if (apps[i].used && apps[i].id == id)
			return &apps[i];
	return NULL;
}

struct app *app_foreground(void)
{
	return fg;
}

bool app_descends_from(const struct app *a, const struct app *ancestor)
{
	for (unsigned hops = 0; a && hops < APP_MAX; hops++) {
		if (a == ancestor)
			return true;
		a = a->parent ? app_find(a->parent) : NULL;
	}
	return false;
}

bool app_can_read(const struct app *a, uint64_t addr, uint64_t len)
{
	return len == 0 || hal_space_access_ok(a->space, addr, len, false);
}

bool app_can_write(const struct app *a, uint64_t addr, uint64_t len)
{
	return len == 0 || hal_space_access_ok(a->space, addr, len, true);
}

int app_copy_string(const struct app *a, uint64_t addr, uint64_t len,
		    char *out, size_t outlen)
{
	if (len >= outlen)
		return -NX_E2BIG;
	if (!app_can_read(a, addr, len))
		return -NX_EFAULT;
	memcpy(out, (const void *)addr, len);
	out[len] = '\0';
	if (strlen(out) != len)
		return -NX_EINVAL;	/* an embedded NUL */
	return 0;
}

static bool page_taken(const struct app *a, unsigned i)
{
	return a->page_map[i / 64] >> (i % 64) & 1;
}

static void take_pages(struct app *a, unsigned first, unsigned n)
{
	for (unsigned i = first; i < first + n; i++)
		a->page_map[i / 64] |= 1ull << (i % 64);
	a->pages_used += n;
}

int app_alloc_pages(struct app *a, unsigned n, unsigned perms, uint64_t *addr)
{
	unsigned run = 0;

	if (n == 0 || n > a->quota - a->pages_used)
		return -NX_ENOMEM;
	for (unsigned i = 0; i < a->cell_pages; i++) {
		run = page_taken(a, i) ? 0 : run + 1;
		if (run == n) {
			uint64_t va = (uint64_t)a->cell + (uint64_t)(i + 1 - n) * PAGE_SIZE;

			memset((void *)va, 0, (size_t)n * PAGE_SIZE);
			if (hal_space_map(a->space, va, n, perms))
				return -NX_ENOMEM;
			take_pages(a, i + 1 - n, n);
			*addr = va;
			return 0;
		}
	}
	return -NX_ENOMEM;
}

int app_free_pages(struct app *a, uint64_t addr, unsigned n)
{
	uint64_t base = (uint64_t)a->cell;
	unsigned first;

	if (addr < base || addr & (PAGE_SIZE - 1) || n == 0 ||
	    (addr - base) / PAGE_SIZE + n > a->cell_pages)
		return -NX_EINVAL;
	first = (unsigned)((addr - base) / PAGE_SIZE);
	for (unsigned i = first; i < first + n; i++)
		if (!page_taken(a, i) || i < a->heap_first)
			return -NX_EINVAL;	/* not a map() page */
	hal_space_map(a->space, addr, n, 0);
	for (unsigned i = first; i < first + n; i++)
		a->page_map[i / 64] &= ~(1ull << (i % 64));
	a->pages_used -= n;
	return 0;
}

int app_map_shared(struct app *a, void *mem, unsigned pages)
{
	return hal_space_map(a->space, (uint64_t)mem, pages, HAL_USER_R | HAL_USER_W);
}

void app_unmap_shared(struct app *a, void *mem, unsigned pages)
{
	if (a->space)
		hal_space_map(a->space, (uint64_t)mem, pages, 0);
}

/* The SysTable is read-only in every app's view: write it from the kernel's. */
void app_sync_systable(struct app *a)
{
	struct nx_systable *st = a->systable;
	uint64_t irq = hal_irq_save();
	struct hal_space *view = hal_space_switch(NULL);

	st->pledges = a->pledges;
	st->spectrum = a->fiber->spectrum;
	for (int i = 0; i < NX_CAP_SLOTS; i++)
		if (cap_inspect(&a->caps, i, &st->caps[i]))
			memset(&st->caps[i], 0, sizeof(st->caps[i]));
	hal_space_switch(view);
	hal_irq_restore(irq);
}

void app_sync_all(void)
{
	for (unsigned i = 0; i < APP_MAX; i++)
		if (apps[i].used && apps[i].systable && apps[i].fiber)
			app_sync_systable(&apps[i]);
}

static struct app *app_alloc(void)
{
	for (unsigned i = 0; i < APP_MAX; i++)
		if (!apps[i].used) {
			memset(&apps[i], 0, sizeof(apps[i]));
			apps[i].used = true;
			return &apps[i];
		}
	return NULL;
}

/* Give the app its cell, its view, and its image with the segments' rights. */
static int load_image(struct app *a, const struct npk_app *plan, char *why, size_t n)
{
	size_t bytes = ((size_t)a->quota * PAGE_SIZE + CELL_ALIGN - 1) & ~(size_t)(CELL_ALIGN - 1);
	int err;

	a->cell = page_alloc_aligned(bytes / PAGE_SIZE, CELL_ALIGN);
	if (!a->cell) {
		fmt_snprintf(why, n, "no memory for a %zu KiB cell", bytes / 1024);
		return -NX_ENOMEM;
	}
	a->cell_pages = (uint32_t)(bytes / PAGE_SIZE);
	a->space = hal_space_create();
	if (!a->space || hal_user_memory((uint64_t)a->cell, bytes)) {
		fmt_snprintf(why, n, "no address space left");
		return -NX_ENOMEM;
	}
	err = npk_load(plan, a->cell, (size_t)a->quota * PAGE_SIZE);
	if (err) {
		fmt_snprintf(why, n, "image does not fit its %u-page quota", a->quota);
		return err;
	}
	for (unsigned i = 0; i < plan->nsegs; i++) {
		const struct npk_seg *s = &plan->seg[i];
		uint64_t first = s->vaddr & ~(uint64_t)(PAGE_SIZE - 1);
		uint64_t end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
		unsigned perms = (s->perms & NPK_R ? HAL_USER_R : 0) |
				 (s->perms & NPK_W ? HAL_USER_W : 0) |
				 (s->perms & NPK_X ? HAL_USER_X : 0);

		if (hal_space_map(a->space, (uint64_t)a->cell + first,
				  (size_t)((end - first) / PAGE_SIZE), perms)) {
			fmt_snprintf(why, n, "cannot map segment %u", i);
			return -NX_ENOMEM;
		}
	}
	/* Relocated data the app asked to keep read-only from now on. */
	if (plan->relro_size)
		hal_space_map(a->space, (uint64_t)a->cell + plan->relro_off,
			      (size_t)(plan->relro_size / PAGE_SIZE), HAL_USER_R);
	take_pages(a, 0, plan->image_pages);
	a->entry = (uint64_t)a->cell + plan->entry;
	return 0;
}

/* Stack below a guard page, then the SysTable, then the service rings. */
static int lay_out(struct app *a, unsigned stack_pages, char *why, size_t n)
{
	unsigned at = (unsigned)(a->pages_used);
	uint64_t base = (uint64_t)a->cell;

	if (at + 1 + stack_pages + 1 + 3 > a->quota) {
		fmt_snprintf(why, n, "quota of %u pages is too small for image, stack and rings",
			 a->quota);
		return -NX_ENOMEM;
	}
	memset(a->cell + (size_t)at * PAGE_SIZE, 0, (size_t)(stack_pages + 5) * PAGE_SIZE);
	take_pages(a, at, 1);		/* the guard page, never mapped */
	a->pages_used--;		/* ...and not charged */
	at++;
	hal_space_map(a->space, base + (uint64_t)at * PAGE_SIZE, stack_pages,
		      HAL_USER_R | HAL_USER_W);
	take_pages(a, at, stack_pages);
	at += stack_pages;
	a->stack_top = base + (uint64_t)at * PAGE_SIZE;
	a->systable = (struct nx_systable *)(base + (uint64_t)at * PAGE_SIZE);
	hal_space_map(a->space, (uint64_t)a->systable, 1, HAL_USER_R);
	take_pages(a, at, 1);
	at++;
	hal_space_map(a->space, base + (uint64_t)at * PAGE_SIZE, 3, HAL_USER_R | HAL_USER_W);
	take_pages(a, at, 3);
	a->heap_first = at + 3;
	return 0;
}

/* The verbs the package asks for on channel @name. */
static uint32_t requested(const struct nx_npk_header *h, const char *name)
{
	uint32_t verbs = 0;

	for (unsigned i = 0; i < h->ncaps; i++)
		if (!strncmp(h->caps[i].channel, name, sizeof(h->caps[i].channel)))
			verbs |= h->caps[i].verbs;
	return verbs;
}

/* The verbs @parent holds on (@type, @object); everything for the kernel. */
static uint32_t held_by(const struct app *parent, uint32_t type, uint64_t object)
{
	struct nx_cap_info ci;
	int slot;

	if (!parent)
		return NX_CAP_ALL;
	slot = cap_find(&parent->caps, type, object);
	return slot >= 0 && !cap_inspect(&parent->caps, slot, &ci) ? ci.verbs : 0;
}

#define HANDED_ON	(NX_CAP_SEND | NX_CAP_RECV | NX_CAP_MASK | NX_CAP_GRANT)

/* A service channel and the capability to it, if the package asked for it. */
static struct channel *open_service(struct app *a, const struct app *parent,
				    const struct nx_npk_header *h, const char *name,
				    chan_serve_fn *serve, unsigned page,
				    struct nx_chan_desc *d)
{
	uint32_t verbs = requested(h, name) & HANDED_ON;
	struct channel *c;
	int slot;

	if (parent) {
		const struct channel *pc = !strcmp(name, "console") ? parent->console :
					   !strcmp(name, "fs") ? parent->fs : parent->sys;

		verbs &= pc ? held_by(parent, NX_CAP_CHANNEL, chan_object(pc)) : 0;
	}
	d->slot = -1;
	if (!verbs)
		return NULL;
	c = chan_service_create(a, name, serve, a->cell + (size_t)page * PAGE_SIZE, 1);
	if (!c)
		return NULL;
	slot = cap_mint(&a->caps, NX_CAP_CHANNEL, chan_object(c), verbs);
	if (slot < 0)
		return NULL;
	chan_describe(c, 0, slot, d);
	return c;
}

/*
 * The NetSwitch capability, if the package asks for channel "net": the
 * same narrowing as a service channel's, against the parent's NX_CAP_NET.
 * The port itself is opened later, by the app (chan_open NX_CHAN_NET).
 */
static void mint_net(struct app *a, const struct app *parent,
		      const struct nx_npk_header *h)
{
	uint32_t verbs = requested(h, "net") & HANDED_ON & held_by(parent, NX_CAP_NET, 0);

	if (verbs)
		cap_mint(&a->caps, NX_CAP_NET, 0, verbs);
}

static void fill_systable(struct app *a, const char *args)
{
	struct nx_systable *st = a->systable;
	char *argbuf = (char *)(st + 1);
	uint64_t irq = hal_irq_save();
	struct hal_space *view = hal_space_switch(NULL);

	st->magic = NX_SYSTABLE_MAGIC;
	st->abi_version = NX_ABI_VERSION;
	st->size = sizeof(*st);
	st->app_id = a->id;
	st->parent_id = a->parent;
	st->spectrum = a->fiber->spectrum;
	memcpy(st->name, a->name, sizeof(st->name));
	st->clock_freq = hal_time_freq();
	st->cell_base = (uint64_t)a->cell;
	st->cell_size = (uint64_t)a->cell_pages * PAGE_SIZE;
	st->mem_quota = a->quota;
	st->hv_present = service_hv_cell(&st->hv_cell);
	st->args_len = (uint32_t)strlen(args);
	memcpy(argbuf, args, st->args_len + 1);
	st->args = (uint64_t)argbuf;
	hal_space_switch(view);
	hal_irq_restore(irq);
	app_sync_systable(a);
}

static void app_main(void *arg)
{
	struct app *a = arg;

	hal_user_enter(a->entry, a->stack_top, (uint64_t)a->systable, 0);
}

static void app_on_exit(struct fiber *f, int code)
{
	app_release(f->app, code, f->killed);
}

static void fg_remove(struct app *a)
{
	for (struct app **pp = &fg; *pp; pp = &(*pp)->fg_below)
		if (*pp == a) {
			*pp = a->fg_below;
			break;
		}
}

static void free_resources(struct app *a)
{
	service_fs_close_all(a);
	chan_release_app(a);
	cap_space_clear(&a->caps);
	if (a->space)
		hal_space_destroy(a->space);
	if (a->cell)
		page_free_n(a->cell, a->cell_pages);
	a->space = NULL;
	a->cell = NULL;
}

/*
 * Everything fails the same way: nothing left behind, and a clear line
 * for a broken package. Running out of apps or memory is only the
 * caller's error code: a fork bomb must not flood the console.
 */
static int spawn_failed(struct app *a, const char *path, const char *why, int err)
{
	if (err != -NX_EAGAIN && err != -NX_ENOMEM)
		kprintf("spawn %s: %s\n", path, why);
	if (a) {
		free_resources(a);
		a->used = false;
	}
	return err;
}

/*
 * The initial image is read-only kernel data, so a path found there once
 * names the same valid package for ever: its load plan is kept, and the
 * next spawn of it skips the walk of the image, the checksum and the ELF
 * checks (together, half of a spawn's cost).
 */
static int find_package(const char *path, struct npk_app *plan, char *why, size_t n)
{
	static struct {
		char path[64];
		struct npk_app plan;
	} cache[16];
	static unsigned next;
	struct tarfs_node node;
	int err;

	for (unsigned i = 0; i < 16; i++)
		if (!strcmp(cache[i].path, path)) {
			*plan = cache[i].plan;
			return 0;
		}
	err = service_lookup_file(path, &node);
	if (err) {
		fmt_snprintf(why, n, "no such package");
		return err;
	}
	err = npk_parse(tarfs_data(&node), node.size, plan, why, n);
	if (!err && strlen(path) < sizeof(cache[0].path)) {
		strlcpy(cache[next].path, path, sizeof(cache[next].path));
		cache[next].plan = *plan;
		next = (next + 1) % 16;
	}
	return err;
}

/* A child never gets a promise or a spectrum its parent lacks. */
static void narrow_to_parent(const struct app *parent, const struct nx_npk_header *h,
			     uint64_t *pledges, enum sched_spectrum *spectrum)
{
	uint64_t want = h->pledges & NX_PLEDGE_ALL;

	*spectrum = (enum sched_spectrum)h->spectrum;
	if (parent) {
		want &= parent->pledges;
		if ((unsigned)*spectrum < parent->fiber->spectrum)
			*spectrum = parent->fiber->spectrum;
	}
	*pledges = want | NX_PLEDGE_MKSPECTRUM(*spectrum);
}

static int spawn(struct app *parent, const char *path, const char *args, uint32_t flags,
		 struct app_device *dev)
{
	struct npk_app plan;
	struct app *a = NULL;
	struct fiber *f;
	enum sched_spectrum spectrum;
	char why[96];
	int err;
	struct fiber_params fp = { .entry = app_main,
				   .flags = FIBER_DETACHED | FIBER_PREEMPTIBLE };

	if (strlen(args) >= NX_ARGS_MAX)
		return spawn_failed(NULL, path, "argument string too long", -NX_E2BIG);
	err = find_package(path, &plan, why, sizeof(why));
	if (err)
		return spawn_failed(NULL, path, why, err);
	a = app_alloc();
	if (!a)
		return spawn_failed(NULL, path, "too many apps", -NX_EAGAIN);
	memcpy(a->name, plan.hdr->name, sizeof(a->name));
	a->name[sizeof(a->name) - 1] = '\0';
	strlcpy(a->path, path, sizeof(a->path));
	a->parent = parent ? parent->id : 0;
	a->quota = plan.hdr->mem_pages;
	a->restart = plan.hdr->restart;
	if (a->quota > APP_CELL_MAX / PAGE_SIZE)
		return spawn_failed(a, path, "memory quota above the 8 MiB cell limit", -NX_E2BIG);
	narrow_to_parent(parent, plan.hdr, &a->pledges, &spectrum);
	cap_space_init(&a->caps);
	unveil_init(&a->unveil);
	err = load_image(a, &plan, why, sizeof(why));
	if (!err)
		err = lay_out(a, plan.hdr->stack_pages ? plan.hdr->stack_pages : 16, why,
			      sizeof(why));
	if (err)
		return spawn_failed(a, path, why, err);
	if (cap_mint(&a->caps, NX_CAP_SELF, 0, NX_CAP_SPAWN | NX_CAP_MAP | NX_CAP_TICK |
		     NX_CAP_MASK | NX_CAP_GRANT) != 0)
		return spawn_failed(a, path, "no capability for itself", -NX_ENOMEM);
	a->console = open_service(a, parent, plan.hdr, "console", service_console,
				  a->heap_first - 3, &a->systable->console);
	a->fs = open_service(a, parent, plan.hdr, "fs", service_fs, a->heap_first - 2,
			     &a->systable->fs);
	a->sys = open_service(a, parent, plan.hdr, "sys", service_sys, a->heap_first - 1,
			      &a->systable->sys);
	mint_net(a, parent, plan.hdr);
	fp.name = a->name;
	fp.arg = a;
	fp.spectrum = spectrum;
	err = fiber_create(&fp, &f);
	if (err)
		return spawn_failed(a, path, "no memory for a fiber", err);
	/* Not yet run: fiber_create() only queued it, and this CPU is ours. */
	f->app = a;
	f->space = a->space;
	f->on_exit = app_on_exit;
	f->budget = plan.hdr->energy_budget;
	energy_reset(f, hal_time_now());
	a->fiber = f;
	a->id = f->id;
	a->device = dev;
	if (dev)
		f->flags |= FIBER_UNMETERED;
	fill_systable(a, args);
	if (!dev && (flags & NX_SPAWN_FOREGROUND || !fg)) {
		a->fg_below = fg;
		fg = a;
		a->foreground = true;
	}
	provchain_append(NX_AUDIT_SPAWN, a->id, a->parent, a->name, hal_time_now());
	return (int)a->id;
}

int app_spawn(struct app *parent, const char *path, const char *args, uint32_t flags)
{
	return spawn(parent, path, args, flags, NULL);
}

int app_spawn_driver(const char *path, const char *args, struct app_device *dev)
{
	return spawn(NULL, path, args, 0, dev);
}

/* Called on the exiting fiber's own stack: nothing here may switch. */
void app_release(struct app *a, int code, bool killed)
{
	struct app *parent = a->parent ? app_find(a->parent) : NULL;

	a->exit_code = code;
	fg_remove(a);
	free_resources(a);
	a->fiber = NULL;
	provchain_append(NX_AUDIT_EXIT, a->id, (uint32_t)code, a->name, hal_time_now());
	/*
	 * Exited children nobody will collect now are freed; live ones go to
	 * the grandparent, so whoever could kill this app can still kill them.
	 */
	for (unsigned i = 0; i < APP_MAX; i++) {
		if (!apps[i].used || apps[i].parent != a->id || &apps[i] == a)
			continue;
		if (apps[i].fiber)
			apps[i].parent = a->parent;
		else
			apps[i].used = false;
	}
	if (!parent || !parent->fiber) {
		a->used = false;
	} else {
		a->zombie = true;
		event_signal(&a->exited);
	}
	if (killed && a->restart == NX_NPK_RESTART_CRASH &&
	    a->restarts < RESTARTS_MAX) {
		kprintf("app %s: restarting (%u of %u)\n", a->name, a->restarts + 1,
			RESTARTS_MAX);
		service_restart_later(a->path, parent, a->restarts + 1);
	}
}

/* Collect an exited child: its exit code, and its slot becomes free. */
int app_reap(struct app *a)
{
	int code = a->exit_code;

	a->used = false;
	return code;
}

unsigned app_kill_tree(struct app *root, const struct app *spare)
{
	unsigned n = 0;

	for (unsigned i = 0; i < APP_MAX; i++) {
		struct app *c = &apps[i];

		if (c->used && c->fiber && c != spare && app_descends_from(c, root) &&
		    fiber_kill(c->fiber) == 0)
			n++;
	}
	return n;
}

void app_need_promise(struct app *a, uint64_t promise, const char *what)
{
	char line[40];

	if (pledge_allows(a->pledges, promise))
		return;
	fmt_snprintf(line, sizeof(line), "pledge violation: %s", what);
	app_violation(a, line);
}

void app_violation(struct app *a, const char *what)
{
	kprintf("app %u (%s): %s: killed\n", a->id, a->name, what);
	provchain_append(NX_AUDIT_VIOLATION, a->id, 0, what, hal_time_now());
	if (a == app_current()) {
		a->fiber->killed = true;
		fiber_exit(FIBER_EXIT_KILLED);
	}
	fiber_kill(a->fiber);
}
