"""``STATE_DIR/admin_token``: the admin token a local platform was started with.

``shopstack up`` generates one when ``SHOPSTACK_ADMIN_TOKEN`` is unset, so that a plain
``make up`` enables the admin routes. The token is written to a file readable by its owner only
(mode 0600), never printed and never put in ``platform.json``; local kernels (papermill, nbval,
JupyterLab) read it from there, and ``shopstack start SERVICE`` restarts a service with it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import MutableMapping
from pathlib import Path

TOKEN_FILE = "admin_token"
ENV_VAR = "SHOPSTACK_ADMIN_TOKEN"


def token_path(state_dir: Path) -> Path:
    return state_dir / TOKEN_FILE


def ensure(state_dir: Path, env: MutableMapping[str, str]) -> None:
    """Put an admin token in ``env`` (a new one unless it has one) and write it to the file."""
    token = env.get(ENV_VAR) or secrets.token_hex(16)
    env[ENV_VAR] = token
    write(state_dir, token)


def write(state_dir: Path, token: str) -> None:
    path = token_path(state_dir)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older file may have been created with wider permissions
        os.write(fd, token.encode("ascii"))
    finally:
        os.close(fd)


def read(state_dir: Path) -> str | None:
    """The stored token, or None when there is no (readable) file."""
    try:
        return token_path(state_dir).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def fill(state_dir: Path, env: MutableMapping[str, str]) -> None:
    """Restarting one service: take the stored token when this environment has none."""
    if not env.get(ENV_VAR):
        stored = read(state_dir)
        if stored:
            env[ENV_VAR] = stored


def remove(state_dir: Path) -> None:
    token_path(state_dir).unlink(missing_ok=True)
