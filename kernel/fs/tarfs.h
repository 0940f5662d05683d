/*
 * tarfs: the initial image, a POSIX ustar archive in memory, as a
 * read-only file system.
 *
 * Nothing is allocated and nothing is copied: the image is walked on every
 * call, so a lookup or a read costs O(entries) and a readdir call
 * O(entries^2) (each child is reported once, which needs a look back);
 * a listing index after index goes on from where the last call stopped.
 * tarfs_mount() also checks that no file doubles as a directory or another
 * file, in O(files * entries). Fine for an initial image of tens of files;
 * a larger tree belongs on a real file system.
 *
 * tarfs_mount() validates the whole image (every header checksum, every
 * number field, every entry inside the image), so the other calls trust
 * it. The image must not change while mounted.
 *
 * Paths are absolute, "/" the root; empty and "." components are skipped.
 * Regular files and directories are served, directories both from their
 * own entries and implied by the paths of files; links, devices and FIFOs
 * are skipped and counted. Build images with `tar --format=ustar`: pax and
 * GNU long-name headers are refused, as their names would be misread.
 */
#ifndef FS_TARFS_H
#define FS_TARFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TARFS_BLOCK	512
#define TARFS_PATH_MAX	257	/* prefix (155) "/" name (100), NUL */

enum tarfs_type {
	TARFS_FILE = 1,
	TARFS_DIR = 2,
};

struct tarfs {
	const unsigned char *img;
	size_t size;
	size_t end;		/* offset of the end-of-archive marker */
	uint32_t nfiles;	/* regular files */
	uint32_t ndirs;		/* directory entries (implied ones not counted) */
	uint32_t nskipped;	/* entries of other types */
	bool checked;		/* mount validated every header: skip the sums */
	/*
	 * Where the last readdir found its child, so that listing a directory
	 * index after index walks the image once, not once per child.
	 */
	struct {
		char dir[TARFS_PATH_MAX];
		size_t index, off;
		bool valid;
	} cursor;
};

struct tarfs_node {
	enum tarfs_type type;
	uint32_t mode;		/* permission bits; 0755 for an implied directory */
	uint64_t size;		/* bytes; 0 for a directory */
	const unsigned char *data;	/* file bytes in the image; NULL for a directory */
};

struct tarfs_stat {
	enum tarfs_type type;
	uint32_t mode;
	uint64_t size;
};

struct tarfs_dirent {
	char name[TARFS_PATH_MAX];	/* one component */
	enum tarfs_type type;
	uint64_t size;
};

/* Returns 0, or -NX_EINVAL with a one-line reason in @why for an image
 * that is not a valid ustar archive. @fs is meaningless on failure. */
int tarfs_mount(struct tarfs *fs, const void *img, size_t size,
		char *why, size_t whylen);

/* 0, or -NX_ENOENT; -NX_EINVAL for a relative path. */
int tarfs_lookup(const struct tarfs *fs, const char *path, struct tarfs_node *out);
int tarfs_stat(const struct tarfs *fs, const char *path, struct tarfs_stat *st);

/* Copies up to @len bytes from @off; returns the count, 0 at or past the
 * end, -NX_EINVAL for a directory. */
int64_t tarfs_read(const struct tarfs *fs, const struct tarfs_node *n,
		   uint64_t off, void *buf, size_t len);

/* The file's bytes in place (zero-copy, e.g. for the NPK loader); NULL
 * for a directory. 512-byte aligned relative to the image's start, so an
 * 8-aligned image gives npk_parse() the alignment it needs. */
const void *tarfs_data(const struct tarfs_node *n);

/* The @index-th child of directory @dir: 0, -NX_ENOENT past the last child
 * or if @dir does not exist, -NX_EINVAL if it is a file. */
int tarfs_readdir(struct tarfs *fs, const char *dir, size_t index,
		  struct tarfs_dirent *out);

#endif
