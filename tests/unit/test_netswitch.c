/*
 * The NetSwitch on the host: forwarding by destination MAC, group
 * frames, EtherType filters, drops that never block another port,
 * spoofing, hairpin, malformed frames, ports closing and reopening, and
 * a second switch that shares nothing with the first. The NIC is a stub
 * that records what the switch sends to the wire.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>
#include <nexus/net.h>

#include "net/netswitch.h"

#define WIRE_MAX	8

/* An app's side of its port: the rings as the app sees them, and wakes. */
struct app_port {
	int port;
	void *mem[2];
	struct ion_ring kernel_tx, kernel_rx;	/* the switch's views */
	struct ion_ring tx, rx;			/* the app's views */
	unsigned wakes;
};

static struct {
	struct nx_frame sent[WIRE_MAX];
	unsigned nsent, kicks;
	unsigned room;			/* frames the NIC still takes */
} wire;

static struct netswitch sw;

static const uint8_t nic_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const uint8_t outside[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

static int wire_send(const struct nx_frame *f)
{
	if (!wire.room)
		return -NX_EAGAIN;
	wire.room--;
	wire.sent[wire.nsent++ % WIRE_MAX] = *f;
	return 0;
}

static void wire_kick(void)
{
	wire.kicks++;
}

static const struct netswitch_uplink nic = { .send = wire_send, .kick = wire_kick };

static void count_wake(void *ctx)
{
	((struct app_port *)ctx)->wakes++;
}

static void *ring_mem(void)
{
	size_t n = ion_ring_bytes(NX_NET_RING_SLOTS, sizeof(struct nx_frame));
	void *mem = aligned_alloc(64, (n + 63) & ~(size_t)63);

	assert_non_null(mem);
	return mem;
}

static void port_open(struct app_port *a, uint32_t app_id, const char *name)
{
	size_t n = ion_ring_bytes(NX_NET_RING_SLOTS, sizeof(struct nx_frame));

	memset(a, 0, sizeof(*a));
	a->mem[0] = ring_mem();
	a->mem[1] = ring_mem();
	assert_int_equal(ion_ring_init(&a->kernel_tx, a->mem[0], n, NX_NET_RING_SLOTS,
				       sizeof(struct nx_frame)), 0);
	assert_int_equal(ion_ring_init(&a->kernel_rx, a->mem[1], n, NX_NET_RING_SLOTS,
				       sizeof(struct nx_frame)), 0);
	assert_int_equal(ion_ring_attach(&a->tx, a->mem[0], n), 0);
	assert_int_equal(ion_ring_attach(&a->rx, a->mem[1], n), 0);
	a->port = netswitch_port_open(&sw, app_id, name, &a->kernel_tx, &a->kernel_rx,
				      count_wake, a);
	assert_true(a->port >= 1);
}

static void port_close(struct app_port *a)
{
	netswitch_port_close(&sw, (unsigned)a->port);
	free(a->mem[0]);
	free(a->mem[1]);
}

static void mac_of(const struct app_port *a, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0x4e, 0x58, 0x00, 0x00, (uint8_t)a->port };

	memcpy(mac, m, 6);
}

static struct nx_frame frame(const uint8_t dst[6], const uint8_t src[6], uint16_t type,
			     unsigned len)
{
	struct nx_frame f = { .len = (uint16_t)len, .kind = NX_FRAME_DATA };

	memcpy(f.data, dst, 6);
	memcpy(f.data + 6, src, 6);
	f.data[12] = (uint8_t)(type >> 8);
	f.data[13] = (uint8_t)type;
	for (unsigned i = ETH_HLEN; i < len && i < NX_FRAME_DATA_MAX; i++)
		f.data[i] = (uint8_t)i;
	return f;
}

static void from_wire(const uint8_t dst[6], uint16_t type, unsigned len)
{
	struct nx_frame f = frame(dst, outside, type, len);

	netswitch_from_wire(&sw, f.data, len);
	netswitch_flush(&sw);
}

/* The app pushes @f on its tx ring and notifies. */
static void app_send(struct app_port *a, const struct nx_frame *f)
{
	assert_int_equal(ion_push(&a->tx, f, NULL), 0);
	assert_int_equal(netswitch_port_tx(&sw, (unsigned)a->port), 1);
}

static unsigned pending(struct app_port *a)
{
	return ion_count(&a->rx);
}

static struct nx_netport_info row(unsigned port)
{
	struct nx_netport_info info;

	for (unsigned i = 0; netswitch_info(&sw, i, &info) > 0; i++)
		if (info.port == port)
			return info;
	fail_msg("port %u not in the table", port);
	return info;
}

static int setup(void **state)
{
	(void)state;
	memset(&sw, 0, sizeof(sw));
	memset(&wire, 0, sizeof(wire));
	wire.room = 1000;
	netswitch_attach_uplink(&sw, nic_mac, &nic);
	return 0;
}

static void test_unicast_goes_to_the_port_owning_the_mac(void **state)
{
	struct app_port a, b;
	struct nx_frame got;
	uint8_t mac_b[6];

	(void)state;
	port_open(&a, 10, "alpha");
	port_open(&b, 11, "beta");
	mac_of(&b, mac_b);
	from_wire(mac_b, 0x0800, 100);
	assert_int_equal(pending(&a), 0);
	assert_int_equal(pending(&b), 1);
	assert_int_equal(b.wakes, 1);
	assert_int_equal(ion_pop(&b.rx, &got, NULL), 0);
	assert_int_equal(got.len, 100);
	assert_int_equal(got.kind, NX_FRAME_DATA);
	assert_memory_equal(got.data, mac_b, 6);
	assert_int_equal(got.data[99], 99);
	assert_int_equal(row((unsigned)b.port).rx_frames, 1);
	assert_int_equal(row((unsigned)b.port).rx_bytes, 100);
	assert_int_equal(row(0).rx_frames, 1);

	/* Nobody's address: the uplink counts it. */
	from_wire(nic_mac, 0x0800, 60);
	assert_int_equal(pending(&a) + pending(&b), 0);
	assert_int_equal(row(0).rx_drops, 1);
	port_close(&a);
	port_close(&b);
}

static void test_broadcast_reaches_every_port(void **state)
{
	struct app_port p[3];

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		port_open(&p[i], 20 + i, "bc");
	from_wire(bcast, 0x0806, 60);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(pending(&p[i]), 1);
		assert_int_equal(p[i].wakes, 1);
	}
	assert_int_equal(row(0).rx_drops, 0);
	for (unsigned i = 0; i < 3; i++)
		port_close(&p[i]);
}

static void test_multicast_only_to_ports_that_asked(void **state)
{
	struct app_port a, b;
	struct nx_frame f = { .len = sizeof(struct nx_net_filter), .kind = NX_FRAME_FILTER };
	struct nx_net_filter filt = { .flags = NX_NETF_MULTICAST };

	(void)state;
	port_open(&a, 30, "listener");
	port_open(&b, 31, "deaf");
	from_wire(mcast, 0x0800, 80);
	assert_int_equal(pending(&a) + pending(&b), 0);
	assert_int_equal(row(0).rx_drops, 1);

	memcpy(f.data, &filt, sizeof(filt));
	app_send(&a, &f);
	assert_int_equal(row((unsigned)a.port).flags, NX_NETF_MULTICAST);
	from_wire(mcast, 0x0800, 80);
	assert_int_equal(pending(&a), 1);
	assert_int_equal(pending(&b), 0);
	port_close(&a);
	port_close(&b);
}

static void test_ethertype_filter_refuses_and_counts(void **state)
{
	struct app_port a;
	struct nx_frame f = { .len = sizeof(struct nx_net_filter), .kind = NX_FRAME_FILTER };
	struct nx_net_filter filt = { .ethertype = { 0x0806 } };
	uint8_t mac[6];

	(void)state;
	port_open(&a, 40, "arp-only");
	mac_of(&a, mac);
	memcpy(f.data, &filt, sizeof(filt));
	app_send(&a, &f);
	assert_int_equal(row((unsigned)a.port).ethertype[0], 0x0806);
	assert_int_equal(row((unsigned)a.port).tx_frames, 0);	/* not a data frame */

	from_wire(mac, 0x0800, 60);
	from_wire(bcast, 0x86dd, 60);
	from_wire(mac, 0x0806, 60);
	assert_int_equal(pending(&a), 1);
	assert_int_equal(row((unsigned)a.port).rx_filtered, 2);
	assert_int_equal(row((unsigned)a.port).rx_frames, 1);
	assert_int_equal(row(0).rx_drops, 2);		/* nobody took those two */

	/* A filter with flags the ABI does not define is refused. */
	filt.flags = 0x80;
	memcpy(f.data, &filt, sizeof(filt));
	app_send(&a, &f);
	assert_int_equal(row((unsigned)a.port).tx_drops, 1);
	/* An empty list takes everything again. */
	memset(&filt, 0, sizeof(filt));
	memcpy(f.data, &filt, sizeof(filt));
	app_send(&a, &f);
	from_wire(mac, 0x0800, 60);
	assert_int_equal(pending(&a), 2);
	port_close(&a);
}

static void test_full_ring_drops_without_holding_up_others(void **state)
{
	struct app_port slow, fast;
	struct nx_frame got;

	(void)state;
	port_open(&slow, 50, "slow");
	port_open(&fast, 51, "fast");
	for (unsigned i = 0; i < NX_NET_RING_SLOTS + 5; i++) {
		from_wire(bcast, 0x0806, 60);
		assert_int_equal(ion_pop(&fast.rx, &got, NULL), 0);	/* fast keeps up */
	}
	assert_int_equal(pending(&slow), NX_NET_RING_SLOTS);
	assert_int_equal(row((unsigned)slow.port).rx_drops, 5);
	assert_int_equal(row((unsigned)slow.port).rx_frames, NX_NET_RING_SLOTS);
	assert_int_equal(row((unsigned)fast.port).rx_drops, 0);
	assert_int_equal(row((unsigned)fast.port).rx_frames, NX_NET_RING_SLOTS + 5);
	port_close(&slow);
	port_close(&fast);
}

static void test_spoofed_source_is_dropped(void **state)
{
	struct app_port a, b;
	uint8_t mac_a[6], mac_b[6];
	struct nx_frame f;

	(void)state;
	port_open(&a, 60, "honest");
	port_open(&b, 61, "liar");
	mac_of(&a, mac_a);
	mac_of(&b, mac_b);
	f = frame(outside, mac_a, 0x0800, 60);		/* b claims to be a */
	app_send(&b, &f);
	f = frame(outside, nic_mac, 0x0800, 60);	/* ... or the NIC */
	app_send(&b, &f);
	assert_int_equal(wire.nsent, 0);
	assert_int_equal(row((unsigned)b.port).tx_drops, 2);
	assert_int_equal(row((unsigned)b.port).tx_frames, 0);

	f = frame(outside, mac_b, 0x0800, 60);
	app_send(&b, &f);
	assert_int_equal(wire.nsent, 1);
	assert_int_equal(wire.kicks, 1);
	assert_memory_equal(wire.sent[0].data + 6, mac_b, 6);
	assert_int_equal(row(0).tx_frames, 1);
	assert_int_equal(row((unsigned)b.port).tx_frames, 1);
	port_close(&a);
	port_close(&b);
}

static void test_local_destination_hairpins(void **state)
{
	struct app_port a, b;
	uint8_t mac_a[6], mac_b[6];
	struct nx_frame f, got;

	(void)state;
	port_open(&a, 70, "client");
	port_open(&b, 71, "server");
	mac_of(&a, mac_a);
	mac_of(&b, mac_b);
	f = frame(mac_b, mac_a, 0x0800, 200);
	app_send(&a, &f);
	assert_int_equal(wire.nsent, 0);		/* never on the wire */
	assert_int_equal(pending(&b), 1);
	assert_int_equal(b.wakes, 1);
	assert_int_equal(ion_pop(&b.rx, &got, NULL), 0);
	assert_memory_equal(got.data, f.data, 200);

	/* Broadcast: the wire and every other port, not the sender. */
	f = frame(bcast, mac_a, 0x0806, 60);
	app_send(&a, &f);
	assert_int_equal(wire.nsent, 1);
	assert_int_equal(pending(&b), 1);
	assert_int_equal(pending(&a), 0);
	port_close(&a);
	port_close(&b);
}

static void test_runt_oversize_and_unknown_kind_are_refused(void **state)
{
	struct app_port a;
	uint8_t mac[6];
	struct nx_frame f;

	(void)state;
	port_open(&a, 80, "broken");
	mac_of(&a, mac);
	f = frame(outside, mac, 0x0800, 60);
	f.len = ETH_HLEN - 1;
	app_send(&a, &f);
	f.len = NX_FRAME_DATA_MAX + 1;
	app_send(&a, &f);
	f.len = 0xffff;
	app_send(&a, &f);
	f.len = 60;
	f.kind = 7;
	app_send(&a, &f);
	assert_int_equal(row((unsigned)a.port).tx_drops, 4);
	assert_int_equal(wire.nsent, 0);

	/* Largest and smallest frames pass. */
	f = frame(outside, mac, 0x0800, NX_FRAME_DATA_MAX);
	app_send(&a, &f);
	f = frame(outside, mac, 0x0800, ETH_HLEN);
	app_send(&a, &f);
	assert_int_equal(wire.nsent, 2);

	/* From the wire too. */
	netswitch_from_wire(&sw, f.data, ETH_HLEN - 1);
	netswitch_from_wire(&sw, f.data, NX_FRAME_DATA_MAX + 1);
	assert_int_equal(row(0).rx_drops, 2);
	assert_int_equal(pending(&a), 0);
	port_close(&a);
}

/*
 * Every frame the wire delivers is counted at the uplink exactly once:
 * taken by a port, or dropped there (too short, too long, nobody's,
 * filtered by everyone, or lost by the driver in a restart).
 */
static void test_every_frame_from_the_wire_is_accounted_for(void **state)
{
	struct app_port a;
	uint8_t mac[6];
	struct nx_netport_info up, port;

	(void)state;
	port_open(&a, 81, "counted");
	mac_of(&a, mac);
	from_wire(mac, 0x0800, 60);			/* taken */
	from_wire(bcast, 0x0806, 60);			/* taken */
	from_wire(nic_mac, 0x0800, 60);			/* nobody's */
	from_wire(mcast, 0x0800, 60);			/* nobody asked */
	from_wire(mac, 0x0800, ETH_HLEN - 1);		/* runt */
	netswitch_wire_lost(&sw, 100);			/* lost by the driver */
	netswitch_wire_lost(&sw, 0);
	up = row(0);
	port = row((unsigned)a.port);
	assert_int_equal(up.rx_frames, 7);
	assert_int_equal(up.rx_bytes, 4 * 60 + ETH_HLEN - 1 + 100);
	assert_int_equal(up.rx_drops, 5);
	assert_int_equal(port.rx_frames + port.rx_drops, up.rx_frames - up.rx_drops);
	assert_int_equal(pending(&a), 2);
	port_close(&a);
}

static void test_full_nic_queue_drops_and_counts(void **state)
{
	struct app_port a;
	uint8_t mac[6];
	struct nx_frame f;

	(void)state;
	port_open(&a, 90, "sender");
	mac_of(&a, mac);
	wire.room = 2;
	f = frame(outside, mac, 0x0800, 60);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(ion_push(&a.tx, &f, NULL), 0);
	assert_int_equal(netswitch_port_tx(&sw, (unsigned)a.port), 5);
	assert_int_equal(wire.nsent, 2);
	assert_int_equal(wire.kicks, 1);		/* one kick per batch */
	assert_int_equal(row(0).tx_frames, 2);
	assert_int_equal(row(0).tx_drops, 3);
	assert_int_equal(row((unsigned)a.port).tx_frames, 5);

	/* No NIC at all: frames for the wire are dropped, counted the same way. */
	netswitch_attach_uplink(&sw, NULL, NULL);
	app_send(&a, &f);
	assert_int_equal(row(0).tx_drops, 4);
	port_close(&a);
}

static void test_one_port_per_app_and_a_bounded_table(void **state)
{
	struct app_port p[NETSWITCH_PORTS];
	struct nx_netport_info info;

	(void)state;
	port_open(&p[0], 100, "first");
	assert_int_equal(netswitch_can_open(&sw, 100), -NX_EBUSY);
	assert_int_equal(netswitch_port_open(&sw, 100, "again", &p[0].kernel_tx,
					     &p[0].kernel_rx, count_wake, &p[0]), -NX_EBUSY);
	for (unsigned i = 1; i < NETSWITCH_PORTS; i++)
		port_open(&p[i], 100 + i, "many");
	assert_int_equal(netswitch_can_open(&sw, 999), -NX_ENOSPC);
	assert_int_equal(netswitch_info(&sw, 0, &info), 1 + NETSWITCH_PORTS);
	assert_int_equal(info.port, 0);
	assert_int_equal(info.flags, NX_NETF_UPLINK);
	assert_string_equal(info.name, "uplink");
	assert_memory_equal(info.mac, nic_mac, 6);
	assert_int_equal(netswitch_info(&sw, 1 + NETSWITCH_PORTS, &info), -NX_ENOENT);
	assert_int_equal(netswitch_info(&sw, 1, &info), 1 + NETSWITCH_PORTS);
	assert_int_equal(info.app_id, 100);
	assert_string_equal(info.name, "first");
	for (unsigned i = 0; i < NETSWITCH_PORTS; i++)
		port_close(&p[i]);
	assert_int_equal(netswitch_info(&sw, 1, &info), -NX_ENOENT);
}

static void test_closed_port_gets_nothing_and_reopens_clean(void **state)
{
	struct app_port a, b;
	uint8_t mac[6];
	struct nx_netport_info info;

	(void)state;
	port_open(&a, 110, "old");
	mac_of(&a, mac);
	from_wire(mac, 0x0800, 60);
	assert_int_equal(row((unsigned)a.port).rx_frames, 1);
	port_close(&a);
	from_wire(mac, 0x0800, 60);
	assert_int_equal(row(0).rx_drops, 1);
	assert_int_equal(netswitch_port_tx(&sw, 1), 0);	/* a closed port sends nothing */

	/* The same app may open again; the lowest free number comes back, counters zero. */
	port_open(&b, 110, "new");
	assert_int_equal(b.port, 1);
	info = row(1);
	assert_int_equal(info.rx_frames, 0);
	assert_string_equal(info.name, "new");
	assert_int_equal(info.mac[5], 1);
	from_wire(mac, 0x0800, 60);
	assert_int_equal(pending(&b), 1);
	port_close(&b);
}

static void test_long_names_are_cut_to_the_record(void **state)
{
	struct app_port a;

	(void)state;
	port_open(&a, 120, "a-name-much-longer-than-sixteen");
	assert_int_equal(strlen(row((unsigned)a.port).name), 15);
	port_close(&a);
}

/* The ring headers live in app memory: rewriting them misleads nobody but the app. */
static void test_scribbled_ring_headers_are_ignored(void **state)
{
	struct app_port a;
	uint8_t mac[6];
	struct nx_frame f;
	struct nx_ion_ring *tx, *rx;

	(void)state;
	port_open(&a, 130, "scribbler");
	mac_of(&a, mac);
	tx = a.mem[0];
	rx = a.mem[1];
	f = frame(outside, mac, 0x0800, 60);
	assert_int_equal(ion_push(&a.tx, &f, NULL), 0);
	tx->mask = 0xffffffffu;
	tx->elem_size = 4096;
	tx->slots_off = 0;
	rx->mask = 0xffffffffu;
	rx->elem_size = 8;
	assert_int_equal(netswitch_port_tx(&sw, (unsigned)a.port), 1);
	assert_int_equal(wire.nsent, 1);
	assert_int_equal(wire.sent[0].len, 60);
	from_wire(mac, 0x0800, 60);
	assert_int_equal(row((unsigned)a.port).rx_frames, 1);

	/* Indices that make no sense read as an empty tx ring and a full rx ring. */
	tx->head = tx->tail + 1000;
	assert_int_equal(netswitch_port_tx(&sw, (unsigned)a.port), 0);
	rx->tail = rx->head + 1000;
	rx->prod_cached_tail = rx->tail;
	from_wire(mac, 0x0800, 60);
	assert_int_equal(row((unsigned)a.port).rx_drops, 1);
	port_close(&a);
}

/* Zeroed memory is a switch of its own: nothing reaches or counts across. */
static void test_a_second_switch_shares_nothing(void **state)
{
	static struct netswitch other;
	struct nx_netport_info info;
	struct app_port a;
	struct nx_frame f;
	uint8_t mac[6];

	(void)state;
	port_open(&a, 140, "first");
	mac_of(&a, mac);
	f = frame(mac, outside, 0x0800, 60);
	assert_int_equal(netswitch_info(&other, 0, &info), 1);
	assert_int_equal(info.flags, NX_NETF_UPLINK);
	assert_string_equal(info.name, "uplink");
	assert_int_equal(netswitch_can_open(&other, 140), 0);

	netswitch_from_wire(&other, f.data, f.len);
	netswitch_flush(&other);
	assert_int_equal(pending(&a), 0);
	assert_int_equal(row(0).rx_frames, 0);
	assert_int_equal(netswitch_info(&other, 0, &info), 1);
	assert_int_equal(info.rx_frames, 1);
	assert_int_equal(info.rx_drops, 1);		/* no port there */
	assert_int_equal(wire.nsent, 0);
	port_close(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unicast_goes_to_the_port_owning_the_mac, setup),
		cmocka_unit_test_setup(test_broadcast_reaches_every_port, setup),
		cmocka_unit_test_setup(test_multicast_only_to_ports_that_asked, setup),
		cmocka_unit_test_setup(test_ethertype_filter_refuses_and_counts, setup),
		cmocka_unit_test_setup(test_full_ring_drops_without_holding_up_others, setup),
		cmocka_unit_test_setup(test_spoofed_source_is_dropped, setup),
		cmocka_unit_test_setup(test_local_destination_hairpins, setup),
		cmocka_unit_test_setup(test_runt_oversize_and_unknown_kind_are_refused, setup),
		cmocka_unit_test_setup(test_every_frame_from_the_wire_is_accounted_for, setup),
		cmocka_unit_test_setup(test_full_nic_queue_drops_and_counts, setup),
		cmocka_unit_test_setup(test_one_port_per_app_and_a_bounded_table, setup),
		cmocka_unit_test_setup(test_closed_port_gets_nothing_and_reopens_clean, setup),
		cmocka_unit_test_setup(test_long_names_are_cut_to_the_record, setup),
		cmocka_unit_test_setup(test_scribbled_ring_headers_are_ignored, setup),
		cmocka_unit_test_setup(test_a_second_switch_shares_nothing, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
