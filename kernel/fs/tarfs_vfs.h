/* tarfs's operations for vfs_mount(); the struct tarfs is the fs. */
#ifndef FS_TARFS_VFS_H
#define FS_TARFS_VFS_H

#include "fs/vfs.h"

extern const struct vfs_ops tarfs_vfs_ops;

#endif
