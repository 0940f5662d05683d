"""The NetSwitch in the booted system: the virtio-net driver as its
uplink on QEMU user networking, an app's port (user/nettest resolves the
gateway 10.0.2.2 with raw ARP frames), the promise and capability a port
needs, the port table, Blink restarting a crashed NIC driver, and the
monitor's switch benchmark leaving the system's switch alone."""
import re

import pytest

from nexus import PROMPT, net_args, shell_machine

GATEWAY_MAC = "52:55:0a:00:02:02"	# QEMU's user network answers for 10.0.2.2
NIC_MAC = "52:54:00:12:34:56"		# QEMU's default for the first NIC


def shell(nic=True):
    return shell_machine(timeout=60, extra=net_args() if nic else None)


@pytest.fixture
def sh():
    m = shell()
    yield m
    m.close()


def to_monitor(m):
    """The shell hands the console to the kernel monitor, for good."""
    m.cmd("monitor", prompt=False)
    m.child.expect_exact(PROMPT)
    m.prompt = PROMPT


def port_rows(m):
    """The monitor's port table as {port: (app, name, mac, counters...)}."""
    rows = {}
    for line in m.cmd("net").splitlines():
        r = re.match(r"\s*(\d+)\s+(\d+)\s+(\S+)\s+([0-9a-f:]{17})((?:\s+\d+){7})", line)
        if r:
            counts = [int(v) for v in r.group(5).split()]
            rows[int(r.group(1))] = (int(r.group(2)), r.group(3), r.group(4), *counts)
    return rows


def test_nettest_resolves_the_gateway_through_its_port(sh):
    assert re.search(r"net: virtio-net %s, irq \d+" % NIC_MAC, sh.banner), sh.banner
    out = sh.cmd("nettest")
    assert "nettest: port 1, mac 02:4e:58:00:00:01" in out
    assert f"nettest: 10.0.2.2 is at {GATEWAY_MAC}" in out
    assert "exited with" not in out		# the shell reports only failures
    assert "nettest: a second port: busy" in out
    r = re.search(r"port 1: rx (\d+) frames (\d+) bytes, (\d+) filtered, (\d+) dropped; "
                  r"tx (\d+) frames (\d+) bytes, (\d+) dropped", out)
    assert r, out
    rx, rx_bytes, _, rx_drops, tx, tx_bytes, tx_drops = map(int, r.groups())
    assert rx >= 1 and rx_bytes >= 42 * rx and rx_drops == 0
    assert tx >= 1 and tx_bytes == 60 * tx and tx_drops == 0

    # The port closed with the app; the uplink counted both directions.
    to_monitor(sh)
    rows = port_rows(sh)
    assert list(rows) == [0], rows
    app, name, mac, rx_up, _, drops_up, _, tx_up, _, txdrops_up = rows[0]
    assert (app, name, mac) == (0, "uplink", NIC_MAC)
    assert rx_up >= rx and tx_up == tx and txdrops_up == 0
    irqs = dict(re.findall(r"irq \d+ \((\S+)\): (\d+)", sh.cmd("info")))
    assert int(irqs["virtio-net"]) >= 1


def test_a_port_needs_the_inet_promise_and_the_net_capability(sh):
    out = sh.cmd("nettest noinet")
    assert "nettest: INET dropped; opening a port" in out
    assert re.search(r"app \d+ \(nettest\): pledge violation: net: killed", out), out
    assert "NOT stopped" not in out
    assert re.search(r"violation\s+subject \d+ .*pledge violation: net", sh.cmd("audit"))

    out = sh.cmd("nettest nocap")
    assert "nettest: net capability without send: operation not permitted" in out
    assert "exited with" not in out

    # A child never gets a promise its parent dropped.
    sh.cmd("pledge stdio rpath exec proc audit power")
    out = sh.cmd("nettest")
    assert re.search(r"\(nettest\): pledge violation: net: killed", out), out
    assert re.search(r"\d+ net\s+0x0\s+send,recv,mask,grant", sh.cmd("caps"))


def test_crashed_nic_driver_is_restarted_and_the_port_works_again(sh):
    assert f"10.0.2.2 is at {GATEWAY_MAC}" in sh.cmd("nettest")
    # The driver faults when the gateway's reply arrives; the reply is
    # lost with it, and nettest's next request gets through the new driver.
    sh.cmd("crash-driver net")
    out = sh.cmd("nettest")
    assert re.search(r"blink: driver fiber \d+ \(vnet\): Data abort", out), out
    rec = int(re.search(r"blink: vnet 0 faulted: restarted \(restart 1\), 0 requests "
                        r"replayed, audit record (\d+)", out).group(1))
    assert f"10.0.2.2 is at {GATEWAY_MAC}" in out, out
    audit = sh.cmd("audit")
    assert re.search(r"^\s*%d driver-restart subject 0\s+object 1\s+vnet 0 faulted" % rec,
                     audit, re.M), audit
    assert "audit verify: ok" in sh.cmd("audit verify")
    to_monitor(sh)
    assert re.search(r"virtio-net %s, slot \d+ irq \d+, queues rx \d+ tx \d+, "
                     r"driver generation 2" % NIC_MAC, sh.cmd("net"))


def test_the_bench_switches_its_frames_on_a_switch_of_its_own(sh):
    """The monitor's `bench` opens all eight ports of a switch of its own:
    an app holding port 1 of the system's switch keeps it, and no counter
    of that switch moves."""
    sh.cmd("run -b httpd")
    sh.expect(r"httpd: serving /www on 10\.0\.2\.\d+:80", timeout=60)
    to_monitor(sh)
    before = port_rows(sh)
    assert before[1][1] == "httpd", before
    out = sh.cmd("bench 200", timeout=120)
    assert "bench net: 1514-byte frames, broadcast to 8 ports" in out, out
    for name in ("net_in", "net_bc", "net_out"):
        assert re.search(rf"bench {name}\s+[1-9][\d.]* ns/op \(200 ops\)", out), out
    assert port_rows(sh) == before


def test_without_a_nic_there_is_no_driver_and_ports_still_open():
    m = shell(nic=False)
    try:
        assert "net:" not in m.banner and "virtio-net" not in m.banner
        out = m.cmd("nettest", timeout=60)
        assert "nettest: port 1, mac 02:4e:58:00:00:01" in out
        assert "no answer for 10.0.2.2: timed out" in out
        assert "[nettest exited with 1]" in out
        to_monitor(m)
        out = m.cmd("net")
        assert "nic:    none" in out
        rows = port_rows(m)
        assert rows[0][7] == 0 and rows[0][9] == 5	# 5 requests, no NIC to take them
    finally:
        m.close()
