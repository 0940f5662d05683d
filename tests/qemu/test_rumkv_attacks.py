"""The attack catalog: Rumpk, as cell 0 under RumKV, acts like a
compromised kernel (the debug command `attack`, kernel/core/attack.c) and
RumKV must stop every attempt. See "Attack catalog" in docs/hypervisor.md.

Each test boots its own machine: a stopped read or write ends the cell,
and with no cell left RumKV powers QEMU off (exit status 0). Every wait
has a timeout (pexpect's); Machine copies the console to stdout, so a
failing test shows the whole log.
"""
import re
import time

import pytest

from nexus import Machine, hv_info

BOOT_TIMEOUT = 30
FUZZ_CALLS = 100000
FUZZ_SEED = 7
FUZZ_BUDGET_S = 60
TERMINATED = r"rumkv: cell 0 \(rumpk\) terminated: stage-2 fault on %s at IPA 0x%08x \(ESR 0x[0-9a-f]+\)"
POWERING_OFF = "rumkv: no cell left running, powering off"

# Addresses outside cell 0's configuration (hv/core/config_default.c).
TARGETS = {
    "rumkv-memory": 0x7fc00000,    # RumKV's own image and data
    "outside-ram": 0x60000000,     # RAM above the cell's: a second cell's
    "rtc": 0x09010000,             # PL031, not given to any cell
}
# More unowned devices, read only: fw_cfg shares the UART's 2 MiB
# stage-1 block, the GIC ITS lies between the GICD and GICR the cell owns.
EXTRA_READS = {
    "fw-cfg": 0x09020000,
    "gic-its": 0x08080000,
    # Core 1's redistributor frame: only the cell's own cores' are mapped.
    "gicr-core1": 0x080c0000,
}






def attack_is_stopped(m, access, addr):
    """Runs the attack; the cell must die on stage 2 naming @addr exactly,
    before Rumpk can report that the access went through."""
    m.cmd("attack %s 0x%x" % (access, addr), prompt=False)
    i = m.child.expect([TERMINATED % (access, addr), "NOT stopped"],
                       timeout=10)
    assert i == 0, "the %s of 0x%x was not stopped" % (access, addr)
    m.expect(re.escape(POWERING_OFF), timeout=10)
    assert m.wait_exit(timeout=10) == 0


@pytest.mark.parametrize("access", ["read", "write"])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_access_outside_the_cell_terminates_it(cell, access, target):
    attack_is_stopped(cell, access, TARGETS[target])


@pytest.mark.parametrize("target", sorted(EXTRA_READS))
def test_read_of_an_unowned_device_terminates_the_cell(cell, target):
    attack_is_stopped(cell, "read", EXTRA_READS[target])


def test_control_the_same_attack_reads_the_cells_own_ram(cell):
    # The tool works: only the address decides. RumKV wrote the cell's
    # device tree at the base of its RAM (magic d00dfeed, big-endian).
    out = cell.cmd("attack read 0x40000000", timeout=10)
    assert "read 0x40000000 = 0xedfe0dd0: NOT stopped" in out
    assert "device classes 0x3" in cell.cmd("hv-info", timeout=10)


def test_hvc_fuzz_leaves_the_cell_and_rumkv_running(cell):
    _, traps_before = hv_info(cell)
    print("\nhvc-fuzz: %d calls, seed %d" % (FUZZ_CALLS, FUZZ_SEED))
    start = time.monotonic()
    out = cell.cmd("attack hvc-fuzz %d %d" % (FUZZ_CALLS, FUZZ_SEED),
                   timeout=FUZZ_BUDGET_S)
    took = time.monotonic() - start
    print("\nhvc-fuzz: %.2f s of wall time" % took)
    assert took < FUZZ_BUDGET_S
    m = re.search(r"hvc-fuzz: (\d+) calls \(seed (\d+)\): (\d+) ok, "
                  r"(\d+) -NX_ENOSYS, (\d+) -NX_EFAULT, (\d+) -NX_EPERM, "
                  r"(\d+) -NX_EINVAL, (\d+) other; (\d+) unexpected; "
                  r"classes (0x[0-9a-f]+); \d+ ms; cell still running", out)
    assert m, "no hvc-fuzz summary"
    calls, seed, ok, enosys, efault, eperm, einval, other, unexpected = \
        (int(x) for x in m.groups()[:9])
    classes = int(m.group(10), 16)
    assert (calls, seed) == (FUZZ_CALLS, FUZZ_SEED)
    assert ok + enosys + efault + eperm + einval + other == calls
    assert unexpected == 0 and other == 0
    # Every kind of refusal was exercised, and the console was kept.
    assert min(ok, enosys, efault, eperm, einval) > 0
    assert classes & 1
    # RumKV still answers, agrees on the classes, and counted each
    # refused pledge (only NX_HC_PLEDGE returns -NX_EPERM).
    info, traps = hv_info(cell)
    assert "device classes 0x%x" % classes in info
    assert traps["hvc"] >= calls
    assert traps["pledge-refused"] == eperm
    # No new data aborts (the GIC distributor's emulated accesses at boot
    # count there too) and nothing unexplained.
    assert traps["dabt"] == traps_before["dabt"]
    assert traps["other"] == 0
    cell.cmd("poweroff", prompt=False)
    cell.expect(r"rumkv: cell 0 \(rumpk\) powered off", timeout=10)
    assert cell.wait_exit(timeout=10) == 0


@pytest.mark.parametrize("mpidr", [0x1, 0x100, 0x100000000])
def test_cpu_on_of_a_core_outside_the_cell_is_refused(cell, mpidr):
    # MPIDR 1: core 1; 0x100 and 0x100000000: other Aff1 / Aff3 values.
    out = cell.cmd("attack cpu-on 0x%x" % mpidr, timeout=10)
    assert re.search(r"cpu-on: PSCI CPU_ON\(mpidr 0x%x\) = -[23] "
                     r"\((INVALID_PARAMETERS|DENIED)\): refused" % mpidr, out)
    # The cell keeps running: RumKV answers and counted the SMC.
    info, traps = hv_info(cell)
    assert "cell 0 (rumpk): 1 cpu(s)" in info
    assert traps["smc"] >= 1 and traps["other"] == 0
    cell.cmd("poweroff", prompt=False)
    assert cell.wait_exit(timeout=10) == 0


def test_hosted_build_refuses_the_raw_mapping():
    # No machine under a process: the HAL says so and nothing is touched.
    m = Machine.hosted(timeout=BOOT_TIMEOUT)
    try:
        m.boot()
        out = m.cmd("attack read 0x7fc00000", timeout=10)
        assert "not supported in the hosted build" in out
        assert "cannot map 0x7fc00000" in out
        assert "not running in a RumKV cell" in m.cmd("attack cpu-on 1",
                                                       timeout=10)
    finally:
        m.close()
