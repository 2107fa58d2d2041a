"""Fixtures for the library tests: a throwaway repo layout, a display collector, PostgreSQL."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A directory that looks like the repository root (pyproject.toml, params/)."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    return tmp_path


@pytest.fixture
def write_params(repo: Path):
    """Write ``params/<name>`` (dedented YAML) and return its path."""

    def write(text: str, name: str = "test.yaml") -> Path:
        path = repo / "params" / name
        path.write_text(textwrap.dedent(text))
        return path

    return write


def platform_document(state_dir: Path, **overrides) -> dict:
    services = {
        "gateway": {
            "url": "http://127.0.0.1:18080",
            "port": 18080,
            "pid": 4001,
            "database_url": None,
        },
        "inventory": {
            "url": "http://127.0.0.1:50053",
            "port": 50053,
            "pid": 4002,
            "database_url": f"sqlite:///{state_dir}/inventory.db",
        },
        "checkout": {
            "url": "http://127.0.0.1:50056",
            "port": 50056,
            "pid": 4003,
            "database_url": f"sqlite:///{state_dir}/checkout.db",
        },
        "mailsink": {
            "url": "http://127.0.0.1:18025",
            "port": 18025,
            "smtp_port": 11025,
            "pid": 4004,
            "database_url": None,
        },
    }
    document = {
        "version": 1,
        "state_dir": str(state_dir),
        "profile": "sqlite",
        "gateway_url": "http://127.0.0.1:18080",
        "mail": {
            "http_url": "http://127.0.0.1:18025",
            "smtp_host": "127.0.0.1",
            "smtp_port": 11025,
        },
        "services": services,
    }
    document.update(overrides)
    return document


@pytest.fixture
def state_dir(repo: Path) -> Path:
    """``<repo>/.shopstack`` holding a platform.json like ``shopstack up`` writes."""
    directory = repo / ".shopstack"
    directory.mkdir()
    (directory / "platform.json").write_text(json.dumps(platform_document(directory)))
    return directory


class Collector(list):
    """Stands in for IPython's display: keeps every emitted MIME bundle."""

    def __call__(self, bundle: dict) -> None:
        self.append(bundle)

    def of(self, mime: str) -> list:
        return [bundle[mime] for bundle in self if mime in bundle]


@pytest.fixture
def shown() -> Collector:
    return Collector()


# -- PostgreSQL ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_url():
    """SHOPSTACK_TEST_POSTGRES_URL, else a throwaway cluster (trust auth) for this session."""
    given = os.environ.get("SHOPSTACK_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    if not (PG_BIN / "initdb").exists():
        pytest.skip("no PostgreSQL: set SHOPSTACK_TEST_POSTGRES_URL or install postgresql-15")
    base = Path(tempfile.mkdtemp(prefix="phasebook-pg-"))
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        os.chown(base, pg.pw_uid, pg.pw_gid)
    data, port = base / "data", _free_port()
    run = {"check": True, "capture_output": True}
    subprocess.run(
        _as_postgres(
            [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]
        ),
        **run,
    )
    options = f"-h 127.0.0.1 -p {port} -k {base} -F"
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "log"),
                "-w",
                "start",
            ]
        ),
        **run,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)
