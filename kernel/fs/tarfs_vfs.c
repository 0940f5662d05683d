/* tarfs under the VFS: read-only, so only the read side is filled in. */
#include <stdbool.h>
#include <string.h>

#include <nexus/errno.h>

#include "fs/tarfs.h"
#include "fs/tarfs_vfs.h"

#define OPEN_MAX	64

static struct tarfs_node nodes[OPEN_MAX];
static bool used[OPEN_MAX];

static int tv_stat(void *fs, const char *path, struct nx_stat *st)
{
	struct tarfs_node n;
	int err = tarfs_lookup(fs, path, &n);

	if (!err)
		*st = (struct nx_stat){ .size = n.size, .mode = n.mode,
					.type = n.type == TARFS_DIR ? NX_FT_DIR : NX_FT_FILE };
	return err;
}

static int tv_open(void *fs, const char *path, unsigned flags, void **file)
{
	struct tarfs_node n;
	int err;

	if (flags & (NX_O_WRITE | NX_O_CREATE | NX_O_TRUNC | NX_O_APPEND)) {
		err = tarfs_lookup(fs, path, &n);
		return err && !(flags & NX_O_CREATE) ? err : -NX_EROFS;
	}
	err = tarfs_lookup(fs, path, &n);
	if (err)
		return err;
	for (unsigned i = 0; i < OPEN_MAX; i++)
		if (!used[i]) {
			used[i] = true;
			nodes[i] = n;
			*file = &nodes[i];
			return 0;
		}
	return -NX_ENOSPC;
}

static int64_t tv_read(void *fs, void *file, uint64_t off, void *buf, size_t len)
{
	return tarfs_read(fs, file, off, buf, len);
}

static int tv_close(void *fs, void *file)
{
	(void)fs;
	used[(struct tarfs_node *)file - nodes] = false;
	return 0;
}

static int tv_readdir(void *fs, const char *dir, size_t index, struct nx_dirent *out)
{
	struct tarfs_dirent de;
	int err = tarfs_readdir(fs, dir, index, &de);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	if (strlcpy(out->name, de.name, sizeof(out->name)) >= sizeof(out->name))
		return -NX_E2BIG;
	out->size = de.size;
	out->type = de.type == TARFS_DIR ? NX_FT_DIR : NX_FT_FILE;
	return 0;
}

static int tv_statfs(void *fs, struct nx_statfs *out)
{
	const struct tarfs *t = fs;

	memset(out, 0, sizeof(*out));
	strlcpy(out->type, "tarfs", sizeof(out->type));
	out->block_size = TARFS_BLOCK;
	out->blocks = t->size / TARFS_BLOCK;
	return 0;
}

const struct vfs_ops tarfs_vfs_ops = {
	.type = "tarfs",
	.stat = tv_stat,
	.open = tv_open,
	.read = tv_read,
	.close = tv_close,
	.readdir = tv_readdir,
	.statfs = tv_statfs,
};
