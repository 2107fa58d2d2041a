import json
import socket
from pathlib import Path

import pytest
from phasebook.errors import ConfigError, PlatformUnreachable
from phasebook.runner.preflight import check_health, resolve_base_url


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "params.yaml"
    path.write_text(text)
    return path


def test_base_url_from_params(tmp_path: Path) -> None:
    params = write(tmp_path, "platform:\n  base_url: http://127.0.0.1:8080/\n")
    assert resolve_base_url(params, {}, root=tmp_path) == "http://127.0.0.1:8080"


def test_base_url_interpolates_environment(tmp_path: Path) -> None:
    params = write(tmp_path, "platform:\n  base_url: ${PB_URL:-http://localhost:1}\n")
    assert resolve_base_url(params, {"PB_URL": "http://h:2"}, root=tmp_path) == "http://h:2"
    assert resolve_base_url(params, {}, root=tmp_path) == "http://localhost:1"


def test_base_url_from_state_dir_platform_json(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / "platform.json").write_text(json.dumps({"gateway_url": "http://127.0.0.1:9999"}))
    params = write(tmp_path, "platform:\n  base_url: ''\n  state_dir: ${SD:-nowhere}\n")
    assert resolve_base_url(params, {"SD": str(state)}, root=tmp_path) == "http://127.0.0.1:9999"


def test_state_dir_without_platform_json_is_unreachable(tmp_path: Path) -> None:
    params = write(tmp_path, "platform:\n  state_dir: empty\n")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PlatformUnreachable, match="platform.json"):
        resolve_base_url(params, {}, root=tmp_path)


def test_missing_params_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_base_url(tmp_path / "nope.yaml", {})


def test_invalid_yaml_is_a_config_error(tmp_path: Path) -> None:
    params = write(tmp_path, "platform: [unclosed\n")
    with pytest.raises(ConfigError):
        resolve_base_url(params, {}, root=tmp_path)


def test_health_of_closed_port_is_one_actionable_line() -> None:
    port = closed_port()
    with pytest.raises(PlatformUnreachable) as info:
        check_health(f"http://127.0.0.1:{port}", "params/x.yaml", timeout=2)
    assert str(info.value) == (
        f"platform unreachable at http://127.0.0.1:{port}/health (connection refused) — "
        "start it with 'make up' or run with --embedded, or fix platform.base_url in "
        "params/x.yaml"
    )
