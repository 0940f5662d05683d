/*
 * lfs: build and inspect littlefs images on the host, with the kernel's
 * own littlefs code (kernel/fs/lfs/) over the image held in memory.
 *
 *   lfs mkfs IMG SIZE [BLOCK]     SIZE and BLOCK in bytes, K or M suffix;
 *                                 BLOCK defaults to 4096
 *   lfs ls IMG [DIR]              d/f, size, name
 *   lfs cat IMG PATH
 *   lfs put IMG HOSTFILE PATH
 *   lfs get IMG PATH HOSTFILE
 *   lfs mkdir IMG PATH
 *   lfs rm IMG PATH               a file or an empty directory
 *   lfs verify IMG                mount, walk every pair and file, read it all
 *
 * The block size of an existing image is read from its superblock entry,
 * which sits at a fixed place in block 0 or block 1 (SPEC.md: the magic
 * is at offset 8 of a pair's block; the geometry follows it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nexus/errno.h>

#include "fs/lfs/lfs.h"
#include "fs/lfs/rambd.h"

static struct lfs fs;
static struct lfs_rambd rb;
static struct lfs_file file;
static uint8_t *img;
static uint32_t *marks;
static const char *img_path;

static const char *why(int err)
{
	switch (-err) {
	case NX_ENOENT: return "no such file or directory";
	case NX_EIO: return "device error";
	case NX_E2BIG: return "too large";
	case NX_EEXIST: return "already exists";
	case NX_EINVAL: return "invalid argument or geometry";
	case NX_ENOSPC: return "no space left";
	case NX_ENOTDIR: return "not a directory";
	case NX_EISDIR: return "is a directory";
	case NX_ENOTEMPTY: return "directory not empty";
	case NX_ECORRUPT: return "corrupt file system";
	default: return "error";
	}
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "lfs: %s: %s (%d)\n", what, why(err), err);
	return 1;
}

static uint32_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end || v == 0 || v > 0xffffffffull) {
		fprintf(stderr, "lfs: bad size '%s'\n", s);
		exit(2);
	}
	return (uint32_t)v;
}

static void setup(uint32_t bs, uint32_t count)
{
	img = malloc((size_t)bs * count);
	marks = calloc(count, sizeof(*marks));
	if (!img || !marks) {
		fprintf(stderr, "lfs: out of memory\n");
		exit(1);
	}
	lfs_rambd_init(&rb, img, marks, bs, count);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Loads IMG and mounts it; the geometry comes from the superblock. */
static int load(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *raw;
	long len;

	img_path = path;
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "lfs: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	raw = malloc((size_t)len + 1);
	if (!raw || fread(raw, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "lfs: %s: cannot read\n", path);
		exit(1);
	}
	fclose(f);
	uint32_t bs = 0, count = 0;
	for (uint64_t base = 0; !bs && base <= (1u << 20); base = base ? base * 2 : 128) {
		if (base + 32 > (uint64_t)len || memcmp(raw + base + 8, "littlefs", 8))
			continue;
		uint32_t b = le32(raw + base + 24), c = le32(raw + base + 28);
		if ((base == 0 || base == b) && b >= 128 && c >= 2 &&
		    (uint64_t)b * c <= (uint64_t)len)
			bs = b, count = c;
	}
	if (!bs) {
		fprintf(stderr, "lfs: %s: no littlefs superblock in block 0 or 1\n", path);
		exit(1);
	}
	setup(bs, count);
	memcpy(img, raw, (size_t)bs * count);
	free(raw);
	int err = lfs_mount(&fs, &rb.bd);
	if (err)
		exit(fail("mount", err));
	return 0;
}

static int save(void)
{
	FILE *f = fopen(img_path, "wb");
	size_t n = (size_t)rb.bd.block_size * rb.bd.block_count;

	if (!f || fwrite(img, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "lfs: %s: cannot write\n", img_path);
		return 1;
	}
	return 0;
}

static int cmd_mkfs(int argc, char **argv)
{
	uint32_t size = parse_size(argv[3]);
	uint32_t bs = argc > 4 ? parse_size(argv[4]) : 4096;

	if (size % bs) {
		fprintf(stderr, "lfs: SIZE must be a multiple of BLOCK\n");
		return 2;
	}
	img_path = argv[2];
	setup(bs, size / bs);
	int err = lfs_format(&fs, &rb.bd);
	return err ? fail("format", err) : save();
}

static int cmd_ls(const char *dir)
{
	struct lfs_dir d;
	struct lfs_info info;
	int err = lfs_dir_open(&fs, &d, dir);

	if (err)
		return fail(dir, err);
	while ((err = lfs_dir_read(&fs, &d, &info)) > 0)
		printf("%c %10u %s\n", info.type == LFS_TYPE_DIR ? 'd' : 'f', info.size, info.name);
	return err ? fail(dir, err) : 0;
}

static int cmd_get(const char *path, FILE *out)
{
	uint8_t buf[4096];
	int32_t n;
	int err = lfs_file_open(&fs, &file, path, LFS_O_RDONLY);

	if (err)
		return fail(path, err);
	while ((n = lfs_file_read(&fs, &file, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	lfs_file_close(&fs, &file);
	return n < 0 ? fail(path, n) : 0;
}

static int cmd_put(const char *host, const char *path)
{
	FILE *in = fopen(host, "rb");
	uint8_t buf[4096];
	size_t n;
	int32_t w = 0;

	if (!in) {
		fprintf(stderr, "lfs: %s: %s\n", host, strerror(errno));
		return 1;
	}
	int err = lfs_file_open(&fs, &file, path, LFS_O_WRONLY | LFS_O_CREAT | LFS_O_TRUNC);
	if (err)
		return fail(path, err);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if ((w = lfs_file_write(&fs, &file, buf, (uint32_t)n)) < 0)
			break;
	fclose(in);
	err = lfs_file_close(&fs, &file);
	if (w < 0 || err)
		return fail(path, w < 0 ? w : err);
	return save();
}

static unsigned nfiles, ndirs;
static uint64_t nbytes;

/* Reads every file under DIR, recursing into directories. */
static int walk(const char *dir, int depth)
{
	struct lfs_dir d;
	struct lfs_info info;
	char path[1024];
	uint8_t buf[4096];
	int err;

	if (depth > 64)
		return -NX_ECORRUPT;
	if ((err = lfs_dir_open(&fs, &d, dir)))
		return err;
	while ((err = lfs_dir_read(&fs, &d, &info)) > 0) {
		snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", info.name);
		if (info.type == LFS_TYPE_DIR) {
			ndirs++;
			struct lfs_dir save = d;
			if ((err = walk(path, depth + 1)))
				return err;
			d = save;
			continue;
		}
		nfiles++;
		if ((err = lfs_file_open(&fs, &file, path, LFS_O_RDONLY)))
			return err;
		int32_t n;
		uint64_t total = 0;
		while ((n = lfs_file_read(&fs, &file, buf, sizeof(buf))) > 0)
			total += (uint64_t)n;
		lfs_file_close(&fs, &file);
		if (n < 0)
			return n;
		if (total != info.size)
			return -NX_ECORRUPT;
		nbytes += total;
	}
	return err;
}

static int cmd_verify(void)
{
	struct lfs_fsinfo fi;
	int err = lfs_statfs(&fs, &fi);

	if (err || (err = walk("/", 0)))
		return fail("verify", err);
	printf("ok: littlefs %u.%u, %u blocks of %u, %u in use, %u directories, %u files, "
	       "%llu bytes\n", fi.disk_version >> 16, fi.disk_version & 0xffff, fi.block_count,
	       fi.block_size, fi.blocks_used, ndirs, nfiles, (unsigned long long)nbytes);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: lfs mkfs IMG SIZE [BLOCK] | ls IMG [DIR] | cat IMG PATH |\n"
			"       put IMG HOSTFILE PATH | get IMG PATH HOSTFILE | mkdir IMG PATH |\n"
			"       rm IMG PATH | verify IMG\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const char *cmd = argv[1];
	if (!strcmp(cmd, "mkfs") && (argc == 4 || argc == 5))
		return cmd_mkfs(argc, argv);
	if (!strcmp(cmd, "ls") && argc <= 4)
		return load(argv[2]), cmd_ls(argc == 4 ? argv[3] : "/");
	if (!strcmp(cmd, "cat") && argc == 4)
		return load(argv[2]), cmd_get(argv[3], stdout);
	if (!strcmp(cmd, "verify") && argc == 3)
		return load(argv[2]), cmd_verify();
	if (!strcmp(cmd, "put") && argc == 5)
		return load(argv[2]), cmd_put(argv[3], argv[4]);
	if (!strcmp(cmd, "get") && argc == 5) {
		load(argv[2]);
		FILE *out = fopen(argv[4], "wb");
		if (!out) {
			fprintf(stderr, "lfs: %s: %s\n", argv[4], strerror(errno));
			return 1;
		}
		int r = cmd_get(argv[3], out);
		return fclose(out) ? 1 : r;
	}
	if ((!strcmp(cmd, "mkdir") || !strcmp(cmd, "rm")) && argc == 4) {
		load(argv[2]);
		int err = cmd[0] == 'm' ? lfs_mkdir(&fs, argv[3]) : lfs_remove(&fs, argv[3]);
		return err ? fail(argv[3], err) : save();
	}
	return usage();
}
