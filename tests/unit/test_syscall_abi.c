/*
 * The golden test of the frozen ABI. Apps built today must run on every
 * later kernel, so the system call table (number, name and argument count
 * of each call, from kernel/sys/syscall_abi.c) and the layout of every
 * struct and constant in include/nexus/ that crosses the EL0 boundary are
 * rendered as text, one fact a line, and hashed with FNV-1a 64.
 *
 * Each section has its own expected hash, so a failure names the section
 * that changed and prints its facts for a reviewer to compare with the
 * previous commit. A mismatch means the ABI changed: undo the change.
 * Only appending a field to struct nx_systable (with NX_ABI_VERSION
 * bumped) or a layout change of struct nx_npk_header (with NX_NPK_VERSION
 * bumped) is allowed, and then the new hash is written below in the same
 * commit, where review sees it.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/audit.h>
#include <nexus/cap.h>
#include <nexus/chan.h>
#include <nexus/driver.h>
#include <nexus/energy.h>
#include <nexus/errno.h>
#include <nexus/net.h>
#include <nexus/npk.h>
#include <nexus/pledge.h>
#include <nexus/syscall.h>
#include <nexus/systable.h>

#include "sys/syscall.h"

/* The hash of the whole rendering, every section in order. */
#define ABI_HASH	UINT64_C(0x584dfae4da06e846)

#define FNV64_INIT	UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME	UINT64_C(0x100000001b3)

static uint64_t fnv1a64(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV64_PRIME;
	}
	return h;
}

struct text {
	char buf[8192];
	size_t len;
};

static void emit(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emit(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	/* A truncated rendering would hash the same for different ABIs. */
	assert_true(n >= 0 && (size_t)n < sizeof(t->buf) - t->len);
	t->len += (size_t)n;
}

/* ---- the system call table ---------------------------------------------- */

static void render_syscalls(struct text *t)
{
	emit(t, "NX_SYS_COUNT %d\n", NX_SYS_COUNT);
	for (unsigned i = 0; i < NX_SYS_COUNT; i++)
		emit(t, "%" PRIu32 " %s %" PRIu32 "\n", syscall_abi[i].nr,
		     syscall_abi[i].name, syscall_abi[i].nargs);
}

/* ---- struct layouts ------------------------------------------------------ */

struct field {
	const char *name;
	size_t offset, size;
};

#define F(s, m)	{ #m, offsetof(struct s, m), sizeof(((struct s *)0)->m) }

static void render_struct(struct text *t, const char *name, size_t size,
			  const struct field *f, size_t n)
{
	emit(t, "struct %s %zu\n", name, size);
	for (size_t i = 0; i < n; i++)
		emit(t, "  %s @%zu +%zu\n", f[i].name, f[i].offset, f[i].size);
}

#define STRUCT(t, s, ...)                                                  \
	do {                                                               \
		static const struct field f_[] = { __VA_ARGS__ };          \
		render_struct(t, #s, sizeof(struct s), f_,                 \
			      sizeof(f_) / sizeof(f_[0]));                 \
	} while (0)

static void render_systable(struct text *t)
{
	STRUCT(t, nx_systable, F(nx_systable, magic), F(nx_systable, abi_version),
	       F(nx_systable, size), F(nx_systable, app_id), F(nx_systable, parent_id),
	       F(nx_systable, spectrum), F(nx_systable, name), F(nx_systable, clock_freq),
	       F(nx_systable, pledges), F(nx_systable, cell_base), F(nx_systable, cell_size),
	       F(nx_systable, mem_quota), F(nx_systable, hv_present), F(nx_systable, hv_cell),
	       F(nx_systable, args_len), F(nx_systable, args), F(nx_systable, console),
	       F(nx_systable, fs), F(nx_systable, sys), F(nx_systable, caps));
}

static void render_channels(struct text *t)
{
	STRUCT(t, nx_chan_desc, F(nx_chan_desc, tx), F(nx_chan_desc, rx),
	       F(nx_chan_desc, slot), F(nx_chan_desc, elem_size));
	STRUCT(t, nx_msg, F(nx_msg, op), F(nx_msg, tag), F(nx_msg, status), F(nx_msg, arg),
	       F(nx_msg, buf), F(nx_msg, len));
	STRUCT(t, nx_stat, F(nx_stat, size), F(nx_stat, type), F(nx_stat, mode));
	STRUCT(t, nx_dirent, F(nx_dirent, name), F(nx_dirent, size), F(nx_dirent, type),
	       F(nx_dirent, pad));
	STRUCT(t, nx_statfs, F(nx_statfs, type), F(nx_statfs, block_size),
	       F(nx_statfs, blocks), F(nx_statfs, blocks_free));
}

static void render_cap_info(struct text *t)
{
	STRUCT(t, nx_cap_info, F(nx_cap_info, type), F(nx_cap_info, verbs),
	       F(nx_cap_info, object), F(nx_cap_info, epoch), F(nx_cap_info, flags));
}

static void render_info(struct text *t)
{
	STRUCT(t, nx_proc_info, F(nx_proc_info, id), F(nx_proc_info, parent),
	       F(nx_proc_info, name), F(nx_proc_info, spectrum), F(nx_proc_info, state),
	       F(nx_proc_info, energy), F(nx_proc_info, cpu_ticks), F(nx_proc_info, switches),
	       F(nx_proc_info, strikes), F(nx_proc_info, is_app), F(nx_proc_info, pledges),
	       F(nx_proc_info, mem_pages), F(nx_proc_info, mem_quota));
	STRUCT(t, nx_irq_info, F(nx_irq_info, irq), F(nx_irq_info, pad), F(nx_irq_info, count),
	       F(nx_irq_info, name));
	STRUCT(t, nx_mem_info, F(nx_mem_info, pages_total), F(nx_mem_info, pages_free));
	STRUCT(t, nx_mount_info, F(nx_mount_info, point), F(nx_mount_info, type));
	STRUCT(t, nx_audit_record, F(nx_audit_record, seq), F(nx_audit_record, time),
	       F(nx_audit_record, kind), F(nx_audit_record, subject),
	       F(nx_audit_record, object), F(nx_audit_record, pad), F(nx_audit_record, text),
	       F(nx_audit_record, prev), F(nx_audit_record, hash));
}

static void render_npk(struct text *t)
{
	STRUCT(t, nx_npk_capreq, F(nx_npk_capreq, channel), F(nx_npk_capreq, verbs),
	       F(nx_npk_capreq, pad));
	STRUCT(t, nx_npk_header, F(nx_npk_header, magic), F(nx_npk_header, version),
	       F(nx_npk_header, header_size), F(nx_npk_header, spectrum),
	       F(nx_npk_header, name), F(nx_npk_header, pledges),
	       F(nx_npk_header, energy_budget), F(nx_npk_header, restart),
	       F(nx_npk_header, mem_pages), F(nx_npk_header, stack_pages),
	       F(nx_npk_header, elf_offset), F(nx_npk_header, elf_size),
	       F(nx_npk_header, checksum), F(nx_npk_header, ncaps), F(nx_npk_header, caps));
}

/* ---- constants ------------------------------------------------------------ */

struct constant {
	const char *name;
	uint64_t value;
};

/* Two's complement for the negative ones (NX_WAIT_NONE), as x0 carries them. */
#define C(x)	{ #x, (uint64_t)(x) }

static void render_constants(struct text *t, const struct constant *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		emit(t, "%s 0x%" PRIx64 "\n", c[i].name, c[i].value);
}

#define CONSTANTS(t, ...)                                                  \
	do {                                                               \
		static const struct constant c_[] = { __VA_ARGS__ };       \
		render_constants(t, c_, sizeof(c_) / sizeof(c_[0]));       \
	} while (0)

static void render_sys_consts(struct text *t)
{
	CONSTANTS(t, C(NX_SYS_EXIT), C(NX_SYS_SPAWN), C(NX_SYS_WAIT), C(NX_SYS_NOTIFY),
		  C(NX_SYS_CHAN_OPEN), C(NX_SYS_MAP), C(NX_SYS_CAP), C(NX_SYS_PLEDGE),
		  C(NX_SYS_UNVEIL), C(NX_SYS_CLOCK), C(NX_SYS_INFO), C(NX_SYS_YIELD),
		  C(NX_SYS_COUNT), C(NX_WAIT_NONE), C(NX_DEADLINE_NEVER),
		  C(NX_SPAWN_FOREGROUND), C(NX_CHAN_CREATE), C(NX_CHAN_CONNECT),
		  C(NX_MAP_ALLOC), C(NX_MAP_FREE), C(NX_MAP_PROTECT), C(NX_NAME_MAX),
		  C(NX_SYSTABLE_MAGIC), C(NX_ABI_VERSION), C(NX_ARGS_MAX));
}

static void render_info_consts(struct text *t)
{
	CONSTANTS(t, C(NX_INFO_SELF), C(NX_INFO_PROC), C(NX_INFO_IRQ), C(NX_INFO_AUDIT),
		  C(NX_INFO_MEM), C(NX_INFO_MOUNT));
}

static void render_cap_consts(struct text *t)
{
	CONSTANTS(t, C(NX_CAP_SLOTS), C(NX_CAP_SPAWN), C(NX_CAP_SEND), C(NX_CAP_RECV),
		  C(NX_CAP_MAP), C(NX_CAP_MASK), C(NX_CAP_TICK), C(NX_CAP_GRANT),
		  C(NX_CAP_ALL), C(NX_CAP_EMPTY), C(NX_CAP_SELF), C(NX_CAP_CHANNEL),
		  C(NX_CAP_PROCESS), C(NX_CAP_OP_INSPECT), C(NX_CAP_OP_MASK),
		  C(NX_CAP_OP_GRANT), C(NX_CAP_OP_REVOKE), C(NX_CAP_INFO_DERIVED));
}

static void render_pledge_consts(struct text *t)
{
	CONSTANTS(t, C(NX_PLEDGE_STDIO), C(NX_PLEDGE_RPATH), C(NX_PLEDGE_WPATH),
		  C(NX_PLEDGE_CPATH), C(NX_PLEDGE_INET), C(NX_PLEDGE_EXEC),
		  C(NX_PLEDGE_PROC), C(NX_PLEDGE_AUDIT), C(NX_PLEDGE_POWER),
		  C(NX_PLEDGE_ALL), C(NX_PLEDGE_SPECTRUM_SHIFT), C(NX_PLEDGE_SPECTRUM_MASK),
		  C(NX_PLEDGE_PHOTON), C(NX_PLEDGE_MATTER), C(NX_PLEDGE_GRAVITY),
		  C(NX_UNVEIL_R), C(NX_UNVEIL_W), C(NX_UNVEIL_X), C(NX_UNVEIL_C),
		  C(NX_UNVEIL_ALL));
}

static void render_service_consts(struct text *t)
{
	CONSTANTS(t, C(NX_CHAN_RING_SLOTS), C(NX_CON_WRITE), C(NX_CON_READ),
		  C(NX_FS_OPEN), C(NX_FS_READ), C(NX_FS_CLOSE), C(NX_FS_STAT),
		  C(NX_FS_READDIR), C(NX_FS_WRITE), C(NX_FS_FSYNC), C(NX_FS_MKDIR),
		  C(NX_FS_UNLINK), C(NX_FS_RENAME), C(NX_FS_STATFS), C(NX_FS_SEEK),
		  C(NX_FS_SNAPSHOT), C(NX_FS_VERIFY), C(NX_O_READ), C(NX_O_WRITE),
		  C(NX_O_CREATE), C(NX_O_TRUNC), C(NX_O_APPEND),
		  C(NX_PATH_MAX), C(NX_FT_FILE), C(NX_FT_DIR), C(NX_SYSOP_KILL),
		  C(NX_SYSOP_POWEROFF), C(NX_SYSOP_REBOOT), C(NX_SYSOP_AUDIT_VERIFY),
		  C(NX_SYSOP_AUDIT_TAMPER), C(NX_SYSOP_MONITOR), C(NX_SYSOP_AUDIT_EXPORT),
		  C(NX_SYSOP_DRIVER_CRASH));
}

/* errno.h and energy.h are frozen too: apps compare against these values. */
static void render_other_consts(struct text *t)
{
	CONSTANTS(t, C(NX_EPERM), C(NX_ENOENT), C(NX_EIO), C(NX_E2BIG), C(NX_EAGAIN),
		  C(NX_ENOMEM), C(NX_EACCES), C(NX_EFAULT), C(NX_EBUSY), C(NX_EEXIST),
		  C(NX_EXDEV), C(NX_ENOTDIR), C(NX_EISDIR), C(NX_ENAMETOOLONG),
		  C(NX_ENOTEMPTY), C(NX_ECORRUPT),
		  C(NX_EINVAL), C(NX_ENOSPC), C(NX_EROFS), C(NX_ERANGE), C(NX_ENOSYS),
		  C(NX_ETIMEDOUT), C(NX_ENERGY_UNIT_NS), C(NX_ENERGY_SPAWN),
		  C(NX_ENERGY_SEND), C(NX_ENERGY_RECV), C(NX_ENERGY_MAP), C(NX_ENERGY_MASK),
		  C(NX_ENERGY_TICK), C(NX_ENERGY_GRANT), C(NX_NPK_MAGIC), C(NX_NPK_VERSION),
		  C(NX_NPK_NAME_MAX), C(NX_NPK_MAX_CAPS), C(NX_NPK_PAGE_SIZE),
		  C(NX_NPK_PHOTON), C(NX_NPK_MATTER), C(NX_NPK_GRAVITY),
		  C(NX_NPK_RESTART_NEVER), C(NX_NPK_RESTART_CRASH));
}

/* The NetSwitch: its call constants, frames and port records. */
static void render_net(struct text *t)
{
	CONSTANTS(t, C(NX_CHAN_NET), C(NX_INFO_NETPORT), C(NX_CAP_NET),
		  C(NX_NET_RING_SLOTS), C(NX_FRAME_DATA_MAX), C(NX_FRAME_DATA),
		  C(NX_FRAME_FILTER), C(NX_NETF_MULTICAST), C(NX_NETF_UPLINK),
		  C(NX_NET_ETHERTYPES));
	STRUCT(t, nx_frame, F(nx_frame, len), F(nx_frame, kind), F(nx_frame, pad),
	       F(nx_frame, data));
	STRUCT(t, nx_net_filter, F(nx_net_filter, ethertype), F(nx_net_filter, flags),
	       F(nx_net_filter, pad));
	STRUCT(t, nx_netport_info, F(nx_netport_info, port), F(nx_netport_info, app_id),
	       F(nx_netport_info, mac), F(nx_netport_info, flags),
	       F(nx_netport_info, ethertype), F(nx_netport_info, rx_frames),
	       F(nx_netport_info, rx_bytes), F(nx_netport_info, rx_drops),
	       F(nx_netport_info, rx_filtered), F(nx_netport_info, tx_frames),
	       F(nx_netport_info, tx_bytes), F(nx_netport_info, tx_drops),
	       F(nx_netport_info, name));
}

/* Driver apps: the channel flag and the messages on a driver's channel. */
static void render_driver(struct text *t)
{
	CONSTANTS(t, C(NX_CHAN_DRIVER), C(NX_DRV_RING_SLOTS), C(NX_DRV_ATTACH),
		  C(NX_DRV_REQUEST), C(NX_DRV_DONE), C(NX_DRV_CRASH), C(NX_DRV_READ),
		  C(NX_DRV_WRITE), C(NX_DRV_FLUSH), C(NX_DRV_CRASH_FAULT), C(NX_DRV_CRASH_MMIO),
		  C(NX_DRV_CRASH_DMA), C(NX_DRV_CRASH_RESET));
}

/* ---- the sections and their hashes -------------------------------------- */

static const struct section {
	const char *name;
	void (*render)(struct text *t);
	uint64_t want;
} sections[] = {
	{ "syscall table", render_syscalls, UINT64_C(0x2bcee9d6caac34e4) },
	{ "struct nx_systable", render_systable, UINT64_C(0xc1f51b2ee4930cbd) },
	{ "channel structs", render_channels, UINT64_C(0x120a911a9e392706) },
	{ "struct nx_cap_info", render_cap_info, UINT64_C(0xafa4360f3e479b8f) },
	{ "info structs", render_info, UINT64_C(0xdd0b5a40d2fc1260) },
	{ "npk structs", render_npk, UINT64_C(0xea387b415ad97dd4) },
	{ "NX_SYS_* and call constants", render_sys_consts, UINT64_C(0x7223b08a716abf91) },
	{ "NX_INFO_*", render_info_consts, UINT64_C(0x91779fde4ccda21d) },
	{ "NX_CAP_*", render_cap_consts, UINT64_C(0xe19d7eb868a317c2) },
	{ "NX_PLEDGE_* and NX_UNVEIL_*", render_pledge_consts, UINT64_C(0x6a2e0662b3ec9b74) },
	{ "NX_CON_*, NX_FS_*, NX_SYSOP_*", render_service_consts, UINT64_C(0xbf323d5c27eb2042) },
	{ "errno, energy, npk constants", render_other_consts, UINT64_C(0xbc63969655585d9b) },
	{ "NetSwitch", render_net, UINT64_C(0x4745912d99f8f40a) },
	{ "driver apps", render_driver, UINT64_C(0x005e2dc14f3966a5) },
};
#define NSECTIONS	(sizeof(sections) / sizeof(sections[0]))

/* The table indexes the dispatcher by number: entry i must be call i. */
static void test_table_is_indexed_by_number(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NX_SYS_COUNT; i++) {
		assert_int_equal(syscall_abi[i].nr, i);
		assert_non_null(syscall_abi[i].name);
		assert_true(syscall_abi[i].nargs <= 5);	/* x0..x4 */
	}
}

static void test_abi_hash(void **state)
{
	static struct text t;
	uint64_t all = FNV64_INIT;
	unsigned changed = 0;

	(void)state;
	for (size_t i = 0; i < NSECTIONS; i++) {
		const struct section *s = &sections[i];
		uint64_t h;

		t.len = 0;
		s->render(&t);
		h = fnv1a64(FNV64_INIT, t.buf, t.len);
		all = fnv1a64(all, s->name, strlen(s->name));
		all = fnv1a64(all, t.buf, t.len);
		if (h == s->want)
			continue;
		changed++;
		printf("ABI section \"%s\" changed: hash 0x%016" PRIx64
		       ", frozen 0x%016" PRIx64 ". Its facts now:\n%s\n",
		       s->name, h, s->want, t.buf);
	}
	if (all != ABI_HASH || changed)
		printf("ABI hash 0x%016" PRIx64 ", frozen 0x%016" PRIx64
		       " (%u of %zu sections changed)\n",
		       all, ABI_HASH, changed, NSECTIONS);
	fflush(stdout);	/* before cmocka's report on stderr */
	assert_int_equal(changed, 0);
	assert_true(all == ABI_HASH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_indexed_by_number),
		cmocka_unit_test(test_abi_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
