"""Fixtures of the platform tests: service databases on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import secrets

import pytest
from shopstack.settings import Settings


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path) -> Settings:
    """Settings of one service process, on each storage profile (PostgreSQL: own namespace)."""
    base = Settings.from_env()
    database_url = None
    if request.param == "postgres":
        database_url = request.getfixturevalue("postgres_url")
    return dataclasses.replace(
        base,
        state_dir=tmp_path,
        database_url=database_url,
        db_namespace="t" + secrets.token_hex(4),
        redis_url=None,
    )
