"""The performance notebooks (seed 003's 46_performance, seed 004's 35_event_performance) pass
on the profile under test.

nbval does not replay them (their outputs are measurements of the machine they ran on) and
``make report`` runs them on SQLite only, so without these tests nothing would run them on
PostgreSQL + Redis. Short runs of the same notebooks on the embedded platform: SQLite by
default, PostgreSQL + Redis with ``SHOPSTACK_TEST_PROFILE=postgres``, where
``params/postgres.yaml`` refuses a platform that is still on SQLite.

The time limits are measurements, not behaviour: this suite runs beside other tests on a
shared machine, so the runs here give them room and check everything else. The seed's limits
are the notebooks' defaults (``make report``) and the figures come from ``bench/``.
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


def _run_alone(notebook: str, profile, out: Path, *notebook_params: str) -> tuple[list[str], str]:
    """``phasebook run --embedded -k notebook -p …`` must pass: the test ids it ran, none failed,
    errored or skipped, and the executed notebook's text."""
    env, params = profile
    result = run_phasebook(
        "--embedded",
        *params,
        "-k",
        notebook,
        *notebook_params,
        "--out",
        str(out),
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    cases = {c.get("name").split()[0]: c for c in ET.parse(out / "junit.xml").iter("testcase")}
    assert [tid for tid, case in cases.items() if len(case)] == []  # no failure, error or skip
    return sorted(cases), (out / f"{notebook}.ipynb").read_text(encoding="utf-8")


def test_the_performance_notebook_passes_a_short_distributed_run(tmp_path, profile):
    load = ["-p", "clients", str(CLIENTS), "-p", "requests_per_client", str(REQUESTS_PER_CLIENT)]
    tests, notebook = _run_alone("46_performance", profile, tmp_path / "run", *load)
    assert tests == ["S8.1", "S8.2", "S8.3", "S8.4"]
    assert f"requests sent == {CLIENTS * REQUESTS_PER_CLIENT}" in notebook
    assert "workers that reported == [0, 1]" in notebook


def test_the_event_performance_notebook_passes_a_short_run(tmp_path, profile):
    """10,000 events read back page by page, 50 publications at once and a 5 s memory soak."""
    roomy_limits = ["single_publish_ms", "concurrent_mean_ms", "query_10k_ms"]
    short = ["-p", "soak_s", "5", *[a for n in roomy_limits for a in ("-p", n, "10000")]]
    tests, notebook = _run_alone("35_event_performance", profile, tmp_path / "run", *short)
    assert tests == ["M.1", "P.1", "P.2", "P.3"]
    assert "events read == 10000" in notebook
    assert "in order, sequences 1 … query_events" in notebook
    assert "checkout RSS grew less than 50 MB" in notebook
