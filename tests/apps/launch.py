"""Start conduit as a real server process (uvicorn on a free loopback port) and stop it.

    with running_conduit(tmp_path) as app:
        app.base_url, app.database_url, app.jwt_secret, app.sign_up("alice")

Used by the pytest fixtures of ``tests/apps`` and ``tests/suite``. The process runs
``python -m tests.apps.conduit`` from the repository root, as a user would.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Conduit:
    """A running conduit: where it answers, its SQLite file and its JWT secret."""

    base_url: str
    db_path: Path
    jwt_secret: str
    log_path: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def sign_up(self, name: str, password: str | None = None) -> dict[str, str]:
        """Register ``name`` (email ``name@example.com``); its fields plus the token."""
        fields = {"username": name, "email": f"{name}@example.com"}
        fields["password"] = password or "pw-" + secrets.token_hex(8)
        answer = httpx.post(f"{self.base_url}/api/users", json={"user": fields}, timeout=10)
        answer.raise_for_status()
        return {**fields, "token": answer.json()["user"]["token"]}

    def tokens_issued(self, since: float, until: float) -> set[str]:
        """Every token conduit can have issued between two times (it signs with one-second
        claims, and the tests know its secret): what a leak check greps outputs for."""
        from .conduit.security import issue_token

        with sqlite3.connect(self.db_path) as db:
            users = db.execute("SELECT id, username FROM users").fetchall()
        seconds = range(int(since) - 1, int(until) + 2)
        return {
            issue_token(uid, name, secret=self.jwt_secret, lifetime_s=3600, now=t)
            for uid, name in users
            for t in seconds
        }

    def login(self, email: str, password: str) -> str:
        body = {"user": {"email": email, "password": password}}
        answer = httpx.post(f"{self.base_url}/api/users/login", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()["user"]["token"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_conduit(
    directory: Path, *, jwt_secret: str | None = None, env: Mapping[str, str] | None = None
) -> Iterator[Conduit]:
    """conduit on a free port with its database in ``directory``; stopped on exit."""
    secret = jwt_secret or "conduit-" + secrets.token_hex(16)
    port, db_path = free_port(), directory / "conduit.db"
    app = Conduit(f"http://127.0.0.1:{port}", db_path, secret, directory / "conduit.log")
    command = [
        sys.executable,
        "-m",
        "tests.apps.conduit",
        "--port",
        str(port),
        "--db",
        str(db_path),
    ]
    environ = {**(os.environ if env is None else env), "CONDUIT_JWT_SECRET": secret}
    with app.log_path.open("w") as log:
        proc = subprocess.Popen(command, cwd=REPO, env=environ, stdout=log, stderr=log)
    try:
        _wait_until_answering(app, proc)
        yield app
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait_until_answering(app: Conduit, proc: subprocess.Popen) -> None:
    """Any HTTP answer counts (conduit has no /health: ``GET /`` is a 404)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"conduit exited with {proc.returncode}: {app.log_path.read_text()}")
        try:
            httpx.get(app.base_url + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"conduit did not answer within {START_TIMEOUT_S:g} s at {app.base_url}")
