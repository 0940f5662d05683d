/*
 * nexfs under the VFS, on a disk. Its open flags are the ABI's, one for
 * one. Every commit (fsync, or a snapshot) puts the new root hash in the
 * audit log, so the log vouches for the filesystem's state over time.
 */
#include <string.h>

#include <nexus/audit.h>
#include <nexus/errno.h>

#include "arch/hal.h"
#include "core/kprintf.h"
#include "fmt.h"
#include "fs/blkdev.h"
#include "fs/nexfs/nexfs.h"
#include "fs/nexfs_vfs.h"
#include "mm/page_alloc.h"
#include "sec/provchain.h"

#define NEXFS_BLOCK	4096u

_Static_assert(NEXFS_O_READ == NX_O_READ && NEXFS_O_WRITE == NX_O_WRITE &&
	       NEXFS_O_CREATE == NX_O_CREATE && NEXFS_O_TRUNC == NX_O_TRUNC &&
	       NEXFS_O_APPEND == NX_O_APPEND, "nexfs open flags are the ABI's");

static struct nexfs nex;
static struct blkdev disk;
static struct nexfs_bd bd;

static int bd_read(void *ctx, uint64_t blk, void *buf)
{
	return blkdev_read(ctx, blk, 0, buf, NEXFS_BLOCK);
}

static int bd_write(void *ctx, uint64_t blk, const void *buf)
{
	return blkdev_write(ctx, blk, 0, buf, NEXFS_BLOCK);
}

static int bd_sync(void *ctx)
{
	return blkdev_sync(ctx);
}

/* The root hash of the commit just made, as an audit record. */
static void record_commit(const char *what)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t h[NX_NEXFS_HASH_LEN];
	char text[48];
	size_t n = strlcpy(text, what, sizeof(text));

	nexfs_root_hash(&nex, h);
	for (unsigned i = 0; i < sizeof(h) && n + 2 < sizeof(text); i++) {
		text[n++] = hex[h[i] >> 4];
		text[n++] = hex[h[i] & 15];
	}
	text[n] = '\0';	/* the record keeps what fits: the hash's first half */
	provchain_append(NX_AUDIT_FS_COMMIT, (uint32_t)nex.gen, 0, text, hal_time_now());
}

static int nv_stat(void *fs, const char *path, struct nx_stat *st)
{
	struct nexfs_stat ns;
	int err = nexfs_stat(fs, path, &ns);

	if (!err)
		*st = (struct nx_stat){ .size = ns.size, .mode = 0644,
					.type = ns.type == NX_NEXFS_DIR ? NX_FT_DIR :
									 NX_FT_FILE };
	return err;
}

/* A descriptor d is handed out as the pointer value d + 1, never NULL. */
static int nv_open(void *fs, const char *path, unsigned flags, void **file)
{
	int fd = nexfs_open(fs, path, flags);

	if (fd < 0)
		return fd;
	*file = (void *)(uintptr_t)(fd + 1);
	return 0;
}

static int fd_of(void *file)
{
	return (int)((uintptr_t)file - 1);
}

static int64_t nv_read(void *fs, void *file, uint64_t off, void *buf, size_t len)
{
	int64_t r = nexfs_seek(fs, fd_of(file), (int64_t)off, 0);

	return r < 0 ? r : nexfs_read(fs, fd_of(file), buf, len);
}

static int64_t nv_write(void *fs, void *file, uint64_t off, const void *buf, size_t len)
{
	int64_t r = nexfs_seek(fs, fd_of(file), (int64_t)off, 0);

	return r < 0 ? r : nexfs_write(fs, fd_of(file), buf, len);
}

static int nv_fsync(void *fs, void *file)
{
	int err = nexfs_fsync(fs, fd_of(file));

	if (!err)
		record_commit("nexfs commit ");
	return err;
}

static int nv_close(void *fs, void *file)
{
	return nexfs_close(fs, fd_of(file));
}

static int nv_readdir(void *fs, const char *dir, size_t index, struct nx_dirent *out)
{
	struct nexfs_stat ns;
	int err = nexfs_readdir(fs, dir, index, &ns);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	strlcpy(out->name, ns.name, sizeof(out->name));
	out->size = ns.size;
	out->type = ns.type == NX_NEXFS_DIR ? NX_FT_DIR : NX_FT_FILE;
	return 0;
}

/*
 * A change to the names is committed at once, as littlefs does: an rm
 * that returned is an rm that survives a power cut. Data waits for fsync.
 */
static int commit_now(int err)
{
	if (!err)
		err = nexfs_commit(&nex, NULL);
	if (!err)
		record_commit("nexfs commit ");
	return err;
}

static int nv_mkdir(void *fs, const char *path)
{
	return commit_now(nexfs_mkdir(fs, path));
}

static int nv_unlink(void *fs, const char *path)
{
	return commit_now(nexfs_unlink(fs, path));
}

static int nv_rename(void *fs, const char *from, const char *to)
{
	return commit_now(nexfs_rename(fs, from, to));
}

static int nv_sync(void *fs)
{
	(void)fs;
	return nex.dirty ? commit_now(0) : 0;
}

static int nv_statfs(void *fs, struct nx_statfs *out)
{
	struct nexfs_statfs st;
	int err = nexfs_statfs(fs, &st);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	strlcpy(out->type, "nexfs", sizeof(out->type));
	out->block_size = st.block_size;
	out->blocks = st.block_count;
	out->blocks_free = st.free_blocks;
	return 0;
}

static int nv_snapshot(void *fs, const char *name)
{
	int err = nexfs_snap_create(fs, name);

	if (!err)
		record_commit("nexfs snapshot ");
	return err;
}

static int nv_verify(void *fs, char *text, size_t len)
{
	static struct nexfs scratch;
	struct nexfs_verify_report r;
	size_t mem_len = nexfs_mem_size(bd.block_count);
	size_t pages = (mem_len + PAGE_SIZE - 1) / PAGE_SIZE;
	void *mem = page_alloc_n(pages);
	int err;

	(void)fs;
	if (!mem)
		return -NX_ENOMEM;
	blkdev_drop_cache(&disk);
	err = nexfs_verify(&scratch, &bd, mem, mem_len, &r);
	page_free_n(mem, pages);
	fmt_snprintf(text, len, "generation %lu, %lu blocks hashed, %lu bad%s",
		     (unsigned long)r.generation, (unsigned long)r.blocks_checked,
		     (unsigned long)r.bad, r.bad ? " (first at block " : "");
	if (r.bad)
		fmt_snprintf(text + strlen(text), len - strlen(text), "%lu)",
			     (unsigned long)r.first_bad);
	return err;
}

static const struct vfs_ops nexfs_vfs_ops = {
	.type = "nexfs",
	.stat = nv_stat,
	.open = nv_open,
	.read = nv_read,
	.write = nv_write,
	.fsync = nv_fsync,
	.close = nv_close,
	.readdir = nv_readdir,
	.mkdir = nv_mkdir,
	.unlink = nv_unlink,
	.rename = nv_rename,
	.statfs = nv_statfs,
	.sync = nv_sync,
	.snapshot = nv_snapshot,
	.verify = nv_verify,
};

int nexfs_vfs_mount(unsigned unit, const char *point)
{
	size_t mem_len, pages;
	void *mem;
	int err = blkdev_open(&disk, unit, NEXFS_BLOCK);

	if (err)
		return err;
	bd = (struct nexfs_bd){ .read = bd_read, .write = bd_write, .sync = bd_sync,
				.block_size = NEXFS_BLOCK, .block_count = disk.blocks,
				.ctx = &disk };
	mem_len = nexfs_mem_size(bd.block_count);
	pages = (mem_len + PAGE_SIZE - 1) / PAGE_SIZE;
	mem = page_alloc_n(pages);
	if (!mem)
		return -NX_ENOMEM;
	err = nexfs_mount(&nex, &bd, mem, mem_len);
	if (err) {
		kprintf("%s: disk %u holds no nexfs that mounts (error %d); "
			"make one with build/tools/nexfs mkfs\n", point, unit, err);
		page_free_n(mem, pages);
		return err;
	}
	err = vfs_mount(point, &nexfs_vfs_ops, &nex);
	if (!err)
		kprintf("%s: nexfs on disk %u, generation %lu\n", point, unit,
			(unsigned long)nex.gen);
	return err;
}
