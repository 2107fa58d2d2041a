"""``--embedded``: a fresh shopstack for one run, always taken down afterwards.

Starts ``python -m shopstack.cli up --ports auto --fresh --state-dir TMP --detach`` with a
random ``SHOPSTACK_ADMIN_TOKEN``, reads ``TMP/platform.json``, and on leaving the ``with``
block (normal end, failure, Ctrl-C) runs ``shopstack down --state-dir TMP``. The state dir
and token are chosen first (:func:`plan_embedded`), so the kernels' environment is known,
and kernels can start, while the platform starts.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from phasebook.discovery import read_platform_state
from phasebook.errors import ConfigError, PlatformUnreachable

SHOPSTACK_MODULE = "shopstack.cli"


@dataclass(frozen=True)
class EmbeddedPlan:
    """Where an embedded platform will live and its admin token, before it starts."""

    state_dir: Path
    admin_token: str

    def kernel_env(self) -> dict[str, str]:
        """The variables that hand this platform to kernels (see docs/architecture.md)."""
        return {
            "SHOPSTACK_STATE_DIR": str(self.state_dir),
            "SHOPSTACK_ADMIN_TOKEN": self.admin_token,
        }


def plan_embedded() -> EmbeddedPlan:
    """A fresh temp state dir and a random admin token."""
    state_dir = Path(tempfile.mkdtemp(prefix="phasebook-shopstack-"))
    return EmbeddedPlan(state_dir, secrets.token_hex(16))


@dataclass(frozen=True)
class EmbeddedPlatform:
    """A running embedded platform: where it lives and what kernels must be told."""

    state_dir: Path
    admin_token: str
    gateway_url: str

    def kernel_env(self) -> dict[str, str]:
        """The variables that hand this platform to kernels (see docs/architecture.md)."""
        return {
            "SHOPSTACK_STATE_DIR": str(self.state_dir),
            "SHOPSTACK_ADMIN_TOKEN": self.admin_token,
        }


@contextmanager
def embedded_platform(
    env: Mapping[str, str],
    *,
    plan: EmbeddedPlan | None = None,
    module: str = SHOPSTACK_MODULE,
    up_timeout: float = 180.0,
) -> Iterator[EmbeddedPlatform]:
    """Start shopstack on free ports in ``plan``'s state dir (a new temp dir and token by
    default); take it down and remove the state dir on exit."""
    plan = plan or plan_embedded()
    state_dir, token = plan.state_dir, plan.admin_token
    platform_env = {**env, "SHOPSTACK_ADMIN_TOKEN": token}
    base = [sys.executable, "-m", module]
    up = [*base, "up", "--ports", "auto", "--fresh", "--state-dir", str(state_dir), "--detach"]
    try:
        _run(up, platform_env, up_timeout, "start")
        yield EmbeddedPlatform(state_dir, token, _gateway_url(state_dir))
    finally:
        _down([*base, "down", "--state-dir", str(state_dir)], platform_env)
        shutil.rmtree(state_dir, ignore_errors=True)


def _run(cmd: list[str], env: Mapping[str, str], timeout: float, verb: str) -> None:
    try:
        proc = subprocess.run(
            cmd, env=dict(env), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise PlatformUnreachable(
            f"embedded platform did not {verb} within {timeout:g} s ({' '.join(cmd[2:4])})"
        ) from exc
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout or "").strip().splitlines()
        last = lines[-1] if lines else f"exit code {proc.returncode}"
        raise PlatformUnreachable(f"embedded platform failed to {verb}: {last}")


def _down(cmd: list[str], env: Mapping[str, str]) -> None:
    try:
        _run(cmd, env, 60.0, "stop")
    except PlatformUnreachable as exc:
        print(f"phasebook: warning: {exc}", file=sys.stderr)


def _gateway_url(state_dir: Path) -> str:
    """The started platform's gateway, read by the library's one platform.json reader."""
    try:
        return read_platform_state(state_dir).gateway_url
    except (PlatformUnreachable, ConfigError) as exc:
        raise PlatformUnreachable(f"embedded platform started but {exc}") from exc
