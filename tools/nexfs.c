/*
 * nexfs: the host tool for nexfs images, built from the kernel's own
 * sources (kernel/fs/nexfs/) over a file-backed block device.
 *
 *   nexfs mkfs IMG SIZE           SIZE in bytes, or with a K, M or G suffix
 *   nexfs ls IMG [DIR]            DIR may be NAME@snap[/...]
 *   nexfs cat IMG PATH
 *   nexfs put IMG HOSTFILE PATH   commits
 *   nexfs get IMG PATH HOSTFILE
 *   nexfs snap IMG NAME           commits; no NAME: lists the snapshots
 *   nexfs verify IMG              prints the root hash; exit 1 if damaged
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nexus/errno.h>
#include "fs/nexfs/nexfs.h"

#define BLOCK	4096u

static struct nexfs fs;

static int file_read(void *ctx, uint64_t blk, void *buf)
{
	int fd = *(int *)ctx;

	return pread(fd, buf, BLOCK, (off_t)(blk * BLOCK)) == BLOCK ? 0 : -NX_EIO;
}

static int file_write(void *ctx, uint64_t blk, const void *buf)
{
	int fd = *(int *)ctx;

	return pwrite(fd, buf, BLOCK, (off_t)(blk * BLOCK)) == BLOCK ? 0 : -NX_EIO;
}

static int file_sync(void *ctx)
{
	return fsync(*(int *)ctx) == 0 ? 0 : -NX_EIO;
}

static int img_fd;
static struct nexfs_bd bd = {
	.read = file_read, .write = file_write, .sync = file_sync,
	.block_size = BLOCK, .ctx = &img_fd,
};

static void die(const char *what, int err)
{
	fprintf(stderr, "nexfs: %s: error %d\n", what, err);
	exit(1);
}

static void img_open(const char *path, int flags)
{
	off_t size;

	img_fd = open(path, flags, 0644);
	if (img_fd < 0) {
		perror(path);
		exit(1);
	}
	size = lseek(img_fd, 0, SEEK_END);
	bd.block_count = (uint64_t)size / BLOCK;
}

static void *bits;

static void mount_img(const char *path, bool write)
{
	int err;

	img_open(path, write ? O_RDWR : O_RDONLY);
	bits = malloc(nexfs_mem_size(bd.block_count));
	if (!bits)
		die("memory", -NX_ENOMEM);
	if ((err = nexfs_mount(&fs, &bd, bits, nexfs_mem_size(bd.block_count))))
		die("mount", err);
}

static void hex(const uint8_t *h)
{
	for (int i = 0; i < NX_NEXFS_HASH_LEN; i++)
		printf("%02x", h[i]);
}

static void finish(void)
{
	uint8_t h[NX_NEXFS_HASH_LEN];
	int err = nexfs_commit(&fs, h);

	if (err || (err = nexfs_unmount(&fs)))
		die("commit", err);
	printf("generation %llu root ", (unsigned long long)fs.gen);
	hex(h);
	printf("\n");
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		v <<= 10;
	else if (*end == 'M' || *end == 'm')
		v <<= 20;
	else if (*end == 'G' || *end == 'g')
		v <<= 30;
	return v;
}

static int cmd_mkfs(const char *img, const char *size)
{
	uint64_t bytes = parse_size(size) / BLOCK * BLOCK;
	int err;

	img_open(img, O_RDWR | O_CREAT | O_TRUNC);
	if (ftruncate(img_fd, (off_t)bytes) != 0)
		die("size", -NX_EIO);
	bd.block_count = bytes / BLOCK;
	if ((err = nexfs_mkfs(&fs, &bd)) != 0)
		die("mkfs", err);
	printf("%llu blocks of %u bytes\n", (unsigned long long)bd.block_count, BLOCK);
	return 0;
}

static int cmd_ls(const char *img, const char *dir)
{
	struct nexfs_stat st;
	int err;

	mount_img(img, false);
	for (uint64_t i = 0; (err = nexfs_readdir(&fs, dir, i, &st)) == 0; i++)
		printf("%s %10llu %s\n", st.type == NX_NEXFS_DIR ? "d" : "-",
		       (unsigned long long)st.size, st.name);
	if (err != -NX_ENOENT)
		die(dir, err);
	return 0;
}

/* Copies nexfs @path to @out. */
static void copy_out(const char *path, FILE *out)
{
	static uint8_t buf[65536];
	int fd = nexfs_open(&fs, path, NEXFS_O_READ);
	int64_t n;

	if (fd < 0)
		die(path, fd);
	while ((n = nexfs_read(&fs, fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	if (n < 0)
		die(path, (int)n);
	nexfs_close(&fs, fd);
}

static int cmd_cat(const char *img, const char *path)
{
	mount_img(img, false);
	copy_out(path, stdout);
	return 0;
}

static int cmd_get(const char *img, const char *path, const char *host)
{
	FILE *out = fopen(host, "wb");

	if (!out) {
		perror(host);
		return 1;
	}
	mount_img(img, false);
	copy_out(path, out);
	return fclose(out) == 0 ? 0 : 1;
}

static int cmd_put(const char *img, const char *host, const char *path)
{
	static uint8_t buf[65536];
	FILE *in = fopen(host, "rb");
	size_t n;
	int fd;

	if (!in) {
		perror(host);
		return 1;
	}
	mount_img(img, true);
	fd = nexfs_open(&fs, path, NEXFS_O_WRITE | NEXFS_O_CREATE | NEXFS_O_TRUNC);
	if (fd < 0)
		die(path, fd);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		int64_t w = nexfs_write(&fs, fd, buf, n);

		if (w < 0)
			die(path, (int)w);
	}
	fclose(in);
	nexfs_close(&fs, fd);
	finish();
	return 0;
}

static int cmd_snap(const char *img, const char *name)
{
	struct nexfs_stat st;
	int err;

	mount_img(img, name != NULL);
	if (!name) {
		for (uint64_t i = 0; nexfs_snap_list(&fs, i, &st) == 0; i++)
			printf("%s (generation %llu)\n", st.name,
			       (unsigned long long)st.gen);
		return 0;
	}
	if ((err = nexfs_snap_create(&fs, name)) != 0)
		die(name, err);
	finish();
	return 0;
}

static int cmd_verify(const char *img)
{
	struct nexfs_verify_report r;
	int err;

	img_open(img, O_RDONLY);
	bits = malloc(nexfs_mem_size(bd.block_count));
	if (!bits)
		die("memory", -NX_ENOMEM);
	err = nexfs_verify(&fs, &bd, bits, nexfs_mem_size(bd.block_count), &r);
	if (err == -NX_EINVAL)
		die("not a nexfs image", err);
	printf("generation %llu root ", (unsigned long long)r.generation);
	hex(r.root_hash);
	printf("\n%llu blocks hashed, superblocks %s/%s, ",
	       (unsigned long long)r.blocks_checked, r.super_ok[0] ? "ok" : "BAD",
	       r.super_ok[1] ? "ok" : "BAD");
	if (r.bad == 0) {
		printf("clean\n");
		return 0;
	}
	printf("%llu BAD, first at block %llu\n", (unsigned long long)r.bad,
	       (unsigned long long)r.first_bad);
	return 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: nexfs mkfs IMG SIZE | ls IMG [DIR] | cat IMG PATH |\n"
		"       put IMG HOSTFILE PATH | get IMG PATH HOSTFILE |\n"
		"       snap IMG [NAME] | verify IMG\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 2 ? argv[1] : "";

	if (!strcmp(cmd, "mkfs") && argc == 4)
		return cmd_mkfs(argv[2], argv[3]);
	if (!strcmp(cmd, "ls") && (argc == 3 || argc == 4))
		return cmd_ls(argv[2], argc == 4 ? argv[3] : "/");
	if (!strcmp(cmd, "cat") && argc == 4)
		return cmd_cat(argv[2], argv[3]);
	if (!strcmp(cmd, "put") && argc == 5)
		return cmd_put(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "get") && argc == 5)
		return cmd_get(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "snap") && (argc == 3 || argc == 4))
		return cmd_snap(argv[2], argc == 4 ? argv[3] : NULL);
	if (!strcmp(cmd, "verify") && argc == 3)
		return cmd_verify(argv[2]);
	usage();
	return 2;
}
