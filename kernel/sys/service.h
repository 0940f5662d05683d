/*
 * The kernel's own services on the standard channels every app starts
 * with (include/nexus/chan.h): console, fs (the initial image, read-only
 * for now) and sys; and the boot of the first app.
 */
#ifndef SYS_SERVICE_H
#define SYS_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "fs/tarfs.h"
#include "sys/chan.h"

struct app;

chan_serve_fn service_console;
chan_serve_fn service_fs;
chan_serve_fn service_sys;
chan_serve_fn service_net;

/*
 * @a's NetSwitch port as a new kernel-served channel (svc_net.c); the
 * caller has checked the promise and the capability. -NX_EBUSY (@a has
 * a port), -NX_ENOSPC (no free port or channel), -NX_ENOMEM (pool full).
 */
int service_net_open(struct app *a, struct channel **out);

/* The initial image: mounted once at boot. */
int service_mount_initrd(const void *img, size_t size);
/* Start the disk drivers and mount what the disks hold. */
void service_mount_disks(void);
int service_lookup_file(const char *path, struct tarfs_node *out);
/* @a is going: close its files. */
void service_fs_close_all(struct app *a);

/* 1 and the cell id when a RumKV hypervisor is underneath, else 0. */
uint32_t service_hv_cell(uint32_t *cell);
/* Spawn @path again for @parent, from a kernel fiber, soon. */
void service_restart_later(const char *path, struct app *parent, unsigned restarts);

/*
 * Start /bin/init.npk from the initial image, then route console input
 * to the foreground app for ever. On the boot fiber; never returns.
 */
__attribute__((noreturn)) void kernel_first_program(void);

/* svc_console.c: the input loop, and handing the input to the monitor. */
__attribute__((noreturn)) void service_route_input(void);
void service_console_monitor(void);

#endif
