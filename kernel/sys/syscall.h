/*
 * The system call table as the ABI defines it (numbers, names, argument
 * counts), shared by the dispatcher, the golden test and the fuzzer's
 * reports; and the calls implemented outside syscall.c.
 */
#ifndef SYS_SYSCALL_H
#define SYS_SYSCALL_H

#include <stdint.h>

#include <nexus/syscall.h>

struct app;

struct syscall_abi {
	uint32_t nr;
	const char *name;
	uint32_t nargs;
};

extern const struct syscall_abi syscall_abi[NX_SYS_COUNT];

int64_t sys_info(struct app *a, const uint64_t *x);

#endif
