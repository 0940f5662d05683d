"""Rumpk as cell 0 under RumKV: isolation of memory and devices by stage 2.

RumKV (build/hv/rumkv.elf) is QEMU's -kernel and is entered at EL2;
QEMU's generic loader puts Rumpk at its link address. See
docs/hypervisor.md.
"""
import re

from nexus import hv_info, parse_info

# QEMU's first virtio-mmio slot, where -device virtio-net-device lands.
VIRTIO_SLOT = 0x0a003e00
TERMINATED = "rumkv: cell 0 (rumpk) terminated: stage-2 fault"






def test_rumpk_boots_in_cell_0_at_el1_with_512_mib(cell):
    assert "rumkv: cell 0 (rumpk): 512 MiB at 0x40000000" in cell.banner
    assert re.search(r"rumkv: resident: text \d+", cell.banner)
    # Checked by the EL2 walker itself (AT S1E2R) after the pages went.
    assert re.search(r"rumkv: boot-only code and data unmapped: \d+ KiB", cell.banner)
    out = cell.cmd("info")
    # The cell's device tree: PSCI through (trapped) SMC, every virtio slot.
    assert "psci smc" in out
    assert "virtio:   32 mmio slots, 0xa000000-0xa003fff" in out
    info = parse_info(out)
    assert info["entered_el"] == 1
    assert info["running_el"] == 1
    assert info["mem_mib"] == 512


def test_hv_info_shows_cell_0(cell):
    out, traps = hv_info(cell)
    assert "cell 0 (rumpk): 1 cpu(s), 512 MiB at 0x40000000" in out
    assert "device classes 0x3 (console net)" in out
    # Rumpk asked PSCI nothing yet; hv-info itself made the HVCs counted.
    assert traps["hvc"] >= 2
    assert traps["pledge-refused"] == 0


def test_hardpledge_then_virtio_read_terminates_the_cell(cell):
    # Before the pledge the slot is readable: virtio-mmio magic "virt".
    assert "= 0x74726976" in cell.cmd("mmio-poke 0x%08x" % VIRTIO_SLOT)
    out = cell.cmd("hardpledge")
    assert "now holding 0x1 (console)" in out
    assert "0x1 (console)" in cell.cmd("hv-info")
    cell.cmd("mmio-poke 0x%08x" % VIRTIO_SLOT, prompt=False)
    cell.expect(re.escape(TERMINATED) + r" on read at IPA 0x%08x \(ESR 0x[0-9a-f]+\)"
                % VIRTIO_SLOT)
    # The only cell is gone: RumKV powers the machine off.
    cell.expect(r"rumkv: no cell left running, powering off")
    assert cell.wait_exit() == 0


def test_loosening_a_pledge_is_refused_and_counted(cell):
    assert "now holding 0x1 (console)" in cell.cmd("hardpledge 0x1")
    out = cell.cmd("hardpledge 0x3")
    assert "refused pledge loosening" in out     # RumKV's own line
    assert "refused (-NX_EPERM)" in out
    out, traps = hv_info(cell)
    assert "device classes 0x1 (console)" in out
    assert traps["pledge-refused"] == 1
    # The console still works; the net class stays dropped.
    assert "refused" in cell.cmd("hardpledge 0x2")
    assert hv_info(cell)[1]["pledge-refused"] == 2


def test_poweroff_in_the_cell_ends_qemu_with_status_0(cell):
    cell.cmd("poweroff", prompt=False)
    cell.expect(r"rumkv: cell 0 \(rumpk\) powered off")
    assert cell.wait_exit() == 0
