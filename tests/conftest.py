"""Fixtures shared by every test directory: a running shopstack platform, PostgreSQL, Redis.

Every test gets exactly one speed tier (``pytest -m unit``, ``make test-fast`` runs
``unit or integration``), decided here by :func:`pytest_collection_modifyitems`:

- ``e2e``: it starts processes — a platform (the ``platform`` fixture, or one of its own),
  Jupyter kernels, papermill, an app server, fresh interpreters that import the heavy stacks
  (seconds each): every test under ``tests/suite/`` and ``tests/notebooks/``, every test using
  ``platform``, and the modules in :data:`E2E_MODULES`.
- ``integration``: it talks to a real database or cache in-process: it uses ``settings``
  (SQLite and PostgreSQL), ``postgres_url`` or ``redis_url``.
- ``unit``: everything else (fakes, pure functions, files in a tmp dir).

A test marked by hand keeps its mark. A new module that starts processes without the
``platform`` fixture belongs in :data:`E2E_MODULES`.

``platform`` starts ``shopstack up --ports auto --fresh --detach`` once per session (per xdist
worker) and yields the parsed ``platform.json``; ``SHOPSTACK_TEST_PROFILE=postgres`` runs it on
PostgreSQL + Redis from ``SHOPSTACK_TEST_POSTGRES_URL`` / ``SHOPSTACK_TEST_REDIS_URL``.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Modules that start processes of their own (a platform, kernels, papermill, an app server).
E2E_MODULES = frozenset(
    {
        "tests/apps/test_conduit.py",
        "tests/lib/test_cells.py",
        "tests/lib/test_cells_kernel.py",
        "tests/lib/test_control.py",
        "tests/lib/test_deferred_grammar.py",
        "tests/lib/test_kernel_output.py",
        "tests/lib/test_load_headless.py",
        "tests/lib/test_load_run.py",
        "tests/lib/test_tracebacks.py",
        "tests/platform/test_checkout_faults.py",
        "tests/platform/test_gateway_outage.py",
        "tests/platform/test_gateway_schemathesis.py",
        "tests/platform/test_seed002_full_script.py",
        "tests/platform/test_seed002_script.py",
        "tests/platform/test_supervisor.py",
        "tests/runner/test_cli_errors.py",
        "tests/runner/test_cli_parameters.py",
        "tests/runner/test_runner_embedded.py",
        "tests/runner/test_runner_pool.py",
    }
)
E2E_DIRS = ("tests/suite/", "tests/notebooks/", "tests/lab/", "tests/report_browser/")
E2E_FIXTURES = frozenset({"platform"})
INTEGRATION_FIXTURES = frozenset({"settings", "postgres_url", "redis_url"})
TIERS = ("unit", "integration", "e2e")


def speed_tier(path: str, fixtures: set[str]) -> str:
    """The tier of a test at ``path`` (relative to the repository) using ``fixtures``."""
    if path in E2E_MODULES or path.startswith(E2E_DIRS) or fixtures & E2E_FIXTURES:
        return "e2e"
    if fixtures & INTEGRATION_FIXTURES:
        return "integration"
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(config.rootpath)
    for item in items:
        if any(item.get_closest_marker(tier) for tier in TIERS):
            continue
        path = Path(str(item.path)).relative_to(root).as_posix()
        fixtures = set(getattr(item, "fixturenames", ()))
        item.add_marker(getattr(pytest.mark, speed_tier(path, fixtures)))


PG_BIN = Path(os.environ.get("SHOPSTACK_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
#: The admin token of the session's platform (admin routes are on in tests).
ADMIN_TOKEN = "test-admin-" + secrets.token_hex(8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _throwaway_postgres() -> Iterator[str]:
    base = Path(tempfile.mkdtemp(prefix="shopstack-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data, port = base / "data", free_port()
    run = {"check": True, "capture_output": True}
    initdb = [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
    subprocess.run(_as_postgres([*initdb, "--no-sync"]), **run)
    options = f"-h 127.0.0.1 -p {port} -k {base} -F"
    pg_ctl = str(PG_BIN / "pg_ctl")
    subprocess.run(
        _as_postgres(
            [pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"]
        ),
        **run,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``SHOPSTACK_TEST_POSTGRES_URL``, else a throwaway cluster, else the test is skipped."""
    given = os.environ.get("SHOPSTACK_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    if not (PG_BIN / "initdb").exists():
        pytest.skip("no PostgreSQL: set SHOPSTACK_TEST_POSTGRES_URL or install postgresql-15")
    yield from _throwaway_postgres()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``SHOPSTACK_TEST_REDIS_URL``, else a throwaway redis-server, else the test is skipped."""
    given = os.environ.get("SHOPSTACK_TEST_REDIS_URL")
    if given:
        yield given
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no Redis: set SHOPSTACK_TEST_REDIS_URL or install redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_for_port(port: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout_s} s")


def shopstack(*args: str, env: dict[str, str] | None = None, timeout: float = 90):
    """Run the supervisor CLI; return the CompletedProcess (text, captured)."""
    return subprocess.run(
        [sys.executable, "-m", "shopstack.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _platform_env(request: pytest.FixtureRequest) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSTACK_")}
    env["SHOPSTACK_ADMIN_TOKEN"] = ADMIN_TOKEN
    if os.environ.get("SHOPSTACK_TEST_PROFILE") == "postgres":
        env["SHOPSTACK_DATABASE_URL"] = request.getfixturevalue("postgres_url")
        env["SHOPSTACK_REDIS_URL"] = request.getfixturevalue("redis_url")
        env["SHOPSTACK_DB_NAMESPACE"] = "t" + secrets.token_hex(4)
    return env


@pytest.fixture(scope="session")
def platform_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment the session's platform was started with (includes the admin token)."""
    return _platform_env(request)


@pytest.fixture(scope="session")
def platform(
    platform_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    """A whole shopstack on free ports for this session: the parsed ``platform.json``."""
    state_dir = tmp_path_factory.mktemp("shopstack")
    args = ["--state-dir", str(state_dir)]
    started = shopstack("up", "--ports", "auto", "--fresh", "--detach", *args, env=platform_env)
    if started.returncode != 0:
        pytest.fail(f"shopstack up failed:\n{started.stdout}\n{started.stderr}")
    try:
        yield json.loads((state_dir / "platform.json").read_text())
    finally:
        shopstack("down", *args, env=platform_env)


@pytest.fixture(scope="session")
def admin_token() -> str:
    """The bearer token of the session platform's admin routes."""
    return ADMIN_TOKEN


@pytest.fixture(scope="session")
def shopstack_cli():
    """Run ``shopstack ARGS...`` (e.g. ``shopstack_cli("stop", "cart", "--state-dir", d)``)."""
    return shopstack
