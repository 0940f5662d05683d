/*
 * Apps: programs at EL0, each a fiber with its own permission view of
 * the one address space and its own memory cell.
 *
 * The cell is a 2 MiB-aligned run of pages reserved for the app alone;
 * its quota (pages the app may use) comes from its package. Inside it:
 *
 *   image | guard | stack | SysTable | console, fs, sys rings | heap ...
 *
 * The image keeps its segments' rights (RX code, RO data, RW data), the
 * guard page is not mapped for EL0, the SysTable is read-only. Pages the
 * app maps later come out of the same cell and count against the quota.
 */
#ifndef SYS_APP_H
#define SYS_APP_H

#include <stdbool.h>
#include <stdint.h>

#include <nexus/syscall.h>
#include <nexus/systable.h>

#include "core/event.h"
#include "fs/vfs.h"
#include "sec/cap.h"
#include "sec/unveil.h"

#define APP_MAX		48
#define APP_CELL_MAX	(8u << 20)	/* largest cell: 8 MiB */
#define APP_FILES	8		/* open files per app */
#define APP_INPUT	256		/* console bytes queued for an app */

struct app;
struct fiber;
struct hal_space;
struct channel;

struct app_file {
	bool used;
	unsigned flags;			/* NX_O_* it was opened with */
	struct vfs_mount *mount;
	void *file;			/* the filesystem's handle */
	uint64_t offset;
};

/*
 * What the kernel lends a driver app it started (app_spawn_driver()):
 * one device register window, whose loads and stores trap and go to
 * @access (false: refused, the app is killed), and the channel
 * chan_open(NX_CHAN_DRIVER) opens, made by @open. <nexus/driver.h>.
 */
struct app_device {
	uint64_t base, size;
	bool (*access)(struct app *a, uint64_t off, unsigned size, bool write,
		       uint64_t *val);
	int (*open)(struct app *a, struct channel **out);
	void *ctx;
};

struct app {
	bool used;
	uint32_t id;			/* its fiber's id */
	uint32_t parent;		/* app id, 0 for the kernel */
	char name[NX_NAME_MAX];
	char path[64];			/* its package, for restarts */
	struct fiber *fiber;
	struct hal_space *space;
	uint8_t *cell;
	uint32_t cell_pages;		/* reserved */
	uint32_t quota;			/* usable */
	uint32_t pages_used;
	uint32_t heap_first;		/* first page map() may hand out */
	uint64_t page_map[APP_CELL_MAX / 4096 / 64];	/* in use, by page */
	struct nx_systable *systable;
	struct cap_space caps;
	uint64_t pledges;
	struct unveil unveil;
	struct channel *console, *fs, *sys;
	struct app_device *device;	/* a driver app's device, else NULL */
	struct app_file files[APP_FILES];
	char input[APP_INPUT];		/* console bytes not yet read */
	uint32_t input_len;
	struct app *fg_below;		/* foreground stack */
	bool foreground;
	uint32_t restart;		/* NX_NPK restart policy */
	uint32_t restarts;
	uint64_t entry;
	uint64_t stack_top;
	int exit_code;
	bool zombie;			/* exited; the parent has not collected it */
	struct event exited;
};

/* The app the running fiber belongs to, or NULL for a kernel fiber. */
struct app *app_current(void);
struct app *app_find(uint32_t id);

/*
 * Start the package at @path (in the initial image) as a child of
 * @parent (NULL: the kernel), with argument string @args. Returns the
 * new app's id or a negative NX_E, with a reason on the console.
 */
int app_spawn(struct app *parent, const char *path, const char *args,
	      uint32_t flags);
/*
 * Start the driver package at @path for @dev: a child of the kernel,
 * never in the foreground, outside the energy economy (Blink, not the
 * ladder, judges a driver). Its id or a negative NX_E.
 */
int app_spawn_driver(const char *path, const char *args, struct app_device *dev);
/* The app's fiber is exiting with @code (@killed: by the kernel). */
void app_release(struct app *a, int code, bool killed);
/* Collect the exited child @a: its exit code; @a is free afterwards. */
int app_reap(struct app *a);

/* Kill @root and its live descendants, but not @spare; how many. */
unsigned app_kill_tree(struct app *root, const struct app *spare);
/* Is @a (or one of its ancestors) @ancestor? */
bool app_descends_from(const struct app *a, const struct app *ancestor);

/* Pages of @a's cell for the app itself: map(), and back. */
int app_alloc_pages(struct app *a, unsigned n, unsigned perms, uint64_t *addr);
int app_free_pages(struct app *a, uint64_t addr, unsigned n);
/* Map pool pages (shared channel rings) into @a's view, and take them back. */
int app_map_shared(struct app *a, void *mem, unsigned pages);
void app_unmap_shared(struct app *a, void *mem, unsigned pages);

/* May EL0 of @a read / write [addr, addr + len)? */
bool app_can_read(const struct app *a, uint64_t addr, uint64_t len);
bool app_can_write(const struct app *a, uint64_t addr, uint64_t len);
/* Copy a path or name from @a into @out (NUL-terminated); -NX_E on error. */
int app_copy_string(const struct app *a, uint64_t addr, uint64_t len,
		    char *out, size_t outlen);

/* The console's foreground app: who reads the keyboard. */
struct app *app_foreground(void);

/* Rewrite @a's SysTable view of its capabilities and promises. */
void app_sync_systable(struct app *a);
/* After a revoke: every app's view may have changed. */
void app_sync_all(void);

/* Kill @a (the running app) unless its promises include @promise. */
void app_need_promise(struct app *a, uint64_t promise, const char *what);
/* Kill @a for breaking its promises or faulting: audited, never returns if self. */
void app_violation(struct app *a, const char *what);

#endif
