/*
 * Channels: two ION rings between an app and a server (the kernel or
 * another app), and the message format of the kernel's own services.
 * Frozen ABI; docs/abi.md describes each operation.
 *
 * Every app starts with three service channels already open (their
 * descriptors are in its SysTable): console, fs and sys. A request is one
 * struct nx_msg pushed on the tx ring, then notify(slot); the reply, with
 * the same tag, arrives on the rx ring. Buffers are passed by address:
 * there is one address space, and the server checks that the caller may
 * read (or write) every byte before it touches any.
 */
#ifndef NEXUS_CHAN_H
#define NEXUS_CHAN_H

#include <stddef.h>
#include <stdint.h>

/* A channel as its holder sees it. */
struct nx_chan_desc {
	uint64_t tx;		/* ring the holder produces into */
	uint64_t rx;		/* ring the holder consumes */
	int32_t slot;		/* its capability slot */
	uint32_t elem_size;	/* bytes per ring slot */
};
_Static_assert(sizeof(struct nx_chan_desc) == 24, "nx_chan_desc size");

struct nx_msg {
	uint32_t op;
	uint32_t tag;		/* chosen by the client, echoed in the reply */
	int64_t status;		/* reply: a result >= 0 or -NX_E */
	uint64_t arg[4];
	uint64_t buf;		/* an address in the client's memory */
	uint64_t len;
};
_Static_assert(sizeof(struct nx_msg) == 64, "nx_msg size");
_Static_assert(offsetof(struct nx_msg, arg) == 16, "nx_msg arg");
_Static_assert(offsetof(struct nx_msg, buf) == 48, "nx_msg buf");

#define NX_CHAN_RING_SLOTS	16	/* service rings: 16 messages each way */

/* console */
#define NX_CON_WRITE		1	/* buf, len -> bytes written */
#define NX_CON_READ		2	/* buf, len -> bytes read (waits for input) */

/* fs: paths are buf/len, not NUL-terminated; open files are handles */
#define NX_FS_OPEN		1	/* path, arg0 = NX_O_* -> handle */
#define NX_FS_READ		2	/* arg0 = handle, arg1 = dst, len -> bytes */
#define NX_FS_CLOSE		3	/* arg0 = handle */
#define NX_FS_STAT		4	/* path, arg0 = struct nx_stat * */
#define NX_FS_READDIR		5	/* path, arg0 = index, arg1 = struct nx_dirent * */
#define NX_FS_WRITE		6	/* arg0 = handle, buf/len = data -> bytes */
#define NX_FS_FSYNC		7	/* arg0 = handle: durable when this returns */
#define NX_FS_MKDIR		8	/* path */
#define NX_FS_UNLINK		9	/* path: a file or an empty directory */
#define NX_FS_RENAME		10	/* path -> arg0/arg1 = new path address/length */
#define NX_FS_STATFS		11	/* path (any in the mount), arg0 = struct nx_statfs * */
#define NX_FS_SEEK		12	/* arg0 = handle, arg1 = offset -> offset */
#define NX_FS_SNAPSHOT		13	/* path (in the mount), arg0/arg1 = name: nexfs */
#define NX_FS_VERIFY		14	/* path (in the mount), arg0/arg1 = report text
					   buffer -> 0, or -NX_EIO if anything is bad */

#define NX_O_READ		0x1u
#define NX_O_WRITE		0x2u
#define NX_O_CREATE		0x4u
#define NX_O_TRUNC		0x8u	/* with WRITE: start empty */
#define NX_O_APPEND		0x10u	/* with WRITE: every write at the end */

#define NX_PATH_MAX		256

#define NX_FT_FILE		1
#define NX_FT_DIR		2

struct nx_stat {
	uint64_t size;
	uint32_t type;		/* NX_FT_* */
	uint32_t mode;
};
_Static_assert(sizeof(struct nx_stat) == 16, "nx_stat size");

struct nx_dirent {
	char name[64];
	uint64_t size;
	uint32_t type;
	uint32_t pad;
};
_Static_assert(sizeof(struct nx_dirent) == 80, "nx_dirent size");

struct nx_statfs {
	char type[16];		/* "tarfs", "littlefs", "nexfs" */
	uint64_t block_size;
	uint64_t blocks;
	uint64_t blocks_free;
};
_Static_assert(sizeof(struct nx_statfs) == 40, "nx_statfs size");

/* sys: what only the kernel can do, each behind a promise */
#define NX_SYSOP_KILL		1	/* arg0 = app id (PROC; own descendants) */
#define NX_SYSOP_POWEROFF	2	/* POWER */
#define NX_SYSOP_REBOOT		3	/* POWER */
#define NX_SYSOP_AUDIT_VERIFY	4	/* AUDIT -> records checked, or -NX_EIO
					   with arg0 of the reply = bad record */
#define NX_SYSOP_AUDIT_TAMPER	5	/* AUDIT, debug builds: flip a bit of record arg0 */
#define NX_SYSOP_MONITOR	6	/* POWER, debug builds: hand the console to the kernel monitor */
#define NX_SYSOP_AUDIT_EXPORT	7	/* AUDIT: print the chain for tools/provchain-verify */
#define NX_SYSOP_DRIVER_CRASH	8	/* POWER, debug builds: fault disk arg0's driver */

#endif
