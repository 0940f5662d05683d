/* Console, files and processes over the standard channels. */
#include "fmt.h"
#include "nexus.h"

extern struct nx_chan nx_console, nx_fs, nx_sysch;

int64_t nx_write(const void *buf, size_t len)
{
	struct nx_msg m = { .op = NX_CON_WRITE, .buf = (uint64_t)buf, .len = len };

	return nx_call(&nx_console, &m);
}

int64_t nx_read(void *buf, size_t len)
{
	struct nx_msg m = { .op = NX_CON_READ, .buf = (uint64_t)buf, .len = len };

	return nx_call(&nx_console, &m);
}

struct out {
	char buf[256];
	size_t n;
	int total;
};

static void out_flush(struct out *o)
{
	if (o->n)
		nx_write(o->buf, o->n);
	o->n = 0;
}

static void out_sink(void *ctx, char c)
{
	struct out *o = ctx;

	if (o->n == sizeof(o->buf))
		out_flush(o);
	o->buf[o->n++] = c;
	o->total++;
}

int vprintf(const char *fmt, va_list ap)
{
	struct out o = { .n = 0 };

	fmt_vformat(out_sink, &o, fmt, ap);
	out_flush(&o);
	return o.total;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (int)n;
}

static int64_t fs_path(uint32_t op, const char *path, uint64_t a0, uint64_t a1)
{
	struct nx_msg m = { .op = op, .buf = (uint64_t)path, .len = strlen(path),
			    .arg = { a0, a1 } };

	return nx_call(&nx_fs, &m);
}

int open(const char *path, unsigned flags)
{
	return (int)fs_path(NX_FS_OPEN, path, flags, 0);
}

int64_t read(int fd, void *buf, size_t len)
{
	struct nx_msg m = { .op = NX_FS_READ, .arg = { (uint64_t)fd, (uint64_t)buf },
			    .len = len };

	return nx_call(&nx_fs, &m);
}

int64_t write(int fd, const void *buf, size_t len)
{
	struct nx_msg m = { .op = NX_FS_WRITE, .arg = { (uint64_t)fd },
			    .buf = (uint64_t)buf, .len = len };

	return nx_call(&nx_fs, &m);
}

int fsync(int fd)
{
	struct nx_msg m = { .op = NX_FS_FSYNC, .arg = { (uint64_t)fd } };

	return (int)nx_call(&nx_fs, &m);
}

int64_t lseek(int fd, uint64_t offset)
{
	struct nx_msg m = { .op = NX_FS_SEEK, .arg = { (uint64_t)fd, offset } };

	return nx_call(&nx_fs, &m);
}

int mkdir(const char *path)
{
	return (int)fs_path(NX_FS_MKDIR, path, 0, 0);
}

int unlink(const char *path)
{
	return (int)fs_path(NX_FS_UNLINK, path, 0, 0);
}

int rename(const char *from, const char *to)
{
	return (int)fs_path(NX_FS_RENAME, from, (uint64_t)to, strlen(to));
}

int nx_statfs(const char *path, struct nx_statfs *st)
{
	return (int)fs_path(NX_FS_STATFS, path, (uint64_t)st, 0);
}

int nx_snapshot(const char *mount, const char *name)
{
	return (int)fs_path(NX_FS_SNAPSHOT, mount, (uint64_t)name, strlen(name));
}

int nx_verify(const char *mount, char *report, size_t len)
{
	return (int)fs_path(NX_FS_VERIFY, mount, (uint64_t)report, len);
}

int close(int fd)
{
	struct nx_msg m = { .op = NX_FS_CLOSE, .arg = { (uint64_t)fd } };

	return (int)nx_call(&nx_fs, &m);
}

int nx_stat(const char *path, struct nx_stat *st)
{
	return (int)fs_path(NX_FS_STAT, path, (uint64_t)st, 0);
}

int nx_readdir(const char *path, uint64_t index, struct nx_dirent *de)
{
	return (int)fs_path(NX_FS_READDIR, path, index, (uint64_t)de);
}

int nx_sys(uint32_t op, uint64_t arg0, uint64_t arg1, struct nx_msg *reply)
{
	struct nx_msg m = { .op = op, .arg = { arg0, arg1 } };
	int64_t r = nx_call(&nx_sysch, &m);

	if (reply)
		*reply = m;
	return (int)r;
}

int nx_kill(uint32_t id)
{
	return nx_sys(NX_SYSOP_KILL, id, 0, NULL);
}

int nx_poweroff(void)
{
	return nx_sys(NX_SYSOP_POWEROFF, 0, 0, NULL);
}

int64_t nx_audit_verify(uint64_t *bad)
{
	struct nx_msg r;
	int64_t n = nx_sys(NX_SYSOP_AUDIT_VERIFY, 0, 0, &r);

	*bad = r.arg[0];
	return n;
}

int nx_audit_tamper(uint64_t record, uint64_t byte)
{
	return nx_sys(NX_SYSOP_AUDIT_TAMPER, record, byte, NULL);
}

int nx_audit_export(void)
{
	return nx_sys(NX_SYSOP_AUDIT_EXPORT, 0, 0, NULL);
}

int nx_driver_crash(unsigned disk, unsigned how)
{
	/* NX_SYSOP_DRIVER_CRASH's arg[1] for a disk (docs/abi.md); 1 is the NIC. */
	static const uint64_t kind[] = { [NX_DRV_CRASH_FAULT] = 0, [NX_DRV_CRASH_MMIO] = 2,
					 [NX_DRV_CRASH_DMA] = 3, [NX_DRV_CRASH_RESET] = 4 };

	if (how > NX_DRV_CRASH_RESET)
		return -NX_EINVAL;
	return nx_sys(NX_SYSOP_DRIVER_CRASH, disk, kind[how], NULL);
}

int nx_monitor(void)
{
	return nx_sys(NX_SYSOP_MONITOR, 0, 0, NULL);
}

int nx_run(const char *path, const char *args, bool foreground, int64_t *status)
{
	int slot = nx_spawn(path, args, foreground ? NX_SPAWN_FOREGROUND : 0);

	if (slot < 0)
		return slot;
	return nx_wait(slot, NX_DEADLINE_NEVER, status);
}

const char *nx_strerror(int64_t err)
{
	switch (-err) {
	case 0: return "success";
	case NX_EPERM: return "operation not permitted";
	case NX_ENOENT: return "no such file or object";
	case NX_EIO: return "input/output error";
	case NX_E2BIG: return "argument too large";
	case NX_EAGAIN: return "try again";
	case NX_ENOMEM: return "out of memory or over quota";
	case NX_EACCES: return "permission denied";
	case NX_EFAULT: return "bad address";
	case NX_EBUSY: return "busy";
	case NX_EEXIST: return "already exists";
	case NX_EINVAL: return "invalid argument";
	case NX_ENOSPC: return "no space left";
	case NX_EROFS: return "read-only file system";
	case NX_ERANGE: return "out of range";
	case NX_ENOSYS: return "no such call";
	case NX_ETIMEDOUT: return "timed out";
	}
	return "unknown error";
}
