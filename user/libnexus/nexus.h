/*
 * libnexus: what an app links against. System call stubs, the SysTable,
 * the channel client, console I/O, a small printf, files and processes.
 * Functions return a value >= 0 or a negative NX_E error; nx_strerror()
 * names it.
 */
#ifndef LIBNEXUS_H
#define LIBNEXUS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <nexus/audit.h>
#include <nexus/cap.h>
#include <nexus/chan.h>
#include <nexus/driver.h>
#include <nexus/errno.h>
#include <nexus/pledge.h>
#include <nexus/syscall.h>
#include <nexus/systable.h>

#include "ion/ring.h"

/* Apps define this; argv[0] is the app's name. */
int main(int argc, char **argv);

/* System calls (syscall.c). */
__attribute__((noreturn)) void nx_exit(int code);
int nx_spawn(const char *path, const char *args, uint32_t flags);
int nx_wait(int slot, uint64_t deadline, int64_t *status);
int nx_notify(int slot);
int nx_chan_open(const char *name, uint32_t flags, struct nx_chan_desc *d);
int64_t nx_map(uint32_t op, uint64_t addr, uint64_t len);
int nx_cap(uint32_t op, int slot, uint64_t arg, int target);
int nx_pledge(uint64_t promises);
int nx_unveil(const char *path, unsigned perms);
uint64_t nx_clock(void);
/* Sleep to the next energy refill while the balance is low (pace.c). */
void nx_pace(void);
int64_t nx_info(uint32_t kind, uint64_t index, void *buf, uint64_t len);
void nx_yield(void);
/* Any call with any arguments: for the fuzzer. */
int64_t nx_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
		   uint64_t a3, uint64_t a4);

const struct nx_systable *nx_systable(void);

/* A channel's client side: send a request, get its reply (chan.c). */
struct nx_chan {
	struct ion_ring tx, rx;
	int slot;
	uint32_t tag;
};
int nx_chan_attach(struct nx_chan *c, const struct nx_chan_desc *d);
int64_t nx_call(struct nx_chan *c, struct nx_msg *m);
/* Raw message traffic, for app-to-app channels. */
int nx_send(struct nx_chan *c, const struct nx_msg *m);
int nx_recv(struct nx_chan *c, struct nx_msg *m, uint64_t deadline);

/* Console (io.c). */
int64_t nx_write(const void *buf, size_t len);
int64_t nx_read(void *buf, size_t len);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Files on the fs channel, POSIX-like. */
int open(const char *path, unsigned flags);
int64_t read(int fd, void *buf, size_t len);
int close(int fd);
int64_t write(int fd, const void *buf, size_t len);
int fsync(int fd);
int64_t lseek(int fd, uint64_t offset);	/* from the start */
int mkdir(const char *path);
int unlink(const char *path);
int rename(const char *from, const char *to);
int nx_statfs(const char *path, struct nx_statfs *st);
/* nexfs: a read-only snapshot, seen as MOUNT/NAME@snap; a check of every block. */
int nx_snapshot(const char *mount, const char *name);
int nx_verify(const char *mount, char *report, size_t len);
int nx_stat(const char *path, struct nx_stat *st);
int nx_readdir(const char *path, uint64_t index, struct nx_dirent *de);

/* Processes and the sys channel. */
int nx_run(const char *path, const char *args, bool foreground, int64_t *status);
int nx_kill(uint32_t id);
int nx_poweroff(void);
int64_t nx_audit_verify(uint64_t *bad);
int nx_audit_tamper(uint64_t record, uint64_t byte);
int nx_audit_export(void);
int nx_monitor(void);
int nx_driver_crash(unsigned disk, unsigned how);	/* debug builds; NX_DRV_CRASH_* */
int nx_sys(uint32_t op, uint64_t arg0, uint64_t arg1, struct nx_msg *reply);

const char *nx_strerror(int64_t err);
/* Split @s at spaces in place: up to @max words into @argv, NULL after. */
int nx_split(char *s, char **argv, int max);

/* Parsing (from lib/parse.c). */
#include "parse.h"

#endif
