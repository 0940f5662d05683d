/*
 * The arch trap code's way into the portable kernel for exceptions taken
 * from EL0: system calls, the app's own faults, and the check made on
 * every return to EL0.
 */
#ifndef SYS_USER_H
#define SYS_USER_H

#include <stdbool.h>
#include <stdint.h>

/* System call @nr with arguments @x[0..5]; the result goes to x0. */
int64_t syscall_entry(uint64_t nr, const uint64_t *x);
/* The running app faulted: it is killed (and audited); never returns. */
__attribute__((noreturn)) void user_fault(const char *what, uint64_t esr,
					  uint64_t far, uint64_t elr);
/*
 * A load or store of @size bytes at @addr by the running app faulted:
 * if @addr is in the device window the app was lent, its supervisor
 * performs the access (a store of *@val, or a load into it) and the
 * result is true. False: not the app's to touch, fault as usual (unless
 * the supervisor killed the app already, with its own reason).
 */
bool user_device_access(uint64_t addr, unsigned size, bool write, uint64_t *val);
/* The instruction at @pc in the running app's code, if EL0 may read it. */
bool user_fetch_insn(uint64_t pc, uint32_t *insn);
/* Before each return to EL0: preemption at the energy deadline, kills. */
void user_return(void);

#endif
