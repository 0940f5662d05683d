/*
 * tarfs (kernel/fs/tarfs.c) over images the host's `tar --format=ustar`
 * makes from a tree this test writes (nested directories, a 200-character
 * path, an empty file, a 1 MiB file, a symlink), and over headers built
 * by hand for the cases tar will not produce. Corrupt images must fail to
 * mount with a reason and never read outside the image (ASan watches).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "fs/tarfs.h"

#define BIG_SIZE	(1u << 20)

static char tmp[64];
static char long_path[256];	/* relative, 200 characters */
static unsigned char *full, *files;	/* tar of the tree; of three files only */
static size_t full_len, files_len;

static unsigned char big_byte(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 9));
}

static void write_file(const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/root/%s", tmp, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void make_dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/root/%s", tmp, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static unsigned char *slurp(const char *rel, size_t *len)
{
	char path[512];
	FILE *f;
	unsigned char *b;
	long n;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* deep/ then four 39-character directories, then a file: 200 characters. */
static void make_long_path(void)
{
	char comp[40];
	size_t len;

	strcpy(long_path, "deep");
	make_dir(long_path);
	for (int i = 0; i < 4; i++) {
		memset(comp, 'a' + i, 39);
		comp[39] = '\0';
		strcat(long_path, "/");
		strcat(long_path, comp);
		make_dir(long_path);
	}
	len = strlen(long_path);
	strcat(long_path, "/");
	memset(long_path + len + 1, 'z', 200 - len - 1);
	long_path[200] = '\0';
	write_file(long_path, "far away", 8);
}

static void make_tree(void)
{
	unsigned char *big = malloc(BIG_SIZE);
	char cmd[512];

	for (size_t i = 0; i < BIG_SIZE; i++)
		big[i] = big_byte(i);
	make_dir("");
	make_dir("bin");
	make_dir("etc");
	make_dir("docs");
	write_file("bin/sh.npk", "shell", 5);
	write_file("bin/ls.npk", "list!!", 6);
	write_file("etc/motd", "hello\n", 6);
	write_file("empty", "", 0);
	write_file("big", big, BIG_SIZE);
	make_long_path();
	snprintf(cmd, sizeof(cmd), "%s/root/link", tmp);
	assert_int_equal(symlink("bin/sh.npk", cmd), 0);
	free(big);
	snprintf(cmd, sizeof(cmd),
		 "tar --format=ustar -C %s/root -cf %s/full.tar . && "
		 "tar --format=ustar -C %s/root --no-recursion -cf %s/files.tar "
		 "bin/sh.npk etc/motd bin/ls.npk", tmp, tmp, tmp, tmp);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmp, "/tmp/test_tarfs.XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	make_tree();
	full = slurp("full.tar", &full_len);
	files = slurp("files.tar", &files_len);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(full);
	free(files);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd);
}

static void mount_ok(struct tarfs *fs, const void *img, size_t len)
{
	char why[200];

	if (tarfs_mount(fs, img, len, why, sizeof(why)) != 0)
		fail_msg("mount: %s", why);
}

static void test_mount_counts(void **state)
{
	struct tarfs fs;

	(void)state;
	mount_ok(&fs, full, full_len);
	assert_int_equal(fs.nfiles, 6);
	assert_int_equal(fs.ndirs, 9);	/* ".", bin, etc, docs, deep and 4 below */
	assert_int_equal(fs.nskipped, 1);	/* the symlink */
	mount_ok(&fs, files, files_len);
	assert_int_equal(fs.nfiles, 3);
	assert_int_equal(fs.ndirs, 0);
}

static void test_lookup(void **state)
{
	struct tarfs fs;
	struct tarfs_node n;
	struct tarfs_stat st;
	char path[260];

	(void)state;
	mount_ok(&fs, full, full_len);
	assert_int_equal(tarfs_lookup(&fs, "/", &n), 0);
	assert_int_equal(n.type, TARFS_DIR);
	assert_int_equal(tarfs_lookup(&fs, "/bin", &n), 0);
	assert_int_equal(n.type, TARFS_DIR);
	assert_int_equal(n.mode, 0755);
	assert_int_equal(tarfs_lookup(&fs, "/bin/sh.npk", &n), 0);
	assert_int_equal(n.type, TARFS_FILE);
	assert_int_equal(n.size, 5);
	assert_memory_equal(tarfs_data(&n), "shell", 5);
	assert_int_equal(tarfs_lookup(&fs, "//bin/./sh.npk", &n), 0);
	assert_int_equal(n.size, 5);
	assert_int_equal(tarfs_lookup(&fs, "/bin/sh", &n), -NX_ENOENT);
	assert_int_equal(tarfs_lookup(&fs, "/bi", &n), -NX_ENOENT);
	assert_int_equal(tarfs_lookup(&fs, "/link", &n), -NX_ENOENT);
	assert_int_equal(tarfs_lookup(&fs, "/bin/../etc/motd", &n), -NX_ENOENT);
	assert_int_equal(tarfs_lookup(&fs, "bin/sh.npk", &n), -NX_EINVAL);
	assert_int_equal(tarfs_lookup(&fs, "/empty", &n), 0);
	assert_int_equal(n.size, 0);
	snprintf(path, sizeof(path), "/%s", long_path);
	assert_int_equal(tarfs_lookup(&fs, path, &n), 0);
	assert_memory_equal(tarfs_data(&n), "far away", 8);
	assert_int_equal(tarfs_stat(&fs, "/etc/motd", &st), 0);
	assert_int_equal(st.type, TARFS_FILE);
	assert_int_equal(st.size, 6);
	assert_int_equal(tarfs_stat(&fs, "/missing", &st), -NX_ENOENT);
	/* Implied by file paths alone. */
	mount_ok(&fs, files, files_len);
	assert_int_equal(tarfs_stat(&fs, "/bin", &st), 0);
	assert_int_equal(st.type, TARFS_DIR);
	assert_int_equal(tarfs_stat(&fs, "/bin/ls.npk", &st), 0);
	assert_int_equal(st.size, 6);
}

static void test_read(void **state)
{
	static unsigned char buf[BIG_SIZE];
	struct tarfs fs;
	struct tarfs_node n;

	(void)state;
	mount_ok(&fs, full, full_len);
	assert_int_equal(tarfs_lookup(&fs, "/big", &n), 0);
	assert_int_equal(n.size, BIG_SIZE);
	assert_int_equal(tarfs_read(&fs, &n, 12345, buf, 1000), 1000);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(buf[i], big_byte(12345 + i));
	assert_int_equal(tarfs_read(&fs, &n, BIG_SIZE - 10, buf, 100), 10);
	assert_int_equal(buf[9], big_byte(BIG_SIZE - 1));
	assert_int_equal(tarfs_read(&fs, &n, BIG_SIZE, buf, 100), 0);
	assert_int_equal(tarfs_read(&fs, &n, UINT64_MAX, buf, 100), 0);
	assert_int_equal(tarfs_read(&fs, &n, 0, buf, sizeof(buf)), BIG_SIZE);
	for (size_t i = 0; i < BIG_SIZE; i++)
		if (buf[i] != big_byte(i))
			fail_msg("big: byte %zu", i);
	assert_int_equal(tarfs_lookup(&fs, "/empty", &n), 0);
	assert_int_equal(tarfs_read(&fs, &n, 0, buf, 10), 0);
	assert_int_equal(tarfs_lookup(&fs, "/bin", &n), 0);
	assert_int_equal(tarfs_read(&fs, &n, 0, buf, 10), -NX_EINVAL);
	assert_null(tarfs_data(&n));
}

/* Every child of @dir, as "name:type:size," in index order. */
static void list(struct tarfs *fs, const char *dir, char *out, size_t outlen)
{
	struct tarfs_dirent d;
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; tarfs_readdir(fs, dir, i, &d) == 0; i++)
		used += (size_t)snprintf(out + used, outlen - used, "%s:%c:%llu,",
					 d.name, d.type == TARFS_DIR ? 'd' : 'f',
					 (unsigned long long)d.size);
}

static bool has(const char *list, const char *item)
{
	const char *p = strstr(list, item);

	return p && (p == list || p[-1] == ',') && !strstr(p + 1, item);
}

static void test_readdir(void **state)
{
	struct tarfs fs;
	struct tarfs_dirent d;
	char out[1024], item[300];
	size_t count = 0;

	(void)state;
	mount_ok(&fs, full, full_len);
	list(&fs, "/", out, sizeof(out));
	assert_true(has(out, "bin:d:0,"));
	assert_true(has(out, "etc:d:0,"));
	assert_true(has(out, "docs:d:0,"));
	assert_true(has(out, "deep:d:0,"));
	assert_true(has(out, "empty:f:0,"));
	assert_true(has(out, "big:f:1048576,"));
	for (const char *p = out; (p = strchr(p, ',')); p++)
		count++;
	assert_int_equal(count, 6);	/* the symlink is not served */
	list(&fs, "/bin", out, sizeof(out));
	assert_true(has(out, "sh.npk:f:5,") && has(out, "ls.npk:f:6,"));
	list(&fs, "/docs", out, sizeof(out));
	assert_string_equal(out, "");
	snprintf(item, sizeof(item), "/%.*s", (int)(strrchr(long_path, '/') - long_path),
		 long_path);
	list(&fs, item, out, sizeof(out));
	snprintf(item, sizeof(item), "%s:f:8,", strrchr(long_path, '/') + 1);
	assert_string_equal(out, item);
	assert_int_equal(tarfs_readdir(&fs, "/bin/sh.npk", 0, &d), -NX_EINVAL);
	assert_int_equal(tarfs_readdir(&fs, "/nope", 0, &d), -NX_ENOENT);
	/* "bin" is implied twice, yet listed once. */
	mount_ok(&fs, files, files_len);
	list(&fs, "/", out, sizeof(out));
	assert_string_equal(out, "bin:d:0,etc:d:0,");
	list(&fs, "/bin", out, sizeof(out));
	assert_string_equal(out, "sh.npk:f:5,ls.npk:f:6,");
	assert_int_equal(tarfs_readdir(&fs, "/", 2, &d), -NX_ENOENT);
}

/* ---- corrupt images ---------------------------------------------------- */

static void fix_checksum(unsigned char *h)
{
	unsigned sum = 0;

	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

/* A ustar header as tar writes it. */
static void make_header(unsigned char *h, const char *name, char type, uint64_t size)
{
	memset(h, 0, 512);
	strncpy((char *)h, name, 100);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar\0" "00", 8);
	fix_checksum(h);
}

static void expect_fail(const void *img, size_t len, const char *reason)
{
	struct tarfs fs;
	char why[200] = "";

	if (tarfs_mount(&fs, img, len, why, sizeof(why)) != -NX_EINVAL)
		fail_msg("mounted, expected \"%s\"", reason);
	if (!strstr(why, reason))
		fail_msg("reason \"%s\", expected \"%s\"", why, reason);
}

/* The header of the entry named @name in a copy of the full image. */
static unsigned char *header_of(unsigned char *img, const char *name)
{
	for (size_t off = 0; off + 512 <= full_len; off += 512)
		if (memcmp(img + off + 257, "ustar", 5) == 0 &&
		    strcmp((char *)img + off, name) == 0)
			return img + off;
	fail_msg("no header %s", name);
	return NULL;
}

static void test_corrupt_tar(void **state)
{
	unsigned char *c = malloc(full_len);
	unsigned char *h;

	(void)state;
	memcpy(c, full, full_len);
	header_of(c, "./etc/motd")[150] ^= 1;		/* checksum digit */
	expect_fail(c, full_len, "checksum mismatch");
	memcpy(c, full, full_len);
	header_of(c, "./etc/motd")[3] ^= 1;		/* name, same checksum */
	expect_fail(c, full_len, "checksum mismatch");

	memcpy(c, full, full_len);
	h = header_of(c, "./etc/motd");
	memcpy(h + 124, "12x4567", 7);
	fix_checksum(h);
	expect_fail(c, full_len, "size field not octal");
	memcpy(h + 124, "77777777777", 11);		/* 8 GiB */
	fix_checksum(h);
	expect_fail(c, full_len, "8589934591 bytes");
	h[124] = 0x80;					/* base-256 */
	fix_checksum(h);
	expect_fail(c, full_len, "size field not octal");
	memcpy(h + 124, "00000000006", 11);
	memcpy(h + 100, "0x44", 4);
	fix_checksum(h);
	expect_fail(c, full_len, "mode field not octal");

	memcpy(c, full, full_len);
	h = header_of(c, "./big");
	expect_fail(c, (size_t)(h - c) + 100, "truncated header");
	expect_fail(c, (size_t)(h - c) + 512 + 4096, "1048576 bytes");
	memset(h, 0, 512);				/* a hole in the middle */
	expect_fail(c, full_len, "zero block not followed by another");

	memcpy(c, full, full_len);
	h = header_of(c, "./etc/motd");
	memcpy(h + 257, "ustar  ", 8);			/* GNU magic */
	fix_checksum(h);
	expect_fail(c, full_len, "not a POSIX ustar header");
	free(c);
}

static void test_corrupt_built(void **state)
{
	unsigned char img[512 * 8];

	(void)state;
	memset(img, 0, sizeof(img));
	make_header(img, "a/../../etc/passwd", '0', 0);
	expect_fail(img, sizeof(img), "'..'");
	make_header(img, "././long", 'x', 10);
	expect_fail(img, sizeof(img), "pax/GNU extended header");
	make_header(img, "x", 'L', 10);
	expect_fail(img, sizeof(img), "pax/GNU extended header");
	make_header(img, "./", '0', 0);
	expect_fail(img, sizeof(img), "file with an empty path");
	make_header(img, "dup", '0', 0);
	make_header(img + 512, "./dup", '0', 0);
	expect_fail(img, sizeof(img), "'dup' appears twice");
	make_header(img + 512, "dup/child", '0', 0);
	expect_fail(img, sizeof(img), "'dup' is a file, yet 'dup/child' lies below it");
	make_header(img + 512, "dup/", '5', 0);
	expect_fail(img, sizeof(img), "'dup' appears twice");
	make_header(img + 512, "other", '2', 0);	/* a symlink: skipped */
	memset(img + 1024, 0, 1024);
	struct tarfs fs;
	assert_int_equal(tarfs_mount(&fs, img, 2048, NULL, 0), 0);
	assert_int_equal(fs.nskipped, 1);
	/* No end marker at all: the image's end ends the archive. */
	assert_int_equal(tarfs_mount(&fs, img, 1024, NULL, 0), 0);
	assert_int_equal(tarfs_mount(&fs, img, 0, NULL, 0), 0);
	assert_int_equal(tarfs_lookup(&fs, "/", &(struct tarfs_node){ 0 }), 0);
}

/* Whatever mounts must also serve lookups and listings safely. */
static void exercise(struct tarfs *fs)
{
	struct tarfs_dirent d;
	struct tarfs_node n;
	char buf[64];

	for (size_t i = 0; i < 16 && tarfs_readdir(fs, "/", i, &d) == 0; i++)
		;
	if (tarfs_lookup(fs, "/bin/sh.npk", &n) == 0)
		assert_true(tarfs_read(fs, &n, 0, buf, sizeof(buf)) >= 0);
	tarfs_readdir(fs, "/bin", 0, &d);
}

static void test_random(void **state)
{
	unsigned char *c = malloc(files_len);
	struct tarfs fs;

	(void)state;
	srand(7);
	for (size_t len = 0; len <= files_len; len++) {	/* every truncation */
		if (tarfs_mount(&fs, files, len, NULL, 0) == 0)
			exercise(&fs);
	}
	for (int it = 0; it < 20000; it++) {
		memcpy(c, files, files_len);
		for (int k = rand() % 3; k >= 0; k--)
			c[(size_t)rand() % files_len] ^= (unsigned char)(1u << (rand() % 8));
		if (it % 2) {	/* reseal, so damage reaches past the checksum */
			for (size_t off = 0; off + 512 <= files_len; off += 512)
				if (memcmp(c + off + 257, "ustar", 5) == 0)
					fix_checksum(c + off);
		}
		if (tarfs_mount(&fs, c, files_len, NULL, 0) == 0)
			exercise(&fs);
	}
	for (int it = 0; it < 200; it++) {	/* noise */
		for (size_t i = 0; i < files_len; i++)
			c[i] = (unsigned char)rand();
		assert_int_equal(tarfs_mount(&fs, c, files_len, NULL, 0), -NX_EINVAL);
	}
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount_counts),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_readdir),
		cmocka_unit_test(test_corrupt_tar),
		cmocka_unit_test(test_corrupt_built),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
