#!/usr/bin/env python3
"""`make bench`: deterministic figures for Rumpk, printed as one table and
written to bench/results/ as JSON, beside the same figures for a Linux
guest on the same QEMU (bench/linux/) and the host ring benchmark.

usage: run.py KERNEL_ELF DEBUG_KERNEL_ELF RESULTS_DIR [HOST_BENCH ...]

Under `-icount shift=0,align=off,sleep=off` QEMU executes exactly one
guest instruction per virtual nanosecond, so guest-side times in ns are
instruction counts, identical run to run.

Boot ends in the EL0 shell (`nexus$ `). Its `uptime` command gives the
boot figure (clock at the shell's first prompt) and `sysbench` the
app-level figures; the kernel monitor's figures (`bench`, `info`,
`attack`) need the debug image, where the shell's `monitor` command
hands the console to the monitor (`nexus> `).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
from nexus import ROOT, RUMKV, Machine, disk_args, free_port, net_args, qemu_command  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "bench", "linux"))
import netpeer  # noqa: E402
import net as linux_net  # noqa: E402

IDLE_SECONDS = 5
SHELL_PROMPT = "nexus$ "


def shell_boot(m):
    """Wait for the shell's first prompt."""
    m.child.expect_exact(SHELL_PROMPT)
    m.banner = m.child.before
    return m.banner


def shell_cmd(m, line, timeout=None):
    """One shell command line; its output up to the next prompt."""
    m.send(line + "\r")
    m.child.expect_exact(line, timeout=timeout or m.timeout)
    m.child.expect_exact(SHELL_PROMPT, timeout=timeout or m.timeout)
    return m.child.before


def shell_prompt_ns(m):
    """Guest time at which the shell's first prompt had been written."""
    out = shell_cmd(m, "uptime")
    found = re.search(r"shell prompt after (\d+) ns", out)
    if not found:
        raise SystemExit(f"bench: `uptime` gave no boot figure:\n{out}")
    return int(found.group(1))


def to_monitor(m):
    """From the shell to the kernel monitor (debug images only); from here
    on the Machine's own cmd() and info() work."""
    m.send("monitor\r")
    m.boot()


def boot_instructions(kernel, el2):
    """Instructions from reset to the EL0 shell's first prompt."""
    m = Machine.qemu(kernel=kernel, el2=el2, icount=True)
    try:
        shell_boot(m)
        return shell_prompt_ns(m)
    finally:
        m.close()


GUEST_BENCH_ITERS = 20000
# The monitor's NetSwitch figures (kernel/net/switchbench.c): wire -> one
# app port, wire broadcast -> every app port, app port -> wire.
NETSWITCH_FIGURES = ("net_in", "net_bc", "net_out")


def guest_microbenchmarks(kernel, hv=None):
    """The monitor's `bench`: guest ns per op, i.e. instructions under icount;
    with `hv`, Rumpk runs as cell 0 under that hypervisor image."""
    m = Machine.qemu(kernel=kernel, icount=True, timeout=120, hv=hv)
    try:
        shell_boot(m)
        prompt = shell_prompt_ns(m)
        to_monitor(m)
        out = m.cmd(f"bench {GUEST_BENCH_ITERS}", timeout=300)
    finally:
        m.close()
    figures = {"boot_to_prompt": {"insns_per_op": prompt, "ops": 1}}
    for name, value, ops in re.findall(r"bench (\w+)\s+([\d.]+) ns/op \((\d+) ops\)", out):
        figures[name] = {"insns_per_op": float(value), "ops": int(ops)}
    # The NetSwitch's figures are per frame of this size, broadcast to that many ports.
    basis = re.search(r"bench net: (\d+)-byte frames, broadcast to (\d+) ports", out)
    for name in NETSWITCH_FIGURES if basis else ():
        figures.get(name, {}).update(frame_bytes=int(basis.group(1)),
                                     broadcast_ports=int(basis.group(2)))
    want = {"switch", "ring", "rtt", "timer", *NETSWITCH_FIGURES} | ({"hvc"} if hv else set())
    if not want <= set(figures):
        raise SystemExit(f"bench: the guest printed no complete figures:\n{out}")
    return figures


SYSBENCH_FIGURES = ("null_syscall_rt", "pipe_rt", "spawn_exit")


def app_microbenchmarks(kernel, hv=None):
    """`sysbench` in the shell: what an EL0 app pays for a null system
    call, a message round trip with another app and spawn + exit, in
    instructions (user/sysbench/sysbench.c)."""
    m = Machine.qemu(kernel=kernel, icount=True, timeout=120, hv=hv)
    try:
        shell_boot(m)
        out = shell_cmd(m, "sysbench", timeout=600)
    finally:
        m.close()
    basis = re.search(r"sysbench basis clock_freq=(\d+) insns_per_tick=(\d+)", out)
    if "ran dry" in out or "sysbench done" not in out or not basis:
        raise SystemExit(f"bench: sysbench failed or ran dry:\n{out}")
    if int(basis.group(1)) != 62500000:
        raise SystemExit(f"bench: sysbench saw clock_freq {basis.group(1)}, not 62.5 MHz")
    figures = {}
    for name, value, iters, rest in re.findall(
            r"sysbench (\w+) ([\d.]+) iters=(\d+) (.*)", out):
        extra = dict(kv.split("=") for kv in rest.split())
        figures[name] = {"insns_per_op": float(value), "ops": int(iters),
                         "min_batch_insns_per_op": int(extra["min_batch_insns_per_op"]),
                         "measured_by": "sysbench at EL0"}
    if not set(SYSBENCH_FIGURES) <= set(figures):
        raise SystemExit(f"bench: sysbench printed no complete figures:\n{out}")
    return figures


def stage2_fault_cost(kernel):
    """Instructions from a stage-2 fault to the cell's core parked (report
    line included), as RumKV measures it in counter ticks."""
    m = Machine.qemu(kernel=kernel, icount=True, timeout=60, hv=RUMKV)
    try:
        shell_boot(m)
        to_monitor(m)
        m.cmd("attack read 0x7fc00000", prompt=False)
        ticks = int(m.expect(r"fault handled in counter ticks (0x[0-9a-f]+)").group(1), 16)
    finally:
        m.close()
    return ticks * 16  # 62.5 MHz counter: 16 instructions per tick


def psci_cpu_on_cost():
    """Instructions from Linux's trapped PSCI CPU_ON for its second core to
    that core entering the cell, as RumKV measures it in counter ticks."""
    image = os.path.join(ROOT, "build/boot/nexus-boot-linux.elf")
    m = Machine(["qemu-system-aarch64", "-M", "virt,gic-version=3,virtualization=on",
                 "-cpu", "cortex-a72", "-smp", "2", "-m", "1G", "-nographic",
                 "-nic", "none", "-icount", "shift=0,align=off,sleep=off",
                 "-kernel", image], timeout=120)
    try:
        ticks = int(m.expect(r"core 0x0+1 on in counter ticks (0x[0-9a-f]+)").group(1), 16)
    finally:
        m.close()
    return ticks * 16


def rumkv_sizes(hv):
    out = subprocess.run(["llvm-size", "-A", hv], check=True,
                         capture_output=True, text=True).stdout
    sec = {p[0]: int(p[1]) for p in (l.split() for l in out.splitlines())
           if len(p) >= 2 and p[0].startswith(".")}
    resident = sum(sec.get(k, 0) for k in (".text", ".rodata", ".data"))
    boot = sum(sec.get(k, 0) for k in (".text.boot", ".rodata.boot", ".data.boot"))
    lines = subprocess.run(["bash", os.path.join(ROOT, "scripts/count-boot-lines.sh")],
                           check=True, capture_output=True, text=True).stdout
    m = re.search(r"(\d+)\s+total", lines)
    return {"resident_code_bytes": sec.get(".text", 0), "resident_bytes": resident,
            "loaded_bytes": resident + boot, "nexus_boot_lines": int(m.group(1)) if m else None}


LINUX_CELL_IMAGE = os.path.join(ROOT, "build/boot/nexus-boot-linux-peer.elf")


def linux_peer(results_dir, cell=False):
    """The Linux guest's figures, bare or (cell=True) as a RumKV cell."""
    path = os.path.join(results_dir, "linux-peer-cell.json" if cell else "linux-peer.json")
    cmd = [sys.executable, os.path.join(ROOT, "bench/linux/run.py"), path]
    if cell:
        cmd += ["--cell", LINUX_CELL_IMAGE]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(path) as f:
        peer = json.load(f)
    return peer["results"], peer["boot_to_init_insns"]


def host_benches(binaries, results_dir):
    out = {}
    for binary in binaries:
        name = os.path.basename(binary).removeprefix("bench_")
        path = os.path.join(results_dir, f"host-{name}.json")
        text = subprocess.run([binary, path], check=True, capture_output=True,
                              text=True).stdout
        out[name] = text
    return out


def image_sizes(kernel):
    out = subprocess.run(["llvm-size", "-A", kernel], check=True,
                         capture_output=True, text=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith("."):
            sizes[parts[0]] = int(parts[1])
    return {"text": sizes.get(".text", 0),
            "rodata": sizes.get(".rodata", 0),
            "data": sizes.get(".data", 0),
            "bss": sizes.get(".bss", 0),
            "stacks": sizes.get(".stacks", 0),
            "ksyms": sizes.get(".ksyms", 0),
            "file_bytes": os.path.getsize(kernel)}


def idle_timer_interrupts(kernel):
    """Real time, not icount: with sleep=off an idle guest's clock stands still."""
    m = Machine.qemu(kernel=kernel)
    try:
        shell_boot(m)
        to_monitor(m)
        before = m.info()
        time.sleep(IDLE_SECONDS)
        after = m.info()
        return {"seconds": (after["uptime_ms"] - before["uptime_ms"]) / 1000,
                "timer_irqs": after["irq"][27] - before["irq"][27],
                "timer_programmings": after["timer_programmed"] - before["timer_programmed"]}
    finally:
        m.close()


# Rumpk figure -> the Linux peer's figure for the same operation. The
# first three come from the monitor's `bench` (kernel fibers), the last
# three from `sysbench`, an app at EL0, like the Linux programs they face.
PEERS = {
    "switch": ("switch", "fiber switch (yield to yield) vs thread sched_yield"),
    "rtt": ("pipe_rtt_24", "24-byte message round trip: ION ring vs pipe"),
    "timer": ("timer_latency", "timer deadline to the sleeper running"),
    "null_syscall_rt": ("getpid", "null system call round trip vs getpid"),
    "pipe_rt": ("pipe_rtt_1", "1-byte app-to-app round trip vs pipe pair"),
    "spawn_exit": ("spawn_exit", "spawn + exit of a tiny app vs posix_spawn"),
}


def print_table(title, rows):
    width = max(len(r[0]) for r in rows)
    print(title)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


FSBENCH_FILES = 1000


def storage(kernel):
    """`fsbench` on /data (littlefs) and /nex (nexfs), fresh disks made
    with the host tools. The disks use cache=unsafe, so a flush does not
    wait for the host's own fsync; -icount ... sleep=on, so the app's CPU
    time (the filesystem's work on its behalf included) is instructions,
    while KiB/s is over guest time, which counts waits for the host's I/O
    and fsbench's pacing sleeps in host time."""
    tmp = tempfile.mkdtemp(prefix="nexus-fsbench-")
    disks = [os.path.join(tmp, "data.img"), os.path.join(tmp, "nex.img")]
    subprocess.run([os.path.join(ROOT, "build/tools/lfs"), "mkfs", disks[0], "32M"],
                   check=True, capture_output=True)
    subprocess.run([os.path.join(ROOT, "build/tools/nexfs"), "mkfs", disks[1], "64M"],
                   check=True, capture_output=True)
    m = Machine(qemu_command(kernel=kernel, icount="idle-real",
                             extra=disk_args(disks, cache="unsafe")), 1200)
    out = ""
    try:
        shell_boot(m)
        for mount in ("/data", "/nex"):
            out += shell_cmd(m, f"fsbench {mount} {FSBENCH_FILES}", timeout=1200)
    finally:
        m.close()
        shutil.rmtree(tmp, ignore_errors=True)
    figures = {}
    for mount, what, ns, kibs in re.findall(
            r"fsbench (\S+) (\w+) cpu_ns_per_kib=(\d+) kib_per_s=(\d+)", out):
        figures.setdefault(mount, {})[what] = {"insns_per_kib": int(ns),
                                               "kib_per_s": int(kibs)}
    if out.count(" done") != 2:
        raise SystemExit(f"bench: fsbench failed:\n{out}")
    return figures


RESTARTS = 5


def driver_restart(debug_kernel):
    """Blink restarting a crashed virtio-blk driver in the middle of a
    ringful of requests (the monitor's `blk test 2048 crash`), RESTARTS
    times: fault to the driver running again with every pending request
    back on the ring (CPU only: instructions), and fault to the next
    request served (guest time, the host's disk I/O included)."""
    tmp = tempfile.mkdtemp(prefix="nexus-restart-")
    disk = os.path.join(tmp, "scratch.img")
    with open(disk, "wb") as f:
        f.truncate(16 << 20)
    m = Machine(qemu_command(kernel=debug_kernel, icount="idle-real",
                             extra=disk_args([disk], cache="unsafe")), 300)
    back, served = [], []
    try:
        m.boot()
        for _ in range(RESTARTS):
            out = m.cmd("blk test 2048 crash", timeout=300)
            if "read back equal: PASS" not in out:
                raise SystemExit(f"bench: blk test with a crash failed:\n{out}")
            info = m.cmd("blk info")
            back.append(int(re.search(r"running again, requests back on the ring: (\d+) ns",
                                      info).group(1)))
            served.append(int(re.search(r"next request served: (\d+) ns", info).group(1)))
    finally:
        m.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"fault_to_driver_back_insns": sorted(back)[len(back) // 2],
            "fault_to_request_served_ns": sorted(served)[len(served) // 2],
            "runs": RESTARTS, "back_insns_all": back, "served_ns_all": served}


NET_MEGABYTES = 16


def network(kernel):
    """TCP throughput both ways with `netbench`, through QEMU's user
    network, timed by the host (bench/netpeer.py); the Linux peer runs the
    same transfers on the same QEMU options (bench/linux/net.py). netbench
    is the first app to ask for an address, so it is 10.0.2.15, where the
    forward points."""
    nbytes = NET_MEGABYTES << 20
    fwd = free_port()
    sock, back = netpeer.listener()
    m = Machine(qemu_command(kernel=kernel, icount="idle-real",
                             extra=net_args([(fwd, 5001)])), 600)
    up = []
    try:
        shell_boot(m)
        m.send("run -b netbench recv 5001\r")
        m.child.expect(r"netbench: waiting on 10\.0\.2\.15:5001", timeout=120)
        down = netpeer.host_to_guest(fwd, nbytes)
        m.child.expect(r"netbench: received \d+ bytes", timeout=120)
        shell_cmd(m, "")
        t = threading.Thread(target=lambda: up.append(netpeer.guest_to_host(sock, nbytes)))
        t.start()
        shell_cmd(m, f"netbench send 10.0.2.2 {back} {NET_MEGABYTES}", timeout=600)
        t.join(600)
    finally:
        sock.close()
        m.close()
    if not up:
        raise SystemExit("bench: netbench send did not reach the host")
    linux = linux_net.run(NET_MEGABYTES)
    return {"bytes": nbytes,
            "rumpk": {"host_to_guest_mbps": down, "guest_to_host_mbps": up[0]},
            "linux": {k: linux[k] for k in ("host_to_guest_mbps", "guest_to_host_mbps")},
            "rumpk_over_linux": {"host_to_guest": down / linux["host_to_guest_mbps"],
                                 "guest_to_host": up[0] / linux["guest_to_host_mbps"]},
            "qemu_icount": "shift=0,align=off,sleep=on", "timed_by": "host wall clock"}


HTTPD_REQUESTS = 2000
HTTPD_WARMUP = 20


def fiber_cpu_ticks(m, name):
    """A fiber's CPU time in counter ticks, from the shell's `energy`."""
    out = shell_cmd(m, "energy")
    found = re.search(rf"^\s*\d+ {name}\s+\w+\s+-?\d+\s+(\d+)", out, re.M)
    if not found:
        raise SystemExit(f"bench: no fiber {name} in `energy`:\n{out}")
    return int(found.group(1))


def httpd_counters(port):
    """Frames in and out and rests so far, from httpd's /status."""
    _, page = netpeer.http_get(port, "/status")
    found = re.search(rb"membrane: (\d+) frames in, (\d+) out, .* (\d+) rests", page)
    if not found:
        raise SystemExit(f"bench: httpd /status without Membrane counters:\n{page}")
    return [int(x) for x in found.groups()]


def httpd_rate(kernel):
    """HTTPD_REQUESTS sequential HTTP/1.0 GETs of / (the index page), each
    on a fresh connection from the host, to httpd behind a forward to
    10.0.2.15:80 (httpd is the first app to ask for an address). Requests
    per second of host wall time, so QEMU's emulation is in it; and guest
    instructions per request from the CPU time of httpd and of the driver
    fiber, which under -icount ... sleep=on is instructions. The warm-up
    fills httpd's file cache."""
    fwd = free_port()
    m = Machine(qemu_command(kernel=kernel, icount="idle-real",
                             extra=net_args([(fwd, 80)])), 600)
    try:
        shell_boot(m)
        m.send("run -b httpd\r")
        m.child.expect(r"httpd: serving /www on 10\.0\.2\.15:80", timeout=120)
        shell_cmd(m, "")
        netpeer.http_gets(fwd, HTTPD_WARMUP)
        frames_in, frames_out, rests = httpd_counters(fwd)
        cpu = {f: fiber_cpu_ticks(m, f) for f in ("httpd", "vnet")}
        seconds, size = netpeer.http_gets(fwd, HTTPD_REQUESTS)
        cpu = {f: fiber_cpu_ticks(m, f) - cpu[f] for f in cpu}
        after = httpd_counters(fwd)
    finally:
        m.close()
    per_request = {f"{f}_insns_per_request": ticks * 16 / HTTPD_REQUESTS  # 16 per tick
                   for f, ticks in cpu.items()}
    return dict(per_request, requests=HTTPD_REQUESTS, page_bytes=size,
                requests_per_s=HTTPD_REQUESTS / seconds,
                frames_in_per_request=(after[0] - frames_in) / HTTPD_REQUESTS,
                frames_out_per_request=(after[1] - frames_out) / HTTPD_REQUESTS,
                rests=after[2] - rests, qemu_icount="shift=0,align=off,sleep=on",
                timed_by="host wall clock")


def main(kernel, debug_kernel, results_dir, host_bins):
    sys.stdout = open(os.devnull, "w")	# the console logs of the runs
    boot_el1 = [boot_instructions(kernel, False) for _ in range(2)]
    boot_el2 = boot_instructions(kernel, True)
    sizes = image_sizes(kernel)
    idle = idle_timer_interrupts(debug_kernel)
    guest = guest_microbenchmarks(debug_kernel)
    guest.update(app_microbenchmarks(kernel))
    cell = guest_microbenchmarks(debug_kernel, hv=RUMKV)
    cell.update(app_microbenchmarks(kernel, hv=RUMKV))
    hv_sizes = rumkv_sizes(RUMKV)
    fault_cost = stage2_fault_cost(debug_kernel)
    cpu_on_cost = psci_cpu_on_cost()
    linux, linux_boot = linux_peer(results_dir)
    linux_cell, linux_cell_boot = linux_peer(results_dir, cell=True)
    fs = storage(kernel)
    net = network(kernel)
    restart = driver_restart(debug_kernel)
    httpd = httpd_rate(kernel)
    sys.stdout = sys.__stdout__
    host = host_benches(host_bins, results_dir)

    ratios = {k: guest[k]["insns_per_op"] / linux[peer]["insns_per_op"]
              if k in guest else None for k, (peer, _) in PEERS.items()}
    result = {
        "qemu": "qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -m 512M -icount shift=0,align=off,sleep=off",
        "boot_to_prompt_instructions": {"el1_entry": boot_el1[0], "el2_entry": boot_el2,
                                        "repeatable": boot_el1[0] == boot_el1[1],
                                        "prompt": "the EL0 shell's first nexus$ prompt"},
        "kernel_image_bytes": sizes,
        "idle": idle,
        "guest_microbenchmarks_insns_per_op": guest,
        "linux_peer_insns_per_op": {peer: linux[peer]["insns_per_op"] for peer, _ in PEERS.values()},
        "rumpk_over_linux": ratios,
        "rumpk_in_rumkv_cell_insns_per_op": cell,
        "cell_over_bare": {k: cell[k]["insns_per_op"] / guest[k]["insns_per_op"]
                           for k in ("timer", "switch", "rtt") + SYSBENCH_FIGURES},
        "rumkv": dict(hv_sizes, stage2_fault_to_terminated_insns=fault_cost,
                      psci_cpu_on_insns=cpu_on_cost),
        "network_tcp": net,
        "blk_driver_restart": dict(restart, qemu_icount="shift=0,align=off,sleep=on"),
        "network_httpd": httpd,
        "network_switch_insns_per_frame": {k: guest[k] for k in NETSWITCH_FIGURES},
        "storage_fsbench": dict(fs, small_files=FSBENCH_FILES,
                                qemu_icount="shift=0,align=off,sleep=on",
                                disks="cache=unsafe"),
        "linux_cell_over_bare": dict(
            {k: linux_cell[k]["insns_per_op"] / linux[k]["insns_per_op"] for k in linux},
            boot_to_init=linux_cell_boot / linux_boot),
    }
    print_table("Rumpk foundation (QEMU virt, aarch64, instructions under -icount shift=0)", [
        ("boot to shell prompt, entered at EL1", f"{boot_el1[0]:,} instructions"
         + ("" if boot_el1[0] == boot_el1[1] else f" (second run {boot_el1[1]:,}!)")),
        ("boot to shell prompt, entered at EL2", f"{boot_el2:,} instructions"),
        ("kernel text / rodata / data / bss", "{text:,} / {rodata:,} / {data:,} / {bss:,} bytes".format(**sizes)),
        ("kernel symbol table (.ksyms)", f"{sizes['ksyms']:,} bytes"),
        (f"timer interrupts in {idle['seconds']:.1f} s idle", f"{idle['timer_irqs']} "
         f"(timer programmed {idle['timer_programmings']} times)"),
    ])
    rows = [("ring push+pop, one fiber", f"{guest['ring']['insns_per_op']:.1f}")]
    for k, (peer, what) in PEERS.items():
        theirs = f"Linux {linux[peer]['insns_per_op']:,}"
        rows.append((what, f"{guest[k]['insns_per_op']:.1f} vs {theirs}  = {ratios[k]:.3f}x"
                     if k in guest else f"n/a vs {theirs}"))
    rows.append(("boot: Rumpk to shell prompt vs Linux to /init",
                 f"{boot_el1[0]:,} vs {linux_boot:,}  = {boot_el1[0] / linux_boot:.4f}x"))
    print_table("Rumpk vs Linux 6.1 guest, instructions per operation", rows)
    print_table("RumKV: Rumpk as cell 0 (direct interrupt delivery) vs bare", [
        ("timer deadline to sleeper, cell / bare",
         f"{cell['timer']['insns_per_op']:.1f} / {guest['timer']['insns_per_op']:.1f}"
         f"  = {result['cell_over_bare']['timer']:.3f}x (goal <= 1.05)"),
        ("fiber switch, cell / bare", f"{result['cell_over_bare']['switch']:.3f}x"),
        ("app null syscall / round trip / spawn+exit, cell / bare", " / ".join(
            f"{result['cell_over_bare'][k]:.3f}x" for k in SYSBENCH_FIGURES)),
        ("hypercall round trip (NX_HC_VERSION)", f"{cell['hvc']['insns_per_op']:.1f} instructions"),
        ("stage-2 fault to the cell's core parked (report included)",
         f"{fault_cost:,} instructions (counter resolution: 16)"),
        ("PSCI CPU_ON emulation: trap to the new core in the cell",
         f"{cpu_on_cost:,} instructions (Linux bringing up its second core)"),
        ("boot to shell prompt in the cell (RumKV boot included)",
         f"{cell['boot_to_prompt']['insns_per_op']:,} instructions"),
        ("RumKV resident code / resident total", f"{hv_sizes['resident_code_bytes']:,} / "
         f"{hv_sizes['resident_bytes']:,} bytes (goal: code < 5 KB)"),
        ("RumKV loaded image (boot-only included)", f"{hv_sizes['loaded_bytes']:,} bytes"),
        ("nexus-boot lines of code", f"{hv_sizes['nexus_boot_lines']} (limit 300)"),
    ])
    print_table(f"Storage: fsbench (instructions per KiB, KiB/s of guest time; "
                f"{FSBENCH_FILES} small files of 256 B)", [
        (f"{mount} {what}", f"{v['insns_per_kib']:,} insns/KiB, {v['kib_per_s']:,} KiB/s")
        for mount, whats in fs.items() for what, v in whats.items()])
    print_table(f"Network: TCP through QEMU user networking, {NET_MEGABYTES} MiB, "
                "MB/s of host time (same QEMU options for both)", [
        (f"{way.replace('_', ' ')}", f"Rumpk {net['rumpk'][way + '_mbps']:.1f} vs Linux "
         f"{net['linux'][way + '_mbps']:.1f}  = {net['rumpk_over_linux'][way]:.2f}x")
        for way in ("host_to_guest", "guest_to_host")])
    sw = guest["net_in"]
    print_table(f"Network: the NetSwitch alone, instructions per {sw['frame_bytes']}-byte "
                "frame (monitor `bench`, a switch of its own)", [
        ("wire -> one app port (the driver's call)", f"{sw['insns_per_op']:,.1f}"),
        (f"wire broadcast -> {sw['broadcast_ports']} app ports",
         f"{guest['net_bc']['insns_per_op']:,.1f}"),
        ("app port -> wire (an app's notify)", f"{guest['net_out']['insns_per_op']:,.1f}"),
    ])
    print_table(f"Network: httpd, {HTTPD_REQUESTS} sequential GETs of a {httpd['page_bytes']}-byte "
                "page from the host, a connection each", [
        ("requests per second of host time", f"{httpd['requests_per_s']:,.0f}"),
        ("guest instructions per request: httpd / driver fiber",
         f"{httpd['httpd_insns_per_request']:,.0f} / {httpd['vnet_insns_per_request']:,.0f}"),
        ("frames per request in / out; httpd's rests", f"{httpd['frames_in_per_request']:.2f} / "
         f"{httpd['frames_out_per_request']:.2f}; {httpd['rests']}"),
    ])
    print_table(f"Blink: virtio-blk driver crash under load (median of {RESTARTS})", [
        ("fault to driver running, requests replayed",
         f"{restart['fault_to_driver_back_insns']:,} instructions"),
        ("fault to the next request served",
         f"{restart['fault_to_request_served_ns'] / 1000:,.0f} us guest time (goal < 2 ms)"),
    ])
    lc = result["linux_cell_over_bare"]
    print_table("RumKV: the same Linux 6.1 guest as a cell vs bare (instructions)", [
        ("boot to /init (cell: nexus-boot + RumKV included)",
         f"{linux_cell_boot:,} vs {linux_boot:,}  = {lc['boot_to_init']:.3f}x"),
    ] + [(f"{k}", f"{linux_cell[k]['insns_per_op']:,} vs {linux[k]['insns_per_op']:,}"
          f"  = {lc[k]:.3f}x") for k in linux])
    for name, text in host.items():
        print(f"Host benchmark {name}:")
        print("\n".join("  " + line for line in text.strip().splitlines()))
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, "rumpk.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"written to {os.path.relpath(results_dir, ROOT)}/: rumpk.json, linux-peer.json, linux-peer-cell.json"
          + "".join(f", host-{n}.json" for n in host))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
