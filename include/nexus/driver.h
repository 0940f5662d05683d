/*
 * Driver apps: a device driver that runs at EL0 in a cell of its own,
 * started and supervised by the kernel. Frozen ABI; docs/drivers.md
 * describes the split between the driver and its supervisor.
 *
 * The kernel starts the driver's package itself and lends it two things:
 *
 * - The device's register window. The driver loads and stores there as
 *   any driver would (32-bit LDR/STR with an immediate offset); each
 *   access traps and the kernel performs it if the register is the
 *   driver's to touch. Registers the supervisor keeps (reset, status,
 *   queue addresses) and every byte outside the window are refused, and
 *   the driver is killed.
 * - One channel, opened with chan_open(name, len, NX_CHAN_DRIVER, &desc):
 *   ring tx carries the driver's messages to the kernel, ring rx the
 *   kernel's to the driver, NX_DRV_RING_SLOTS struct nx_msg each way.
 *   wait(slot) sleeps until a message or a device interrupt arrives.
 *
 * A block driver's conversation, every message a struct nx_msg:
 *
 *   driver -> kernel  NX_DRV_ATTACH   buf/len: zeroed memory of its own
 *                                     cell for the device's queue. The
 *                                     reply's status is the queue size or
 *                                     -NX_E; arg[0] the window's address,
 *                                     arg[1] its length, arg[2] the disk's
 *                                     capacity in sectors.
 *   kernel -> driver  NX_DRV_REQUEST  tag: the request id; arg[0]: sector;
 *                                     arg[1]: NX_DRV_READ/WRITE/FLUSH;
 *                                     buf/len: the data, lent for DMA
 *                                     until the request completes.
 *   driver -> kernel  NX_DRV_DONE     tag: the request id; status: 0 or
 *                                     -NX_EIO.
 *   kernel -> driver  NX_DRV_CRASH    debug kernels: arg[0] NX_DRV_CRASH_*.
 *
 * Before the device hears a queue notification, the kernel checks every
 * chain the driver made available: each buffer lies in the driver's own
 * cell or in the data of a request it was lent, in the direction of that
 * request. A driver that aims the device elsewhere is killed.
 */
#ifndef NEXUS_DRIVER_H
#define NEXUS_DRIVER_H

#define NX_DRV_RING_SLOTS	64	/* messages per ring, each way */

/* nx_msg.op on the driver channel */
#define NX_DRV_ATTACH		1
#define NX_DRV_REQUEST		2
#define NX_DRV_DONE		3
#define NX_DRV_CRASH		4

/* NX_DRV_REQUEST's arg[1] */
#define NX_DRV_READ		0
#define NX_DRV_WRITE		1
#define NX_DRV_FLUSH		2

/* NX_DRV_CRASH's arg[0]: what the driver does wrong */
#define NX_DRV_CRASH_FAULT	0	/* touches memory that is not its own */
#define NX_DRV_CRASH_MMIO	1	/* stores to a neighbouring device's registers */
#define NX_DRV_CRASH_DMA	2	/* aims the device at memory it was not lent */
#define NX_DRV_CRASH_RESET	3	/* resets its device: the supervisor's register */

#endif
