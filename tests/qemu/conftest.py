import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from nexus import Machine  # noqa: E402


@pytest.fixture(params=["el1", "el2"])
def machine(request):
    """A booted Rumpk, entered at EL1 and (virtualization=on) at EL2."""
    m = Machine.qemu(el2=request.param == "el2")
    m.boot()
    yield m
    m.close()
