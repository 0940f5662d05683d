/*
 * The SysTable: one read-only page the kernel maps into every app, at the
 * address in x0 when the app starts. The same on bare metal and inside a
 * RumKV cell. Frozen ABI: fields are only ever appended, and abi_version
 * says which exist.
 */
#ifndef NEXUS_SYSTABLE_H
#define NEXUS_SYSTABLE_H

#include <stddef.h>
#include <stdint.h>

#include <nexus/cap.h>
#include <nexus/chan.h>

#define NX_SYSTABLE_MAGIC	0x4e585553u	/* "NXUS" */
#define NX_ABI_VERSION		1u
#define NX_ARGS_MAX		1024		/* bytes of the argument string */

struct nx_systable {
	uint32_t magic;			/* NX_SYSTABLE_MAGIC */
	uint32_t abi_version;		/* NX_ABI_VERSION */
	uint32_t size;			/* bytes of this struct */
	uint32_t app_id;
	uint32_t parent_id;
	uint32_t spectrum;		/* 0 Photon, 1 Matter, 2 Gravity */
	char name[16];
	uint64_t clock_freq;		/* clock() ticks per second */
	uint64_t pledges;		/* current promises (NX_PLEDGE_*) */
	uint64_t cell_base;		/* the app's memory cell */
	uint64_t cell_size;
	uint32_t mem_quota;		/* pages the app may use */
	uint32_t hv_present;		/* 1: running in a RumKV cell */
	uint32_t hv_cell;		/* RumKV cell id when hv_present */
	uint32_t args_len;		/* bytes at args, without a NUL */
	uint64_t args;			/* "arg1 arg2 ...", NUL-terminated */
	struct nx_chan_desc console;	/* the standard channels */
	struct nx_chan_desc fs;
	struct nx_chan_desc sys;
	struct nx_cap_info caps[NX_CAP_SLOTS];	/* kept current by the kernel */
};
_Static_assert(offsetof(struct nx_systable, name) == 24, "systable name");
_Static_assert(offsetof(struct nx_systable, clock_freq) == 40, "systable clock_freq");
_Static_assert(offsetof(struct nx_systable, args) == 88, "systable args");
_Static_assert(offsetof(struct nx_systable, console) == 96, "systable console");
_Static_assert(offsetof(struct nx_systable, caps) == 168, "systable caps");
_Static_assert(sizeof(struct nx_systable) == 168 + 24 * NX_CAP_SLOTS, "systable size");
_Static_assert(sizeof(struct nx_systable) + NX_ARGS_MAX <= 4096, "systable page");

#endif
