"""Storage in the booted system: the VFS with nexfs on the second disk
(and littlefs on the first), files surviving a power-off and a kill -9 of
QEMU, a driver crash under a 10 MB write, snapshots, verify, and images
made on the host read in the guest and back."""
import os
import re
import signal
import subprocess

import pytest

from nexus import KERNEL, ROOT, Machine, disk_args, qemu_command

NEXFS = os.path.join(ROOT, "build/tools/nexfs")
LFS = os.path.join(ROOT, "build/tools/lfs")


def tool(*argv, check=True):
    r = subprocess.run(list(argv), capture_output=True, text=True)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r


def boot(disks, timeout=120, **kw):
    kw.setdefault("icount", "idle-real")	# energy in instructions (test_apps.py)
    m = Machine(qemu_command(kernel=KERNEL, extra=disk_args(disks), **kw), timeout)
    m.boot(shell=True)
    return m


@pytest.fixture
def disks(tmp_path):
    data, nex = tmp_path / "data.img", tmp_path / "nex.img"
    tool(LFS, "mkfs", str(data), "32M")
    tool(NEXFS, "mkfs", str(nex), "48M")
    return [str(data), str(nex)]


# Each filesystem: its mount point, its host tool, its disk.
FILESYSTEMS = [("/data", LFS, 0), ("/nex", NEXFS, 1)]


def test_nexfs_is_mounted_and_files_survive_a_power_off(disks):
    m = boot(disks)
    try:
        assert re.search(r"littlefs\s+on /data", m.cmd("mount"))
        assert re.search(r"nexfs\s+on /nex", m.cmd("mount"))
        assert re.search(r"/nex\s+nexfs\s+49152", m.cmd("df"))
        assert "nex" in m.cmd("ls /")
        m.cmd("mkdir /nex/notes")
        m.cmd("write /nex/notes/a.txt first words")
        m.cmd("mv /nex/notes/a.txt /nex/notes/b.txt")
        m.cmd("write /nex/gone.txt soon removed")
        m.cmd("rm /nex/gone.txt")
        m.cmd("poweroff", prompt=False)
        assert m.wait_exit() == 0
    finally:
        m.close()
    m = boot(disks)
    try:
        assert "first words" in m.cmd("cat /nex/notes/b.txt")
        assert "no such file" in m.cmd("cat /nex/gone.txt")
        assert "no such file" in m.cmd("cat /nex/notes/a.txt")
        assert "nexfs verify: clean" in m.cmd("nexfs verify")
    finally:
        m.close()
    out = tool(NEXFS, "cat", disks[1], "/notes/b.txt").stdout
    assert out == "first words\n"			# the host tool reads the guest's disk


def test_host_made_nexfs_image_is_read_in_the_guest(disks, tmp_path):
    src = tmp_path / "host.txt"
    src.write_bytes(b"made on the host\n" * 1000)
    tool(NEXFS, "put", disks[1], str(src), "/host.txt")
    m = boot(disks)
    try:
        out = m.cmd("ls /nex")
        assert re.search(r"host\.txt\s+17000", out), out
        assert m.cmd("hexdump /nex/host.txt").count("|made on the host|") >= 1
        assert "made on the host" in m.cmd("cat /nex/host.txt")
    finally:
        m.close()


def test_snapshots_verify_and_root_hashes_in_the_audit_log(disks):
    m = boot(disks)
    try:
        m.cmd("write /nex/f.txt version one")
        assert "snapshot v1" in m.cmd("snap v1")
        m.cmd("write /nex/f.txt version two")
        assert "version one" in m.cmd("cat /nex/v1@snap/f.txt")
        assert "version two" in m.cmd("cat /nex/f.txt")
        assert "read-only" in m.cmd("write /nex/v1@snap/f.txt no")
        assert "nexfs verify: clean" in m.cmd("nexfs verify")
        audit = m.cmd("audit")
        hashes = re.findall(r"fs-commit .*nexfs (commit|snapshot) ([0-9a-f]{32})", audit)
        assert len(hashes) >= 3 and len(set(h for _, h in hashes)) == len(hashes)
        m.cmd("poweroff", prompt=False)
        m.wait_exit()
    finally:
        m.close()
    r = tool(NEXFS, "verify", disks[1])
    assert "clean" in r.stdout
    # One flipped bit in a live block: the host verify and the guest both see it.
    with open(disks[1], "r+b") as f:
        f.seek(5 * 4096 + 100)
        b = f.read(1)
        f.seek(5 * 4096 + 100)
        f.write(bytes([b[0] ^ 0x10]))
    r = tool(NEXFS, "verify", disks[1], check=False)
    assert r.returncode == 1 and "BAD" in r.stdout


@pytest.mark.parametrize("mount,host_tool,disk", FILESYSTEMS)
def test_kill_9_in_a_write_loop_keeps_every_fsynced_byte(disks, mount, host_tool, disk):
    m = boot(disks)
    try:
        m.cmd(f"run -b writer {mount}/loop 8388608 65536")
        m.expect(r"writer: fsynced (\d+) bytes")
        m.expect(r"writer: fsynced (\d+) bytes")
        synced = int(m.child.match.group(1))
        os.kill(m.child.pid, signal.SIGKILL)
        m.child.wait()
    finally:
        m.close()
    m = boot(disks)
    try:
        out = m.cmd(f"ls {mount}")
        size = int(re.search(r"loop\s+(\d+)", out).group(1))
        assert size >= synced, out
    finally:
        m.close()
    tool(host_tool, "get", disks[disk], "/loop", disks[disk] + ".loop")
    data = open(disks[disk] + ".loop", "rb").read()
    assert len(data) >= synced
    assert data[:synced] == pattern(synced)


def pattern(n):
    """user/writer's bytes: offset o holds byte (7 - o % 8) of
    (o // 8) * 0x9e3779b97f4a7c15, high byte first."""
    out = bytearray()
    for q in range((n + 7) // 8):
        out += ((q * 0x9e3779b97f4a7c15) & 0xffffffffffffffff).to_bytes(8, "big")
    return bytes(out[:n])


@pytest.mark.parametrize("mount,host_tool,disk", FILESYSTEMS)
def test_driver_crash_during_a_10_mb_write_loses_nothing(disks, mount, host_tool, disk):
    m = boot(disks, timeout=600)
    try:
        m.cmd(f"run -b writer {mount}/big 10485760")
        m.expect(r"writer: fsynced 1048576 bytes")
        m.cmd(f"crash-driver {disk}")
        m.expect(r"blink: vblk %d faulted: restarted \(restart 1\), \d+ requests "
                 r"replayed, audit record (\d+)" % disk)
        m.expect(r"writer: %s/big: 10485760 bytes verified" % mount, timeout=600)
        assert re.search(r"driver-restart subject %d\s+object 1\s+vblk %d faulted"
                         % (disk, disk), m.cmd("audit"))
    finally:
        m.close()
    tool(host_tool, "get", disks[disk], "/big", disks[disk] + ".big")
    assert open(disks[disk] + ".big", "rb").read() == pattern(10485760)


def test_littlefs_images_cross_between_host_and_guest(disks, tmp_path):
    """An image the host tool (this repository's littlefs, on the host)
    wrote is read in the guest, and what the guest writes the host tool
    reads back: the same on-disk format on both sides."""
    src = tmp_path / "host.bin"
    src.write_bytes(bytes(range(256)) * 64)		# 16 KiB: a CTZ list, not inline
    tool(LFS, "mkdir", disks[0], "/in")
    tool(LFS, "put", disks[0], str(src), "/in/host.bin")
    m = boot(disks)
    try:
        assert re.search(r"host\.bin\s+16384", m.cmd("ls /data/in"))
        assert "00000010  10 11 12 13" in m.cmd("hexdump /data/in/host.bin")[:2000]
        m.cmd("mkdir /data/out")
        m.cmd("write /data/out/guest.txt written in the guest")
        m.cmd("poweroff", prompt=False)
        m.wait_exit()
    finally:
        m.close()
    assert tool(LFS, "cat", disks[0], "/out/guest.txt").stdout == "written in the guest\n"
    assert "ok" in tool(LFS, "verify", disks[0]).stdout.lower()
