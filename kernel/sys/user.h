/*
 * The arch trap code's way into the portable kernel for exceptions taken
 * from EL0: system calls, the app's own faults, and the check made on
 * every return to EL0.
 */
#ifndef SYS_USER_H
#define SYS_USER_H

#include <stdint.h>

/* System call @nr with arguments @x[0..5]; the result goes to x0. */
int64_t syscall_entry(uint64_t nr, const uint64_t *x);
/* The running app faulted: it is killed (and audited); never returns. */
__attribute__((noreturn)) void user_fault(const char *what, uint64_t esr,
					  uint64_t far, uint64_t elr);
/* Before each return to EL0: preemption at the energy deadline, kills. */
void user_return(void);

#endif
