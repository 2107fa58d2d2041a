"""phasebook.preflight: reachability (health path or none) and the whoami auth check."""

import json
import socket

import httpx
import jwt
import pytest
from phasebook.discovery import resolve_target
from phasebook.errors import AuthError, PlatformUnreachable
from phasebook.params import load_params
from phasebook.preflight import check_platform


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def no_health_app(request: httpx.Request) -> httpx.Response:
    """A platform without /health whose /api/user needs `Token <jwt signed with k1>`."""
    if request.url.path != "/api/user":
        return httpx.Response(404, json={"errors": {"body": ["not found"]}})
    header = request.headers.get("authorization", "")
    try:
        claims = jwt.decode(header.removeprefix("Token "), "k1" * 16, algorithms=["HS256"])
    except jwt.PyJWTError:
        return httpx.Response(401, json={"errors": {"token": ["invalid token"]}})
    return httpx.Response(200, json={"user": {"username": claims["sub"]}})


def params_for(write_params, repo, text, env=None):
    path = write_params(text)
    params = load_params(path, environ=env or {}, cwd=repo)
    return params, resolve_target(params)


NO_HEALTH = """
platform:
  base_url: http://app.test
  health: none
  whoami: {path: /api/user, expect: {user.username: "{name}"}}
auth: {mode: jwt, scheme: Token, jwt: {secret: "${APP_SECRET}", claim: sub, field: name}}
users: {alice: {name: alice}}
"""


def test_health_none_accepts_a_platform_without_a_health_route(write_params, repo):
    params, target = params_for(write_params, repo, NO_HEALTH, {"APP_SECRET": "k1" * 16})
    check_platform(params, target, transport=httpx.MockTransport(no_health_app))


def test_default_health_path_404_says_how_to_turn_it_off(write_params, repo):
    text = NO_HEALTH.replace("  health: none\n", "")
    params, target = params_for(write_params, repo, text, {"APP_SECRET": "k1" * 16})
    with pytest.raises(
        PlatformUnreachable,
        match="status 404 — if the platform has no health route, set platform.health: none",
    ):
        check_platform(params, target, transport=httpx.MockTransport(no_health_app))


def test_wrong_jwt_secret_fails_the_auth_check_in_one_line(write_params, repo):
    params, target = params_for(write_params, repo, NO_HEALTH, {"APP_SECRET": "wrong" * 8})
    with pytest.raises(AuthError) as info:
        check_platform(params, target, transport=httpx.MockTransport(no_health_app))
    message = str(info.value)
    assert message == (
        "auth check failed: GET /api/user as alice → 401 {'token': ['invalid token']} — "
        "check auth.jwt_secret (or auth.jwt.*) matches the platform's"
    )
    assert "wrong" not in message


def test_platform_ignoring_the_credentials_is_an_identity_mismatch(write_params, repo):
    """JWT params against a platform that trusts X-User-Id (defaulting to user 1)."""

    def mock_auth_cart(request):
        return httpx.Response(200, json={"user_id": int(request.headers.get("x-user-id", 1))})

    text = """
platform:
  base_url: http://shop.test
  whoami: {path: /api/v1/cart, expect: {user_id: "{user_id}"}}
auth: {mode: jwt, jwt_secret: "${SECRET}"}
"""
    params, target = params_for(write_params, repo, text, {"SECRET": "s" * 32})
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, json={}) if r.url.path == "/health" else mock_auth_cart(r)
    )
    with pytest.raises(
        AuthError,
        match=r"auth check failed: GET /api/v1/cart as user \d+ → 200 "
        r"but user_id is 1, expected \d+: the platform did not see the credentials sent — "
        r"does the platform use auth.mode jwt\? it answered as someone else$",
    ):
        check_platform(params, target, transport=transport)


def test_closed_port_is_one_actionable_line(write_params, repo):
    port = closed_port()
    params, target = params_for(
        write_params, repo, f"platform: {{base_url: 'http://127.0.0.1:{port}'}}\n"
    )
    with pytest.raises(PlatformUnreachable) as info:
        check_platform(params, target, timeout=2)
    assert str(info.value) == (
        f"platform unreachable at http://127.0.0.1:{port}/health (connection refused) — "
        "start the platform or fix platform.base_url in params/test.yaml"
    )


def test_login_failure_in_the_auth_check_names_the_persona(write_params, repo):
    text = """
platform: {base_url: "http://app.test", health: none, whoami: /api/user}
auth:
  mode: login
  scheme: Token
  login:
    path: /api/users/login
    json: {user: {email: "{email}", password: "{password}"}}
    token: user.token
users: {alice: {email: a@x.test, password: "${ALICE_PASSWORD}"}}
"""
    params, target = params_for(write_params, repo, text, {"ALICE_PASSWORD": "pw-alice-123"})
    refuse = httpx.MockTransport(
        lambda r: httpx.Response(422, json={"errors": {"body": ["email or password is invalid"]}})
    )
    with pytest.raises(AuthError) as info:
        check_platform(params, target, transport=refuse)
    assert "login failed: POST /api/users/login as alice → 422" in str(info.value)
    assert "pw-alice-123" not in str(info.value)
    json.dumps(str(info.value))
