"""Fixtures for the library tests: a throwaway repo layout, a display collector, PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
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
    for name in ("inventory", "checkout"):  # the session opens every database it is given
        sqlite3.connect(directory / f"{name}.db").close()
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
