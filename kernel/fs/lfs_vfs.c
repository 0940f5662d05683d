/*
 * littlefs under the VFS, on a disk. Open files come from a small pool:
 * littlefs keeps a file's unsynced state in its handle.
 */
#include <string.h>

#include <nexus/errno.h>

#include "core/kprintf.h"
#include "fs/blkdev.h"
#include "fs/lfs/lfs.h"
#include "fs/lfs_vfs.h"

#define LFS_BLOCK	4096u
#define FILES_MAX	16

static struct lfs lfs;
static struct blkdev disk;
static struct lfs_bd bd;
static struct lfs_file files[FILES_MAX];
static bool file_used[FILES_MAX];

static int bd_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
	return blkdev_read(ctx, block, off, buf, size);
}

static int bd_prog(void *ctx, uint32_t block, uint32_t off, const void *buf,
		   uint32_t size)
{
	return blkdev_write(ctx, block, off, buf, size);
}

/* A disk needs no erase: littlefs only ever programs erased-or-not bytes it owns. */
static int bd_erase(void *ctx, uint32_t block)
{
	(void)ctx;
	(void)block;
	return 0;
}

static int bd_sync(void *ctx)
{
	return blkdev_sync(ctx);
}

static int lv_stat(void *fs, const char *path, struct nx_stat *st)
{
	struct lfs_info info;
	int err = lfs_stat(fs, path, &info);

	if (!err)
		*st = (struct nx_stat){ .size = info.size, .mode = 0644,
					.type = info.type == LFS_TYPE_DIR ? NX_FT_DIR :
									 NX_FT_FILE };
	return err;
}

static uint32_t lfs_flags(unsigned flags)
{
	uint32_t f = 0;

	if (flags & NX_O_READ)
		f |= LFS_O_RDONLY;
	if (flags & (NX_O_WRITE | NX_O_APPEND))
		f |= LFS_O_WRONLY;
	if (flags & NX_O_CREATE)
		f |= LFS_O_CREAT;
	if (flags & NX_O_TRUNC)
		f |= LFS_O_TRUNC;
	return f ? f : LFS_O_RDONLY;
}

static int lv_open(void *fs, const char *path, unsigned flags, void **file)
{
	for (unsigned i = 0; i < FILES_MAX; i++) {
		int err;

		if (file_used[i])
			continue;
		err = lfs_file_open(fs, &files[i], path, lfs_flags(flags));
		if (err)
			return err;
		file_used[i] = true;
		*file = &files[i];
		return 0;
	}
	return -NX_ENOSPC;
}

static int64_t lv_read(void *fs, void *file, uint64_t off, void *buf, size_t len)
{
	int32_t r;

	if (off > LFS_FILE_MAX || len > LFS_FILE_MAX)
		return -NX_EINVAL;
	r = lfs_file_seek(fs, file, (int32_t)off, LFS_SEEK_SET);
	return r < 0 ? r : lfs_file_read(fs, file, buf, (uint32_t)len);
}

static int64_t lv_write(void *fs, void *file, uint64_t off, const void *buf, size_t len)
{
	int32_t r;

	if (off > LFS_FILE_MAX || len > LFS_FILE_MAX)
		return -NX_E2BIG;
	r = lfs_file_seek(fs, file, (int32_t)off, LFS_SEEK_SET);
	return r < 0 ? r : lfs_file_write(fs, file, buf, (uint32_t)len);
}

static int lv_fsync(void *fs, void *file)
{
	return lfs_file_sync(fs, file);
}

static int lv_close(void *fs, void *file)
{
	int err = lfs_file_close(fs, file);

	file_used[(struct lfs_file *)file - files] = false;
	return err;
}

static int lv_readdir(void *fs, const char *dir, size_t index, struct nx_dirent *out)
{
	struct lfs_dir d;
	struct lfs_info info;
	int err = lfs_dir_open(fs, &d, dir);

	if (err)
		return err;
	for (size_t i = 0; (err = lfs_dir_read(fs, &d, &info)) > 0; i++) {
		if (i < index)
			continue;
		memset(out, 0, sizeof(*out));
		if (strlcpy(out->name, info.name, sizeof(out->name)) >= sizeof(out->name))
			return -NX_ENAMETOOLONG;
		out->size = info.size;
		out->type = info.type == LFS_TYPE_DIR ? NX_FT_DIR : NX_FT_FILE;
		return 0;
	}
	return err < 0 ? err : -NX_ENOENT;
}

static int lv_mkdir(void *fs, const char *path)
{
	return lfs_mkdir(fs, path);
}

static int lv_unlink(void *fs, const char *path)
{
	return lfs_remove(fs, path);
}

static int lv_rename(void *fs, const char *from, const char *to)
{
	return lfs_rename(fs, from, to);
}

static int lv_statfs(void *fs, struct nx_statfs *out)
{
	struct lfs_fsinfo fi;
	int err = lfs_statfs(fs, &fi);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	strlcpy(out->type, "littlefs", sizeof(out->type));
	out->block_size = fi.block_size;
	out->blocks = fi.block_count;
	out->blocks_free = fi.block_count - fi.blocks_used;
	return 0;
}

static const struct vfs_ops lfs_vfs_ops = {
	.type = "littlefs",
	.stat = lv_stat,
	.open = lv_open,
	.read = lv_read,
	.write = lv_write,
	.fsync = lv_fsync,
	.close = lv_close,
	.readdir = lv_readdir,
	.mkdir = lv_mkdir,
	.unlink = lv_unlink,
	.rename = lv_rename,
	.statfs = lv_statfs,
};

int lfs_vfs_mount(unsigned unit, const char *point)
{
	int err = blkdev_open(&disk, unit, LFS_BLOCK);

	if (err)
		return err;
	bd = (struct lfs_bd){ .read = bd_read, .prog = bd_prog, .erase = bd_erase,
			      .sync = bd_sync, .block_size = LFS_BLOCK,
			      .block_count = (uint32_t)disk.blocks, .ctx = &disk };
	err = lfs_mount(&lfs, &bd);
	if (err) {
		kprintf("%s: disk %u holds no littlefs that mounts (error %d); "
			"make one with build/tools/lfs mkfs\n", point, unit, err);
		return err;
	}
	err = vfs_mount(point, &lfs_vfs_ops, &lfs);
	if (!err)
		kprintf("%s: littlefs on disk %u, %u blocks of %u bytes\n", point, unit,
			bd.block_count, bd.block_size);
	return err;
}
