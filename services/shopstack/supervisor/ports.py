"""Which loopback ports the services listen on: the seed plan's defaults or free ones."""

from __future__ import annotations

import errno
import socket

from shopstack.supervisor.errors import SupervisorError
from shopstack.topology import DEFAULT_PORTS, DEFAULT_SMTP_PORT, SERVICES

HOST = "127.0.0.1"
SMTP = "smtp"  # the mail sink's second port, listed next to the services' HTTP ports


def default_ports() -> dict[str, int]:
    ports = {name: DEFAULT_PORTS[name] for name in SERVICES}
    ports[SMTP] = DEFAULT_SMTP_PORT
    return ports


def free_ports() -> dict[str, int]:
    """Distinct free ports, found by binding port 0 and releasing them all at the end."""
    sockets: list[socket.socket] = []
    try:
        for _ in (*SERVICES, SMTP):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((HOST, 0))
            sockets.append(sock)
        numbers = [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
    return dict(zip((*SERVICES, SMTP), numbers, strict=True))


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
