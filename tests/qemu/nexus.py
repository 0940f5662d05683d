"""Drive a Nexus machine in QEMU (or the hosted build) over its console.

Used by the QEMU tests and by bench/run.py. Everything the console prints
is copied to sys.stdout, so pytest shows the full console log of a test
that fails.
"""
import os
import re
import sys

import pexpect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KERNEL = os.environ.get("NEXUS_KERNEL", os.path.join(ROOT, "build/aarch64/rumpk-debug.elf"))
RUMKV = os.environ.get("NEXUS_RUMKV", os.path.join(ROOT, "build/hv/rumkv.elf"))
HOSTED = os.environ.get("NEXUS_HOSTED", os.path.join(ROOT, "build/hosted/rumpk"))
PROMPT = "nexus> "		# the kernel monitor (debug images)
SHELL = "nexus$ "		# the EL0 shell
KERNEL_RELEASE = os.environ.get("NEXUS_KERNEL_RELEASE",
                                os.path.join(ROOT, "build/aarch64/rumpk.elf"))
ICOUNT = "shift=0,align=off,sleep=off"
# Instructions as the clock while running, host time while idle: energy
# is charged for instructions, not for how slow the host emulates them
# (an app is not struck because the host is busy), and waits on devices
# or people take the time they take.
ICOUNT_IDLE_REAL = "shift=0,align=off,sleep=on"


def qemu_command(kernel=KERNEL, el2=False, icount=False, memory="512M", hv=None,
                 extra=None):
    """Rumpk bare (entered at EL1, or at EL2 with el2=True), or as cell 0
    under the hypervisor image `hv`, which QEMU enters at EL2 while its
    generic loader places Rumpk at its link address. `extra` is a list of
    further QEMU arguments (devices, drives, globals), appended last."""
    machine = "virt,gic-version=3" + (",virtualization=on" if el2 or hv else "")
    cmd = ["qemu-system-aarch64", "-M", machine, "-cpu", "cortex-a72",
           "-m", "1G" if hv else memory, "-nographic", "-nic", "none"]
    if hv:
        cmd += ["-kernel", hv, "-device", "loader,file=" + kernel]
    else:
        cmd += ["-kernel", kernel]
    if icount:
        cmd += ["-icount", ICOUNT_IDLE_REAL if icount == "idle-real" else ICOUNT]
    if extra:
        cmd += list(extra)
    return cmd


def disk_args(images, modern=True, cache=None):
    """QEMU arguments for virtio-blk disks, in order: the first image is
    the kernel's disk 0. `modern` asks for the virtio 1.x interface the
    driver requires; `cache` is QEMU's cache mode (e.g. "unsafe")."""
    args = []
    for i, image in enumerate(images):
        opts = f"file={image},if=none,format=raw,id=d{i}" + (f",cache={cache}" if cache else "")
        args += ["-drive", opts, "-device", f"virtio-blk-device,drive=d{i}"]
    return args + (["-global", "virtio-mmio.force-legacy=false"] if modern else [])


def net_args(forwards=(), modern=True):
    """QEMU arguments for one virtio-net NIC on user networking: the guest
    sees 10.0.2.0/24 with the host as 10.0.2.2. `forwards` are
    (host_port, guest_port) TCP pairs, bound to 127.0.0.1 only."""
    fwd = "".join(f",hostfwd=tcp:127.0.0.1:{h}-:{g}" for h, g in forwards)
    args = ["-netdev", "user,id=n0" + fwd, "-device", "virtio-net-device,netdev=n0"]
    return args + (["-global", "virtio-mmio.force-legacy=false"] if modern else [])


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Machine:
    """One booted system; `cmd` runs a monitor command and returns its output."""

    def __init__(self, argv, timeout=30):
        self.timeout = timeout
        self.child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8",
                                   codec_errors="replace", timeout=timeout,
                                   logfile=None)
        self.child.logfile_read = sys.stdout
        self.banner = ""
        self.prompt = PROMPT

    @classmethod
    def qemu(cls, **kw):
        timeout = kw.pop("timeout", 30)
        m = cls(qemu_command(**kw), timeout)
        m.el2 = kw.get("el2", False)
        m.hv = kw.get("hv")
        return m

    @classmethod
    def hosted(cls, timeout=30):
        return cls([HOSTED], timeout)

    def boot(self, shell=False):
        """Wait for the first prompt. A Rumpk image boots into its EL0
        shell; unless `shell`, the shell's `monitor` command (debug images)
        then hands the console to the kernel monitor, which the older tests
        drive. The hosted build starts in the monitor."""
        first = self.child.expect_exact([PROMPT, SHELL])
        self.banner = self.child.before
        self.prompt = SHELL if first == 1 else PROMPT
        if first == 1 and not shell:
            self.child.send("monitor\r")
            self.child.expect_exact(PROMPT)
            self.prompt = PROMPT
        return self.banner

    def send(self, text):
        self.child.send(text)

    def cmd(self, line, timeout=None, prompt=True):
        self.child.send(line + "\r")
        self.child.expect_exact(line, timeout=timeout or self.timeout)
        if not prompt:
            return None
        self.child.expect_exact(self.prompt, timeout=timeout or self.timeout)
        return self.child.before

    def expect(self, pattern, timeout=None):
        self.child.expect(pattern, timeout=timeout or self.timeout)
        return self.child.match

    def wait_exit(self, timeout=None):
        self.child.expect(pexpect.EOF, timeout=timeout or self.timeout)
        self.child.close()
        return self.child.exitstatus

    def info(self):
        return parse_info(self.cmd("info"))

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)


def shell_machine(kernel=KERNEL, **kw):
    """A machine booted to its EL0 shell. Apps are charged energy for their
    time: unless told otherwise, count it in instructions."""
    kw.setdefault("icount", "idle-real")
    m = Machine.qemu(kernel=kernel, **kw)
    m.boot(shell=True)
    return m


def parse_info(text):
    """The figures of the `info` command, as integers where they are numbers."""
    info = {"irq": {}}
    for name, count in re.findall(r"irq (\d+) \(\w+\): (\d+)", text):
        info["irq"][int(name)] = int(count)
    patterns = {
        "entered_el": r"entered at EL(\d)",
        "running_el": r"running at EL(\d)",
        "mem_mib": r"memory:\s+(\d+) MiB",
        "pages_total": r"pages:\s+(\d+) total",
        "pages_free": r"(\d+) free \(",
        "image": r"image (\d+) bytes",
        "text": r"text (\d+)",
        "rodata": r"rodata (\d+)",
        "data": r"data (\d+), bss",
        "bss": r"bss (\d+)",
        "prompt_ns": r"prompt after (\d+) ns",
        "timer_programmed": r"programmed (\d+)",
    }
    for key, pat in patterns.items():
        m = re.search(pat, text)
        if m:
            info[key] = int(m.group(1))
    m = re.search(r"uptime:\s+(\d+)\.(\d+) s", text)
    if m:
        info["uptime_ms"] = int(m.group(1)) * 1000 + int(m.group(2))
    return info


def hv_info(m):
    """RumKV's `hv-info` in a cell: the text, and the trap counts by name."""
    out = m.cmd("hv-info")
    traps = dict((k, int(v)) for k, v in
                 re.findall(r"([a-z-]+) (\d+)", out.split("traps:")[1]))
    return out, traps
