#!/usr/bin/python3
"""Boot the Linux peer guest and collect its benchmark figures.

    bench/linux/run.py OUT.json [--timeout SECONDS] [--kaslr]

Runs Debian's arm64 kernel with the initramfs from scripts/linux-peer.sh on
QEMU with -icount shift=0, where one virtual nanosecond is one guest
instruction, so every figure is an instruction count. Prints the PEER lines
as a table and writes them to OUT.json. Exits non-zero, printing the console
log, if the guest is missing, times out, or any benchmark fails.

Determinism needs more than icount: QEMU hands the guest random seeds in the
device tree (re-randomised at every reset) and the host's time through the
RTC, and Linux mixes both into its entropy pool, which moves stacks and
mappings around between runs. -seed makes QEMU's guest randomness a fixed
sequence and -rtc clock=vm starts the RTC at a fixed date. The seed matters
for speed too: an arm64 guest without one runs with an unseeded random
generator, and then every system call pays for a ChaCha block when it
randomises its kernel stack offset (~9k extra instructions per call).
"""
import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
OUT = TOP / "build" / "linux-peer"
QEMU = "qemu-system-aarch64"
EXPECTED = ["boot", "getpid", "switch", "switch_proc", "pipe_rtt_1",
            "pipe_rtt_24", "timer_latency", "spawn", "spawn_exit"]
NOTES = {
    "getpid": "syscall(SYS_getpid)",
    "switch": "sched_yield, 2 threads, 1 CPU",
    "switch_proc": "sched_yield, 2 processes, 1 CPU",
    "pipe_rtt_1": "round trip, 1 byte, 2 pipes",
    "pipe_rtt_24": "round trip, 24 bytes, 2 pipes",
    "timer_latency": "clock_nanosleep deadline -> running (median)",
    "spawn": "fork + exec /bin/true + wait",
    "spawn_exit": "posix_spawn /bin/true + wait",
}


def qemu_args(kaslr):
    # nokaslr by default: on a core without E0PD, 6.1 turns on page-table
    # isolation whenever KASLR is active, and a Cortex-A72 does not need it.
    append = "console=ttyAMA0 quiet panic=-1" + ("" if kaslr else " nokaslr")
    return [
        QEMU, "-M", "virt,gic-version=3", "-cpu", "cortex-a72", "-smp", "1",
        "-m", "512M", "-nographic", "-nic", "none", "-no-reboot",
        "-icount", "shift=0,align=off,sleep=off",
        "-seed", "1", "-rtc", "base=2025-01-01T00:00:00,clock=vm",
        "-kernel", str(OUT / "Image"), "-initrd", str(OUT / "initrd.gz"),
        "-append", append,
    ]


def cell_args(image):
    """The same guest as cell 0 under RumKV: nexus-boot `image` carries
    RumKV, the same Image and initramfs, and the same command line in its
    manifest (configs/linux-peer.dts). The machine has 1 GiB; the cell 512."""
    return [
        QEMU, "-M", "virt,gic-version=3,virtualization=on", "-cpu", "cortex-a72",
        "-smp", "1", "-m", "1G", "-nographic", "-nic", "none", "-no-reboot",
        "-icount", "shift=0,align=off,sleep=off",
        "-seed", "1", "-rtc", "base=2025-01-01T00:00:00,clock=vm",
        "-kernel", str(image),
    ]


def fail(msg, log=None):
    if log:
        sys.stderr.write("---- guest console ----\n" + log +
                         "\n---- end of console ----\n")
    sys.stderr.write("linux-peer: " + msg + "\n")
    sys.exit(1)


def parse(log):
    """PEER lines into {name: {key: int}}; PEER-ERROR lines into a list."""
    results, errors = {}, []
    for line in log.splitlines():
        line = line.strip()
        if line.startswith("PEER-ERROR"):
            errors.append(line)
        m = re.match(r"PEER (\w+) (.*)$", line)
        if m:
            results[m.group(1)] = {k: int(v) for k, v in
                                   re.findall(r"(\w+)=(\d+)", m.group(2))}
    return results, errors


def manifest():
    try:
        text = (OUT / "manifest").read_text()
    except OSError:
        return {}
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)


def table(results, boot):
    rows = [("boot_to_init", boot, 1, "reset -> first line of /init")]
    rows += [(n, results[n]["insns_per_op"], results[n]["iters"], NOTES[n])
             for n in EXPECTED if n != "boot"]
    print(f"{'benchmark':<15} {'insns/op':>12} {'iters':>7}  notes")
    for name, value, iters, note in rows:
        print(f"{name:<15} {value:>12} {iters:>7}  {note}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="where to write the JSON results")
    ap.add_argument("--timeout", type=float, default=240,
                    help="wall-clock seconds before the guest is killed")
    ap.add_argument("--cell", metavar="IMAGE",
                    help="run the guest in a RumKV cell: nexus-boot image to boot")
    ap.add_argument("--kaslr", action="store_true",
                    help="boot without nokaslr (KASLR and page-table isolation on)")
    opt = ap.parse_args()

    for f in ("Image", "initrd.gz"):
        if not (OUT / f).is_file():
            fail(f"{OUT / f} is missing: run scripts/linux-peer.sh (make linux-peer)")
    args = cell_args(opt.cell) if opt.cell else qemu_args(opt.kaslr)
    t0 = time.monotonic()
    try:
        run = subprocess.run(args, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=opt.timeout)
    except FileNotFoundError:
        fail(f"{QEMU} not found: run scripts/linux-peer.sh")
    except subprocess.TimeoutExpired as e:
        log = (e.stdout or b"").decode(errors="replace")
        fail(f"guest did not power off within {opt.timeout:.0f} s", log)
    wall = time.monotonic() - t0
    log = run.stdout.decode(errors="replace")

    results, errors = parse(log)
    if errors:
        fail("benchmark failed: " + "; ".join(errors), log)
    if run.returncode != 0:
        fail(f"{QEMU} exited with status {run.returncode}", log)
    missing = [n for n in EXPECTED if n not in results]
    if missing or "PEER-END" not in log:
        fail("no result for " + (", ".join(missing) or "PEER-END"), log)

    boot = results["boot"]["insns"]
    qemu_version = subprocess.run([QEMU, "--version"], capture_output=True,
                                  text=True).stdout.splitlines()[0]
    # Nothing run-dependent (wall time, dates) goes in the file, so two runs
    # can be compared byte for byte.
    doc = {
        "unit": "guest instructions (virtual ns under -icount shift=0)",
        "guest": manifest(),
        "qemu": qemu_version,
        "qemu_args": [a.replace(str(TOP) + "/", "") for a in args],
        "boot_to_init_insns": boot,
        "results": {n: results[n] for n in EXPECTED if n != "boot"},
    }
    out = Path(opt.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")

    print(f"Linux peer: {doc['guest'].get('kernel', 'kernel ?')}, "
          f"{qemu_version}, {wall:.0f} s wall")
    table(results, boot)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
