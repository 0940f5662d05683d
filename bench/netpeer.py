"""The host's end of the TCP throughput benchmark, the same for Nexus and
for the Linux peer, through QEMU's user networking.

host -> guest: the guest listens on a port the host reaches through a
    forward (Nexus: `netbench recv`, Linux: `peer tcp_sink`). The host
    connects, sends `nbytes`, closes its side and waits for the guest to
    answer with the count it received.
guest -> host: the host listens on 127.0.0.1; the guest connects to
    10.0.2.2 (Nexus: `netbench send`, Linux: `peer tcp_source`) and sends
    until it closes.

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
