"""The GIC distributor filter: a RumKV cell reaches the distributor only
through RumKV, which lets it touch the SPIs it owns and nothing else.

Most cases boot the core profile (nexus-boot -> RumKV -> Rumpk), whose
cell owns only the UART (INTID 33) and one virtio slot (INTID 79), and
use `gic-poke` (kernel/core/gicpoke.c) for 32-bit distributor accesses.
See docs/hypervisor.md, "Interrupt isolation: the distributor filter".
"""
import os
import re

import pytest

from nexus import RUMKV, ROOT, Machine

CORE_IMAGE = os.path.join(ROOT, "build/boot/nexus-boot-core.elf")

ISENABLER1 = 0x104      # INTIDs 32..63: bit 1 = 33 (UART), bit 16 = 48
ISENABLER2 = 0x108      # INTIDs 64..95: bit 15 = 79 (the core profile's virtio)
ICENABLER2 = 0x188
IGROUPR1 = 0x084
ISPENDR1 = 0x204
IROUTER33 = 0x6000 + 8 * 33
IROUTER48 = 0x6000 + 8 * 48
CTLR_ARE_G1 = 0x12      # GICD_CTLR.ARE | EnableGrp1, set by RumKV at boot


@pytest.fixture
def core():
    """Rumpk at its prompt in cell 0 of the core profile."""
    m = Machine(["qemu-system-aarch64", "-M", "virt,gic-version=3,virtualization=on",
                 "-cpu", "cortex-a72", "-m", "1G", "-nographic", "-nic", "none",
                 "-kernel", CORE_IMAGE])
    m.boot()
    yield m
    m.close()


@pytest.fixture
def default_cell():
    """Rumpk in RumKV's built-in configuration, which owns INTIDs 33 and 48-79."""
    m = Machine.qemu(hv=RUMKV)
    m.boot()
    yield m
    m.close()


def peek(m, off):
    out = m.cmd("gic-poke read 0x%x" % off)
    return int(re.search(r"GICD\+0x[0-9a-f]+ = (0x[0-9a-f]+)", out).group(1), 16)


def poke(m, off, value):
    out = m.cmd("gic-poke write 0x%x 0x%x" % (off, value))
    assert "gic-poke: GICD+" in out, out


def traps(m):
    out = m.cmd("hv-info")
    return dict((k, int(v)) for k, v in
                re.findall(r"([a-z-]+) (\d+)", out.split("traps:")[1]))


def spurious(m):
    return int(re.search(r"irq spurious: (\d+)", m.cmd("info")).group(1))


def raise_spi_48(m):
    """Everything a cell would do to take INTID 48: group 1, enabled, pending."""
    poke(m, IGROUPR1, 0xffffffff)   # not a set/clear register: keep 33 in group 1
    poke(m, ISENABLER1, 1 << 16)
    poke(m, ISPENDR1, 1 << 16)


def test_rumpk_boots_with_its_distributor_accesses_emulated(default_cell):
    t = traps(default_cell)
    # Rumpk's gic.c touches every SPI at boot: each access is a trapped,
    # emulated data abort, and none of them is refused.
    assert t["dabt"] > 200
    assert t["gic-refused"] == 0
    out = default_cell.cmd("info")
    assert "gicd 0x8000000" in out
    before = traps(default_cell)["dabt"]
    assert peek(default_cell, 0x4) & 0x1f        # GICD_TYPER reads through
    assert traps(default_cell)["dabt"] == before + 1


def test_an_owned_spi_can_be_raised(default_cell):
    """The control for the next test: INTID 48 is this cell's here, so the
    same writes do reach the hardware and the interrupt arrives (Rumpk has
    no handler for it: it counts as spurious)."""
    assert spurious(default_cell) == 0
    raise_spi_48(default_cell)
    assert peek(default_cell, ISENABLER1) & (1 << 16)
    default_cell.cmd("sleep 10")
    assert spurious(default_cell) >= 1


def test_another_cells_spi_cannot_be_enabled_or_raised(core):
    assert peek(core, ISENABLER1) == 1 << 1     # only the UART is visible
    raise_spi_48(core)
    assert peek(core, ISENABLER1) == 1 << 1
    assert peek(core, ISPENDR1) & (1 << 16) == 0
    core.cmd("sleep 100")
    assert spurious(core) == 0                  # it never arrived
    assert "entered at EL1, running at EL1" in core.cmd("info")


def test_owned_spis_can_be_enabled_and_disabled(core):
    # 33 (already on) and 48 (not ours) in one write: only 33 takes.
    poke(core, ISENABLER1, (1 << 1) | (1 << 16))
    assert peek(core, ISENABLER1) == 1 << 1
    assert peek(core, ISENABLER2) == 0
    poke(core, ISENABLER2, 1 << 15)
    assert peek(core, ISENABLER2) == 1 << 15
    poke(core, ICENABLER2, 1 << 15)
    assert peek(core, ISENABLER2) == 0
    assert traps(core)["gic-refused"] == 0


def test_an_owned_spi_cannot_be_routed_to_a_foreign_core(core):
    assert peek(core, IROUTER33) == 0           # core 0, the cell's
    poke(core, IROUTER33, 1)                    # MPIDR 1: not the cell's
    assert peek(core, IROUTER33) == 0
    assert traps(core)["gic-refused"] == 1
    poke(core, IROUTER33, 1 << 31)              # IRM: any core
    assert peek(core, IROUTER33) == 0
    assert traps(core)["gic-refused"] == 2
    # Another cell's SPI: not even visible, and the write is dropped.
    poke(core, IROUTER48, 1)
    assert peek(core, IROUTER48) == 0
    # The UART still interrupts: typing at the prompt works.
    assert "entered at EL1" in core.cmd("info")


def test_writing_ctlr_does_not_stop_the_distributor(core):
    assert peek(core, 0x0) & CTLR_ARE_G1 == CTLR_ARE_G1
    poke(core, 0x0, 0)
    assert peek(core, 0x0) & CTLR_ARE_G1 == CTLR_ARE_G1
    poke(core, 0xf00, 0)                        # GICD_SGIR: not emulated
    assert traps(core)["gic-refused"] == 1
    core.cmd("sleep 100", timeout=10)           # the timer (PPI 27) fires
    out = core.cmd("info")                      # and the UART (SPI 33) too
    assert re.search(r"irq 27 \(timer\): [1-9]", out)
