/* Digest of a littlefs tree (see lfs_walk.h): FNV-1a over a pre-order walk. */
#include <stdio.h>
#include <string.h>

#include <nexus/errno.h>

#include "lfs_walk.h"

static void mix(uint64_t *h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ull;
}

static struct lfs_file wf;

static int walk(struct lfs *lfs, const char *dir, uint64_t *h, unsigned *n, int depth)
{
	struct lfs_dir d;
	struct lfs_info info;
	char path[512];
	uint8_t buf[512];
	int err;

	if (depth > 16)
		return -NX_ECORRUPT;
	if ((err = lfs_dir_open(lfs, &d, dir)))
		return err;
	while ((err = lfs_dir_read(lfs, &d, &info)) > 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, info.name);
		mix(h, path, strlen(path) + 1);
		mix(h, &info.type, 1);
		if (info.type == LFS_TYPE_DIR) {
			struct lfs_dir save = d;
			if ((err = walk(lfs, path, h, n, depth + 1)))
				return err;
			d = save;
			continue;
		}
		(*n)++;
		mix(h, &info.size, 4);
		if ((err = lfs_file_open(lfs, &wf, path, LFS_O_RDONLY)))
			return err;
		int32_t r;
		uint32_t total = 0;
		while ((r = lfs_file_read(lfs, &wf, buf, sizeof(buf))) > 0) {
			mix(h, buf, (size_t)r);
			total += (uint32_t)r;
		}
		lfs_file_close(lfs, &wf);
		if (r < 0)
			return r;
		if (total != info.size)
			return -NX_ECORRUPT;
	}
	return err;
}

int lfs_walk_digest(struct lfs *lfs, uint64_t *digest, unsigned *nfiles)
{
	unsigned n = 0;

	*digest = 0xcbf29ce484222325ull;
	int err = walk(lfs, "", digest, &n, 0);
	if (nfiles)
		*nfiles = n;
	return err;
}
