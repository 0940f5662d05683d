"""Fibers, the harmonic scheduler, events and rings in the booted kernel."""
import re
import time


def fibers(machine):
    """ps as {name: row dict}; names are unique in these tests."""
    rows = {}
    for line in machine.cmd("ps").splitlines():
        m = re.match(r"\s*(\d+) (\S+)\s+(\w+)\s+(\w+)\s+(-?\d+)\s+(\d+)\s+(\d+)\s+(\d+)", line)
        if m:
            rows[m.group(2)] = {"id": int(m.group(1)), "spectrum": m.group(3),
                                "state": m.group(4), "energy": int(m.group(5)),
                                "cpu_us": int(m.group(6)), "switches": int(m.group(7)),
                                "strikes": int(m.group(8))}
    return rows


def spawn(machine, kind):
    out = machine.cmd(f"spawn-demo {kind}")
    m = re.search(r"spawned fiber (\d+)", out)
    assert m, out
    return int(m.group(1))


def test_ps_lists_the_monitor_and_idle(machine):
    ps = fibers(machine)
    assert ps["monitor"]["spectrum"] == "matter" and ps["monitor"]["state"] == "running"
    assert ps["idle"]["spectrum"] == "void"
    assert ps["init"]["state"] == "blocked" and ps["sh"]["state"] == "blocked"


def test_shell_stays_responsive_under_a_gravity_hog(machine):
    spawn(machine, "hog")
    first = fibers(machine)["hog"]
    for _ in range(5):
        start = time.monotonic()
        assert "running at EL1" in machine.cmd("info", timeout=5)
        assert time.monotonic() - start < 2
    last = fibers(machine)["hog"]
    assert last["spectrum"] == "gravity"
    assert last["switches"] > first["switches"]  # it really runs meanwhile
    assert last["cpu_us"] > first["cpu_us"]


def test_kill_stops_a_fiber(machine):
    fid = spawn(machine, "spin")
    assert "spin" in fibers(machine)
    machine.cmd(f"kill {fid}")
    assert "spin" not in fibers(machine)
    assert "cannot be killed" in machine.cmd("kill 1")  # idle
    assert "no fiber" in machine.cmd("kill 999")


def test_photon_woken_by_timer_runs_before_busy_matter(machine):
    for _ in range(3):
        out = machine.cmd("sched-test photon")
        assert "PASS" in out, out


def test_ring_ping_pong_million_messages_complete_and_in_order(machine):
    out = machine.cmd("ring-test 1000000", timeout=120)
    assert "1000000 messages each way, 0 out of order or lost" in out
    assert "PASS" in out


def test_energy_ladder_warns_demotes_kills(machine):
    machine.cmd("spawn-demo spender", prompt=False)
    machine.expect(r"strike 1: warned")
    machine.expect(r"strike 2: demoted")
    machine.expect(r"strike 3: killed")
    assert "spender" not in fibers(machine)
    assert "monitor" in fibers(machine)


def test_silence_holds_while_all_fibers_wait(machine):
    spawn(machine, "waiter")
    machine.cmd("ring-test 1000")  # fibers come and go, then nothing is due
    before = machine.info()
    time.sleep(4)
    after = machine.info()
    assert fibers(machine)["waiter"]["state"] == "blocked"
    assert after["uptime_ms"] - before["uptime_ms"] >= 4000
    assert after["irq"][27] == before["irq"][27]
    assert after["timer_programmed"] == before["timer_programmed"]
