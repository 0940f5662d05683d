/*
 * The distributor filter at run time (Arm IHI 0069, GICv3 spec, 12.9:
 * the GICD_* registers). A cell's access is replayed on the real
 * register, limited to what the cell owns:
 *
 *  - per-INTID registers (one bit, two bits or one byte per INTID):
 *    reads show only owned SPIs, writes change only owned SPIs;
 *  - GICD_IROUTER<n> of an owned SPI: only a core of the cell may be
 *    named (no 1-of-N routing, which could pick any core);
 *  - GICD_CTLR reads through, writes are ignored: RumKV set affinity
 *    routing and the group enables once at boot (cell_boot.c), and one
 *    cell clearing EnableGrp1 would silence every cell;
 *  - GICD_TYPER, IIDR, TYPER2 and the ID registers read through;
 *  - everything else reads as zero and ignores writes (counted).
 *
 * Unowned INTIDs behave as unimplemented ones (RAZ/WI) and are not
 * counted: a guest's own init writes every SPI (Rumpk's gic.c does).
 *
 * Two cores of one cell may write the same register at the same time
 * (Linux sets up its SPIs from any core), so each read-modify-write
 * below holds vgic_lock from the read to the write. Cells never share a
 * register: cell_irqs() (cell_boot.c) gives each block of 32 INTIDs to
 * one cell at most, so the lock is only ever contended within a cell;
 * one lock for all keeps it simple. The lock uses exclusives on Device
 * memory, which only QEMU guarantees (see hv/arch/aarch64/spinlock.c).
 */
#include "cell.h"
#include "vgic_dist.h"

#define GICD_TYPER2		0x000c
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_IROUTER		0x6000
#define GICD_ID_REGS		0xffd0	/* PIDR4..CIDR3, PIDR2 at 0xffe8 */

uint64_t vgic_dist_base;
static struct spinlock vgic_lock;

/*
 * The real register is always accessed whole, 32 bits (64 for
 * IROUTER): a narrower access by the cell becomes a masked part of it,
 * so only two widths are ever replayed (12.1.3 allows both).
 */
static uint64_t gicd_read(uint32_t off, unsigned unit)
{
	uintptr_t a = (uintptr_t)(vgic_dist_base + off);

	return unit == 8 ? *(volatile uint64_t *)a : *(volatile uint32_t *)a;
}

static void gicd_write(uint32_t off, unsigned unit, uint64_t v)
{
	uintptr_t a = (uintptr_t)(vgic_dist_base + off);

	if (unit == 8)
		*(volatile uint64_t *)a = v;
	else
		*(volatile uint32_t *)a = (uint32_t)v;
}

/*
 * Bits per INTID of the per-INTID register bank holding @off, and the
 * bank's start in *bank; 0 if @off is in none. IGROUPR, IS/ICENABLER,
 * IS/ICPENDR and IS/ICACTIVER are 0x80-byte banks of one bit per INTID
 * from 0x80 to 0x3ff; IPRIORITYR has a byte, ICFGR two bits, IGRPMODR
 * one bit and IROUTER 64 bits per INTID.
 */
static unsigned field_bits(uint32_t off, uint32_t *bank)
{
	if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * 1024) {
		*bank = GICD_IROUTER;
		return 64;
	}
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		*bank = off & ~0x7fu;
		return 1;
	}
	if (off < GICD_IPRIORITYR + 0x400) {
		*bank = GICD_IPRIORITYR;
		return off >= GICD_IPRIORITYR ? 8 : 0;
	}
	*bank = off & ~0xffu;
	if (*bank == GICD_ICFGR)
		return 2;
	return *bank == GICD_IGRPMODR && off < GICD_IGRPMODR + 0x80;
}

uint64_t vgic_dist_access(struct cell *c, uint32_t off, unsigned size,
			  bool write, uint64_t val)
{
	uint32_t bank, first;
	unsigned bits = field_bits(off, &bank);
	unsigned unit = bits == 64 ? 8 : 4, sh = (off & (unit - 1)) * 8;
	uint64_t mask = 0, field = bits == 64 ? ~0ull : (1ull << bits) - 1;

	if ((off & (size - 1)) || size > unit)
		goto refuse;	/* not a register access (12.1.3) */
	if (!bits) {
		if (!write)
			return size == 4 && (off <= GICD_TYPER2 ||
					     off >= GICD_ID_REGS) ?
			       gicd_read(off, 4) : 0;
		if (off == 0 && size == 4)
			return 0;	/* GICD_CTLR: RumKV's, set at boot */
		goto refuse;
	}
	/* The owned INTIDs' fields in the whole register, then the bytes
	 * the cell touched. */
	off -= off & (unit - 1);
	first = (off - bank) * 8 / bits;
	for (unsigned i = 0; i < unit * 8 / bits; i++)
		if (cell_owns_irq(c, first + i))
			mask |= field << i * bits;
	mask &= (size == 8 ? ~0ull : (1ull << size * 8) - 1) << sh;
	if (!mask)
		return 0;	/* unowned: as if not implemented */
	if (!write)
		return (gicd_read(off, unit) & mask) >> sh;
	/*
	 * Set/clear banks (ISENABLER..ICACTIVER): a 0 bit is a no-op, so
	 * masking the value is enough, and writing back a value read would
	 * race with the hardware. The others: read-modify-write.
	 */
	val = val << sh & mask;
	spin_lock(&vgic_lock);
	if (off < GICD_ISENABLER || off >= GICD_IPRIORITYR)
		val |= gicd_read(off, unit) & ~mask;
	/* IROUTER: Aff3.Aff2.Aff1.Aff0 as in MPIDR; IRM (bit 31) never
	 * names one core, so 1-of-N routing is refused too. */
	if (bits == 64 && cell_core_index(c, val) < 0) {
		spin_unlock(&vgic_lock);
		goto refuse;
	}
	gicd_write(off, unit, val);
	spin_unlock(&vgic_lock);
	return 0;
refuse:
	if (write)
		cell_count_trap(c, NX_TRAP_GICD_REFUSED);
	return 0;
}
