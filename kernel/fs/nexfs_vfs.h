/* nexfs on a disk, mounted into the VFS. */
#ifndef FS_NEXFS_VFS_H
#define FS_NEXFS_VFS_H

#include "fs/vfs.h"

/* Mount the nexfs on virtio-blk disk @unit at @point; says why not. */
int nexfs_vfs_mount(unsigned unit, const char *point);

#endif
