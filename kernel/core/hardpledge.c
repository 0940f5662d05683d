/*
 * The Rumpk side of RumKV's hypercalls (include/nexus/hypercall.h):
 * hard pledges, cell facts, trap counts, and a raw MMIO read to show a
 * dropped device is really gone.
 *
 * Detecting RumKV safely. An HVC at EL1 is UNDEFINED when EL2 is not
 * implemented, and means something else to another hypervisor, so the
 * first hypercall is only made when all of these hold:
 *   1. the kernel was entered at EL1 (at EL2 it dropped itself to EL1
 *      and nothing runs above it; hosted builds have no platform);
 *   2. ID_AA64PFR0_EL1.EL2 != 0: EL2 exists, so HVC traps to it;
 *   3. the device tree's PSCI method is "smc": RumKV traps SMC and says
 *      so in every cell's tree, while QEMU's EL1-only machine and KVM
 *      guests say "hvc".
 * Then NX_HC_VERSION must answer 0 with NX_HV_ABI_VERSION in x1.
 */
#include <parse.h>

#include <nexus/errno.h>
#include <nexus/hypercall.h>

#include "arch/hal.h"
#include "core/hardpledge.h"
#include "core/kernel.h"
#include "core/kprintf.h"
#include "core/platform.h"

struct hc_result {
	int64_t x0;
	uint64_t x1;
};

static struct hc_result hc_call(uint64_t nr, uint64_t a1)
{
	struct hc_result r;

	r.x0 = hal_hypercall(nr, a1, &r.x1);
	return r;
}

bool hardpledge_under_rumkv(void)
{
	static int known = -1;	/* -1: not asked yet */
	const struct boot_info *bi = kernel_boot_info();
	struct hc_result r;

	if (known >= 0)
		return known;
	known = 0;
	if (!bi->plat || bi->entry_el != 1 || !hal_el2_implemented() ||
	    bi->plat->psci != PSCI_SMC)
		return false;
	r = hc_call(NX_HC_VERSION, 0);
	known = r.x0 == 0 && r.x1 == NX_HV_ABI_VERSION;
	return known;
}

static void print_classes(uint32_t m)
{
	static const char *const names[] = { "console", "net", "block", "rng",
					     "other" };

	kprintf("0x%x (", m);
	for (unsigned i = 0, first = 1; i < 5; i++)
		if (m & (1u << i)) {
			kprintf("%s%s", first ? "" : " ", names[i]);
			first = 0;
		}
	kprintf(")");
}

static bool need_rumkv(const char *cmd)
{
	if (hardpledge_under_rumkv())
		return true;
	kprintf("%s: not running in a RumKV cell\n", cmd);
	return false;
}

void hardpledge_cmd(int argc, char **argv)
{
	uint64_t keep = NX_DEVCLASS_CONSOLE;
	struct hc_result r;

	if (argc > 2 || (argc == 2 && !parse_u64(argv[1], &keep))) {
		kprintf("usage: hardpledge [KEEP-MASK] (default 0x%x: console)\n",
			NX_DEVCLASS_CONSOLE);
		return;
	}
	if (!need_rumkv("hardpledge"))
		return;
	r = hc_call(NX_HC_PLEDGE, keep);
	if (r.x0 == -NX_EPERM) {
		kprintf("hardpledge: refused (-NX_EPERM): a pledge only narrows\n");
		return;
	}
	if (r.x0) {
		kprintf("hardpledge: error %ld\n", (long)r.x0);
		return;
	}
	kprintf("hardpledge: now holding ");
	print_classes((uint32_t)r.x1);
	kprintf("; every other device is unmapped for good\n");
}

void hvinfo_cmd(int argc, char **argv)
{
	static const char *const reasons[NX_TRAP_REASONS] = {
		"hvc", "smc", "dabt", "iabt", "irq", "sysreg",
		"pledge-refused", "other", "gic-refused" };
	/* Static: the kernel maps itself VA == PA, so its address is the IPA. */
	static struct nx_cell_info info;
	struct hc_result r;

	(void)argc, (void)argv;
	if (!need_rumkv("hv-info"))
		return;
	r = hc_call(NX_HC_CELL_INFO, (uint64_t)(uintptr_t)&info);
	if (r.x0) {
		kprintf("hv-info: error %ld\n", (long)r.x0);
		return;
	}
	kprintf("cell %u (%s): %u cpu(s), %lu MiB at 0x%lx, device classes ",
		info.cell_id, info.name, info.ncpus,
		(unsigned long)(info.mem_size >> 20),
		(unsigned long)info.mem_base);
	print_classes(info.devclasses);
	kprintf("\ntraps:");
	for (unsigned i = 0; i < NX_TRAP_REASONS; i++) {
		r = hc_call(NX_HC_TRAP_COUNT, i);
		kprintf(" %s %lu", reasons[i], r.x0 ? 0ul : (unsigned long)r.x1);
	}
	kprintf("\n");
}

/* Only devices the kernel's own page tables map (mmu.c): no panic. */
static bool poke_mapped(const struct platform *p, uint64_t a)
{
	if (a - p->uart_base < 0x1000)
		return true;
	for (unsigned i = 0; i < p->nvirtio; i++)
		if (a - p->virtio[i].base < p->virtio[i].size)
			return true;
	return false;
}

void mmio_poke_cmd(int argc, char **argv)
{
	const struct platform *p = kernel_boot_info()->plat;
	uint64_t a;

	if (argc != 2 || !parse_u64(argv[1], &a) || (a & 3)) {
		kprintf("usage: mmio-poke ADDR (4-byte aligned)\n");
		return;
	}
	if (!p || !poke_mapped(p, a)) {
		kprintf("mmio-poke: 0x%lx is not a UART or virtio-mmio register\n",
			(unsigned long)a);
		return;
	}
	kprintf("mmio-poke: 0x%lx = 0x%08x\n", (unsigned long)a,
		*(volatile uint32_t *)(uintptr_t)a);
}
