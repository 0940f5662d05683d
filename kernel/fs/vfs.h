/*
 * The VFS: a mount table and one set of operations every filesystem
 * provides. Paths given to a filesystem are absolute within it ("/" is
 * its root) and already normalised; the VFS picks the mount by the
 * longest prefix of whole components. An operation a filesystem does not
 * have is NULL: a missing write-side one means the filesystem is
 * read-only (-NX_EROFS).
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stddef.h>
#include <stdint.h>

#include <nexus/chan.h>

#define VFS_MOUNTS	4
#define VFS_POINT_MAX	32

struct vfs_ops {
	const char *type;
	int (*stat)(void *fs, const char *path, struct nx_stat *st);
	/* A file handle in *@file, for read/write/fsync/close. */
	int (*open)(void *fs, const char *path, unsigned flags, void **file);
	int64_t (*read)(void *fs, void *file, uint64_t off, void *buf, size_t len);
	int64_t (*write)(void *fs, void *file, uint64_t off, const void *buf, size_t len);
	int (*fsync)(void *fs, void *file);
	int (*close)(void *fs, void *file);
	/* The @index-th entry of @dir; -NX_ENOENT past the last. */
	int (*readdir)(void *fs, const char *dir, size_t index, struct nx_dirent *out);
	int (*mkdir)(void *fs, const char *path);
	int (*unlink)(void *fs, const char *path);
	int (*rename)(void *fs, const char *from, const char *to);
	int (*statfs)(void *fs, struct nx_statfs *out);
	/* Make everything written so far durable (a clean shutdown). */
	int (*sync)(void *fs);
	/* nexfs: a read-only snapshot named @name; a check of every block. */
	int (*snapshot)(void *fs, const char *name);
	int (*verify)(void *fs, char *text, size_t len);
};

struct vfs_mount {
	char point[VFS_POINT_MAX];	/* "/", "/data", ... */
	const struct vfs_ops *ops;
	void *fs;
};

/* Mount @fs at @point (an existing directory of the parent, or "/"). */
int vfs_mount(const char *point, const struct vfs_ops *ops, void *fs);
/* The mount serving normalised @path, and the path inside it in @rel. */
struct vfs_mount *vfs_resolve(const char *path, char *rel, size_t rellen);
/* Sync every mount, before the power goes off. */
void vfs_sync_all(void);
/* The @index-th mount, or NULL. */
const struct vfs_mount *vfs_mount_at(unsigned index);
/* The @index-th mount point directly inside @dir: its name in @out. */
int vfs_mount_child(const char *dir, unsigned index, struct nx_dirent *out);

#endif
