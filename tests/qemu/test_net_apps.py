"""Network apps on the Membrane (lwIP in each app, docs/net.md): httpd
serving the host through a forwarded port, wget fetching from a host web
server into littlefs, ping, echod and netbench, and httpd under bursts of
connections and requests that try to climb out of its root.

One machine serves the whole module: the shell, a NIC on QEMU's user
network (the host is 10.0.2.2) and a littlefs disk for /data; httpd runs
in the background from the first test on. Each app has its own MAC and
DHCP lease, so a forward from the host is added (QEMU monitor,
hostfwd_add) once the app has said which address it got."""
import hashlib
import http.server
import os
import re
import socket
import subprocess
import threading
import urllib.request

import pytest

from nexus import KERNEL, ROOT, Machine, disk_args, free_port, net_args

LFS = os.path.join(ROOT, "build/tools/lfs")
WWW_INDEX = os.path.join(ROOT, "user/www/index.html")
HOST = "10.0.2.2"		# the host as the guest sees it


class Guest:
    def __init__(self, machine, disk):
        self.m = machine
        self.disk = disk
        self.http_port = None		# host side of the forward to httpd

    def forward(self, ip, port, proto="tcp"):
        """A host port on 127.0.0.1 forwarded to @ip:@port in the guest."""
        host = free_port()
        log, self.m.child.logfile_read = self.m.child.logfile_read, None
        self.m.send("\x01c")		# -nographic: Ctrl-A c toggles the monitor
        self.m.expect(r"\(qemu\) ")
        self.m.send(f"hostfwd_add {proto}:127.0.0.1:{host}-{ip}:{port}\r")
        self.m.expect(r"\(qemu\) ")
        self.m.send("\x01c")
        self.m.child.logfile_read = log
        sh(self.m, "")			# back at the shell's prompt
        return host


@pytest.fixture(scope="module")
def guest(tmp_path_factory):
    disk = str(tmp_path_factory.mktemp("disk") / "data.img")
    subprocess.run([LFS, "mkfs", disk, "16M"], check=True, capture_output=True)
    m = Machine.qemu(kernel=KERNEL, icount="idle-real", timeout=60,
                     extra=net_args() + disk_args([disk], modern=False))
    m.boot(shell=True)
    yield Guest(m, disk)
    m.close()


def sh(m, line, timeout=60):
    """A shell command's output, lines ending in a plain newline."""
    return m.cmd(line, timeout=timeout).replace("\r", "")


def http_get(port, path="/", timeout=20):
    """Status, headers and body of one HTTP/1.0 request, over a plain socket
    so that the path goes out exactly as written."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.0\r\nHost: nexus\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = dict((k.lower(), v.strip()) for k, v in
                   (line.split(":", 1) for line in lines[1:]))
    return status, headers, body


def test_httpd_serves_the_host_index_and_status(guest):
    m = guest.m
    sh(m, "run -b httpd")
    r = m.expect(r"httpd: serving /www on (10\.0\.2\.\d+):80", timeout=60)
    guest.ip = r.group(1)
    guest.http_port = guest.forward(guest.ip, 80)
    index = open(WWW_INDEX, "rb").read()
    out = subprocess.run(["curl", "-sS", "-m", "20", "-D", "-",
                          f"http://127.0.0.1:{guest.http_port}/"],
                         capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    head, _, body = out.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK")
    assert b"Content-Type: text/html" in head
    assert f"Content-Length: {len(index)}".encode() in head
    assert body == index and b"Welcome to Nexus." in body
    out = subprocess.run(["curl", "-sS", "-m", "20",
                          f"http://127.0.0.1:{guest.http_port}/status"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    page = out.stdout
    assert "Nexus httpd status" in page and f"on {guest.ip}:80" in page
    assert f"address {guest.ip} netmask 255.255.255.0 gateway 10.0.2.2 mac 02:4e:58:00:00:01" \
        in page
    assert re.search(r"^\s+\d+ httpd\s+matter\s+\d+\s+\d+ app$", page, re.M), page
    assert re.search(r"^\s+\d+ virtio-net\s+[1-9]\d*$", page, re.M), page
    ports = dict((name, [int(v) for v in counts.split()]) for name, counts in
                 re.findall(r"^\s+\d+ (\S+)\s+[0-9a-f:]{17}((?:\s+\d+){6})$", page, re.M))
    assert ports["uplink"][0] > 0 and ports["httpd"][0] > 0, page
    assert ports["httpd"][3] > 0 and ports["httpd"][5] == 0, page	# tx, tx drops
    assert http_get(guest.http_port, "/nothing.html")[0] == 404
    # The shell's view: the same ports, from the switch.
    out = sh(m, "netstat")
    assert re.search(r"^\s+0 uplink\s+52:54:00:12:34:56\s+[1-9]", out, re.M), out
    assert re.search(r"^\s+1 httpd\s+02:4e:58:00:00:01\s+[1-9]", out, re.M), out
    out = sh(m, "ifconfig")
    assert re.search(r"^\s+1 httpd\s+\d+ 02:4e:58:00:00:01 ipv4,arp\s", out, re.M), out


CLIMBS = ["/../etc/hosts", "/%2e%2e/etc/hosts", "/%2E%2E/etc/hosts", "/..%2fetc%2fhosts",
          "/%2e%2e%2fetc%2fhosts", "/.%2e/etc/hosts", "/a/../../etc/hosts",
          "//../etc/hosts", "/%2e%2e%2f%2e%2e%2fetc%2fhosts"]


def test_httpd_never_serves_outside_its_root(guest):
    m = guest.m
    for path in CLIMBS:
        status, _, body = http_get(guest.http_port, path)
        assert status == 403, (path, status)
        assert b"gateway" not in body and b"localhost" not in body
        # httpd says so on the console, with who asked.
        m.expect(r"httpd: refused %s from 10\.0\.2\.2:\d+ \(outside /www\)" % re.escape(path))
    # httpd showed each climb to the kernel too: unveil refused it again,
    # and the refusal is in the audit log under httpd's name.
    audit = sh(m, "audit")
    assert len(re.findall(r"violation\s+.*unveil refused /etc/hosts", audit)) >= len(CLIMBS), \
        audit
    # Paths that stay inside the root name files that are not there: the
    # rest of the tree is invisible to httpd (unveil), not just refused.
    for path in ["/etc/hosts", "/bin/sh.npk", "/www/index.html"]:
        status, _, body = http_get(guest.http_port, path)
        assert status == 404 and b"gateway" not in body, path
    for raw in [b"GET /../etc/hosts\r\n\r\n", b"GET http://x/../etc/hosts HTTP/1.0\r\n\r\n",
                b"GET /%00/etc/hosts HTTP/1.0\r\n\r\n", b"\x16\x03\x01\x02\x00\r\n\r\n"]:
        with socket.create_connection(("127.0.0.1", guest.http_port), timeout=20) as s:
            s.sendall(raw)
            reply = s.recv(4096)
        assert reply.startswith(b"HTTP/1.0 400 "), (raw, reply)
    status, _, page = http_get(guest.http_port, "/status")
    refused = int(re.search(rb"refused (\d+)", page).group(1))
    assert refused >= len(CLIMBS)
    # httpd narrowed itself; the shell can still read what httpd cannot.
    assert "10.0.2.2 gateway host" in sh(m, "cat /etc/hosts")


def test_httpd_takes_1000_sequential_and_50_concurrent_connections(guest):
    index = open(WWW_INDEX, "rb").read()
    for i in range(1000):
        status, headers, body = http_get(guest.http_port, "/" if i % 2 else "/index.html")
        assert status == 200 and body == index, i
        assert int(headers["content-length"]) == len(index)
    # 50 at once. QEMU's forward listens on the host with a backlog of one,
    # so in a burst the host itself drops SYNs and a client waits out the
    # kernel's backoff (1, 2, 4, ... s): connect() is retried at once
    # instead, as a client in a hurry would. What reaches the guest is the
    # same burst of 50.
    results, errors = [], []

    def client(i):
        for _ in range(20):
            try:
                s = socket.create_connection(("127.0.0.1", guest.http_port), timeout=3)
                break
            except TimeoutError:
                continue
        else:
            errors.append((i, "no connection through the forward"))
            return
        try:
            with s:
                s.settimeout(60)
                s.sendall(b"GET / HTTP/1.0\r\nHost: nexus\r\n\r\n")
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            results.append((int(head.split()[1]), None, body))
        except Exception as e:		# noqa: BLE001 - reported below
            errors.append((i, repr(e)))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(results) == 50
    assert all(s == 200 and b == index for s, _, b in results)
    # Still answering, and counted every one of them.
    status, _, page = http_get(guest.http_port, "/status")
    assert status == 200
    assert int(re.search(rb"requests (\d+)", page).group(1)) >= 1050
    assert b" 0 tx drops" in page


def httpd_cpu_ticks(m):
    out = sh(m, "energy")
    return int(re.search(r"^\s*\d+ httpd\s+\w+\s+-?\d+\s+(\d+)", out, re.M).group(1))


def test_idle_httpd_sleeps(guest):
    """After the burst, with a hundred connections in TIME-WAIT, an idle
    httpd is not woken at all: its CPU time stands still."""
    import time
    before = httpd_cpu_ticks(guest.m)
    time.sleep(8)
    assert httpd_cpu_ticks(guest.m) == before


def test_ping_the_host(guest):
    out = sh(guest.m, f"ping {HOST} 3", timeout=60)
    assert len(re.findall(r"64 bytes from 10\.0\.2\.2: icmp_seq=\d ttl=\d+ time=\d+\.\d{3} ms$",
                          out, re.M)) == 3, out
    assert "3 packets transmitted, 3 received" in out
    assert "exited with" not in out
    out = sh(guest.m, "ping host 1", timeout=60)		# a name from /etc/hosts
    assert "1 packets transmitted, 1 received" in out
    out = sh(guest.m, "ping 10.0.2.77 2", timeout=60)	# nobody there
    assert "2 packets transmitted, 0 received" in out
    assert "[ping exited with 1]" in out
    assert "unknown host" in sh(guest.m, "ping nowhere", timeout=60)


def test_echod_echoes_tcp_to_several_clients_and_udp(guest):
    sh(guest.m, "run -b echod")
    r = guest.m.expect(r"echod: listening on (10\.0\.2\.\d+):7", timeout=60)
    echo_port = guest.forward(r.group(1), 7)
    blobs = [os.urandom(n) for n in (1, 1500, 100 * 1024)]
    conns = [socket.create_connection(("127.0.0.1", echo_port), timeout=30)
             for _ in blobs]
    try:
        for c, blob in zip(conns, blobs):
            c.sendall(blob)
        for c, blob in zip(conns, blobs):
            got = b""
            while len(got) < len(blob):
                chunk = c.recv(65536)
                assert chunk, "echod closed early"
                got += chunk
            assert got == blob
    finally:
        for c in conns:
            c.close()
    udp_port = guest.forward(r.group(1), 7, "udp")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(10)
        for blob in (b"x", os.urandom(1400)):
            u.sendto(blob, ("127.0.0.1", udp_port))
            assert u.recvfrom(2048)[0] == blob


def test_netbench_both_ways(guest):
    m = guest.m
    mib = 8
    sh(m, "run -b netbench recv 5001")
    r = m.expect(r"netbench: waiting on (10\.0\.2\.\d+):5001", timeout=60)
    with socket.create_connection(("127.0.0.1", guest.forward(r.group(1), 5001)),
                                  timeout=60) as s:
        block = bytes(range(256)) * 256
        for _ in range(mib * 16):
            s.sendall(block)
    r = m.expect(r"netbench: received (\d+) bytes in [\d.]+ ms guest time: (\d+) KiB/s",
                 timeout=120)
    assert int(r.group(1)) == mib << 20 and int(r.group(2)) > 0
    # The other way, to a sink on the host.
    sink = socket.socket()
    sink.bind(("127.0.0.1", 0))
    sink.listen(1)
    got = []

    def drain():
        c, _ = sink.accept()
        n = 0
        with c:
            while chunk := c.recv(1 << 16):
                n += len(chunk)
        got.append(n)

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    out = sh(m, f"netbench send {HOST} {sink.getsockname()[1]} {mib}", timeout=180)
    t.join(60)
    sink.close()
    assert re.search(r"netbench: sent %d bytes in [\d.]+ ms guest time: [1-9]\d* KiB/s"
                     % (mib << 20), out), out
    assert got == [mib << 20]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """A web server on the host (127.0.0.1 only), reached from the guest
    as 10.0.2.2; it serves 256 KiB of random bytes and a short text."""
    root = tmp_path_factory.mktemp("www")
    data = os.urandom(256 * 1024)
    (root / "random.bin").write_bytes(data)
    (root / "hello.txt").write_text("hello from the host\n")
    handler = lambda *a, **kw: Quiet(*a, directory=str(root), **kw)	# noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], root, data
    server.shutdown()


def b3sum(path):
    out = subprocess.run(["b3sum", "--no-names", path], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_wget_fetches_from_the_host_into_littlefs(guest, web, tmp_path):
    port, root, data = web
    m = guest.m
    out = sh(m, f"wget http://{HOST}:{port}/random.bin /data/random.bin", timeout=120)
    r = re.search(r"wget: (\d+) bytes in [\d.]+ ms \((\d+) KiB/s\), blake3 ([0-9a-f]{64})", out)
    assert r, out
    assert int(r.group(1)) == len(data)
    assert r.group(3) == b3sum(str(root / "random.bin"))
    assert re.search(r"random\.bin\s+%d" % len(data), sh(m, "ls /data"))
    # To the console; a name from /etc/hosts; the errors say what went wrong.
    out = sh(m, f"wget http://gateway:{port}/hello.txt", timeout=60)
    assert "hello from the host" in out and "wget: 20 bytes" in out
    assert "HTTP 404" in sh(m, f"wget http://{HOST}:{port}/missing", timeout=60)
    assert "connection refused" in sh(m, f"wget http://{HOST}:{free_port()}/", timeout=60)
    assert "unknown host" in sh(m, "wget http://nowhere/x", timeout=60)
    assert "usage" in sh(m, "wget ftp://x/", timeout=60)
    # The bytes on the disk, read by the host's own littlefs tool (this
    # test comes last: it switches the machine off).
    m.send("poweroff\r")
    m.wait_exit(timeout=60)
    got = subprocess.run([LFS, "cat", guest.disk, "/random.bin"], capture_output=True,
                         check=True).stdout
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
