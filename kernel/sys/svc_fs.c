/*
 * The fs service: every app's fs channel, answered through the VFS. Each
 * path is normalised, then checked against the app's promises (a
 * missing one kills it) and its unveil table (a hidden path does not
 * exist), and only then handed to the filesystem that serves it.
 */
#include <string.h>

#include <nexus/audit.h>
#include <nexus/errno.h>
#include <nexus/pledge.h>

#include "arch/hal.h"
#include "core/kprintf.h"
#include "fmt.h"
#include "drivers/virtio_blk.h"
#include "fs/lfs_vfs.h"
#include "fs/nexfs_vfs.h"
#include "fs/tarfs_vfs.h"
#include "path.h"
#include "sec/pledge.h"
#include "sec/provchain.h"
#include "sys/app.h"
#include "sys/service.h"

static struct tarfs initrd;
static bool mounted;

int service_mount_initrd(const void *img, size_t size)
{
	char why[96];
	int err = tarfs_mount(&initrd, img, size, why, sizeof(why));

	if (err) {
		kprintf("initrd: %s\n", why);
		return err;
	}
	err = vfs_mount("/", &tarfs_vfs_ops, &initrd);
	mounted = !err;
	return err;
}

/* The disks: the first holds /data (littlefs), the second /nex (nexfs). */
void service_mount_disks(void)
{
	int disks = vblk_start();

	if (disks >= 1)
		lfs_vfs_mount(0, "/data");
	if (disks >= 2)
		nexfs_vfs_mount(1, "/nex");
}

int service_lookup_file(const char *path, struct tarfs_node *out)
{
	if (!mounted)
		return -NX_ENOENT;
	return tarfs_lookup(&initrd, path, out);
}

/* A promise for each unveil right: reading, writing, creating. */
static void need_promises(struct app *a, unsigned perms)
{
	if (perms & NX_UNVEIL_R)
		app_need_promise(a, NX_PLEDGE_RPATH, "fs read");
	if (perms & NX_UNVEIL_W)
		app_need_promise(a, NX_PLEDGE_WPATH, "fs write");
	if (perms & NX_UNVEIL_C)
		app_need_promise(a, NX_PLEDGE_CPATH, "fs create");
}

/*
 * A path unveil keeps from @a: the app asked for something outside what
 * it said it would ever need, which is worth a record, not only an error.
 */
static void audit_unveil_refusal(struct app *a, const char *path)
{
	char line[NX_AUDIT_TEXT_LEN];

	fmt_snprintf(line, sizeof(line), "unveil refused %s", path);
	provchain_append(NX_AUDIT_VIOLATION, a->id, 0, line, hal_time_now());
}

/* @addr/@len as a normalised path @a may use with @perms, and its mount. */
static int user_path(struct app *a, uint64_t addr, uint64_t len, unsigned perms,
		     char *path, char *rel, struct vfs_mount **m)
{
	char raw[NX_PATH_MAX];
	int err = app_copy_string(a, addr, len, raw, sizeof(raw));

	if (err)
		return err;
	err = path_normalize(raw, path, NX_PATH_MAX);
	if (err)
		return err;
	need_promises(a, perms);
	err = unveil_check(&a->unveil, path, perms);
	if (err) {
		audit_unveil_refusal(a, path);
		return err;
	}
	*m = vfs_resolve(path, rel, NX_PATH_MAX);
	return *m ? 0 : -NX_ENOENT;
}

static int request_path(struct app *a, const struct nx_msg *m, unsigned perms,
			char *rel, struct vfs_mount **mnt)
{
	char path[NX_PATH_MAX];

	return user_path(a, m->buf, m->len, perms, path, rel, mnt);
}

static unsigned open_perms(uint64_t flags)
{
	unsigned perms = flags & NX_O_READ ? NX_UNVEIL_R : 0;

	if (flags & (NX_O_WRITE | NX_O_TRUNC | NX_O_APPEND))
		perms |= NX_UNVEIL_W;
	if (flags & NX_O_CREATE)
		perms |= NX_UNVEIL_C;
	return perms ? perms : NX_UNVEIL_R;
}

static int64_t fs_open(struct app *a, const struct nx_msg *m)
{
	char rel[NX_PATH_MAX];
	struct vfs_mount *mnt;
	struct nx_stat st;
	void *file;
	int err = request_path(a, m, open_perms(m->arg[0]), rel, &mnt);
	int h;

	if (err)
		return err;
	for (h = 0; h < APP_FILES && a->files[h].used; h++)
		;
	if (h == APP_FILES)
		return -NX_ENOSPC;
	err = mnt->ops->open(mnt->fs, rel, (unsigned)m->arg[0], &file);
	if (err)
		return err;
	a->files[h] = (struct app_file){ .used = true, .mount = mnt, .file = file,
					 .flags = (unsigned)m->arg[0] };
	/* Appending starts at the end as it is now; the app is its only writer. */
	if (m->arg[0] & NX_O_APPEND && mnt->ops->stat(mnt->fs, rel, &st) == 0)
		a->files[h].offset = st.size;
	return h;
}

static struct app_file *file_of(struct app *a, uint64_t h)
{
	return h < APP_FILES && a->files[h].used ? &a->files[h] : NULL;
}

static int64_t fs_read(struct app *a, const struct nx_msg *m)
{
	struct app_file *f = file_of(a, m->arg[0]);
	int64_t n;

	if (!f || !(f->flags & NX_O_READ))
		return -NX_EINVAL;
	if (!app_can_write(a, m->arg[1], m->len))
		return -NX_EFAULT;
	n = f->mount->ops->read(f->mount->fs, f->file, f->offset, (void *)m->arg[1], m->len);
	if (n > 0)
		f->offset += (uint64_t)n;
	return n;
}

static int64_t fs_write(struct app *a, const struct nx_msg *m)
{
	struct app_file *f = file_of(a, m->arg[0]);
	int64_t n;

	if (!f || !(f->flags & (NX_O_WRITE | NX_O_APPEND)))
		return -NX_EINVAL;
	if (!f->mount->ops->write)
		return -NX_EROFS;
	if (!app_can_read(a, m->buf, m->len))
		return -NX_EFAULT;
	n = f->mount->ops->write(f->mount->fs, f->file, f->offset, (const void *)m->buf,
				 m->len);
	if (n > 0)
		f->offset += (uint64_t)n;
	return n;
}

static int64_t fs_close(struct app *a, uint64_t h)
{
	struct app_file *f = file_of(a, h);

	if (!f)
		return -NX_EINVAL;
	f->used = false;
	return f->mount->ops->close(f->mount->fs, f->file);
}

void service_fs_close_all(struct app *a)
{
	for (int h = 0; h < APP_FILES; h++)
		if (a->files[h].used)
			fs_close(a, (uint64_t)h);
}

static int64_t fs_stat(struct app *a, const struct nx_msg *m)
{
	char rel[NX_PATH_MAX];
	struct vfs_mount *mnt;
	struct nx_stat st;
	int err = request_path(a, m, NX_UNVEIL_R, rel, &mnt);

	if (err)
		return err;
	if (!app_can_write(a, m->arg[0], sizeof(st)))
		return -NX_EFAULT;
	err = mnt->ops->stat(mnt->fs, rel, &st);
	if (!err)
		memcpy((void *)m->arg[0], &st, sizeof(st));
	return err;
}

/* The @i-th entry of @path: the filesystem's own, then its mount points. */
static int dir_entry(struct vfs_mount *mnt, const char *path, const char *rel,
		     size_t i, size_t *own, struct nx_dirent *de)
{
	int err;

	if (*own == SIZE_MAX) {
		err = mnt->ops->readdir(mnt->fs, rel, i, de);
		if (err != -NX_ENOENT)
			return err;
		*own = i;
	}
	return vfs_mount_child(path, (unsigned)(i - *own), de);
}

/* The index-th entry the app may see: unveil filters the listing. */
static int64_t fs_readdir(struct app *a, const struct nx_msg *m)
{
	char path[NX_PATH_MAX], rel[NX_PATH_MAX], child[NX_PATH_MAX];
	struct vfs_mount *mnt = NULL;
	struct nx_dirent de;
	size_t own = SIZE_MAX;
	uint64_t seen = 0;
	int err = user_path(a, m->buf, m->len, NX_UNVEIL_R, path, rel, &mnt);

	/* A directory on the way to an unveiled path can be listed. */
	if (err == -NX_ENOENT && unveil_visible(&a->unveil, path))
		err = (mnt = vfs_resolve(path, rel, sizeof(rel))) ? 0 : -NX_ENOENT;
	if (err)
		return err;
	if (!app_can_write(a, m->arg[1], sizeof(de)))
		return -NX_EFAULT;
	for (size_t i = 0; (err = dir_entry(mnt, path, rel, i, &own, &de)) == 0; i++) {
		fmt_snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
			     de.name);
		if (!unveil_visible(&a->unveil, child) || seen++ != m->arg[0])
			continue;
		memcpy((void *)m->arg[1], &de, sizeof(de));
		return 0;
	}
	return err;
}

/* mkdir, unlink: one path, a create right, and an operation that may be missing. */
static int64_t fs_change(struct app *a, const struct nx_msg *m)
{
	char rel[NX_PATH_MAX];
	struct vfs_mount *mnt;
	int (*op)(void *, const char *);
	int err = request_path(a, m, NX_UNVEIL_C, rel, &mnt);

	if (err)
		return err;
	op = m->op == NX_FS_MKDIR ? mnt->ops->mkdir : mnt->ops->unlink;
	return op ? op(mnt->fs, rel) : -NX_EROFS;
}

static int64_t fs_rename(struct app *a, const struct nx_msg *m)
{
	char from[NX_PATH_MAX], to[NX_PATH_MAX], path[NX_PATH_MAX];
	struct vfs_mount *src, *dst;
	int err = request_path(a, m, NX_UNVEIL_C, from, &src);

	if (!err)
		err = user_path(a, m->arg[0], m->arg[1], NX_UNVEIL_C, path, to, &dst);
	if (err)
		return err;
	if (src != dst)
		return -NX_EXDEV;
	return src->ops->rename ? src->ops->rename(src->fs, from, to) : -NX_EROFS;
}

static int64_t fs_statfs(struct app *a, const struct nx_msg *m)
{
	char rel[NX_PATH_MAX];
	struct vfs_mount *mnt;
	struct nx_statfs st;
	int err = request_path(a, m, NX_UNVEIL_R, rel, &mnt);

	if (err)
		return err;
	if (!app_can_write(a, m->arg[0], sizeof(st)))
		return -NX_EFAULT;
	err = mnt->ops->statfs(mnt->fs, &st);
	if (!err)
		memcpy((void *)m->arg[0], &st, sizeof(st));
	return err;
}

static int64_t fs_fsync(struct app *a, uint64_t h)
{
	struct app_file *f = file_of(a, h);

	if (!f)
		return -NX_EINVAL;
	return f->mount->ops->fsync ? f->mount->ops->fsync(f->mount->fs, f->file) : 0;
}

static int64_t fs_seek(struct app *a, uint64_t h, uint64_t offset)
{
	struct app_file *f = file_of(a, h);

	if (!f)
		return -NX_EINVAL;
	f->offset = offset;
	return (int64_t)offset;
}

/* snapshot and verify: the mount's own operations, with a name or a report. */
static int64_t fs_mount_op(struct app *a, const struct nx_msg *m)
{
	char rel[NX_PATH_MAX], text[NX_PATH_MAX];
	struct vfs_mount *mnt;
	int err = request_path(a, m, m->op == NX_FS_SNAPSHOT ? NX_UNVEIL_C : NX_UNVEIL_R,
			       rel, &mnt);

	if (err)
		return err;
	if (m->op == NX_FS_SNAPSHOT) {
		err = app_copy_string(a, m->arg[0], m->arg[1], text, sizeof(text));
		if (err)
			return err;
		return mnt->ops->snapshot ? mnt->ops->snapshot(mnt->fs, text) : -NX_ENOSYS;
	}
	if (!mnt->ops->verify)
		return -NX_ENOSYS;
	if (m->arg[1] > sizeof(text) || !app_can_write(a, m->arg[0], m->arg[1]))
		return -NX_EFAULT;
	err = mnt->ops->verify(mnt->fs, text, m->arg[1] ? m->arg[1] : 1);
	memcpy((void *)m->arg[0], text, m->arg[1]);
	return err;
}

static int64_t fs_request(struct app *a, const struct nx_msg *m)
{
	switch (m->op) {
	case NX_FS_OPEN: return fs_open(a, m);
	case NX_FS_READ: return fs_read(a, m);
	case NX_FS_WRITE: return fs_write(a, m);
	case NX_FS_CLOSE: return fs_close(a, m->arg[0]);
	case NX_FS_FSYNC: return fs_fsync(a, m->arg[0]);
	case NX_FS_SEEK: return fs_seek(a, m->arg[0], m->arg[1]);
	case NX_FS_STAT: return fs_stat(a, m);
	case NX_FS_READDIR: return fs_readdir(a, m);
	case NX_FS_MKDIR:
	case NX_FS_UNLINK: return fs_change(a, m);
	case NX_FS_RENAME: return fs_rename(a, m);
	case NX_FS_STATFS: return fs_statfs(a, m);
	case NX_FS_SNAPSHOT:
	case NX_FS_VERIFY: return fs_mount_op(a, m);
	}
	return -NX_ENOSYS;
}

void service_fs(struct channel *c)
{
	struct app *a = c->end[0];
	struct nx_msg m;

	for (unsigned n = 0; n < NX_CHAN_RING_SLOTS && chan_next_request(c, &m); n++)
		chan_reply(c, &m, fs_request(a, &m));
}
