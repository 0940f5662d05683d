"""The dragonbox profile: two cells on two cores under RumKV.

build/boot/nexus-boot-dragonbox.elf (mk/dragonbox.mk) carries
configs/dragonbox.dts: Rumpk is cell 0 on core 0 with the PL011 (QEMU's
stdio here), Debian's unmodified Linux is cell 1 on core 1 with a
virtio-console, which QEMU connects to a unix socket this test listens
on. RumKV starts core 1 with the machine's PSCI CPU_ON. Each cell ends on
its own; the machine goes off with the last one. See docs/hypervisor.md,
"Two cells on two cores".
"""
import os
import re
import socket
import sys
import tempfile

from pexpect import fdpexpect
import pytest

from nexus import ROOT, Machine

IMAGE = os.path.join(ROOT, "build/boot/nexus-boot-dragonbox.elf")
# Linux reaches /init in a few seconds of wall time under TCG; a loaded
# machine running the tests in parallel may be far slower.
BOOT_TIMEOUT = 180
LINUX_PROMPT = r"/ # "


def qemu_argv(sock):
    return ["qemu-system-aarch64", "-M", "virt,gic-version=3,virtualization=on",
            "-cpu", "cortex-a72", "-m", "1G", "-smp", "2", "-nographic",
            "-nic", "none", "-kernel", IMAGE,
            "-device", "virtio-serial-device",
            "-chardev", "socket,id=c1,path=" + sock,
            "-device", "virtconsole,chardev=c1"]


class LinuxConsole:
    """Cell 1's hvc0: QEMU connects its chardev to our listening socket at
    start-up, before any guest runs, so no output is lost."""

    def __init__(self, conn, timeout):
        self.conn = conn
        self.child = fdpexpect.fdspawn(conn.fileno(), encoding="utf-8",
                                       codec_errors="replace", timeout=timeout)
        self.child.logfile_read = _Prefixed("[linux] ")

    def expect(self, pattern, timeout=None):
        self.child.expect(pattern, timeout=timeout)
        return self.child.match

    def run(self, line, timeout=60):
        """Runs a shell command line; its output up to the marker."""
        self.conn.sendall((line + "; echo done-$((40+2))\r").encode())
        self.child.expect(r"done-42", timeout=timeout)
        out = self.child.before
        self.child.expect(LINUX_PROMPT, timeout=timeout)
        return out

    def send(self, text):
        self.conn.sendall(text.encode())

    def close(self):
        self.conn.close()


class _Prefixed:
    """Copies Linux's console to stdout, so pytest shows it on failure."""

    def __init__(self, prefix):
        self.prefix = prefix

    def write(self, text):
        sys.stdout.write(text.replace("\n", "\n" + self.prefix))

    def flush(self):
        pass


@pytest.fixture
def dragonbox():
    if not os.path.exists(IMAGE):
        pytest.skip("no %s (make build/boot/nexus-boot-dragonbox.elf, which "
                    "fetches Debian's kernel and busybox)" % IMAGE)
    # A short directory: unix socket paths are limited to about 100 bytes.
    tmp = tempfile.mkdtemp(prefix="dbx-")
    path = os.path.join(tmp, "linux.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(30)
    rumpk = Machine(qemu_argv(path), timeout=BOOT_TIMEOUT)
    linux = None
    try:
        conn, _ = srv.accept()
        linux = LinuxConsole(conn, BOOT_TIMEOUT)
        yield rumpk, linux
    finally:
        rumpk.close()
        if linux:
            linux.close()
        srv.close()
        os.unlink(path)
        os.rmdir(tmp)


def boot_both(rumpk, linux):
    rumpk.expect(r"rumkv: cell 0 \(rumpk\): 512 MiB at 0x40000000")
    rumpk.expect(r"rumkv: cell 1 \(linux\): 256 MiB at 0x60000000")
    rumpk.boot()
    linux.expect(r"linux-cell: init running")
    cpus = int(linux.expect(r"linux-cell: processors (\d+)").group(1))
    mem_kb = int(linux.expect(r"linux-cell: MemTotal:\s+(\d+) kB").group(1))
    linux.expect(LINUX_PROMPT, timeout=60)
    return cpus, mem_kb


def test_two_cells_run_side_by_side_and_end_one_by_one(dragonbox):
    rumpk, linux = dragonbox
    cpus, mem_kb = boot_both(rumpk, linux)
    assert cpus == 1
    # 256 MiB of cell RAM less the kernel's image and reservations.
    assert 180 * 1024 <= mem_kb <= 256 * 1024

    # Both consoles answer, one after the other and interleaved.
    info = rumpk.info()
    assert info["mem_mib"] == 512
    assert "hello-42" in linux.run("echo hello-$((6*7))")
    assert "uptime" in rumpk.cmd("info")

    # What Linux was given: its RAM, core 1 (MPIDR 1), the virtio slots of
    # one page, the console in the top one (INTID 79), nothing else.
    out = linux.run("cat /proc/iomem; cat /proc/interrupts; "
                    "ls /sys/bus/platform/devices; ls /sys/bus/virtio/devices; "
                    "dmesg | grep 'physical CPU'")
    assert re.search(r"60000000-6fffffff : System RAM", out)
    assert re.search(r"GICv3\s+79 Edge\s+virtio0", out)
    assert "a003e00.virtio_mmio" in out and "a003000.virtio_mmio" in out
    assert "pl011" not in out and "9000000" not in out
    assert "a002e00" not in out and "pcie" not in out
    assert re.search(r"Booting Linux on physical CPU 0x0*1\b", out)

    # poweroff -f in Linux: PSCI SYSTEM_OFF, trapped on core 1; RumKV
    # ends only cell 1 and parks core 1. Rumpk keeps running.
    linux.send("poweroff -f\r")
    rumpk.expect(r"rumkv: cell 1 \(linux\) powered off", timeout=60)
    rumpk.child.send("\r")
    rumpk.expect(re.escape("nexus> "))
    assert rumpk.info()["mem_mib"] == 512
    rumpk.cmd("sleep 100")
    assert "uptime" in rumpk.cmd("info")
    assert "no cell left" not in rumpk.child.before

    # The last cell's poweroff turns the machine off.
    rumpk.cmd("poweroff", prompt=False)
    rumpk.expect(r"rumkv: cell 0 \(rumpk\) powered off", timeout=30)
    rumpk.expect(r"rumkv: no cell left running, powering off", timeout=30)
    assert rumpk.wait_exit(timeout=30) == 0


def test_rumpk_reaching_into_linux_ram_ends_only_rumpk(dragonbox):
    """The victim side of the attack catalog: cell 0 reads cell 1's RAM;
    stage 2 stops it and RumKV ends cell 0, while Linux on core 1 keeps
    answering on its own console."""
    rumpk, linux = dragonbox
    boot_both(rumpk, linux)
    rumpk.cmd("attack read 0x60000000", prompt=False)
    rumpk.expect(r"rumkv: cell 0 \(rumpk\) terminated: stage-2 fault on read "
                 r"at IPA 0x60000000", timeout=30)
    assert "hello-42" in linux.run("echo hello-$((6*7))")
    assert "linux-ok" in linux.run("sleep 1; echo linux-ok")
    assert "no cell left" not in rumpk.child.before

    linux.send("poweroff -f\r")
    rumpk.expect(r"rumkv: cell 1 \(linux\) powered off", timeout=60)
    rumpk.expect(r"rumkv: no cell left running, powering off", timeout=30)
    assert rumpk.wait_exit(timeout=30) == 0


def test_linux_reaching_into_rumpk_ram_ends_only_linux(dragonbox):
    """The other direction: Linux (root in its cell) reads Rumpk's RAM
    through /dev/mem. Stage 2 stops it; RumKV ends cell 1 only, and Rumpk
    keeps answering."""
    rumpk, linux = dragonbox
    boot_both(rumpk, linux)
    # busybox devmem maps /dev/mem; Debian's kernel allows it outside
    # System RAM (CONFIG_STRICT_DEVMEM lets non-RAM through), and
    # 0x40000000 is not RAM in this cell's tree.
    linux.send("devmem 0x40000000 32\r")
    rumpk.expect(r"rumkv: cell 1 \(linux\) terminated: stage-2 fault on read "
                 r"at IPA 0x40000000", timeout=60)
    rumpk.child.send("\r")
    rumpk.expect(re.escape("nexus> "))
    assert rumpk.info()["mem_mib"] == 512
    rumpk.cmd("poweroff", prompt=False)
    rumpk.expect(r"rumkv: no cell left running, powering off", timeout=30)
    assert rumpk.wait_exit(timeout=30) == 0


def test_rumpk_cannot_start_or_probe_the_linux_cells_core(dragonbox):
    """PSCI CPU_ON is emulated per cell: cell 0 naming core 1, which is
    cell 1's and running, gets INVALID_PARAMETERS (not ALREADY_ON, which
    would tell it about a core it does not own), and Linux is untouched.
    AFFINITY_INFO of it is refused the same way (psci.c)."""
    rumpk, linux = dragonbox
    boot_both(rumpk, linux)
    out = rumpk.cmd("attack cpu-on 0x1", timeout=10)
    assert re.search(r"cpu-on: PSCI CPU_ON\(mpidr 0x1\) = -2 "
                     r"\(INVALID_PARAMETERS\): refused", out)
    assert "hello-42" in linux.run("echo hello-$((6*7))")

    linux.send("poweroff -f\r")
    rumpk.expect(r"rumkv: cell 1 \(linux\) powered off", timeout=60)
    rumpk.child.send("\r")
    rumpk.expect(re.escape("nexus> "))
    rumpk.cmd("poweroff", prompt=False)
    rumpk.expect(r"rumkv: no cell left running, powering off", timeout=30)
    assert rumpk.wait_exit(timeout=30) == 0
