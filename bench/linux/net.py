#!/usr/bin/python3
"""TCP throughput of the Linux peer guest, both ways, through QEMU's user
networking with the host's end of bench/netpeer.py.

    bench/linux/net.py [MEGABYTES]

The guest is the one scripts/linux-peer.sh builds; `nexus.net=PORT:BYTES`
on its command line makes /init load virtio-net, run `peer tcp_sink` and
then `peer tcp_source` to the host's PORT, and power off. The QEMU options
are the ones Nexus's network benchmark uses (bench/run.py), so the two
figures compare.
"""
import os
import sys

import pexpect

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import netpeer  # noqa: E402
from nexus import ICOUNT_IDLE_REAL, free_port, net_args  # noqa: E402

OUT = os.path.join(ROOT, "build", "linux-peer")
GUEST_PORT = 5001


def run(megabytes=16, timeout=300):
    """{"host_to_guest_mbps", "guest_to_host_mbps"} for the Linux peer."""
    nbytes = megabytes << 20
    sock, back = netpeer.listener()
    fwd = free_port()
    args = ["-M", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "1",
            "-m", "512M", "-nographic", "-no-reboot",
            "-icount", ICOUNT_IDLE_REAL,
            "-kernel", os.path.join(OUT, "Image"),
            "-initrd", os.path.join(OUT, "initrd.gz"),
            "-append", f"console=ttyAMA0 quiet panic=-1 nokaslr nexus.net={back}:{nbytes}",
            ] + net_args([(fwd, GUEST_PORT)])
    child = pexpect.spawn("qemu-system-aarch64", args, encoding="utf-8",
                          codec_errors="replace", timeout=timeout)
    try:
        child.expect_exact(f"PEER-NET-LISTENING {GUEST_PORT}")
        down = netpeer.host_to_guest(fwd, nbytes, timeout)
        up = netpeer.guest_to_host(sock, nbytes, timeout)
        child.expect_exact("PEER-NET-END")
        if "PEER-ERROR" in child.before:
            raise RuntimeError("Linux peer: " + child.before)
        return {"host_to_guest_mbps": down, "guest_to_host_mbps": up,
                "bytes": nbytes}
    finally:
        sock.close()
        child.terminate(force=True)


if __name__ == "__main__":
    mb = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    r = run(mb)
    print(f"Linux peer TCP, {mb} MiB: host->guest {r['host_to_guest_mbps']:.1f} MB/s, "
          f"guest->host {r['guest_to_host_mbps']:.1f} MB/s")
