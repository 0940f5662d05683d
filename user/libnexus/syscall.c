/* The twelve system calls: svc #0, number in x8, result in x0. */
#include "nexus.h"

static int64_t svc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
		   uint64_t a3, uint64_t a4)
{
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;
	register uint64_t x8 __asm__("x8") = nr;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x8)
			 : "memory");
	return (int64_t)x0;
}

void nx_exit(int code)
{
	svc(NX_SYS_EXIT, (uint64_t)(int64_t)code, 0, 0, 0, 0);
	__builtin_unreachable();
}

int nx_spawn(const char *path, const char *args, uint32_t flags)
{
	return (int)svc(NX_SYS_SPAWN, (uint64_t)path, strlen(path), (uint64_t)args,
			strlen(args), flags);
}

int nx_wait(int slot, uint64_t deadline, int64_t *status)
{
	return (int)svc(NX_SYS_WAIT, (uint64_t)(int64_t)slot, deadline,
			(uint64_t)status, 0, 0);
}

int nx_notify(int slot)
{
	return (int)svc(NX_SYS_NOTIFY, (uint64_t)(int64_t)slot, 0, 0, 0, 0);
}

int nx_chan_open(const char *name, uint32_t flags, struct nx_chan_desc *d)
{
	return (int)svc(NX_SYS_CHAN_OPEN, (uint64_t)name, strlen(name), flags,
			(uint64_t)d, 0);
}

int64_t nx_map(uint32_t op, uint64_t addr, uint64_t len)
{
	return svc(NX_SYS_MAP, op, addr, len, 0, 0);
}

int nx_cap(uint32_t op, int slot, uint64_t arg, int target)
{
	return (int)svc(NX_SYS_CAP, op, (uint64_t)(int64_t)slot, arg,
			(uint64_t)(int64_t)target, 0);
}

int nx_pledge(uint64_t promises)
{
	return (int)svc(NX_SYS_PLEDGE, promises, 0, 0, 0, 0);
}

int nx_unveil(const char *path, unsigned perms)
{
	return (int)svc(NX_SYS_UNVEIL, (uint64_t)path, path ? strlen(path) : 0, perms,
			0, 0);
}

uint64_t nx_clock(void)
{
	return (uint64_t)svc(NX_SYS_CLOCK, 0, 0, 0, 0, 0);
}

int64_t nx_info(uint32_t kind, uint64_t index, void *buf, uint64_t len)
{
	return svc(NX_SYS_INFO, kind, index, (uint64_t)buf, len, 0);
}

void nx_yield(void)
{
	svc(NX_SYS_YIELD, 0, 0, 0, 0, 0);
}

int64_t nx_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
		   uint64_t a3, uint64_t a4)
{
	return svc(nr, a0, a1, a2, a3, a4);
}
