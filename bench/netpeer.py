"""The host's end of the TCP throughput benchmark, the same for Nexus and
for the Linux peer, through QEMU's user networking.

host -> guest: the guest listens on a port the host reaches through a
    forward (Nexus: `netbench recv`, Linux: `peer tcp_sink`). The host
    connects, sends `nbytes`, closes its side and waits for the guest to
    answer with the count it received.
guest -> host: the host listens on 127.0.0.1; the guest connects to
    10.0.2.2 (Nexus: `netbench send`, Linux: `peer tcp_source`) and sends
    until it closes.

http_gets, for httpd's request rate: sequential HTTP/1.0 requests, each
on a fresh connection.

Throughput is bytes over host wall-clock time, so it includes QEMU's own
emulation of the NIC and of user networking; both guests run on the same
QEMU with the same options, one after the other, and only their ratio is
meaningful.
"""
import socket
import time

CHUNK = 64 * 1024


def host_to_guest(port, nbytes, timeout=120):
    """MB/s of sending `nbytes` to the guest listening behind 127.0.0.1:port.
    Retries while the guest is not listening yet: QEMU accepts the host's
    connection at once and drops it if nobody answers inside the guest."""
    data = bytes(CHUNK)
    deadline = time.monotonic() + timeout
    while True:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        try:
            t0 = time.monotonic()
            left = nbytes
            while left:
                left -= s.send(data[:min(left, CHUNK)])
            s.shutdown(socket.SHUT_WR)
            reply = b""
            while not reply.endswith(b"\n"):
                got = s.recv(64)
                if not got:
                    break
                reply += got
            elapsed = time.monotonic() - t0
        except (ConnectionResetError, BrokenPipeError):
            reply = b""
        finally:
            s.close()
        if reply.strip():
            if int(reply) != nbytes:
                raise RuntimeError(f"guest received {int(reply)} of {nbytes} bytes")
            return nbytes / elapsed / 1e6
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens behind 127.0.0.1:{port}")
        time.sleep(0.2)


def listener():
    """A socket on 127.0.0.1 for guest_to_host, and its port."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s, s.getsockname()[1]


def guest_to_host(sock, nbytes, timeout=120):
    """MB/s of the guest's connection to `sock`, which must bring exactly
    `nbytes` before it closes."""
    sock.settimeout(timeout)
    conn, _ = sock.accept()
    conn.settimeout(timeout)
    total, t0 = 0, time.monotonic()
    with conn:
        while True:
            got = conn.recv(CHUNK)
            if not got:
                break
            total += len(got)
    elapsed = time.monotonic() - t0
    if total != nbytes:
        raise RuntimeError(f"host received {total} of {nbytes} bytes")
    return nbytes / elapsed / 1e6


def http_get(port, path="/", timeout=20):
    """Status line and body of one HTTP/1.0 GET to 127.0.0.1:port."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(CHUNK):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode("latin-1"), body


def http_gets(port, count, path="/"):
    """Seconds of host wall time for `count` GETs one after the other, each
    on its own connection and answered 200 with the same body; and the
    body's length."""
    status, first = http_get(port, path)
    if " 200 " not in status:
        raise RuntimeError(f"GET {path}: {status}")
    t0 = time.monotonic()
    for i in range(count):
        status, body = http_get(port, path)
        if " 200 " not in status or body != first:
            raise RuntimeError(f"GET {path} #{i}: {status}, {len(body)} bytes")
    return time.monotonic() - t0, len(first)
