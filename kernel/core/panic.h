/* A broken invariant: print what and where, a backtrace, and halt. */
#ifndef PANIC_H
#define PANIC_H

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
