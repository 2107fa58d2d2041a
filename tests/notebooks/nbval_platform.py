"""pytest plugin for nbval runs over notebooks/: a platform up before any kernel starts.

Loaded with ``-p nbval_platform`` (see test_notebooks_nbval.py). nbval executes cells in
kernels that pytest fixtures never reach, so the platform is started in ``pytest_configure``
and handed to kernels through the environment they inherit: ``PHASEBOOK_PARAMS``,
``SHOPSTACK_STATE_DIR`` and ``SHOPSTACK_ADMIN_TOKEN``. With ``SHOPSTACK_TEST_PROFILE=postgres``
the platform runs on ``SHOPSTACK_TEST_POSTGRES_URL`` and ``SHOPSTACK_TEST_REDIS_URL``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_state: dict[str, str] = {}

# Outputs compared as sanitized text/plain only: the HTML twin of each output and the
# machine-readable phasebook payloads carry timings that differ on every run.
SKIPPED_OUTPUTS = (
    "text/html",
    "application/vnd.phasebook.check+json",
    "application/vnd.phasebook.results+json",
    "image/png",
)


def _shopstack(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shopstack.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _profile_env() -> dict[str, str]:
    if os.environ.get("SHOPSTACK_TEST_PROFILE") != "postgres":
        return {"PHASEBOOK_PARAMS": str(ROOT / "params" / "local.yaml")}
    return {
        "PHASEBOOK_PARAMS": str(ROOT / "params" / "postgres.yaml"),
        "SHOPSTACK_DATABASE_URL": os.environ["SHOPSTACK_TEST_POSTGRES_URL"],
        "SHOPSTACK_REDIS_URL": os.environ["SHOPSTACK_TEST_REDIS_URL"],
        "SHOPSTACK_DB_NAMESPACE": "nbval_" + secrets.token_hex(4),
    }


def pytest_configure(config) -> None:  # noqa: ANN001 - pytest hook
    state_dir = tempfile.mkdtemp(prefix="phasebook-nbval-")
    os.environ.update(_profile_env())
    os.environ["SHOPSTACK_STATE_DIR"] = state_dir
    os.environ.setdefault("SHOPSTACK_ADMIN_TOKEN", secrets.token_hex(16))
    started = _shopstack("up", "--ports", "auto", "--fresh", "--detach", "--state-dir", state_dir)
    if started.returncode != 0:
        raise RuntimeError(f"could not start shopstack for nbval:\n{started.stderr[-3000:]}")
    _state["state_dir"] = state_dir


def pytest_unconfigure(config) -> None:  # noqa: ANN001 - pytest hook
    state_dir = _state.pop("state_dir", None)
    if state_dir:
        _shopstack("down", "--state-dir", state_dir)
        shutil.rmtree(state_dir, ignore_errors=True)


def pytest_collectstart(collector) -> None:  # noqa: ANN001 - pytest hook
    if getattr(collector, "fspath", None) and collector.fspath.ext == ".ipynb":
        collector.skip_compare += SKIPPED_OUTPUTS
