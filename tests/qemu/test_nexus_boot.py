"""nexus-boot with the micro bundle (manifest + Rumpk), and mkbundle's refusals.

The QEMU tests boot build/boot/nexus-boot.elf at EL2 and EL1, and boot
copies of it whose embedded bundle was damaged or rewritten to land on
nexus-boot itself or on the device tree: each must stop with one clear
"nexus-boot: error:" line instead of booting. The mkbundle tests run on
the host only.
"""
import os
import shutil
import struct
import subprocess

import pytest

from nexus import KERNEL, ROOT, Machine

BOOT = os.environ.get("NEXUS_BOOT", os.path.join(ROOT, "build/boot/nexus-boot.elf"))
MKBUNDLE = os.path.join(ROOT, "build/tools/mkbundle")
BUNDLE = os.path.join(ROOT, "build/boot/micro.bundle")
MICRO_DTS = os.path.join(ROOT, "configs/micro.dts")

HEADER, PART = 64, 80  # include/nexus/bundle.h
PAYLOAD_OFF = HEADER + 8 * PART


def boot_argv(image, el2=True):
    machine = "virt,gic-version=3" + (",virtualization=on" if el2 else "")
    return ["qemu-system-aarch64", "-M", machine, "-cpu", "cortex-a72",
            "-m", "1G", "-nographic", "-nic", "none", "-kernel", image]


def elf_section(path, name):
    """(file offset, size) of section `name` in an ELF64 little-endian file."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)

    def sh(i):
        return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
    strtab = sh(shstrndx)[4]
    for i in range(shnum):
        s = sh(i)
        end = data.index(b"\0", strtab + s[0])
        if data[strtab + s[0]:end].decode() == name:
            return s[4], s[5]
    raise KeyError(name)


def fnv1a(data):
    """The bundle checksum: FNV-1a 64 over little-endian 64-bit words, with
    the checksum field (word 3) as 0."""
    h = 0xcbf29ce484222325
    for i, (w,) in enumerate(struct.iter_unpack("<Q", data)):
        h = ((h ^ (0 if i == 3 else w)) * 0x100000001b3) & (2 ** 64 - 1)
    return h


def patched_boot(tmp_path, patch):
    """A copy of nexus-boot whose bundle bytes went through patch(bytearray)."""
    copy = str(tmp_path / "nexus-boot.elf")
    shutil.copy(BOOT, copy)
    off, size = elf_section(copy, ".bundle")
    with open(copy, "r+b") as f:
        f.seek(off)
        bundle = bytearray(f.read(size))
        patch(bundle)
        f.seek(off)
        f.write(bundle)
    return copy


def run_to_error(image, message):
    m = Machine(boot_argv(image))
    try:
        m.expect(r"nexus-boot: error: ([^\r\n]*)\r")
        line = m.child.match.group(1)
        m.expect(r"nexus-boot: halted")
        assert message in line
        assert "Rumpk" not in m.child.before
    finally:
        m.close()
    return line


@pytest.fixture(params=["el1", "el2"])
def booted(request):
    m = Machine(boot_argv(BOOT, el2=request.param == "el2"))
    m.el2 = request.param == "el2"
    m.boot()
    yield m
    m.close()


def test_boots_rumpk_at_el1(booted):
    el = 2 if booted.el2 else 1
    assert f"nexus-boot: entered at EL{el}" in booted.banner
    assert "nexus-boot: entering 'rumpk' at 0x0000000040200000, " \
           "device tree at 0x0000000040000000" in booted.banner
    assert "Rumpk on QEMU virt" in booted.banner
    info = booted.info()
    assert info["entered_el"] == el
    assert info["running_el"] == 1
    assert info["mem_mib"] == 1024


def test_poweroff_exits_0(booted):
    booted.cmd("poweroff", prompt=False)
    assert booted.wait_exit() == 0


@pytest.mark.parametrize("where,offset,message", [
    ("payload", PAYLOAD_OFF + 4096, "bundle checksum mismatch: corrupted image"),
    ("magic", 0, "bad bundle magic"),
    ("total size", 16 + 3, "bundle header out of bounds"),
])
def test_corrupted_bundle_is_refused(tmp_path, where, offset, message):
    def flip(b):
        b[offset] ^= 0x40
    run_to_error(patched_boot(tmp_path, flip), message)


@pytest.mark.parametrize("load,message", [
    (0x7f000000, "part would overwrite nexus-boot itself: 'rumpk'"),
    (0x40000000, "part would overwrite the device tree: 'rumpk'"),
])
def test_part_over_boot_or_dtb_is_refused(tmp_path, load, message):
    """A well-formed bundle (checksum recomputed) whose kernel would land
    on nexus-boot or on the device tree QEMU left at the base of RAM."""
    def move(b):
        part = HEADER + 1 * PART  # 0: manifest, 1: rumpk
        assert b[part:part + 5] == b"rumpk"
        struct.pack_into("<QQ", b, part + 40, load, load)
        struct.pack_into("<Q", b, 24, fnv1a(b[:struct.unpack_from("<Q", b, 16)[0]]))
    run_to_error(patched_boot(tmp_path, move), message)


# ---- mkbundle on the host ---------------------------------------------------

def mkbundle(*args):
    r = subprocess.run([MKBUNDLE, *args], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def manifest(tmp_path, text=None, **subst):
    text = text or open(MICRO_DTS).read()
    for old, new in subst.items():
        text = text.replace(old, new)
    src, dtb = tmp_path / "m.dts", tmp_path / "m.dtb"
    src.write_text(text)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(dtb), str(src)],
                   check=True)
    return str(dtb)


def test_mkbundle_list_shows_the_table():
    rc, out = mkbundle("--list", BUNDLE)
    assert rc == 0, out
    assert "2 parts" in out
    assert "manifest" in out
    assert "rumpk                kernel     0x0000000040200000 0x0000000040200000" in out


def test_mkbundle_list_refuses_a_corrupt_bundle(tmp_path):
    data = bytearray(open(BUNDLE, "rb").read())
    data[PAYLOAD_OFF + 100] ^= 1
    bad = tmp_path / "bad.bundle"
    bad.write_bytes(data)
    rc, out = mkbundle("--list", str(bad))
    assert rc != 0 and "checksum mismatch" in out


def test_mkbundle_output_lists_back(tmp_path):
    out = str(tmp_path / "b.bin")
    rc, msg = mkbundle("-o", out, "-m", manifest(tmp_path), f"rumpk={KERNEL}")
    assert rc == 0, msg
    rc, listing = mkbundle("--list", out)
    assert rc == 0, listing
    assert "rumpk                kernel     0x0000000040200000" in listing


@pytest.mark.parametrize("case,message", [
    ("image missing", "cell 'rumpk' boots image 'rumpk', but no kernel or guest part"),
    ("unnamed part", "part 'extra' is named by no cell"),
    ("outside cell", "part 'rumpk' [0x40200000, +0x"),
    ("two cells", "the manifest has 2 cells: that needs a hypervisor (--hv)"),
    ("hv in cell", "hypervisor [0x40200000, +0x"),
    ("raw without address", "not an ELF, so it needs a load address"),
    ("bad manifest", "core MPIDR 0x0 is given to cell 'rumpk' and to cell 'other'"),
    ("not aarch64", "not an AArch64 ELF"),
])
def test_mkbundle_refuses(tmp_path, case, message):
    dtb = manifest(tmp_path)
    parts = [f"rumpk={KERNEL}"]
    extra = []
    other = """		other {
			cpus = <%s>;
			memory = <0x0 0x60000000 0x0 0x1000000>;
			image = "other";
		};
	};
};"""
    if case == "image missing":
        parts = [f"kernel={KERNEL}"]
    elif case == "unnamed part":
        parts.append(f"extra={MICRO_DTS}@0x41000000")
    elif case == "outside cell":
        dtb = manifest(tmp_path, **{"0x0 0x40000000 0x0 0x20000000":
                                    "0x0 0x50000000 0x0 0x10000000"})
    elif case in ("two cells", "bad manifest"):
        dtb = manifest(tmp_path, **{"\t};\n};": other % ("1" if case == "two cells" else "0")})
        parts.append(f"other={MICRO_DTS}@0x60000000")
    elif case == "hv in cell":
        extra = ["--hv", KERNEL]
    elif case == "raw without address":
        parts = [f"rumpk={MICRO_DTS}"]
    elif case == "not aarch64":
        parts = [f"rumpk={MKBUNDLE}"]
    rc, out = mkbundle("-o", str(tmp_path / "b.bin"), "-m", dtb, *extra, *parts)
    assert rc != 0
    assert message in out
    assert not (tmp_path / "b.bin").exists()


def test_core_profile_boots_rumkv_from_the_manifest():
    """make run PROFILE=core: nexus-boot -> RumKV -> Rumpk in cell 0, as
    configs/core.dts describes it (console and one virtio slot)."""
    image = os.path.join(ROOT, "build/boot/nexus-boot-core.elf")
    m = Machine(["qemu-system-aarch64", "-M", "virt,gic-version=3,virtualization=on",
                 "-cpu", "cortex-a72", "-m", "1G", "-nographic", "-nic", "none",
                 "-kernel", image])
    try:
        banner = m.boot()
        assert "entering 'hypervisor'" in banner
        assert "rumkv: 1 cell(s) from the manifest in the bundle" in banner
        assert "rumkv: cell 0 (rumpk): 512 MiB at 0x40000000, 4 devices" in banner
        out = m.cmd("info")
        assert "entered at EL1, running at EL1" in out
        assert "virtio:   1 mmio slots, 0xa003e00" in out
        assert "device classes 0x3 (console net)" in m.cmd("hv-info")
        m.cmd("poweroff", prompt=False)
        m.expect(r"rumkv: no cell left running")
        assert m.wait_exit() == 0
    finally:
        m.close()


def test_rumkv_rejects_a_bad_manifest_at_boot(tmp_path):
    """mkbundle refuses a bad manifest, so forge one: in the core bundle,
    set cell 0's memory size to zero and recompute the checksum. nexus-boot
    only checks the checksum; RumKV validates the manifest again at boot,
    says why, and does not start the cell."""
    image = str(tmp_path / "nexus-boot-core.elf")
    shutil.copy(os.path.join(ROOT, "build/boot/nexus-boot-core.elf"), image)
    off, size = elf_section(image, ".bundle")
    with open(image, "r+b") as f:
        f.seek(off)
        b = bytearray(f.read(size))
        memory = struct.pack(">QQ", 0x40000000, 0x20000000)
        at = b.index(memory)          # cell 0's `memory` property
        b[at + 8:at + 16] = bytes(8)  # size 0
        total = struct.unpack_from("<Q", b, 16)[0]
        struct.pack_into("<Q", b, 24, fnv1a(bytes(b[:total])))
        f.seek(off)
        f.write(b)
    m = Machine(["qemu-system-aarch64", "-M", "virt,gic-version=3,virtualization=on",
                 "-cpu", "cortex-a72", "-m", "1G", "-nographic", "-nic", "none",
                 "-kernel", image])
    try:
        m.expect(r"rumkv: manifest rejected: manifest: cell 'rumpk': memory at 0x40000000 has size 0")
        assert m.wait_exit() == 0
        assert "Rumpk on" not in m.child.before
    finally:
        m.close()
