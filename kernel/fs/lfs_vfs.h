/* littlefs on a disk, mounted into the VFS. */
#ifndef FS_LFS_VFS_H
#define FS_LFS_VFS_H

#include "fs/vfs.h"

/* Mount the littlefs on virtio-blk disk @unit at @point; says why not. */
int lfs_vfs_mount(unsigned unit, const char *point);

#endif
