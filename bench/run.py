#!/usr/bin/env python3
"""`make bench`: deterministic figures for Rumpk, printed as one table and
written to bench/results/ as JSON.

usage: run.py KERNEL_ELF RESULTS_DIR

Under `-icount shift=0,align=off,sleep=off` QEMU executes exactly one
guest instruction per virtual nanosecond, so guest-side times in ns are
instruction counts, identical run to run.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
from nexus import Machine  # noqa: E402

IDLE_SECONDS = 5


def boot_instructions(kernel, el2):
    m = Machine.qemu(kernel=kernel, el2=el2, icount=True)
    try:
        m.boot()
        return m.info()["prompt_ns"]
    finally:
        m.close()


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
        m.boot()
        before = m.info()
        time.sleep(IDLE_SECONDS)
        after = m.info()
        return {"seconds": (after["uptime_ms"] - before["uptime_ms"]) / 1000,
                "timer_irqs": after["irq"][27] - before["irq"][27],
                "timer_programmings": after["timer_programmed"] - before["timer_programmed"]}
    finally:
        m.close()


def main(kernel, results_dir):
    sys.stdout = open(os.devnull, "w")	# the console logs of the runs
    boot_el1 = [boot_instructions(kernel, False) for _ in range(2)]
    boot_el2 = boot_instructions(kernel, True)
    sizes = image_sizes(kernel)
    idle = idle_timer_interrupts(kernel)
    sys.stdout = sys.__stdout__

    result = {
        "qemu": "qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a72 -m 512M -icount shift=0,align=off,sleep=off",
        "boot_to_prompt_instructions": {"el1_entry": boot_el1[0], "el2_entry": boot_el2,
                                        "repeatable": boot_el1[0] == boot_el1[1]},
        "kernel_image_bytes": sizes,
        "idle": idle,
    }
    rows = [
        ("boot to prompt, entered at EL1", f"{boot_el1[0]:,} instructions"
         + ("" if boot_el1[0] == boot_el1[1] else f" (second run {boot_el1[1]:,}!)")),
        ("boot to prompt, entered at EL2", f"{boot_el2:,} instructions"),
        ("kernel text / rodata / data / bss", "{text:,} / {rodata:,} / {data:,} / {bss:,} bytes".format(**sizes)),
        ("kernel symbol table (.ksyms)", f"{sizes['ksyms']:,} bytes"),
        (f"timer interrupts in {idle['seconds']:.1f} s idle", f"{idle['timer_irqs']} "
         f"(timer programmed {idle['timer_programmings']} times)"),
    ]
    width = max(len(r[0]) for r in rows)
    print("Rumpk foundation (QEMU virt, aarch64)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    os.makedirs(results_dir, exist_ok=True)
    path = os.path.join(results_dir, "foundation.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"  written to {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
