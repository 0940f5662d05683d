/*
 * The monitor's `net` command: the port table (what info(NX_INFO_NETPORT)
 * gives apps), the virtio-net driver's figures, and its crash and
 * restart by hand.
 */
#include <string.h>

#include <nexus/errno.h>

#include "core/kprintf.h"
#include "drivers/net_cmd.h"
#include "drivers/virtio_mmio.h"
#include "drivers/virtio_net.h"
#include "net/netswitch.h"

static void print_mac(const uint8_t *m)
{
	kprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void print_driver(void)
{
	struct vnet_info i;

	if (vnet_info(&i)) {
		kprintf("nic:    none (no modern virtio-net device)\n");
		return;
	}
	kprintf("nic:    virtio-net ");
	print_mac(i.mac);
	kprintf(", slot %u irq %u, queues rx %u tx %u, driver generation %u\n", i.slot,
		i.irq, i.rx_queue, i.tx_queue, i.generation);
	kprintf("driver: %lu interrupts; rx %lu frames, %lu errors, %lu notifies, "
		"%lu lost in restarts; tx %lu frames, %lu notifies, %lu lost in restarts\n",
		(unsigned long)i.interrupts, (unsigned long)i.rx_frames,
		(unsigned long)i.rx_errors, (unsigned long)i.rx_notifies,
		(unsigned long)i.rx_lost,
		(unsigned long)i.tx_frames, (unsigned long)i.tx_notifies,
		(unsigned long)i.tx_lost);
}

static void print_ports(void)
{
	struct nx_netport_info p;

	kprintf("port app  name            mac                rx frames    bytes  drops "
		"filtered  tx frames    bytes  drops  filter\n");
	for (unsigned i = 0; netswitch_info(&netswitch_system, i, &p) > 0; i++) {
		kprintf("%4u %4u  %-15s ", p.port, p.app_id, p.name);
		print_mac(p.mac);
		kprintf("  %9lu %8lu %6lu %8lu  %9lu %8lu %6lu ",
			(unsigned long)p.rx_frames, (unsigned long)p.rx_bytes,
			(unsigned long)p.rx_drops, (unsigned long)p.rx_filtered,
			(unsigned long)p.tx_frames, (unsigned long)p.tx_bytes,
			(unsigned long)p.tx_drops);
		if (p.flags & NX_NETF_UPLINK)
			kprintf(" uplink");
		if (p.flags & NX_NETF_MULTICAST)
			kprintf(" multicast");
		for (unsigned t = 0; t < NX_NET_ETHERTYPES; t++)
			if (p.ethertype[t])
				kprintf(" 0x%04x", p.ethertype[t]);
		kprintf("\n");
	}
}

void net_cmd(int argc, char **argv)
{
	int err;

	if (argc == 1) {
		print_driver();
		print_ports();
	} else if (argc == 2 && !strcmp(argv[1], "crash")) {
		if (vnet_crash())
			kprintf("net: no NIC\n");
	} else if (argc == 2 && !strcmp(argv[1], "restart")) {
		err = vnet_restart(0);
		if (err)
			kprintf("net: restart failed: error %d\n", err);
		else
			kprintf("net: device reset and queues rebuilt\n");
	} else {
		kprintf("usage: net [crash | restart]\n");
	}
}
