"""`make run` as the README describes it: the shell on the console, httpd
started by hand, and the status page at the URL the README gives, fetched
by the host's curl through the port `make run` forwards."""
import os
import subprocess

from nexus import ROOT, SHELL, Machine, free_port


def test_make_run_serves_the_status_page_at_the_readme_url():
    port = free_port()
    m = Machine(["make", "-s", "--no-print-directory", "-C", ROOT, "run",
                 f"HTTP_PORT={port}"], timeout=120)
    try:
        m.expect(r"Web: type 'run -b httpd' first, then open "
                 r"http://127\.0\.0\.1:%d/ \(live page: /status\)" % port)
        m.child.expect_exact(SHELL)
        m.prompt = SHELL
        m.send("run -b httpd\r")
        m.expect(r"httpd: serving /www on 10\.0\.2\.15:80", timeout=120)
        url = f"http://127.0.0.1:{port}/status"
        out = subprocess.run(["curl", "-sS", "-m", "30", url],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert "Nexus httpd status" in out.stdout and "on 10.0.2.15:80" in out.stdout
        assert "uplink" in out.stdout and "httpd" in out.stdout
        out = subprocess.run(["curl", "-sS", "-m", "30", f"http://127.0.0.1:{port}/"],
                             capture_output=True, timeout=60)
        assert out.returncode == 0 and b"Welcome to Nexus." in out.stdout
        m.send("\r")
        m.cmd("poweroff", prompt=False)
        assert m.wait_exit(timeout=60) == 0
    finally:
        m.close()
    assert os.path.exists(os.path.join(ROOT, "build/disk-data.img"))
