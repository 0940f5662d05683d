/*
 * The fs service: the initial image, read-only, through the same
 * open/read/close/stat/readdir messages the full VFS will answer. Every
 * path is normalised, then checked against the app's promises (a missing
 * one kills it) and its unveil table (a hidden path does not exist).
 */
#include <string.h>

#include <nexus/errno.h>
#include <nexus/pledge.h>

#include "core/kprintf.h"
#include "fmt.h"
#include "path.h"
#include "sec/pledge.h"
#include "sys/app.h"
#include "sys/service.h"

static struct tarfs initrd;
static bool mounted;

int service_mount_initrd(const void *img, size_t size)
{
	char why[96];
	int err = tarfs_mount(&initrd, img, size, why, sizeof(why));

	if (err)
		kprintf("initrd: %s\n", why);
	mounted = !err;
	return err;
}

int service_lookup_file(const char *path, struct tarfs_node *out)
{
	if (!mounted)
		return -NX_ENOENT;
	return tarfs_lookup(&initrd, path, out);
}

/* The request's path, normalised and allowed, or why not. */
static int request_path(struct app *a, const struct nx_msg *m, unsigned perms,
			char *path)
{
	char raw[NX_PATH_MAX];
	int err = app_copy_string(a, m->buf, m->len, raw, sizeof(raw));

	if (err)
		return err;
	err = path_normalize(raw, path, NX_PATH_MAX);
	if (err)
		return err;
	if (perms & NX_UNVEIL_R)
		app_need_promise(a, NX_PLEDGE_RPATH, "fs read");
	if (perms & NX_UNVEIL_W)
		app_need_promise(a, NX_PLEDGE_WPATH, "fs write");
	if (perms & NX_UNVEIL_C)
		app_need_promise(a, NX_PLEDGE_CPATH, "fs create");
	return unveil_check(&a->unveil, path, perms);
}

static int64_t fs_open(struct app *a, const struct nx_msg *m)
{
	unsigned perms = (m->arg[0] & NX_O_READ ? NX_UNVEIL_R : 0) |
			 (m->arg[0] & NX_O_WRITE ? NX_UNVEIL_W : 0) |
			 (m->arg[0] & NX_O_CREATE ? NX_UNVEIL_C : 0);
	char path[NX_PATH_MAX];
	struct tarfs_node node;
	int err = request_path(a, m, perms ? perms : NX_UNVEIL_R, path);

	if (err)
		return err;
	err = tarfs_lookup(&initrd, path, &node);
	if (err)
		return err;
	if (perms & (NX_UNVEIL_W | NX_UNVEIL_C))
		return -NX_EROFS;
	for (int h = 0; h < APP_FILES; h++) {
		if (!a->files[h].used) {
			a->files[h] = (struct app_file){ .used = true, .node = node };
			return h;
		}
	}
	return -NX_ENOSPC;
}

static struct app_file *file_of(struct app *a, uint64_t h)
{
	return h < APP_FILES && a->files[h].used ? &a->files[h] : NULL;
}

static int64_t fs_read(struct app *a, const struct nx_msg *m)
{
	struct app_file *f = file_of(a, m->arg[0]);
	int64_t n;

	if (!f)
		return -NX_EINVAL;
	if (!app_can_write(a, m->arg[1], m->len))
		return -NX_EFAULT;
	n = tarfs_read(&initrd, &f->node, f->offset, (void *)m->arg[1], m->len);
	if (n > 0)
		f->offset += (uint64_t)n;
	return n;
}

static int64_t fs_stat(struct app *a, const struct nx_msg *m)
{
	char path[NX_PATH_MAX];
	struct tarfs_node node;
	struct nx_stat st;
	int err = request_path(a, m, NX_UNVEIL_R, path);

	if (err)
		return err;
	if (!app_can_write(a, m->arg[0], sizeof(st)))
		return -NX_EFAULT;
	err = tarfs_lookup(&initrd, path, &node);
	if (err)
		return err;
	st = (struct nx_stat){ .size = node.size,
			       .type = node.type == TARFS_DIR ? NX_FT_DIR : NX_FT_FILE,
			       .mode = node.mode };
	memcpy((void *)m->arg[0], &st, sizeof(st));
	return 0;
}

/* The index-th entry the app may see: unveil filters the listing. */
static int64_t fs_readdir(struct app *a, const struct nx_msg *m)
{
	char path[NX_PATH_MAX], child[NX_PATH_MAX];
	struct tarfs_dirent de;
	struct nx_dirent out;
	uint64_t seen = 0;
	int err = request_path(a, m, NX_UNVEIL_R, path);

	if (err && !(err == -NX_ENOENT && unveil_visible(&a->unveil, path)))
		return err;
	if (!app_can_write(a, m->arg[1], sizeof(out)))
		return -NX_EFAULT;
	for (size_t i = 0; tarfs_readdir(&initrd, path, i, &de) == 0; i++) {
		fmt_snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
			     de.name);
		if (!unveil_visible(&a->unveil, child) || seen++ != m->arg[0])
			continue;
		memset(&out, 0, sizeof(out));
		strlcpy(out.name, de.name, sizeof(out.name));
		out.size = de.size;
		out.type = de.type == TARFS_DIR ? NX_FT_DIR : NX_FT_FILE;
		memcpy((void *)m->arg[1], &out, sizeof(out));
		return 0;
	}
	return -NX_ENOENT;
}

void service_fs(struct channel *c)
{
	struct app *a = c->end[0];
	struct nx_msg m;
	int64_t r;

	for (unsigned n = 0; n < NX_CHAN_RING_SLOTS && chan_next_request(c, &m); n++) {
		switch (m.op) {
		case NX_FS_OPEN:
			r = fs_open(a, &m);
			break;
		case NX_FS_READ:
			r = fs_read(a, &m);
			break;
		case NX_FS_CLOSE:
			r = file_of(a, m.arg[0]) ? (a->files[m.arg[0]].used = false, 0) :
						    -NX_EINVAL;
			break;
		case NX_FS_STAT:
			r = fs_stat(a, &m);
			break;
		case NX_FS_READDIR:
			r = fs_readdir(a, &m);
			break;
		default:
			r = -NX_ENOSYS;
		}
		chan_reply(c, &m, r);
	}
}
