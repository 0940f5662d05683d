/*
 * The kernel monitor: a command shell on the console, in the kernel for
 * now (it becomes an EL0 app once apps exist).
 */
#ifndef MONITOR_H
#define MONITOR_H

__attribute__((noreturn)) void monitor_run(void);
/* Runs one command line; used by monitor_run() and by tests. */
void monitor_exec(char *line);

#endif
