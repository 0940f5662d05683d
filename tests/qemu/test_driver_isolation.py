"""The virtio-blk driver as an app: vblkd runs at EL0 in a cell of its
own, one per disk, started and supervised by the kernel. What it may
reach is its own memory, its device's register window (and there only
the queue kick) and the buffers of the requests it holds. Each way out
of that is tried here on a running system; each time the driver alone is
killed, the attempt is audited, Blink starts a new vblkd, and both disks
keep their data and keep working.

With two disks, QEMU puts their virtio-mmio transports next to each
other in one 4 KiB page (disk 0 in slot 31 at 0x0a003e00, disk 1 in slot
30 at 0x0a003c00), so a page-granular mapping could not keep disk 0's
driver away from disk 1: the window is enforced per access.
"""
import re

import pytest

from test_storage import boot, disks  # noqa: F401 (a fixture)

NEIGHBOUR_STATUS = 0x0a003c70	# disk 1's Status register


def drivers(m):
    """The vblkd apps in `ps`: {id: (parent, spectrum)}."""
    return {int(r.group(1)): (int(r.group(2)), r.group(3))
            for r in re.finditer(r"^\s*(\d+)\s+(\d+)\s+vblkd\s+(\w+)", m.cmd("ps"), re.M)}


def still_works(m, tag):
    """Both disks: a file written now reads back, an old one is intact."""
    for mount in ("/data", "/nex"):
        m.cmd(f"write {mount}/{tag}.txt after {tag}")
        assert f"after {tag}" in m.cmd(f"cat {mount}/{tag}.txt")
        assert "written before" in m.cmd(f"cat {mount}/before.txt")


RESTARTED = (r"blink: vblk 0 faulted: restarted \(restart \d+\), \d+ requests replayed, "
             r"audit record \d+")


def misbehave(m, how):
    """crash-driver 0 HOW, until Blink has a new driver running: the
    console lines on the way, and the audit log then."""
    out = m.cmd(f"crash-driver 0 {how}")
    if not re.search(RESTARTED, out):
        m.expect(RESTARTED)
        out += m.child.before + m.child.after
    return out, m.cmd("audit")


def boot_with_files(disks):
    """Booted, with a file on each disk written before anything goes wrong."""
    m = boot(disks)
    for mount in ("/data", "/nex"):
        m.cmd(f"write {mount}/before.txt written before")
    return m


def test_each_disk_has_its_own_driver_app_at_el0(disks):
    m = boot_with_files(disks)
    try:
        apps = drivers(m)
        assert len(apps) == 2, apps
        assert all(parent == 0 and spectrum == "photon" for parent, spectrum in apps.values())
        assert len(re.findall(r"spawn\s+subject \d+\s+object 0\s+vblkd", m.cmd("audit"))) == 2
        still_works(m, "boot")
    finally:
        m.close()


def test_a_store_to_the_neighbouring_device_is_refused(disks):
    """Disk 0's driver writes disk 1's Status register, which would reset
    disk 1 under its own driver: it faults instead, and disk 1's driver
    never notices."""
    m = boot_with_files(disks)
    try:
        before = drivers(m)
        out, audit = misbehave(m, "mmio")
        assert re.search(r"app \d+ \(vblkd\): Data abort from a lower EL, address 0x%x"
                         % NEIGHBOUR_STATUS, out), out
        assert re.search(r"fault\s+subject \d+\s+object 0\s+fault @0x%x" % NEIGHBOUR_STATUS,
                         audit), audit
        after = drivers(m)
        assert len(after) == 2 and len(set(before) & set(after)) == 1, (before, after)
        assert "vblk 1" not in audit
        still_works(m, "mmio")
    finally:
        m.close()


@pytest.mark.parametrize("how,reason", [
    # A read queued into the bottom of RAM, the kernel's: the kernel checks
    # the chain at the kick and the device never sees it.
    ("dma", "DMA outside its grants"),
    # Its own device's Status register is the supervisor's: a reset behind
    # its back.
    ("reset", "store to register 0x070"),
])
def test_a_driver_overstepping_what_it_was_lent_is_killed(disks, how, reason):
    m = boot_with_files(disks)
    try:
        out, audit = misbehave(m, how)
        assert re.search(r"app \d+ \(vblkd\): vblk: %s: killed" % reason, out), out
        assert re.search(r"violation\s+subject \d+\s+object 0\s+vblk: %s" % reason,
                         audit), audit
        still_works(m, how)
    finally:
        m.close()
