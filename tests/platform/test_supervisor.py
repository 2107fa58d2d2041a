"""The supervisor CLI: bad invocations give one clear line and a non-zero exit."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from shopstack.supervisor import state
from shopstack.supervisor.ports import free_ports
from shopstack.topology import DEFAULT_PORTS, SERVICES


def _one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_port_in_use_is_one_clear_line(tmp_path, shopstack_cli):
    port = DEFAULT_PORTS["mailsink"]
    with socket.socket() as blocker:
        try:
            blocker.bind(("127.0.0.1", port))
            blocker.listen()
        except OSError:
            pass  # someone else holds it: the supervisor must say so all the same
        result = shopstack_cli("up", "--state-dir", str(tmp_path), "--detach")
    line = _one_line(result)
    assert line.startswith("shopstack: port ")
    assert line.endswith("is already in use — run 'shopstack down' or use --ports auto")
    assert f"port {port} (mailsink)" in line or "already in use" in line


def test_unknown_service_is_one_clear_line(tmp_path, shopstack_cli):
    line = _one_line(shopstack_cli("stop", "kart", "--state-dir", str(tmp_path)))
    assert line.startswith("shopstack: unknown service 'kart' — expected one of: mailsink")


def test_no_platform_json_is_one_clear_line(tmp_path, shopstack_cli):
    line = _one_line(shopstack_cli("status", "--state-dir", str(tmp_path)))
    assert "no platform in" in line and "run 'shopstack up' first" in line


def test_stale_state_dir_whose_processes_are_gone_is_one_clear_line(tmp_path, shopstack_cli):
    services = {
        name: {
            "url": f"http://127.0.0.1:{port}",
            "port": port,
            "pid": 999_999_9,
            "database_url": None,
        }
        for name, port in zip(SERVICES, free_ports().values(), strict=False)
    }
    document = {"version": 1, "gateway_url": "http://x", "services": services, "env": {}}
    (tmp_path / state.STATE_FILE).write_text(json.dumps(document))
    line = _one_line(shopstack_cli("start", "cart", "--state-dir", str(tmp_path)))
    assert "is not running" in line and "run 'shopstack up'" in line
    line = _one_line(shopstack_cli("down", "--state-dir", str(tmp_path)))
    assert "no platform was running" in line


def test_status_lists_every_service_healthy(platform, shopstack_cli):
    result = shopstack_cli("status", "--state-dir", platform["state_dir"])
    assert result.returncode == 0
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:-1]}
    assert set(rows) == set(SERVICES)
    assert all(row[-1] == "healthy" for row in rows.values()), result.stdout


def test_platform_json_has_no_secrets_and_the_documented_fields(platform, admin_token):
    text = json.dumps(platform)
    assert admin_token not in text
    assert platform["version"] == 1 and platform["profile"] in ("sqlite", "postgres")
    assert platform["mail"]["smtp_port"] == platform["services"]["mailsink"]["smtp_port"]
    assert "SHOPSTACK_ADMIN_TOKEN" in platform["secrets"]
    catalog = platform["services"]["catalog"]
    assert catalog["database_url"] and catalog["port"] and catalog["pid"]
    assert platform["services"]["gateway"]["database_url"] is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:pw@h:5432/db", "postgresql://u@h:5432/db"),
        ("redis://:pw@h:6379/0", "redis://h:6379/0"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
    ],
)
def test_stored_urls_lose_their_password(url, expected):
    assert state.without_password(url) == expected


def test_pause_then_status_shows_paused_and_resume_heals(platform, shopstack_cli):
    args = ["--state-dir", platform["state_dir"]]
    assert shopstack_cli("pause", "orders", *args).returncode == 0
    try:
        status = shopstack_cli("status", *args).stdout
        assert any(
            line.startswith("orders") and line.endswith("paused") for line in status.splitlines()
        )
    finally:
        assert shopstack_cli("resume", "orders", *args).returncode == 0


def test_logs_shows_the_end_of_a_service_log(platform, shopstack_cli):
    result = shopstack_cli("logs", "catalog", "-n", "5", "--state-dir", platform["state_dir"])
    assert result.returncode == 0 and "catalog" in result.stdout


def test_heal_resumes_paused_and_starts_stopped_services(platform, shopstack_cli):
    args = ["--state-dir", platform["state_dir"]]
    pids = {name: entry["pid"] for name, entry in platform["services"].items()}
    assert shopstack_cli("pause", "orders", *args).returncode == 0
    assert shopstack_cli("stop", "notifications", *args).returncode == 0
    healed = shopstack_cli("heal", *args)
    assert healed.returncode == 0, healed.stderr
    assert "orders resumed" in healed.stdout and "notifications started" in healed.stdout
    status = shopstack_cli("status", *args).stdout.splitlines()[1:-1]
    assert all(line.endswith("healthy") for line in status), status
    after = state.load(Path(platform["state_dir"]))["services"]
    assert after["orders"]["pid"] == pids["orders"]  # resumed, not restarted
    assert after["notifications"]["pid"] != pids["notifications"]
    again = shopstack_cli("heal", *args)
    assert again.returncode == 0 and "every service is running" in again.stdout
