/* The mount table: longest-prefix resolution by whole components, and
 * the mount points a directory listing adds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "fs/vfs.h"

static const struct vfs_ops root_ops = { .type = "root" }, data_ops = { .type = "data" },
			    deep_ops = { .type = "deep" };
static int root_fs, data_fs, deep_fs;

static void test_mounts_resolve_by_whole_components(void **state)
{
	char rel[NX_PATH_MAX];
	struct vfs_mount *m;

	(void)state;
	assert_int_equal(vfs_mount("/", &root_ops, &root_fs), 0);
	assert_int_equal(vfs_mount("/data", &data_ops, &data_fs), 0);
	assert_int_equal(vfs_mount("/data/deep", &deep_ops, &deep_fs), 0);
	assert_int_equal(vfs_mount("/data", &data_ops, &data_fs), -NX_EBUSY);
	assert_int_equal(vfs_mount("relative", &data_ops, &data_fs), -NX_EINVAL);

	m = vfs_resolve("/etc/motd", rel, sizeof(rel));
	assert_ptr_equal(m->fs, &root_fs);
	assert_string_equal(rel, "/etc/motd");
	m = vfs_resolve("/data", rel, sizeof(rel));
	assert_ptr_equal(m->fs, &data_fs);
	assert_string_equal(rel, "/");
	m = vfs_resolve("/data/x/y", rel, sizeof(rel));
	assert_ptr_equal(m->fs, &data_fs);
	assert_string_equal(rel, "/x/y");
	m = vfs_resolve("/dataset/x", rel, sizeof(rel));	/* not /data */
	assert_ptr_equal(m->fs, &root_fs);
	assert_string_equal(rel, "/dataset/x");
	m = vfs_resolve("/data/deep/z", rel, sizeof(rel));
	assert_ptr_equal(m->fs, &deep_fs);
	assert_string_equal(rel, "/z");
	assert_null(vfs_resolve("/data/xyz", rel, 4));	/* never truncated */
}

static void test_listings_add_the_mount_points_inside(void **state)
{
	struct nx_dirent de;

	(void)state;
	assert_int_equal(vfs_mount_child("/", 0, &de), 0);
	assert_string_equal(de.name, "data");
	assert_int_equal(de.type, NX_FT_DIR);
	assert_int_equal(vfs_mount_child("/", 1, &de), -NX_ENOENT);
	assert_int_equal(vfs_mount_child("/data", 0, &de), 0);
	assert_string_equal(de.name, "deep");
	assert_int_equal(vfs_mount_child("/data/deep", 0, &de), -NX_ENOENT);
	assert_int_equal(vfs_mount_child("/etc", 0, &de), -NX_ENOENT);
	assert_string_equal(vfs_mount_at(0)->point, "/");
	assert_null(vfs_mount_at(3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mounts_resolve_by_whole_components),
		cmocka_unit_test(test_listings_add_the_mount_points_inside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
