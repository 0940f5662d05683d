"""Apps at EL0: the shell, protection, pledge and unveil, the energy
economy, the audit log and the system call fuzzer, in the booted system."""
import os
import re

import pytest

from nexus import KERNEL_RELEASE, RUMKV, shell_machine

# Instructions per tick of the virtual counter under -icount shift=0.
INSN_PER_TICK = 16


@pytest.fixture
def sh():
    m = shell_machine()
    yield m
    m.close()


@pytest.fixture(params=["el1", "rumkv"])
def sh_anywhere(request):
    """The same shell bare and as a RumKV cell: protection must not depend
    on the hypervisor."""
    m = shell_machine(hv=RUMKV if request.param == "rumkv" else None, timeout=60)
    yield m
    m.close()


def apps(m):
    """ps as {id: (parent, name, spectrum, state)} for the apps only."""
    rows = {}
    for line in m.cmd("ps").splitlines():
        r = re.match(r"\s*(\d+)\s+(\d+) (\S+)\s+(\w+)\s+(\w+)\s+(-?\d+)\s+(\d+)\s+\d+/\d+ pages",
                     line)
        if r:
            rows[int(r.group(1))] = (int(r.group(2)), r.group(3), r.group(4), r.group(5))
    return rows


def test_release_image_boots_to_the_shell_and_every_command_works():
    m = shell_machine(kernel=KERNEL_RELEASE)
    try:
        out = m.cmd("help")
        for c in ["help", "ls", "cat", "echo", "ps", "kill", "run", "caps", "pledge",
                  "energy", "audit", "poweroff"]:
            assert re.search(r"^\s+%s\s" % c, out, re.M), c
        assert "bin" in m.cmd("ls /") and "etc" in m.cmd("ls /")
        assert "sh.npk" in m.cmd("ls /bin")
        assert "Welcome to Nexus." in m.cmd("cat /etc/motd")
        assert "no such file" in m.cmd("cat /etc/nothing")
        assert "one two" in m.cmd("echo one two")
        ps = apps(m)
        assert [p[1] for p in ps.values()] == ["init", "sh"]
        out = m.cmd("run hello a b")
        assert "argv[1] = a" in out and "argv[2] = b" in out
        assert "[hello exited with 3]" in m.cmd("hello exit 3")
        out = m.cmd("run -b sleep 600000")
        sleeper = int(re.search(r"\[(\d+)\] sleep", out).group(1))
        assert apps(m)[sleeper][1] == "sleep"
        m.cmd(f"kill {sleeper}")
        assert sleeper not in apps(m)
        assert "no such file" in m.cmd("kill 1")	# not the shell's to kill
        caps = m.cmd("caps")
        assert re.search(r"0 self .*spawn,map", caps)
        assert len(re.findall(r"channel .*send,recv", caps)) == 3
        assert "stdio rpath" in m.cmd("pledge")
        energy = m.cmd("energy")
        assert re.search(r"\d+ sh\s+matter\s+\d+", energy)
        audit = m.cmd("audit")
        assert re.search(r"spawn\s+subject \d+\s+object \d+\s+sh", audit)
        assert re.search(r"kill\s+subject %d" % sleeper, audit)
        assert "audit verify: ok" in m.cmd("audit verify")
        assert "monitor: no such call" in m.cmd("monitor")	# debug images only
        m.cmd("poweroff", prompt=False)
        assert m.wait_exit() == 0
    finally:
        m.close()


@pytest.mark.parametrize("kind", ["kernel", "peer", "code", "null", "systable"])
def test_a_fault_kills_only_the_app(sh_anywhere, kind):
    m = sh_anywhere
    out = m.cmd(f"fault {kind}")
    assert re.search(r"app \d+ \(fault\): Data abort from a lower EL, address 0x[0-9a-f]+, "
                     r"pc 0x[0-9a-f]+ .*: killed", out), out
    assert "NOT stopped" not in out
    assert "exited with -1" in out
    assert [p[1] for p in apps(m).values()] == ["init", "sh"]
    assert re.search(r"fault\s+subject \d+ .*fault @0x", m.cmd("audit"))
    assert "audit verify: ok" in m.cmd("audit verify")


def test_peer_fault_is_another_apps_memory(sh):
    """The address `fault peer` reads is the cell right above its own:
    the shell's, since cells are handed out from the top of memory down."""
    out = sh.cmd("hello")
    hello_cell = int(re.search(r"cell 0x([0-9a-f]+)", out).group(1), 16)
    out = sh.cmd("fault peer")
    addr = int(re.search(r"touching 0x([0-9a-f]+)", out).group(1), 16)
    assert addr == hello_cell + 2 * 1024 * 1024	# the next cell up, a live app's


def test_pledge_violation_kills_and_is_audited(sh):
    out = sh.cmd("pledgetest")
    assert "widening again = operation not permitted" in out
    assert "pledge violation: fs read: killed" in out
    assert "NOT stopped" not in out
    audit = sh.cmd("audit")
    assert re.search(r"pledge\s+subject \d+ .*stdio matter", audit)
    assert re.search(r"violation\s+subject \d+ .*pledge violation: fs read", audit)


def test_shell_pledge_narrows_for_good():
    m = shell_machine()
    try:
        m.cmd("pledge stdio rpath exec proc audit")
        out = m.cmd("pledge stdio rpath wpath exec proc audit power")
        assert "operation not permitted" in out
        m.cmd("poweroff", prompt=False)
        m.expect(r"pledge violation: poweroff: killed")
        m.expect(r"init: the shell exited")
        m.expect(r"nexus\$ ")		# init started a new shell
        assert "power" in m.cmd("pledge")
    finally:
        m.close()


def test_unveil_hides_what_is_not_unveiled(sh):
    out = sh.cmd("unveiltest")
    assert "open /etc/motd: ok" in out
    assert "open /bin/sh.npk: no such file or object" in out
    assert "unveil /bin after lock = operation not permitted" in out
    assert "open /etc/motd for writing: permission denied" in out
    assert re.findall(r"/ has (\S+)", out) == ["etc"]


def test_energy_budget_preempts_strikes_demotes_and_kills():
    """spin never enters the kernel; its package gives it 2 ms of CPU per
    10 ms window. The one-shot budget deadline preempts it, and the
    ladder warns, demotes and kills it while the shell keeps answering.
    Under icount, so that guest time is instructions, not host load."""
    sh = shell_machine(icount=True)
    try:
        out = sh.cmd("run -b spin")
        spin = int(re.search(r"\[(\d+)\] spin", out).group(1))
        sh.expect(r"fiber %d \(spin\) ran dry, strike 1: warned" % spin)
        sh.expect(r"\(spin\) ran dry, strike 2: demoted")
        sh.expect(r"\(spin\) ran dry, strike 3: killed")
        assert "spin" not in [p[1] for p in apps(sh).values()]
        strikes = re.findall(r"strike\s+subject (\d+)\s+object (\d+)", sh.cmd("audit"))
        assert strikes == [(str(spin), "1"), (str(spin), "2"), (str(spin), "3")]
    finally:
        sh.close()


def test_crashing_app_is_restarted_as_its_package_asks(sh):
    sh.cmd("run -b crashy")
    for n in (1, 2, 3):
        sh.expect(r"app \d+ \(crashy\): Data abort")
        sh.expect(r"app crashy: restarting \(%d of 3\)" % n)
    sh.expect(r"app \d+ \(crashy\): Data abort")
    audit = sh.cmd("audit")
    assert len(re.findall(r"spawn\s+subject \d+\s+object \d+\s+crashy", audit)) == 4
    assert "crashy" not in [p[1] for p in apps(sh).values()]


def test_fork_bomb_does_not_stop_the_shell(capsys):
    m = shell_machine(icount=True, timeout=120)
    try:
        m.cmd("run -b forkbomb")
        worst = 0
        for _ in range(5):
            out = m.cmd("time ps")
            ticks = int(re.search(r"time: (\d+) ticks", out).group(1))
            worst = max(worst, ticks * INSN_PER_TICK)
            assert len(re.findall(r"forkbomb", out)) <= 48
        with capsys.disabled():
            print(f"\n    worst ps under the fork bomb: {worst} instructions")
        assert worst < 20_000_000
        # Each kill takes a whole family; survivors keep spawning meanwhile,
        # and their orphans come to the shell, so sweep until none is left.
        for _ in range(10):
            bombs = [pid for pid, (parent, name, _, _) in apps(m).items()
                     if name == "forkbomb" and parent == 4]
            if not bombs:
                break
            for pid in bombs:
                m.cmd(f"kill {pid}")
        assert [p[1] for p in apps(m).values()] == ["init", "sh"]
        assert "audit verify: ok" in m.cmd("audit verify")
    finally:
        m.close()


def test_audit_verify_fails_after_a_tamper(sh):
    sh.cmd("hello")
    assert "audit verify: ok" in sh.cmd("audit verify")
    sh.cmd("audit tamper 2 20")
    assert "audit verify: FAILED at record 2" in sh.cmd("audit verify")


def test_syscall_fuzzer_never_harms_the_kernel(capsys):
    m = shell_machine(icount=True, timeout=300)
    try:
        out = m.cmd("fuzz 1000000 0x4e65787573", timeout=300)
        r = re.search(r"fuzz: seed (0x[0-9a-f]+) calls (\d+) errors (\d+) "
                      r"bad-pointers refused (\d+) accepted (\d+)", out)
        assert r, out
        with capsys.disabled():
            print(f"\n    syscall fuzzer: seed {r.group(1)}, {r.group(2)} calls, "
                  f"{r.group(4)} bad pointers refused, {r.group(5)} accepted")
        assert int(r.group(2)) == 1000000 and int(r.group(5)) == 0
        assert int(r.group(4)) > 10000
        assert "fuzz: ok" in out and "PANIC" not in out
        assert [p[1] for p in apps(m).values()] == ["init", "sh"]
        assert "Welcome" in m.cmd("cat /etc/motd")
        assert "audit verify: ok" in m.cmd("audit verify")
    finally:
        m.close()


def export_chain(m, path):
    out = m.cmd("audit export")
    body = out.split("--- provchain export ---")[1].split("--- end of export ---")[0]
    lines = [l.strip() for l in body.replace("\r", "").split("\n") if l.strip()]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def test_host_verifier_checks_the_exported_chain(sh, tmp_path):
    """The chain the guest keeps, checked on the host by
    tools/provchain-verify with the build's public key: whole, then with
    one record changed in the guest."""
    import subprocess
    from nexus import ROOT
    tool = os.path.join(ROOT, "build/tools/provchain-verify")
    for app in ["hello", "fault null", "pledgetest"]:
        sh.cmd(app)
    export_chain(sh, tmp_path / "good.txt")
    r = subprocess.run([tool, str(tmp_path / "good.txt")], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("ok: "), r.stdout + r.stderr
    sh.cmd("audit tamper 4 30")
    export_chain(sh, tmp_path / "bad.txt")
    r = subprocess.run([tool, str(tmp_path / "bad.txt")], capture_output=True, text=True)
    assert r.returncode == 1 and "FAIL at record 4" in r.stdout + r.stderr, r.stdout
