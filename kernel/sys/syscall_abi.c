/* The frozen table: tests/unit/test_syscall_abi.c holds its hash. */
#include "sys/syscall.h"

const struct syscall_abi syscall_abi[NX_SYS_COUNT] = {
	{ NX_SYS_EXIT, "exit", 1 },
	{ NX_SYS_SPAWN, "spawn", 5 },
	{ NX_SYS_WAIT, "wait", 3 },
	{ NX_SYS_NOTIFY, "notify", 1 },
	{ NX_SYS_CHAN_OPEN, "chan_open", 4 },
	{ NX_SYS_MAP, "map", 3 },
	{ NX_SYS_CAP, "cap", 4 },
	{ NX_SYS_PLEDGE, "pledge", 1 },
	{ NX_SYS_UNVEIL, "unveil", 3 },
	{ NX_SYS_CLOCK, "clock", 0 },
	{ NX_SYS_INFO, "info", 4 },
	{ NX_SYS_YIELD, "yield", 0 },
};
