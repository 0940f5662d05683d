/* The mount table. Mounts are made at boot, by the kernel alone. */
#include <string.h>

#include <nexus/errno.h>

#include "fs/vfs.h"
#include "path.h"

static struct vfs_mount mounts[VFS_MOUNTS];
static unsigned nmounts;

int vfs_mount(const char *point, const struct vfs_ops *ops, void *fs)
{
	if (nmounts == VFS_MOUNTS)
		return -NX_ENOSPC;
	if (strlen(point) >= VFS_POINT_MAX || point[0] != '/')
		return -NX_EINVAL;
	for (unsigned i = 0; i < nmounts; i++)
		if (!strcmp(mounts[i].point, point))
			return -NX_EBUSY;
	memcpy(mounts[nmounts].point, point, strlen(point) + 1);
	mounts[nmounts].ops = ops;
	mounts[nmounts].fs = fs;
	nmounts++;
	return 0;
}

struct vfs_mount *vfs_resolve(const char *path, char *rel, size_t rellen)
{
	struct vfs_mount *best = NULL;
	size_t best_len = 0;

	for (unsigned i = 0; i < nmounts; i++) {
		size_t n = strlen(mounts[i].point);

		if (path_within(mounts[i].point, path) && (!best || n > best_len)) {
			best = &mounts[i];
			best_len = n;
		}
	}
	if (!best)
		return NULL;
	if (best_len == 1)			/* "/" keeps the whole path */
		best_len = 0;
	path = path[best_len] ? path + best_len : "/";
	if (strlen(path) >= rellen)
		return NULL;			/* never truncated */
	memcpy(rel, path, strlen(path) + 1);
	return best;
}

void vfs_sync_all(void)
{
	for (unsigned i = 0; i < nmounts; i++)
		if (mounts[i].ops->sync)
			mounts[i].ops->sync(mounts[i].fs);
}

const struct vfs_mount *vfs_mount_at(unsigned index)
{
	return index < nmounts ? &mounts[index] : NULL;
}

/* Is @point directly inside @dir ("/data" in "/")? */
static const char *child_name(const char *dir, const char *point)
{
	size_t n = strlen(dir);
	const char *rest;

	if (!strcmp(point, "/") || !path_within(dir, point) || !strcmp(dir, point))
		return NULL;
	rest = point + (n == 1 ? 1 : n + 1);
	return strchr(rest, '/') ? NULL : rest;
}

int vfs_mount_child(const char *dir, unsigned index, struct nx_dirent *out)
{
	for (unsigned i = 0; i < nmounts; i++) {
		const char *name = child_name(dir, mounts[i].point);

		if (name && strlen(name) < sizeof(out->name) && index-- == 0) {
			memset(out, 0, sizeof(*out));
			memcpy(out->name, name, strlen(name) + 1);
			out->type = NX_FT_DIR;
			return 0;
		}
	}
	return -NX_ENOENT;
}
