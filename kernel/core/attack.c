/*
 * attack: a debug command that makes Rumpk act like a compromised kernel
 * inside its RumKV cell. Each kind does something a kernel with full
 * control of EL1 could do, and the point of running it is to watch the
 * hypervisor stop it (tests/qemu/test_rumkv_attacks.py; the catalog is
 * in docs/hypervisor.md):
 *
 *   read ADDR, write ADDR   map ADDR into our own stage-1 tables and
 *                           access it; outside the cell, stage 2 faults
 *                           and RumKV terminates the cell
 *   hvc-fuzz N SEED         N seeded random hypercalls with bad
 *                           arguments; each must fail cleanly
 *   cpu-on MPIDR            PSCI CPU_ON for a core the cell does not own
 *
 * Nothing here is a kernel feature. A production build would leave the
 * file out; the tests need it in the normal image.
 */
#include <string.h>

#include <parse.h>

#include <nexus/errno.h>
#include <nexus/hypercall.h>

#include "arch/hal.h"
#include "core/attack.h"
#include "core/clock.h"
#include "core/hardpledge.h"
#include "core/kprintf.h"

/*
 * Where RumKV is linked (hv/arch/aarch64/rumkv.ld) on QEMU virt. A cell
 * is not told; an attacker would guess, and so does the fuzzer.
 */
#define RUMKV_BASE	0x7fc00000ull
#define RUMKV_SIZE	0x00400000ull

#define POKE_VALUE	0x4b434154u	/* "TACK": what a write attack stores */
#define FUZZ_CALLS	16		/* numbers 0..15: 4 known, 12 unknown */
#define FUZZ_MAX	10000000ull

#define PSCI_CPU_ON64	0xc4000003u
#define PSCI_ON_PENDING	(-5)

/* ---- read and write ---------------------------------------------------- */

/* Device memory must be accessed aligned, or stage 1 faults first. */
static bool attack_target(uint64_t a)
{
	if (a & 3) {
		kprintf("attack: 0x%lx is not 4-byte aligned\n", (unsigned long)a);
		return false;
	}
	if (!hal_map_raw(a)) {
		kprintf("attack: cannot map 0x%lx\n", (unsigned long)a);
		return false;
	}
	return true;
}

static void attack_read(uint64_t a)
{
	uint32_t v;

	if (!attack_target(a))
		return;
	kprintf("attack: reading 0x%lx\n", (unsigned long)a);
	v = *(volatile uint32_t *)(uintptr_t)a;
	kprintf("attack: read 0x%lx = 0x%08x: NOT stopped\n", (unsigned long)a, v);
}

static void attack_write(uint64_t a)
{
	if (!attack_target(a))
		return;
	kprintf("attack: writing 0x%08x to 0x%lx\n", POKE_VALUE, (unsigned long)a);
	*(volatile uint32_t *)(uintptr_t)a = POKE_VALUE;
	kprintf("attack: wrote 0x%lx: NOT stopped\n", (unsigned long)a);
}

/* ---- hypercall fuzzing ------------------------------------------------- */

enum fuzz_result { R_OK, R_ENOSYS, R_EFAULT, R_EPERM, R_EINVAL, R_OTHER, R_N };

struct fuzz {
	uint64_t state;			/* xorshift64, never 0 */
	uint64_t ram_base, ram_size;	/* the cell's RAM, as RumKV says */
	uint32_t held;			/* classes RumKV must say we hold */
	uint64_t count[R_N];
	uint64_t unexpected;		/* results that break the ABI */
};

/*
 * The one buffer RumKV may write to. NX_HC_CELL_INFO stores 64 bytes at
 * any address the fuzzer gives it inside the cell, so every such address
 * is steered into this buffer (see fuzz_arg), misaligned ones included.
 * Static: the kernel maps itself VA == PA, so the address is the IPA.
 */
static unsigned char fuzz_buf[128] __attribute__((aligned(64)));

/* Marsaglia's xorshift64: small, fast, and the same run for a seed. */
static uint64_t fuzz_next(struct fuzz *f)
{
	uint64_t x = f->state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	f->state = x;
	return x;
}

/* Whether [a, a + len) lies in the cell's RAM; no sum can wrap. */
static bool fuzz_in_ram(const struct fuzz *f, uint64_t a, uint64_t len)
{
	return a >= f->ram_base && a - f->ram_base <= f->ram_size &&
	       len <= f->ram_size - (a - f->ram_base);
}

/* An x1: mostly bad pointers of each kind a buggy range check misses. */
static uint64_t fuzz_pointer(struct fuzz *f)
{
	uint64_t r = fuzz_next(f), k = r >> 8;
	uint64_t buf = (uint64_t)(uintptr_t)fuzz_buf;

	switch (r % 10) {
	case 0: return 0;
	case 1: return buf;
	case 2: return buf + 1 + k % 63;		/* misaligned, in the cell */
	case 3: return f->ram_base + f->ram_size - 1 - k % 63;	/* runs off the end */
	case 4: return f->ram_base - 1 - k % 63;	/* starts below the RAM */
	case 5: return f->ram_base + f->ram_size + k % f->ram_size; /* next cell's */
	case 6: return RUMKV_BASE + k % RUMKV_SIZE;
	case 7: return ~0ull - k % 4096;		/* base + 64 wraps */
	case 8: return k % (2 * NX_TRAP_REASONS);	/* small numbers */
	default: return fuzz_next(f);
	}
}

/*
 * x1 for call @nr. Any 64 bytes wholly in the cell's RAM outside
 * fuzz_buf are moved into it, for every call number: a call that writes
 * through x1 must never hit the running kernel, even one added later.
 * Ranges that straddle the RAM's edges stay: RumKV must refuse them, and
 * if it did not, that is the bug this run exists to find. Pledge masks always keep the console: a cell that drops it is a
 * legitimate, separately tested outcome, but then this run could no
 * longer report. Other classes (net) may go for good.
 */
static uint64_t fuzz_arg(struct fuzz *f, uint64_t nr)
{
	uint64_t buf = (uint64_t)(uintptr_t)fuzz_buf;
	uint64_t x1 = fuzz_pointer(f);

	if (nr == NX_HC_PLEDGE) {
		if (fuzz_next(f) & 1)
			x1 &= NX_DEVCLASS_ALL;	/* plausible masks too */
		return x1 | NX_DEVCLASS_CONSOLE;
	}
	if (fuzz_in_ram(f, x1, sizeof(struct nx_cell_info)) &&
	    (x1 < buf || x1 - buf >= 64))
		x1 = buf + (x1 & 63);
	return x1;
}

/* What the ABI (include/nexus/hypercall.h) says call @nr must return. */
static int64_t fuzz_expected(const struct fuzz *f, uint64_t nr, uint64_t x1)
{
	switch (nr) {
	case NX_HC_VERSION:
		return 0;
	case NX_HC_CELL_INFO:
		return fuzz_in_ram(f, x1, sizeof(struct nx_cell_info)) ?
		       0 : -NX_EFAULT;
	case NX_HC_PLEDGE:
		return x1 & ~(uint64_t)f->held ? -NX_EPERM : 0;
	case NX_HC_TRAP_COUNT:
		return x1 < NX_TRAP_REASONS ? 0 : -NX_EINVAL;
	}
	return -NX_ENOSYS;
}

static enum fuzz_result fuzz_bucket(int64_t ret)
{
	switch (ret) {
	case 0: return R_OK;
	case -NX_ENOSYS: return R_ENOSYS;
	case -NX_EFAULT: return R_EFAULT;
	case -NX_EPERM: return R_EPERM;
	case -NX_EINVAL: return R_EINVAL;
	}
	return R_OTHER;
}

/* Whether the x1 a call returned, and what CELL_INFO stored, are right. */
static bool fuzz_output_ok(struct fuzz *f, uint64_t nr, uint64_t a1,
			   int64_t ret, uint64_t x1)
{
	struct nx_cell_info info;

	if (nr == NX_HC_VERSION)
		return x1 == NX_HV_ABI_VERSION;
	if (nr == NX_HC_PLEDGE) {
		if (ret == 0)
			f->held &= (uint32_t)a1;
		return x1 == f->held;
	}
	if (nr == NX_HC_CELL_INFO && ret == 0) {
		memcpy(&info, (void *)(uintptr_t)a1, sizeof(info));
		return info.mem_base == f->ram_base &&
		       info.mem_size == f->ram_size &&
		       info.devclasses == f->held;
	}
	return true;
}

static void fuzz_one(struct fuzz *f)
{
	uint64_t nr = fuzz_next(f) % FUZZ_CALLS;
	uint64_t a1 = fuzz_arg(f, nr), x1;
	int64_t want = fuzz_expected(f, nr, a1), ret;

	if (nr == NX_HC_CELL_INFO)
		memset(fuzz_buf, 0, sizeof(fuzz_buf));
	ret = hal_hypercall(nr, a1, &x1);
	f->count[fuzz_bucket(ret)]++;
	if (ret != want || !fuzz_output_ok(f, nr, a1, ret, x1)) {
		if (!f->unexpected)
			kprintf("hvc-fuzz: call %lu x1 0x%lx: got %ld, expected %ld "
				"(x1 back 0x%lx)\n", (unsigned long)nr,
				(unsigned long)a1, (long)ret, (long)want,
				(unsigned long)x1);
		f->unexpected++;
	}
}

/* The cell's RAM and classes, asked once with a known-good pointer. */
static bool fuzz_setup(struct fuzz *f, uint64_t seed)
{
	struct nx_cell_info *info = (struct nx_cell_info *)fuzz_buf;
	uint64_t x1;

	memset(f, 0, sizeof(*f));
	f->state = seed ^ 0x9e3779b97f4a7c15ull;	/* seed 0 is fine too */
	if (!f->state)
		f->state = 1;
	if (hal_hypercall(NX_HC_CELL_INFO, (uint64_t)(uintptr_t)info, &x1)) {
		kprintf("hvc-fuzz: NX_HC_CELL_INFO failed\n");
		return false;
	}
	f->ram_base = info->mem_base;
	f->ram_size = info->mem_size;
	f->held = info->devclasses;
	return true;
}

static void attack_hvc_fuzz(uint64_t n, uint64_t seed)
{
	struct fuzz f;
	uint64_t t0;

	if (n > FUZZ_MAX) {
		kprintf("hvc-fuzz: at most %lu calls\n", (unsigned long)FUZZ_MAX);
		return;
	}
	if (!hardpledge_under_rumkv()) {
		kprintf("hvc-fuzz: not running in a RumKV cell\n");
		return;
	}
	if (!fuzz_setup(&f, seed))
		return;
	t0 = clock_uptime_ns();
	for (uint64_t i = 0; i < n; i++)
		fuzz_one(&f);
	kprintf("hvc-fuzz: %lu calls (seed %lu): %lu ok, %lu -NX_ENOSYS, "
		"%lu -NX_EFAULT, %lu -NX_EPERM, %lu -NX_EINVAL, %lu other; "
		"%lu unexpected; classes 0x%x; %lu ms; cell still running\n",
		(unsigned long)n, (unsigned long)seed,
		(unsigned long)f.count[R_OK], (unsigned long)f.count[R_ENOSYS],
		(unsigned long)f.count[R_EFAULT], (unsigned long)f.count[R_EPERM],
		(unsigned long)f.count[R_EINVAL], (unsigned long)f.count[R_OTHER],
		(unsigned long)f.unexpected, f.held,
		(unsigned long)((clock_uptime_ns() - t0) / 1000000u));
}

/* ---- PSCI -------------------------------------------------------------- */

/*
 * The entry point handed to CPU_ON: if a core outside the cell were ever
 * started, it would spin here (MMU off, identity addresses) instead of
 * running kernel code on a second core.
 */
static void attack_parked_core(void)
{
	for (;;)
		;
}

static const char *psci_status(int64_t r)
{
	static const char *const names[] = {
		"SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED",
		"ALREADY_ON", "ON_PENDING", "INTERNAL_FAILURE", "NOT_PRESENT",
		"DISABLED", "INVALID_ADDRESS" };

	return r <= 0 && r > -10 ? names[-r] : "?";
}

static void attack_cpu_on(uint64_t mpidr)
{
	int64_t r;

	if (!hardpledge_under_rumkv()) {
		/* On bare QEMU with -smp 2 this would really start a core. */
		kprintf("cpu-on: not running in a RumKV cell\n");
		return;
	}
	r = hal_psci_call(PSCI_CPU_ON64, mpidr,
			  (uint64_t)(uintptr_t)attack_parked_core, 0);
	kprintf("cpu-on: PSCI CPU_ON(mpidr 0x%lx) = %ld (%s): %s\n",
		(unsigned long)mpidr, (long)r, psci_status(r),
		r == 0 || r == PSCI_ON_PENDING ? "a core was started: NOT stopped"
					       : "refused");
}

/* ---- the command ------------------------------------------------------- */

static void attack_usage(void)
{
	kprintf("usage: attack read ADDR | write ADDR | hvc-fuzz N SEED | "
		"cpu-on MPIDR\n"
		"debug only: each must be stopped by RumKV; a stopped read or "
		"write ends the cell\n");
}

void attack_cmd(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";
	uint64_t a, b;

	if (argc == 3 && parse_u64(argv[2], &a) && !strcmp(kind, "read"))
		attack_read(a);
	else if (argc == 3 && parse_u64(argv[2], &a) && !strcmp(kind, "write"))
		attack_write(a);
	else if (argc == 3 && parse_u64(argv[2], &a) && !strcmp(kind, "cpu-on"))
		attack_cpu_on(a);
	else if (argc == 4 && !strcmp(kind, "hvc-fuzz") &&
		 parse_u64(argv[2], &a) && parse_u64(argv[3], &b))
		attack_hvc_fuzz(a, b);
	else
		attack_usage();
}
