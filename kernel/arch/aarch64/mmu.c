/*
 * The identity map. 4 KiB granule, 39-bit addresses, so translation
 * starts at level 1 (1 GiB per entry); level 2 maps 2 MiB blocks; level 3
 * maps 4 KiB pages where permissions differ inside a block: the kernel
 * image (text RX, rodata RO, data/bss RW, all XN but text) and guard pages.
 * SCTLR_EL1.WXN makes every writable page non-executable in hardware too.
 *
 * Devices are mapped only where the device tree puts them, so a stray
 * pointer into the rest of the low 1 GiB (flash at 0 included) faults.
 *
 * QEMU does not model caches, and the tables are written before the MMU
 * and caches are on; real hardware would need cache maintenance here.
 */
#include <string.h>

#include "core/kprintf.h"
#include "core/panic.h"
#include "core/platform.h"
#include "mm/page_alloc.h"
#include "arch/hal.h"
#include "mmu.h"
#include "sysreg.h"

#define MAIR_VALUE	(0x04ull | 0xffull << 8)  /* Device-nGnRE, Normal WB */
#define KERNEL_L3	2		/* kernel image up to 4 MiB */

uint64_t mmu_l1[512] __attribute__((aligned(4096)));
uint64_t mmu_l2[MAX_GIB][512] __attribute__((aligned(4096)));
static uint64_t l3_kernel[KERNEL_L3][512] __attribute__((aligned(4096)));

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[], __ksyms_start[], __ksyms_end[];
extern char __boot_stack_guard[], __overflow_stack_guard[];

uint64_t *mmu_l2_entry(uint64_t va)
{
	if (va >= MAX_GIB * GIB)
		return NULL;
	return &mmu_l2[va >> L1_SHIFT][(va >> L2_SHIFT) & 511];
}

static void map_device(uint64_t base, uint64_t size)
{
	for (uint64_t a = base & ~(BLOCK_2M - 1); a < base + size; a += BLOCK_2M) {
		uint64_t *e = mmu_l2_entry(a);

		if (!e) {
			kprintf("mmu: device at 0x%lx is above 4 GiB, not mapped\n",
				(unsigned long)a);
			return;
		}
		*e = a | DEVICE | PTE_VALID;
	}
}

/* Permissions of one page of the kernel image's 2 MiB blocks. */
static uint64_t kernel_page_attr(uint64_t a)
{
	if (a == (uint64_t)__boot_stack_guard || a == (uint64_t)__overflow_stack_guard)
		return 0;
	if (a >= (uint64_t)__text_start && a < (uint64_t)__text_end)
		return MEM_RX;
	if (a >= (uint64_t)__rodata_start && a < (uint64_t)__rodata_end)
		return MEM_RO;
	if (a >= (uint64_t)__ksyms_start && a < (uint64_t)__ksyms_end)
		return MEM_RO;
	return MEM_RW;
}

static void map_kernel(void)
{
	uint64_t start = (uint64_t)__text_start & ~(BLOCK_2M - 1);
	uint64_t end = ((uint64_t)__kernel_end + BLOCK_2M - 1) & ~(BLOCK_2M - 1);

	if ((end - start) / BLOCK_2M > KERNEL_L3)
		panic("mmu_init: kernel image larger than %d MiB", KERNEL_L3 * 2);
	for (uint64_t blk = start; blk < end; blk += BLOCK_2M) {
		uint64_t *l3 = l3_kernel[(blk - start) / BLOCK_2M];

		for (unsigned i = 0; i < 512; i++) {
			uint64_t a = blk + ((uint64_t)i << PAGE_SHIFT);
			uint64_t attr = kernel_page_attr(a);

			l3[i] = attr ? a | attr | PTE_TABLE | PTE_VALID : 0;
		}
		*mmu_l2_entry(blk) = (uint64_t)l3 | PTE_TABLE | PTE_VALID;
	}
}

static void map_memory(uint64_t base, uint64_t size)
{
	if (base + size > MAX_GIB * GIB) {
		kprintf("mmu: memory above 4 GiB is not used\n");
		size = MAX_GIB * GIB - base;
	}
	for (uint64_t a = base; a < base + size; a += BLOCK_2M)
		*mmu_l2_entry(a) = a | MEM_RW | PTE_VALID;
}

void mmu_init(const struct platform *p)
{
	uint64_t pa_range = sysreg_read(id_aa64mmfr0_el1) & 0xf;

	for (unsigned i = 0; i < MAX_GIB; i++)
		mmu_l1[i] = (uint64_t)mmu_l2[i] | PTE_TABLE | PTE_VALID;
	map_memory(p->mem_base, p->mem_size);
	map_kernel();
	map_device(p->uart_base, 0x1000);
	map_device(p->gicd_base, p->gicd_size);
	map_device(p->gicr_base, p->gicr_size);
	for (unsigned i = 0; i < p->nvirtio; i++)
		map_device(p->virtio[i].base, p->virtio[i].size);

	sysreg_write(mair_el1, MAIR_VALUE);
	/* T0SZ=25, walks inner/outer WB inner-shareable, 4K, no TTBR1. */
	sysreg_write(tcr_el1, 25 | 1ull << 8 | 1ull << 10 | 3ull << 12 |
		     1ull << 23 | pa_range << 32);
	sysreg_write(ttbr0_el1, (uint64_t)mmu_l1);
	dsb_ish();
	__asm__ volatile("tlbi vmalle1" : : : "memory");
	dsb_ish();
	isb();
	/* M, C, I, and WXN: a writable page is never executable. */
	sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | 1 | 1 << 2 | 1 << 12 |
		     1 << 19);
	isb();
}

static void tlb_flush_page(uint64_t va)
{
	dsb_ish();
	__asm__ volatile("tlbi vaae1is, %0" : : "r"(va >> PAGE_SHIFT) : "memory");
	dsb_ish();
	isb();
}

/*
 * Replace the kernel's level-2 entry for @va, break-before-make, then
 * copy it into every app view (space.c). The break must touch no memory
 * in the 2 MiB being changed, which may hold the running stack and the
 * app views' own tables: it is one asm sequence on the kernel's level-2
 * table alone, run on the kernel's view. The copies are written after
 * it, while no walker uses them, and a second flush drops any walk
 * cached through them. Interrupts are masked by the callers.
 */
void mmu_l2_update(uint64_t va, uint64_t entry)
{
	uint64_t *e = mmu_l2_entry(va);
	struct hal_space *view = hal_space_switch(NULL);

	__asm__ volatile("str xzr, [%0]\n"
			 "dsb ish\n"
			 "tlbi vmalle1is\n"
			 "dsb ish\n"
			 "str %1, [%0]\n"
			 "dsb ish\n"
			 "isb"
			 : : "r"(e), "r"(entry) : "memory");
	space_l2_changed(va, entry);
	dsb_ish();
	__asm__ volatile("tlbi vmalle1is" : : : "memory");
	dsb_ish();
	isb();
	hal_space_switch(view);
}

/*
 * The level-3 entry for @va, splitting its 2 MiB block into pages first.
 * Break-before-make: the block entry is invalidated and flushed before
 * the table replaces it. Nothing in the block may be touched meanwhile,
 * which holds because only pool memory is split and interrupts are off.
 */
static uint64_t *l3_entry(uint64_t va)
{
	uint64_t *e = mmu_l2_entry(va);
	uint64_t *l3;

	if (!e || !(*e & PTE_VALID))
		panic("mmu: 0x%lx is not mapped memory", (unsigned long)va);
	if (!(*e & PTE_TABLE)) {
		uint64_t block = *e & PTE_ADDR, attr = *e & ~PTE_ADDR;

		l3 = page_alloc();
		if (!l3)
			panic("mmu: no page for a level-3 table");
		for (unsigned i = 0; i < 512; i++)
			l3[i] = (block + ((uint64_t)i << PAGE_SHIFT)) | attr | PTE_TABLE;
		mmu_l2_update(va, (uint64_t)l3 | PTE_TABLE | PTE_VALID);
	}
	l3 = (uint64_t *)(*e & PTE_ADDR);
	return &l3[(va >> PAGE_SHIFT) & 511];
}

void hal_guard_page(void *page)
{
	uint64_t irq = hal_irq_save();
	uint64_t *e = l3_entry((uint64_t)page);

	*e = 0;
	tlb_flush_page((uint64_t)page);
	hal_irq_restore(irq);
}

void hal_unguard_page(void *page)
{
	uint64_t irq = hal_irq_save();
	uint64_t *e = l3_entry((uint64_t)page);

	*e = (uint64_t)page | MEM_RW | PTE_TABLE | PTE_VALID;
	tlb_flush_page((uint64_t)page);
	hal_irq_restore(irq);
}

/*
 * For core/attack.c only: what a compromised kernel would do to reach
 * memory its device tree does not give it. Only an empty level-2 slot is
 * filled, so nothing the kernel uses changes; an empty slot is already
 * the "break" of break-before-make (invalid entries are never cached in
 * the TLB), so the "make" needs only the barriers before first use.
 * Device-nGnRE rather than Normal: no speculative or cache-line accesses
 * reach the region, so the one load or store asked for is the first.
 */
bool hal_map_raw(uint64_t addr)
{
	uint64_t *e = mmu_l2_entry(addr);
	uint64_t irq;

	if (!e)
		return false;
	irq = hal_irq_save();
	if (!(*e & PTE_VALID))
		mmu_l2_update(addr, (addr & ~(BLOCK_2M - 1)) | DEVICE | PTE_VALID);
	hal_irq_restore(irq);
	return true;
}
