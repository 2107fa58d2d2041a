"""``--ports auto`` chooses ports that outgoing connections never take (outside the kernel's
ephemeral range), free and distinct; without room it falls back to the kernel's choice."""

from __future__ import annotations

import socket

from shopstack.supervisor import ports
from shopstack.topology import SERVICES


def _ephemeral() -> tuple[int, int]:
    low, high = ports.EPHEMERAL_RANGE_FILE.read_text().split()
    return int(low), int(high)


def test_auto_ports_are_distinct_free_and_outside_the_ephemeral_range() -> None:
    chosen = ports.free_ports()
    low, high = _ephemeral()

    assert set(chosen) == {*SERVICES, ports.SMTP}
    assert len(set(chosen.values())) == len(chosen)
    assert all(not low <= port <= high for port in chosen.values()), (chosen, low, high)
    for port in chosen.values():  # released: a service can bind each one
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((ports.HOST, port))


def test_a_taken_candidate_is_skipped(monkeypatch) -> None:
    with socket.socket() as taken:
        taken.bind((ports.HOST, 0))
        taken.listen()
        busy = taken.getsockname()[1]
        spare = [p for p in range(20_000, 20_200) if p != busy]
        monkeypatch.setattr(ports, "non_ephemeral_ports", lambda: [busy, *spare])

        chosen = ports.free_ports()

    assert busy not in chosen.values()
    assert len(set(chosen.values())) == len(chosen)


def test_the_range_file_decides_the_candidates(tmp_path) -> None:
    range_file = tmp_path / "ip_local_port_range"
    range_file.write_text("32768\t60999\n")
    candidates = ports.non_ephemeral_ports(range_file)
    assert len(candidates) == (32768 - 10_000) + (65_536 - 61_000)
    assert min(candidates) == 10_000 and not any(32768 <= p <= 60999 for p in candidates)

    range_file.write_text("1024 65535\n")  # everything is ephemeral: no room
    assert ports.non_ephemeral_ports(range_file) == []
    assert ports.non_ephemeral_ports(tmp_path / "missing") == []


def test_without_room_the_kernel_chooses(monkeypatch) -> None:
    monkeypatch.setattr(ports, "non_ephemeral_ports", lambda: [])
    chosen = ports.free_ports()
    assert len(set(chosen.values())) == len(chosen) == len(SERVICES) + 1
