import json
import os
from pathlib import Path

import pytest
from phasebook.errors import PlatformUnreachable
from phasebook.runner.embedded import _gateway_url, embedded_platform

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def env(tmp_path: Path) -> dict:
    log = tmp_path / "calls.jsonl"
    return {**os.environ, "PYTHONPATH": str(FIXTURES), "FAKE_SHOPSTACK_LOG": str(log)}


def calls(env: dict) -> list[dict]:
    return [json.loads(line) for line in Path(env["FAKE_SHOPSTACK_LOG"]).read_text().splitlines()]


def test_embedded_starts_fresh_on_auto_ports_and_always_goes_down(env: dict) -> None:
    with pytest.raises(RuntimeError), embedded_platform(env, module="fake_shopstack") as platform:
        assert platform.gateway_url == "http://127.0.0.1:18080"
        assert platform.kernel_env() == {
            "SHOPSTACK_STATE_DIR": str(platform.state_dir),
            "SHOPSTACK_ADMIN_TOKEN": platform.admin_token,
        }
        raise RuntimeError("a notebook run blew up")
    up, down = calls(env)
    state = str(platform.state_dir)
    assert up["argv"] == ["up", "--ports", "auto", "--fresh", "--state-dir", state, "--detach"]
    assert down["argv"] == ["down", "--state-dir", state]
    assert up["token"] == down["token"] == platform.admin_token
    assert len(platform.admin_token) == 32
    assert not platform.state_dir.exists()


def test_failed_start_is_unreachable_with_shopstacks_last_line(env: dict) -> None:
    env["FAKE_SHOPSTACK_FAIL"] = "up"
    with (
        pytest.raises(PlatformUnreachable, match="failed to start: shopstack: port 8080"),
        embedded_platform(env, module="fake_shopstack"),
    ):
        pass
    assert [c["argv"][0] for c in calls(env)] == ["up", "down"]


def test_a_started_platform_without_a_readable_platform_json_is_unreachable(tmp_path: Path) -> None:
    """The runner reads platform.json through phasebook.discovery, like every other reader."""
    with pytest.raises(PlatformUnreachable, match="embedded platform started but no platform.json"):
        _gateway_url(tmp_path)
    (tmp_path / "platform.json").write_text("{}")
    with pytest.raises(PlatformUnreachable, match="started but .*unexpected format"):
        _gateway_url(tmp_path)
    (tmp_path / "platform.json").write_text('{"gateway_url": "http://127.0.0.1:1/"}')
    assert _gateway_url(tmp_path) == "http://127.0.0.1:1"
