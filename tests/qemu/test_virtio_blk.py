"""The virtio-mmio transport and the virtio-blk driver, driven through the
kernel monitor's `blk` command against a raw disk image each test creates.

QEMU's virt machine offers the legacy virtio-mmio interface unless told
otherwise; Rumpk speaks only the modern one, so the disk tests pass
-global virtio-mmio.force-legacy=false, and one test checks that the
legacy device is refused with a message that says what to do.
"""
import os
import re
import secrets

import pytest

from nexus import Machine, disk_args

SECTOR = 512
# Not a power of two, so a capacity read from the wrong place shows.
IMAGE_BYTES = 6 * 1024 * 1024 + 7 * SECTOR


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "disk.img"
    with open(path, "wb") as f:
        f.truncate(IMAGE_BYTES)
    return str(path)


def boot(image, modern=True, **kw):
    m = Machine.qemu(extra=disk_args([image], modern), timeout=60, **kw)
    m.boot()
    return m


def read_text(m, sector):
    out = m.cmd(f"blk read {sector}")
    match = re.search(r'sector %d: text "([^"]*)"' % sector, out)
    assert match, out
    return match.group(1)


def test_info_reports_the_image_capacity(image):
    m = boot(image)
    try:
        out = m.cmd("blk info")
        assert f"capacity: {IMAGE_BYTES // SECTOR} sectors of 512 bytes ({IMAGE_BYTES} bytes)" in out
        assert "VERSION_1" in out and "FLUSH" in out
        size = int(re.search(r"queue size (\d+)", out).group(1))
        assert size >= 4 and size & (size - 1) == 0
    finally:
        m.close()


def test_write_read_round_trip_and_persistence_across_reboot(image):
    token = secrets.token_hex(8)
    text = f"nexus {token} sector seven"
    m = boot(image)
    try:
        assert "flushed" in m.cmd(f"blk write 7 {text}")
        assert read_text(m, 7) == text
        assert read_text(m, 8) == ""            # the neighbour is untouched
        m.cmd("poweroff", prompt=False)
        assert m.wait_exit() == 0
    finally:
        m.close()
    with open(image, "rb") as f:                # on the host, where we put it
        f.seek(7 * SECTOR)
        assert f.read(SECTOR).rstrip(b"\0") == text.encode()
    m = boot(image)                             # a fresh machine, same disk
    try:
        assert read_text(m, 7) == text
    finally:
        m.close()


def test_pattern_test_interrupt_driven(image):
    m = boot(image)
    try:
        out = m.cmd("blk test 1024", timeout=120)
        assert "1024 sectors read back equal: PASS" in out, out
        assert re.search(r"write\+flush \d+ us, \d+ ns per KiB", out)
        info = m.cmd("blk info")
        done = re.search(r"(\d+) submitted, (\d+) completed, (\d+) failed; (\d+) interrupts", info)
        submitted, completed, failed, irqs = map(int, done.groups())
        assert submitted == completed and failed == 0
        assert completed >= 2 * 1024 // 8       # many requests...
        assert 0 < irqs <= completed            # ...completed by interrupts
        counted = re.search(r"irq \d+ \(virtio-blk\): (\d+)", m.cmd("info"))
        assert counted and int(counted.group(1)) >= irqs
    finally:
        m.close()


def test_pattern_instructions_per_kib_under_icount(image):
    m = boot(image, icount=True)
    try:
        out = m.cmd("blk test 256", timeout=120)
        assert "PASS" in out, out
        rates = [int(x) for x in re.findall(r"(\d+) ns per KiB", out)]
        assert len(rates) == 2 and all(r > 0 for r in rates)
        print(f"\nvirtio-blk instructions per KiB: write+flush {rates[0]}, read {rates[1]}")
    finally:
        m.close()


def test_errors_are_reported(image, tmp_path):
    # blkdebug makes the host fail reads of sector 100 with EIO: the device
    # answers VIRTIO_BLK_S_IOERR, which must reach the caller as -NX_EIO.
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "100"\n')
    m = Machine.qemu(extra=disk_args([f"blkdebug:{conf}:{image}"]), timeout=60)
    m.boot()
    try:
        assert "failed: error -5" in m.cmd("blk read 100")      # -NX_EIO
        assert read_text(m, 99) == ""
        end = IMAGE_BYTES // SECTOR
        assert "failed: error -34" in m.cmd(f"blk read {end}")  # -NX_ERANGE
        assert "1 failed" in m.cmd("blk info")
    finally:
        m.close()


def test_restart_replays_unfinished_requests(image):
    m = boot(image)
    try:
        m.cmd("blk write 3 before restart")
        out = m.cmd("blk restart")
        assert "device reset and queue rebuilt" in out
        assert "driver generation 2" in out
        assert read_text(m, 3) == "before restart"
        # A restart while the ring is full: every write still lands.
        out = m.cmd("blk test 1024 restart", timeout=120)
        pending = re.search(r"restarted with (\d+) of 128 requests unfinished", out)
        assert pending and int(pending.group(1)) > 0, out
        assert "1024 sectors read back equal: PASS" in out, out
        info = m.cmd("blk info")
        assert "driver generation 3" in info
        assert re.search(r" 0 failed; .* %s replayed" % pending.group(1), info), info
    finally:
        m.close()


def test_legacy_interface_refused_with_a_clear_message(image):
    m = boot(image, modern=False)
    try:
        out = m.cmd("blk info")
        assert re.search(r"virtio-mmio: slot \d+ \(0x[0-9a-f]+\) device 2 has the "
                         r"legacy interface \(version 1\), refused", out), out
        assert "-global virtio-mmio.force-legacy=false" in out
        assert "no virtio-blk device" in out
        assert "capacity" not in out
    finally:
        m.close()


def test_blink_restarts_a_crashed_driver_and_loses_nothing(image):
    """A fault in the driver app kills that app, not the kernel: Blink
    resets the device, starts a new driver from its image and replays
    every request still pending; the pattern reads back equal and the
    restart is an audit record."""
    m = boot(image)
    try:
        out = m.cmd("blk test 1024 crash", timeout=120)
        assert re.search(r"app \d+ \(vblkd\): Data abort from a lower EL, address 0x0, "
                         r"pc 0x[0-9a-f]+ \(esr 0x[0-9a-f]+\): killed", out), out
        r = re.search(r"blink: vblk 0 faulted: restarted \(restart 1\), (\d+) requests "
                      r"replayed, audit record (\d+)", out)
        assert r and int(r.group(1)) > 0 and int(r.group(2)) >= 1, out
        assert "read back equal: PASS" in out and "PANIC" not in out
        info = m.cmd("blk info")
        back = re.search(r"restart:  fault to the driver running again, requests back on "
                         r"the ring: (\d+) ns", info)
        served = re.search(r"restart:  fault to the next request served: (\d+) ns", info)
        assert back and served and 0 < int(back.group(1)) <= int(served.group(1)), info
        assert "running at EL1" in m.cmd("info")	# the kernel lives on
    finally:
        m.close()
