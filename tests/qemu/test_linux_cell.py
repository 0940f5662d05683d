"""Debian's unmodified arm64 Linux kernel as the one cell of RumKV.

build/boot/nexus-boot-linux.elf (mk/linux-cell.mk) carries configs/linux.dts,
RumKV, Debian's Image and a busybox initramfs (scripts/linux-cell.sh).
nexus-boot places them, RumKV builds the cell's device tree (memory, its
two cores, the PL011, /chosen with the initrd and the manifest's bootargs)
and enters the Image at EL1 on core 0; Linux starts core 1 with PSCI
CPU_ON, which RumKV emulates. See docs/hypervisor.md, "A Linux guest in a
cell" and "Several cores in one cell".
"""
import os
import re
import subprocess
import time

import pytest

from nexus import ROOT, Machine

IMAGE = os.path.join(ROOT, "build/boot/nexus-boot-linux.elf")
# Generous: Linux reaches /init in about a second of wall time under TCG,
# but a loaded machine running the tests in parallel may be far slower.
BOOT_TIMEOUT = 180


def qemu_argv():
    return ["qemu-system-aarch64", "-M", "virt,gic-version=3,virtualization=on",
            "-cpu", "cortex-a72", "-m", "1G", "-smp", "2", "-nographic",
            "-nic", "none", "-kernel", IMAGE]


def require_image():
    if not os.path.exists(IMAGE):
        # Built by `make build/boot/nexus-boot-linux.elf` (part of
        # `make qemu-test`), which fetches Debian's kernel and busybox.
        pytest.skip("no %s: the Linux image could not be fetched or built "
                    "(make build/boot/nexus-boot-linux.elf)" % IMAGE)


@pytest.fixture
def linux():
    require_image()
    m = Machine(qemu_argv(), timeout=BOOT_TIMEOUT)
    yield m
    m.close()


def test_linux_boots_to_a_shell_in_a_cell_and_powers_off(linux):
    start = time.monotonic()
    linux.expect(r"rumkv: cell 0 \(linux\): 512 MiB at 0x40000000")
    linux.expect(r"Kernel command line: (.*)\r?\n")
    cmdline = linux.child.match.group(1)
    assert "rdinit=/init" in cmdline and "console=ttyAMA0" in cmdline
    # The initrd is found through /chosen, not through QEMU's -initrd.
    # Core 1 comes up through the emulated CPU_ON: RumKV reports the
    # cost, then Linux counts it in.
    ticks = int(linux.expect(r"rumkv: cell 0 core 0x0*1 on in counter ticks "
                             r"0x([0-9a-f]+)").group(1), 16)
    assert ticks > 0
    linux.expect(r"smp: Brought up 1 node, 2 CPUs")
    linux.expect(r"Trying to unpack rootfs image as initramfs")
    linux.expect(r"linux-cell: init running")
    boot_s = time.monotonic() - start

    cpus = int(linux.expect(r"linux-cell: processors (\d+)").group(1))
    assert cpus == 2
    mem_kb = int(linux.expect(r"linux-cell: MemTotal:\s+(\d+) kB").group(1))
    # 512 MiB of cell RAM less the kernel's image and reservations.
    assert 400 * 1024 <= mem_kb <= 512 * 1024

    linux.expect(r"/ # ", timeout=60)
    linux.send("echo hello-$((6*7)) online-$(cat /sys/devices/system/cpu/online)\r")
    linux.expect(r"hello-42 online-0-1", timeout=30)
    linux.expect(r"/ # ", timeout=30)

    # busybox's poweroff -f calls reboot(2) at once: Linux stops its other
    # core, makes the PSCI SYSTEM_OFF call, RumKV traps it, ends the cell
    # (both cores) and, with no cell left, turns the machine off.
    linux.send("poweroff -f\r")
    linux.expect(r"rumkv: cell 0 \(linux\) powered off", timeout=60)
    assert linux.wait_exit(timeout=60) == 0
    print("\nlinux-cell: reset to /init in %.1f s of wall time" % boot_s)


def test_cell_device_tree_is_the_cells(linux):
    """What Linux reads from the tree RumKV wrote: its RAM, its two cores,
    the console; no PCIe, no virtio (the manifest does not give them)."""
    linux.expect(r"linux-cell: init running")
    linux.expect(r"/ # ", timeout=60)
    linux.send("cat /proc/iomem; ls /sys/bus/platform/devices; "
               "ls /sys/devices/system/cpu; echo done-$((1+1))\r")
    linux.expect(r"done-2", timeout=30)
    out = linux.child.before
    assert "cpu0" in out and "cpu1" in out and "cpu2" not in out
    assert re.search(r"40000000-5fffffff : System RAM", out)
    assert "9000000.pl011" in out
    assert "pcie" not in out and "virtio" not in out
    linux.send("poweroff -f\r")
    linux.expect(r"rumkv: cell 0 \(linux\) powered off", timeout=60)
    assert linux.wait_exit(timeout=60) == 0


def test_initrd_over_the_kernels_bss_is_refused(tmp_path):
    """mkbundle sees only the Image file's size; the kernel also needs its
    BSS, up to the header's image_size. An initrd placed just past the
    file but inside image_size passes mkbundle, and RumKV refuses it."""
    require_image()
    boot = os.path.join(ROOT, "build/boot")
    bundle, obj, elf = (str(tmp_path / n) for n in
                        ("bad.bundle", "payload.o", "boot.elf"))
    # File end: 0x40200000 + the Image's size, rounded up to 64 KiB.
    image = os.path.join(ROOT, "build/linux-peer/Image")
    addr = (0x40200000 + os.path.getsize(image) + 0xffff) & ~0xffff
    subprocess.run([os.path.join(ROOT, "build/tools/mkbundle"), "-o", bundle,
                    "-m", os.path.join(boot, "linux.dtb"),
                    "--hv", os.path.join(ROOT, "build/hv/rumkv.elf"),
                    "linux=%s@0x40200000" % image,
                    "initrd=%s@0x%x" % (os.path.join(ROOT, "build/linux-cell/initrd.gz"), addr)],
                   check=True, capture_output=True)
    subprocess.run(["clang", "--target=aarch64-none-elf", "-c",
                    os.path.join(ROOT, "boot/payload.S"),
                    "-DBOOT_BUNDLE_FILE=\"%s\"" % bundle, "-o", obj], check=True)
    subprocess.run(["ld.lld", "-nostdlib", "-z", "max-page-size=4096", "-T",
                    os.path.join(boot, "boot-linux.ld"),
                    os.path.join(boot, "obj/start.o"),
                    os.path.join(boot, "obj/main.o"), obj, "-o", elf], check=True)
    argv = qemu_argv()
    argv[-1] = elf
    m = Machine(argv, timeout=60)
    try:
        m.expect(r"rumkv: cell linux: initrd at 0x%x overlaps the Linux image "
                 r"\[0x40200000, \+0x[0-9a-f]+\), BSS included" % addr)
        assert "Booting Linux" not in m.child.before
    finally:
        m.close()
