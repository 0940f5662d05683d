"""The foundation behaviours of Rumpk on QEMU virt, at EL1 and EL2 entry."""
import time

from nexus import Machine


def test_boots_to_prompt_and_runs_at_el1(machine):
    info = machine.info()
    assert info["entered_el"] == (2 if machine.el2 else 1)
    assert info["running_el"] == 1
    assert "Rumpk on QEMU virt" in machine.banner


def test_info_shows_sane_memory(machine):
    info = machine.info()
    assert info["mem_mib"] == 512
    # 4 KiB pages of the RAM above the kernel image.
    assert 120000 < info["pages_total"] <= 512 * 256
    assert info["pages_free"] > info["pages_total"] * 0.99
    # The image carries the initial app image (build/initrd.tar), where
    # each network app has its own lwIP: about 1.3 MiB of the total.
    assert 0 < info["text"] < info["image"] < 4 << 20


def test_help_lists_commands(machine):
    out = machine.cmd("help")
    for name in ("help", "info", "sleep", "panic-test", "poweroff"):
        assert name in out


def test_unknown_command_and_bad_argument(machine):
    assert "unknown command" in machine.cmd("frobnicate")
    assert "usage: sleep MS" in machine.cmd("sleep soon")
    assert "usage: sleep MS" in machine.cmd("sleep 99999999999")


def test_line_editor_backspace_and_ctrl_c(machine):
    # "infx", DEL, "o": the command that runs is "info".
    machine.send("infx\x7fo\r")
    machine.expect(r"pages:\s+\d+ total")
    machine.expect(r"nexus> ")
    # A cancelled line does not run: poweroff then Ctrl-C leaves us at a prompt.
    machine.send("poweroff\x03")
    machine.expect(r"\^C")
    assert "running at EL1" in machine.cmd("info")


def test_panic_screen_decodes_fault_and_names_functions(machine):
    machine.cmd("panic-test", prompt=False)
    machine.expect(r"KERNEL PANIC")
    machine.expect(r"EC 0x25: Data abort at the same EL")
    machine.expect(r"permission fault, level 3, write")
    machine.expect(r"ELR\s+0x[0-9a-f]+ <cmd_panic_test\+0x[0-9a-f]+>")
    machine.expect(r"x0 ")
    machine.expect(r"x30 ")
    machine.expect(r"Backtrace:")
    machine.expect(r"<monitor_exec\+0x[0-9a-f]+>")
    machine.expect(r"<fiber_trampoline\+0x[0-9a-f]+>")
    machine.expect(r"System halted")


def test_null_pointer_is_a_translation_fault(machine):
    machine.cmd("panic-test null", prompt=False)
    machine.expect(r"translation fault, level \d, read at 0x0000000000000000")
    machine.expect(r"System halted")


def test_stack_overflow_hits_the_guard_page(machine):
    machine.cmd("panic-test stack", prompt=False)
    machine.expect(r"kernel stack overflow")
    machine.expect(r"<recurse\+0x[0-9a-f]+>")
    machine.expect(r"System halted")


def test_poweroff_exits_qemu_with_status_0(machine):
    machine.cmd("poweroff", prompt=False)
    assert machine.wait_exit() == 0


def test_silence_no_timer_interrupt_while_idle(machine):
    before = machine.info()
    time.sleep(5)
    after = machine.info()
    assert after["uptime_ms"] - before["uptime_ms"] >= 5000
    assert after["irq"][27] == before["irq"][27]
    assert after["timer_programmed"] == before["timer_programmed"]


def test_sleep_costs_exactly_one_timer_interrupt(machine):
    before = machine.info()
    machine.cmd("sleep 100")
    after = machine.info()
    assert after["irq"][27] == before["irq"][27] + 1
    assert after["timer_programmed"] == before["timer_programmed"] + 1
    assert after["uptime_ms"] - before["uptime_ms"] >= 100


def test_hosted_build_runs_the_same_monitor():
    m = Machine.hosted()
    try:
        m.boot()
        before = m.info()
        m.cmd("sleep 20")
        after = m.info()
        assert after["irq"][27] == before["irq"][27] + 1
        assert after["uptime_ms"] - before["uptime_ms"] >= 20
        m.cmd("poweroff", prompt=False)
        assert m.wait_exit() == 0
    finally:
        m.close()
