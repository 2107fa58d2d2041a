"""``platform.json``: where each service listens, its pid, and how to start it again.

The file is what the library and the notebooks read to find the platform, so it never holds a
secret. The environment the services were started with is stored without secrets:
``SHOPSTACK_ADMIN_TOKEN`` and ``SHOPSTACK_JWT_SECRET`` are only listed by name, and database and
Redis URLs lose their password. ``shopstack start SERVICE`` takes those from its own
environment again (or libpq's ``PGPASSWORD`` / ``~/.pgpass`` for PostgreSQL).
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from shopstack.supervisor.errors import SupervisorError

STATE_FILE = "platform.json"
VERSION = 1
SECRET_VARS = ("SHOPSTACK_ADMIN_TOKEN", "SHOPSTACK_JWT_SECRET")
URL_VARS = ("SHOPSTACK_DATABASE_URL", "SHOPSTACK_REDIS_URL")


def state_path(state_dir: Path) -> Path:
    return state_dir / STATE_FILE


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


def _is_secret(name: str) -> bool:
    return name in SECRET_VARS or any(word in name for word in ("SECRET", "TOKEN", "PASSWORD"))


def split_env(env: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The ``SHOPSTACK_*`` variables worth storing, and the names of the secret ones."""
    stored: dict[str, str] = {}
    secrets: list[str] = []
    for name, value in sorted(env.items()):
        if not name.startswith("SHOPSTACK_") or name.startswith("SHOPSTACK_TEST_"):
            continue
        if _is_secret(name):
            secrets.append(name)
        elif name in URL_VARS:
            stored[name] = without_password(value)
        else:
            stored[name] = value
    return stored, secrets


def restart_env(state: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The environment to start a service again with, and the secrets that are missing."""
    env = dict(os.environ)
    for name, value in state["env"].items():
        if name in URL_VARS and os.environ.get(name):
            continue  # this environment's URL may carry the password the state file dropped
        env[name] = value
    missing = [name for name in state.get("secrets", []) if not os.environ.get(name)]
    return env, missing


def load(state_dir: Path) -> dict[str, Any]:
    path = state_path(state_dir)
    try:
        state = json.loads(path.read_text())
    except FileNotFoundError:
        raise SupervisorError(
            f"no platform in {state_dir} (no {STATE_FILE}) — run 'shopstack up' first"
        ) from None
    except (OSError, ValueError) as exc:
        raise SupervisorError(f"cannot read {path}: {exc}") from exc
    if not isinstance(state, dict) or state.get("version") != VERSION:
        raise SupervisorError(f"{path} is not a version {VERSION} shopstack state file")
    return state


def save(state_dir: Path, state: Mapping[str, Any]) -> None:
    path = state_path(state_dir)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n")
    os.replace(tmp, path)


def remove(state_dir: Path) -> None:
    state_path(state_dir).unlink(missing_ok=True)


@contextmanager
def locked(state_dir: Path) -> Iterator[None]:
    """Serialise supervisor commands that read-modify-write the state file."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def python_for(state: Mapping[str, Any]) -> str:
    return state.get("python") or sys.executable
