/*
 * The NetSwitch's cost per frame, for the monitor's `bench`: on a switch
 * of its own (struct netswitch), so that the running system's ports, its
 * counters and its NIC never see a frame, and no figure waits on a device.
 */
#ifndef NET_SWITCHBENCH_H
#define NET_SWITCHBENCH_H

#include <stdint.h>

#define SWITCHBENCH_FRAME_LEN	1514	/* a full Ethernet frame: a TCP segment of 1460 */

/* Counter ticks spent in the switch, each figure for the same number of frames. */
struct switchbench {
	uint64_t unicast;	/* wire -> one app port */
	uint64_t broadcast;	/* wire -> every app port, NETSWITCH_PORTS of them */
	uint64_t to_wire;	/* app port -> uplink */
};

/*
 * Switch @frames frames each way and tear everything down again. 0,
 * -NX_ENOMEM, or -NX_EIO if a frame went astray: a dropped frame would
 * make the figures look cheaper than the work.
 */
int switchbench_run(uint64_t frames, struct switchbench *ticks);

#endif
