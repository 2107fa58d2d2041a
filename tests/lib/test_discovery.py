import json

import pytest
from phasebook.discovery import read_platform_state, resolve_target
from phasebook.errors import ConfigError, PlatformUnreachable
from phasebook.params import load_params

LOCAL = "platform: {base_url: '${BASE:-}', state_dir: .shopstack, profile: '${PROFILE:-any}'}\n"


def test_platform_json_is_parsed(state_dir):
    state = read_platform_state(state_dir)
    assert state.gateway_url == "http://127.0.0.1:18080"
    assert state.services["inventory"].pid == 4002
    assert state.mail_http_url == "http://127.0.0.1:18025"


def test_target_is_discovered_from_platform_json(write_params, repo, state_dir):
    target = resolve_target(load_params(write_params(LOCAL), environ={}, cwd=repo))
    assert target.base_url == "http://127.0.0.1:18080"
    assert sorted(target.databases) == ["checkout", "inventory"]
    assert target.mailbox_url == "http://127.0.0.1:18025"
    assert target.state_dir == state_dir and target.profile == "sqlite"


def test_explicit_params_win_over_platform_json(write_params, repo, state_dir):
    text = LOCAL + "databases: {checkout: 'sqlite:////x.db'}\nmailbox: {url: 'http://m'}\n"
    target = resolve_target(
        load_params(write_params(text), environ={"BASE": "http://gw"}, cwd=repo)
    )
    assert (target.base_url, target.databases, target.mailbox_url) == (
        "http://gw",
        {"checkout": "sqlite:////x.db"},
        "http://m",
    )


def test_missing_platform_json_says_to_start_the_platform(write_params, repo):
    with pytest.raises(
        PlatformUnreachable,
        match=r"no platform.json in .*is the platform up\? "
        r"run `make up`",
    ):
        resolve_target(load_params(write_params(LOCAL), environ={}, cwd=repo))


def test_base_url_without_platform_json_needs_no_state(write_params, repo):
    params = load_params(write_params(LOCAL), environ={"BASE": "http://gw"}, cwd=repo)
    target = resolve_target(params)
    assert target.state_dir is None and target.databases == {}


def test_profile_mismatch_is_a_config_error(write_params, repo, state_dir):
    params = load_params(write_params(LOCAL), environ={"PROFILE": "postgres"}, cwd=repo)
    with pytest.raises(ConfigError, match="expects a postgres platform but .* sqlite"):
        resolve_target(params)


def test_malformed_platform_json_is_a_config_error(state_dir):
    (state_dir / "platform.json").write_text(json.dumps({"services": {}}))
    with pytest.raises(ConfigError, match="unexpected format"):
        read_platform_state(state_dir)
