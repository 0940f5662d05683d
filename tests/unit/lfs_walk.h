/*
 * Test helpers for littlefs: a digest of everything a mounted file system
 * shows (every path, type, size and byte), so two states compare with ==.
 */
#ifndef TESTS_UNIT_LFS_WALK_H
#define TESTS_UNIT_LFS_WALK_H

#include <stdint.h>

#include "fs/lfs/lfs.h"

/* 0 and *digest, or the first error met. Counts go to *nfiles if set. */
int lfs_walk_digest(struct lfs *lfs, uint64_t *digest, unsigned *nfiles);

#endif
