"""The Locust users authenticate through the params' auth provider (phasebook.load.credentials),
exercised here without Locust: the same object the locustfile builds once per process."""

from __future__ import annotations

import json
from types import SimpleNamespace

import httpx
import jwt
from phasebook.auth import Persona
from phasebook.load.credentials import (
    PERSONA_VAR,
    DeferredRedactor,
    credentials_from_env,
    persona_env,
)
from phasebook.load.run import auth_env
from phasebook.params import load_params

HOST = "http://127.0.0.1:9"
SECRET = "load-jwt-secret-" + "x" * 20
LOGIN_PARAMS = """
platform: {base_url: http://127.0.0.1:9, health: none}
auth:
  mode: login
  login:
    path: /api/users/login
    json: {user: {email: "{email}", password: "{password}"}}
    token: user.token
  scheme: Token
users:
  alice: {email: alice@example.com, password: "${ALICE_PASSWORD}"}
"""


def _params(tmp_path, text: str):
    path = tmp_path / "p.yaml"
    path.write_text(text)
    return path


class LoginServer:
    """Answers logins with a numbered token; /api/x answers 401 to any token but the latest."""

    def __init__(self):
        self.logins = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/users/login":
            self.logins += 1
            return httpx.Response(200, json={"user": {"token": f"tok-{self.logins}-abcdef"}})
        return httpx.Response(404)


def test_without_a_params_file_users_send_shopstacks_x_user_id():
    auth = credentials_from_env({}, host=HOST)
    assert auth.headers(500_000_001) == {"X-User-Id": "500000001"}


def test_mock_params_send_each_simulated_users_own_id(tmp_path):
    path = _params(tmp_path, "platform: {base_url: http://127.0.0.1:9}\nauth: {mode: mock}\n")
    auth = credentials_from_env({"PHASEBOOK_LOAD_PARAMS": str(path)}, host=HOST)
    assert auth.headers(7) == {"X-User-Id": "7"}
    assert auth.headers(8) == {"X-User-Id": "8"}


def test_jwt_params_mint_a_bearer_token_per_simulated_user(tmp_path):
    path = _params(
        tmp_path,
        'platform: {base_url: http://127.0.0.1:9}\nauth: {mode: jwt, jwt_secret: "${S}"}\n',
    )
    auth = credentials_from_env({"PHASEBOOK_PARAMS": str(path), "S": SECRET}, host=HOST)
    scheme, token = auth.headers(500_000_123)["Authorization"].split(" ")
    assert scheme == "Bearer"
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["user_id"] == 500_000_123
    assert auth.redact(f"401 rejected {token}") == "401 rejected ***"
    assert auth.redact(f"secret {SECRET}") == "secret ***"


def test_login_params_log_in_once_for_every_user_and_again_after_a_401(tmp_path):
    server = LoginServer()
    env = {"PHASEBOOK_LOAD_PARAMS": str(_params(tmp_path, LOGIN_PARAMS)), "ALICE_PASSWORD": "pw-1"}
    auth = credentials_from_env(env, host=HOST, transport=httpx.MockTransport(server))
    first = [auth.headers(user) for user in (1, 2, 3)]
    assert first == [{"Authorization": "Token tok-1-abcdef"}] * 3
    assert server.logins == 1
    auth.refresh(2)
    assert auth.headers(3) == {"Authorization": "Token tok-2-abcdef"}
    assert server.logins == 2
    assert auth.redact("bad tok-2-abcdef for pw-1") == "bad *** for ***"


def test_a_persona_handed_over_by_the_run_is_who_every_user_acts_as(tmp_path):
    server = LoginServer()
    bob = Persona("bob", {"email": "bob@example.com", "password": "pw-bob"})
    env = {
        "PHASEBOOK_LOAD_PARAMS": str(_params(tmp_path, LOGIN_PARAMS)),
        "ALICE_PASSWORD": "pw-1",
        **persona_env(bob),
    }
    auth = credentials_from_env(env, host=HOST, transport=httpx.MockTransport(server))
    assert auth.persona.name == "bob"
    auth.headers(1)
    assert auth.redact("pw-bob") == "***"


def test_the_run_hands_over_the_sessions_params_file_and_the_persona_asked_for(tmp_path):
    path = _params(tmp_path, LOGIN_PARAMS)
    params = load_params(path, environ={"ALICE_PASSWORD": "pw-1"}, cwd=tmp_path)
    alice = Persona("alice", params.users["alice"])
    users = SimpleNamespace(resolve=lambda who: alice)
    session = SimpleNamespace(params=params, users=users)
    assert auth_env(session) == {"PHASEBOOK_LOAD_PARAMS": str(path.resolve())}
    handed = json.loads(auth_env(session, "alice")[PERSONA_VAR])
    assert handed == {"name": "alice", "fields": {"email": "alice@example.com", "password": "pw-1"}}


def test_the_deferred_redactor_masks_the_longest_match_and_compiles_lazily():
    redactor = DeferredRedactor(["abc"])
    for n in range(2000):
        redactor.register(f"token-{n:05d}")
    redactor.register("abcdef")
    assert "token-01999" in redactor
    assert redactor.text("x token-01999 abcdef abc") == "x *** *** ***"
