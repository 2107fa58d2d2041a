"""Seed 003's performance notebook (46_performance) passes on the profile under test.

nbval does not replay 46 (its outputs are measurements) and ``make report`` runs it on SQLite
only, so without this test nothing would run it on PostgreSQL + Redis. A short run of the same
notebook (10 clients x 20 requests, a Locust master and its 2 workers) on the embedded platform:
SQLite by default, PostgreSQL + Redis with ``SHOPSTACK_TEST_PROFILE=postgres``, where
``params/postgres.yaml`` refuses a platform that is still on SQLite.
"""

from __future__ import annotations

import os
import secrets
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from suite_cli import run_phasebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

REPO = Path(__file__).resolve().parents[2]
CLIENTS, REQUESTS_PER_CLIENT = 10, 20


@pytest.fixture
def profile(request: pytest.FixtureRequest) -> tuple[dict[str, str], list[str]]:
    """The environment of the embedded platform and the params arguments of the profile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSTACK_")}
    if os.environ.get("SHOPSTACK_TEST_PROFILE") != "postgres":
        return env, []
    env["SHOPSTACK_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    env["SHOPSTACK_REDIS_URL"] = request.getfixturevalue("redis_url")
    env["SHOPSTACK_DB_NAMESPACE"] = "perf_" + secrets.token_hex(4)
    return env, ["--params", str(REPO / "params" / "postgres.yaml")]


def test_the_performance_notebook_passes_a_short_distributed_run(tmp_path, profile):
    env, params = profile
    out = tmp_path / "run"
    result = run_phasebook(
        "--embedded",
        *params,
        "-k",
        "46_performance",
        "-p",
        "clients",
        str(CLIENTS),
        "-p",
        "requests_per_client",
        str(REQUESTS_PER_CLIENT),
        "--out",
        str(out),
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    cases = {c.get("name").split()[0]: c for c in ET.parse(out / "junit.xml").iter("testcase")}
    assert sorted(cases) == ["S8.1", "S8.2", "S8.3", "S8.4"]
    assert [tid for tid, case in cases.items() if len(case)] == []  # no failure, error or skip
    notebook = (out / "46_performance.ipynb").read_text(encoding="utf-8")
    assert f"requests sent == {CLIENTS * REQUESTS_PER_CLIENT}" in notebook
    assert "workers that reported == [0, 1]" in notebook
