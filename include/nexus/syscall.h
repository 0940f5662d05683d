/*
 * The twelve system calls: `svc #0` with the number in x8, arguments in
 * x0..x4, the result in x0 (a value >= 0, or a negative NX_E error).
 * Frozen: numbers, names and argument counts never change; a golden test
 * (tests/unit/test_syscall_abi.c) hashes them. docs/abi.md documents
 * every call: arguments, errors, the capability and promise it needs and
 * its energy price.
 *
 * All I/O travels over ION rings (include/nexus/chan.h). System calls only
 * create, wait, notify and narrow.
 */
#ifndef NEXUS_SYSCALL_H
#define NEXUS_SYSCALL_H

#include <stdint.h>

#define NX_SYS_EXIT		0	/* exit(code) */
#define NX_SYS_SPAWN		1	/* spawn(path, path_len, args, args_len, flags) */
#define NX_SYS_WAIT		2	/* wait(slot, deadline, status) */
#define NX_SYS_NOTIFY		3	/* notify(slot) */
#define NX_SYS_CHAN_OPEN	4	/* chan_open(name, name_len, flags, desc) */
#define NX_SYS_MAP		5	/* map(op, addr, len) */
#define NX_SYS_CAP		6	/* cap(op, slot, arg, out) */
#define NX_SYS_PLEDGE		7	/* pledge(promises) */
#define NX_SYS_UNVEIL		8	/* unveil(path, path_len, perms) */
#define NX_SYS_CLOCK		9	/* clock() */
#define NX_SYS_INFO		10	/* info(kind, index, buf, len) */
#define NX_SYS_YIELD		11	/* yield() */
#define NX_SYS_COUNT		12

/* wait(): the slot that means "no object, only the deadline". */
#define NX_WAIT_NONE		(-1)
/* Deadlines are absolute clock() ticks; this one never comes. */
#define NX_DEADLINE_NEVER	0

/* spawn() flags. */
#define NX_SPAWN_FOREGROUND	0x1u	/* the child reads the console */

/* chan_open() flags. */
#define NX_CHAN_CREATE		0x1u	/* register a new named channel */
#define NX_CHAN_CONNECT		0x2u	/* connect to a registered one */
#define NX_CHAN_NET		0x4u	/* open this app's NetSwitch port (<nexus/net.h>) */
#define NX_CHAN_DRIVER		0x8u	/* a driver app: its device channel (<nexus/driver.h>) */

/* map() operations. */
#define NX_MAP_ALLOC		0	/* len bytes of fresh RW memory */
#define NX_MAP_FREE		1	/* give back [addr, addr + len) */
#define NX_MAP_PROTECT		2	/* make [addr, addr + len) read-only */

/* info() kinds. */
#define NX_INFO_SELF		0	/* struct nx_proc_info of the caller */
#define NX_INFO_PROC		1	/* the index-th fiber: struct nx_proc_info */
#define NX_INFO_IRQ		2	/* index-th IRQ line: struct nx_irq_info */
#define NX_INFO_AUDIT		3	/* index-th audit record */
#define NX_INFO_MEM		4	/* struct nx_mem_info */
#define NX_INFO_MOUNT		5	/* index-th mount: struct nx_mount_info */
#define NX_INFO_NETPORT		6	/* index-th NetSwitch port: struct nx_netport_info */

#define NX_NAME_MAX		16

/* What info(NX_INFO_PROC) returns for each fiber, kernel or app. */
struct nx_proc_info {
	uint32_t id;
	uint32_t parent;	/* 0: the kernel */
	char name[NX_NAME_MAX];
	uint32_t spectrum;	/* 0 Photon .. 3 Void */
	uint32_t state;		/* 0 ready, 1 running, 2 blocked, 3 suspended, 4 exited */
	int64_t energy;		/* balance, energy units */
	uint64_t cpu_ticks;
	uint64_t switches;
	uint32_t strikes;
	uint32_t is_app;	/* 1: runs at EL0 */
	uint64_t pledges;
	uint32_t mem_pages;	/* in use, of the quota */
	uint32_t mem_quota;
};
_Static_assert(sizeof(struct nx_proc_info) == 80, "nx_proc_info size");

struct nx_irq_info {
	uint32_t irq;		/* 0xffffffff past the last line in use */
	uint32_t pad;
	uint64_t count;
	char name[NX_NAME_MAX];
};
_Static_assert(sizeof(struct nx_irq_info) == 32, "nx_irq_info size");

struct nx_mount_info {
	char point[32];		/* "/", "/data", ... */
	char type[16];		/* "tarfs", "littlefs", "nexfs" */
};
_Static_assert(sizeof(struct nx_mount_info) == 48, "nx_mount_info size");

struct nx_mem_info {
	uint64_t pages_total;
	uint64_t pages_free;
};
_Static_assert(sizeof(struct nx_mem_info) == 16, "nx_mem_info size");

#endif
