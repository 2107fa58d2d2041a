"""Issue 11's regression: two logins return the identical token; the second still
authenticates (the real token is sent, never ``***``), and nothing shown or written holds it.

The platform is an ``httpx.MockTransport`` that behaves like conduit within one second:
every login answers the same token; ``/api/user`` answers 200 to ``Token <that token>`` only.
"""

from __future__ import annotations

import json

import httpx
import phasebook
import pytest

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.same-token-for-both-logins"
PASSWORD = "alice-pass-" + "7" * 8
PARAMS = """
platform: {base_url: http://conduit.test, health: none}
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


class SameTokenPlatform:
    """Logins all answer TOKEN; records the Authorization header of every other request."""

    def __init__(self):
        self.logins = 0
        self.authorizations: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/users/login":
            self.logins += 1
            user = {"email": "alice@example.com", "username": "alice", "token": TOKEN}
            return httpx.Response(200, json={"user": user})
        sent = request.headers.get("Authorization")
        self.authorizations.append(sent)
        if sent != f"Token {TOKEN}":
            return httpx.Response(401, json={"detail": "invalid token"})
        return httpx.Response(200, json={"user": {"username": "alice", "token": TOKEN}})


@pytest.fixture
def platform():
    return SameTokenPlatform()


@pytest.fixture
def shown():
    return []


@pytest.fixture
def s(tmp_path, platform, shown):
    path = tmp_path / "params.yaml"
    path.write_text(PARAMS)
    return phasebook.session(
        "same_token",
        params=path,
        environ={"ALICE_PASSWORD": PASSWORD},
        cwd=tmp_path,
        transport=httpx.MockTransport(platform),
        display=shown.append,
    )


def _login(s):
    body = {"user": {"email": "alice@example.com", "password": PASSWORD}}
    return s.api.post("/api/users/login", json=body, anonymous=True)


def test_a_second_login_with_the_identical_token_still_authenticates(s, platform):
    first = s.api.get("/api/user")  # the provider logs alice in: TOKEN is now a known secret
    second_login = _login(s)
    token = second_login.json["user"]["token"]
    again = s.api.get("/api/user", headers={"Authorization": f"Token {token}"}, anonymous=True)
    by_provider = s.api.get("/api/user")
    assert token == TOKEN
    assert second_login.text.count(TOKEN) == 1 and second_login.json["user"]["token"] == TOKEN
    assert (first.status, again.status, by_provider.status) == (200, 200, 200)
    assert again.json["user"]["token"] == TOKEN
    assert platform.authorizations == [f"Token {TOKEN}"] * 3
    assert "Token ***" not in platform.authorizations


def test_the_identical_token_appears_in_nothing_shown_or_written(s, platform, shown):
    s.test("C.1", "two logins, one token")
    s.api.get("/api/user")
    for _ in range(2):
        r = _login(s)
        s.checks.status(r, 200)
        s.checks.equal("token", r.json["user"]["token"], TOKEN)
        shown.append(r._repr_mimebundle_() if hasattr(r, "_repr_mimebundle_") else {})
        shown.append({"text/html": r._repr_html_(), "text/plain": repr(r)})
    written = json.dumps(
        {
            "shown": shown,
            "results": s.results(),
            "journal": s.journal.to_frame(bodies=True).to_json(),
        },
        default=str,
    )
    assert TOKEN not in written
    assert PASSWORD not in written
    assert "***" in written  # it was there, masked
    assert {c.status for c in s.checks.results} == {"passed"}


SIGNUP_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.token-of-a-new-reader"


def test_a_token_in_a_sign_up_answer_is_masked_wherever_it_is_shown(tmp_path, shown):
    def platform(request: httpx.Request) -> httpx.Response:
        user = {"email": "reader@example.com", "username": "reader", "token": SIGNUP_TOKEN}
        return httpx.Response(201, json={"user": user})

    path = tmp_path / "params.yaml"
    path.write_text(PARAMS)
    s = phasebook.session(
        "signup",
        params=path,
        environ={"ALICE_PASSWORD": PASSWORD},
        cwd=tmp_path,
        transport=httpx.MockTransport(platform),
        display=shown.append,
    )
    s.test("A.2", "a reader signs up")
    body = {"user": {"username": "reader", "email": "reader@example.com", "password": "pw-x"}}
    r = s.api.post("/api/users", json=body, anonymous=True)
    s.checks.equal("token", r.json["user"]["token"], SIGNUP_TOKEN)
    shown.append({"text/html": r._repr_html_(), "text/plain": repr(r)})
    assert r.json["user"]["token"] == SIGNUP_TOKEN  # the value itself is never masked
    written = json.dumps({"shown": shown, "results": s.results()}, default=str)
    assert SIGNUP_TOKEN not in written
