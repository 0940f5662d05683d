import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from nexus import RUMKV, Machine  # noqa: E402


@pytest.fixture(params=["el1", "el2", "rumkv"])
def machine(request):
    """A booted Rumpk: entered at EL1, at EL2 (virtualization=on), and as
    cell 0 under RumKV. The same tests run on all three."""
    m = Machine.qemu(el2=request.param == "el2",
                     hv=RUMKV if request.param == "rumkv" else None)
    m.boot()
    yield m
    m.close()


@pytest.fixture
def cell():
    """Rumpk booted to its prompt as cell 0 under RumKV (its built-in
    configuration: QEMU starts RumKV directly)."""
    m = Machine.qemu(hv=RUMKV, timeout=60)
    m.boot()
    yield m
    m.close()
