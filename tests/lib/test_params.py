from pathlib import Path

import pytest
from phasebook.errors import ConfigError
from phasebook.params import find_repo_root, load_params

REMOTE = """
platform:
  base_url: https://staging.example.com/
auth:
  mode: jwt
  jwt_secret: ${SHOPSTACK_JWT_SECRET}
admin_token: ${SHOPSTACK_ADMIN_TOKEN:-}
databases:
  checkout: postgresql://qa:${CHECKOUT_DB_PASSWORD}@db.example.com/shop?options=-csearch_path%3Dcheckout
mailbox: {url: https://mail.example.com}
timeouts: {request_s: 5, eventually_s: "${EVENTUALLY_S:-20}"}
"""


def test_remote_params_are_interpolated_and_typed(write_params, repo):
    path = write_params(REMOTE, "staging.yaml")
    env = {"SHOPSTACK_JWT_SECRET": "s3cret-value", "CHECKOUT_DB_PASSWORD": "pw-123"}
    params = load_params(path, environ=env, cwd=repo)
    assert params.source == "params/staging.yaml"
    assert params.base_url == "https://staging.example.com"
    assert params.auth_mode == "jwt"
    assert params.jwt_secret == "s3cret-value"
    assert params.admin_token is None
    assert params.databases["checkout"].startswith("postgresql://qa:pw-123@")
    assert params.mailbox_url == "https://mail.example.com"
    assert params.request_timeout_s == 5.0
    assert params.eventually_timeout_s == 20.0
    assert params.state_dir is None


def test_secrets_are_collected_for_redaction(write_params, repo):
    path = write_params(REMOTE, "staging.yaml")
    env = {
        "SHOPSTACK_JWT_SECRET": "s3cret-value",
        "CHECKOUT_DB_PASSWORD": "pw-123",
        "SHOPSTACK_ADMIN_TOKEN": "adm-tok",
    }
    params = load_params(path, environ=env, cwd=repo)
    assert {"s3cret-value", "pw-123", "adm-tok"} <= params.secrets
    assert "s3cret-value" not in repr(params)


def test_fixed_extra_headers_named_like_secrets_are_redacted_templates_are_not(write_params, repo):
    text = (
        "platform: {base_url: http://x}\n"
        "auth:\n  mode: none\n  headers:\n"
        "    X-Api-Key: ${API_KEY}\n    X-Tenant-Id: '{tenant?}'\n    X-Client: fixed-client\n"
    )
    params = load_params(write_params(text), environ={"API_KEY": "k-0987654321"}, cwd=repo)
    assert params.auth.headers["X-Tenant-Id"] == "{tenant?}"
    assert "k-0987654321" in params.secrets
    assert not {"{tenant?}", "fixed-client"} & params.secrets


def test_missing_env_var_names_file_field_and_variable(write_params, repo):
    path = write_params(REMOTE, "staging.yaml")
    with pytest.raises(ConfigError) as info:
        load_params(path, environ={"CHECKOUT_DB_PASSWORD": "x"}, cwd=repo)
    message = str(info.value)
    assert message.startswith("params/staging.yaml: auth.jwt_secret: ")
    assert "environment variable SHOPSTACK_JWT_SECRET is not set" in message
    assert "export SHOPSTACK_JWT_SECRET" in message


def test_typo_field_suggests_the_closest_valid_name(write_params, repo):
    path = write_params("platform:\n  base_url: http://x\ntimeouts:\n  request_sec: 3\n")
    with pytest.raises(
        ConfigError,
        match=r"params/test.yaml: timeouts.request_sec: unknown field"
        r" — did you mean 'request_s'\?",
    ):
        load_params(path, environ={}, cwd=repo)


def test_typo_top_level_field_suggests_section(write_params, repo):
    path = write_params("platfrom:\n  base_url: http://x\n")
    with pytest.raises(ConfigError, match="platfrom: unknown field — did you mean 'platform'"):
        load_params(path, environ={}, cwd=repo)


def test_wrong_type_names_field_and_expected_type(write_params, repo):
    path = write_params("platform:\n  base_url: [1, 2]\n")
    with pytest.raises(ConfigError, match="params/test.yaml: platform.base_url: expected a string"):
        load_params(path, environ={}, cwd=repo)


def test_non_numeric_timeout_is_rejected(write_params, repo):
    path = write_params("platform: {base_url: 'http://x'}\ntimeouts: {request_s: soon}\n")
    with pytest.raises(ConfigError, match="timeouts.request_s: expected a number of seconds"):
        load_params(path, environ={}, cwd=repo)


def test_jwt_mode_requires_a_secret(write_params, repo):
    path = write_params("platform: {base_url: 'http://x'}\nauth: {mode: jwt}\n")
    with pytest.raises(ConfigError, match="auth.jwt_secret: required when auth.mode is jwt"):
        load_params(path, environ={}, cwd=repo)


def test_unknown_auth_mode_is_rejected(write_params, repo):
    path = write_params("platform: {base_url: 'http://x'}\nauth: {mode: oauth}\n")
    with pytest.raises(
        ConfigError,
        match="auth.mode: expected one of none, mock, .* did you mean 'oauth2'",
    ):
        load_params(path, environ={}, cwd=repo)


def test_platform_needs_base_url_or_state_dir(write_params, repo):
    path = write_params("auth: {mode: mock}\n")
    with pytest.raises(ConfigError, match="platform: give base_url"):
        load_params(path, environ={}, cwd=repo)


def test_env_var_selects_params_file_relative_to_repo_root(write_params, repo):
    write_params("platform: {base_url: 'http://chosen'}\n", "ci.yaml")
    params = load_params(environ={"PHASEBOOK_PARAMS": "params/ci.yaml"}, cwd=repo / "notebooks")
    assert params.base_url == "http://chosen"
    assert params.root == repo.resolve()


def test_default_file_is_params_local_yaml(write_params, repo):
    write_params("platform: {state_dir: .shopstack}\n", "local.yaml")
    params = load_params(environ={}, cwd=repo / "notebooks")
    assert params.source == "params/local.yaml"
    assert params.state_dir == (repo / ".shopstack").resolve()


def test_missing_params_file_lists_available_ones(write_params, repo):
    write_params("platform: {base_url: 'http://x'}\n", "local.yaml")
    with pytest.raises(ConfigError, match="params/nope.yaml does not exist.*local.yaml"):
        load_params(environ={"PHASEBOOK_PARAMS": "params/nope.yaml"}, cwd=repo)


def test_invalid_yaml_is_a_config_error(write_params, repo):
    path = write_params("platform: [unclosed\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_params(path, environ={}, cwd=repo)


def test_empty_database_urls_are_dropped(write_params, repo):
    path = write_params("platform: {base_url: 'http://x'}\ndatabases: {cart: '${CART_DB:-}'}\n")
    assert load_params(path, environ={}, cwd=repo).databases == {}


def test_repo_root_is_found_from_a_subdirectory(repo):
    assert find_repo_root(repo / "notebooks") == repo.resolve()


@pytest.mark.parametrize("name", ["local.yaml", "postgres.yaml", "staging.example.yaml"])
def test_shipped_params_files_load(name):
    root = Path(__file__).resolve().parents[2]
    env = {
        "SHOPSTACK_JWT_SECRET": "x" * 32,
        "STAGING_BASE_URL": "https://staging.example.com",
        "STAGING_ADMIN_TOKEN": "t",
        "STAGING_DB_PASSWORD": "p",
        "STAGING_DB_HOST": "db",
        "STAGING_MAILBOX_URL": "https://mail",
    }
    params = load_params(root / "params" / name, environ=env, cwd=root)
    assert params.base_url or params.state_dir


def test_every_unset_variable_is_reported_in_one_message(write_params, repo):
    text = (
        "platform: {base_url: '${APP_URL}'}\nauth: {mode: bearer, token: '${APP_TOKEN}'}\n"
        "users: {alice: {password: '${ALICE_PASSWORD}'}}\n"
    )
    with pytest.raises(ConfigError) as info:
        load_params(write_params(text), environ={}, cwd=repo)
    message = str(info.value)
    assert message.startswith("params/test.yaml: 3 environment variables are not set: ")
    for name in ("APP_URL (platform.base_url)", "APP_TOKEN (auth.token)", "ALICE_PASSWORD"):
        assert name in message


def test_open_sections_and_platform_options(write_params, repo):
    text = """
platform: {base_url: 'http://app.test', health: none, api_prefix: api/, whoami: /api/user}
auth:
  mode: login
  scheme: ""
  login: {path: /api/users/login, json: {user: {email: "{email}"}}, token: user.token}
users: {alice: {email: a@x, password: "${ALICE_PASSWORD}"}}
vars: {prefix: "${PREFIX:-/x}", nested: {n: 1}}
"""
    params = load_params(write_params(text), environ={"ALICE_PASSWORD": "pw-1"}, cwd=repo)
    assert params.health is None and params.api_prefix == "/api"
    assert params.whoami.path == "/api/user" and params.auth.scheme == ""
    assert params.vars == {"prefix": "/x", "nested": {"n": 1}}
    assert params.users["alice"]["password"] == "pw-1" and "pw-1" in params.secrets
    assert params.auth.login.json == {"user": {"email": "{email}"}}
