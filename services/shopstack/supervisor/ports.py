"""Which loopback ports the services listen on: the seed plan's defaults or free ones.

Free ones (``--ports auto``) are chosen outside the kernel's ephemeral range when there is
room (``/proc/sys/net/ipv4/ip_local_port_range``, 32768-60999 by default). A port the kernel
hands out for ``bind(0)`` is one it also hands out as the local port of outgoing
connections: between the moment it was found free and the moment the service binds it (a
second or more while the services start, and for as long as a stopped service is down), any
client on the machine could take it, and the service then fails with "address already in
use" (seen in CI while the tests made thousands of connections).
"""

from __future__ import annotations

import errno
import random
import socket
from pathlib import Path

from shopstack.supervisor.errors import SupervisorError
from shopstack.topology import DEFAULT_PORTS, DEFAULT_SMTP_PORT, SERVICES

HOST = "127.0.0.1"
SMTP = "smtp"  # the mail sink's second port, listed next to the services' HTTP ports


def default_ports() -> dict[str, int]:
    ports = {name: DEFAULT_PORTS[name] for name in SERVICES}
    ports[SMTP] = DEFAULT_SMTP_PORT
    return ports


EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 10_000  # below: ports that well-known servers use
ROOM = 1_000  # fewer candidates than this outside the ephemeral range: use bind(0)


def free_ports() -> dict[str, int]:
    """Distinct ports free now, outside the ephemeral range when it leaves room: each is
    checked by binding it, and all stay bound until every one is found."""
    names = (*SERVICES, SMTP)
    candidates = non_ephemeral_ports()
    sockets: list[socket.socket] = []
    try:
        for port in candidates:
            if len(sockets) == len(names):
                break
            sock = _bound(port)
            if sock is not None:
                sockets.append(sock)
        while len(sockets) < len(names):  # no room, or all taken: the kernel's choice
            sock = _bound(0)
            if sock is None:  # pragma: no cover - port 0 always binds
                raise SupervisorError("no free port on 127.0.0.1")
            sockets.append(sock)
        numbers = [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
    return dict(zip(names, numbers, strict=True))


def non_ephemeral_ports(range_file: Path = EPHEMERAL_RANGE_FILE) -> list[int]:
    """Ports from LOWEST up that outgoing connections never use, shuffled (so platforms
    started at once rarely try the same ones); empty if the range leaves no room."""
    try:
        low, high = (int(part) for part in range_file.read_text().split())
    except (OSError, ValueError):
        return []
    ports = [*range(LOWEST, low), *range(max(high + 1, LOWEST), 65_536)]
    if len(ports) < ROOM:
        return []
    random.shuffle(ports)
    return ports


def _bound(port: int) -> socket.socket | None:
    """A socket bound to ``port`` as a server binds it (SO_REUSEADDR), or None if taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            return None
        raise
    return sock


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def check_available(ports: dict[str, int]) -> None:
    for name, port in ports.items():
        if port_in_use(port):
            label = "mailsink SMTP" if name == SMTP else name
            raise SupervisorError(
                f"port {port} ({label}) is already in use — "
                "run 'shopstack down' or use --ports auto"
            )
