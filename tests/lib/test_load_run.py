"""One short real load run against the session's shopstack (Locust in a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from phasebook.errors import ConfigError
from phasebook.load import (
    LoadData,
    LoadProfile,
    endpoints,
    run_clients,
    run_load,
    settled_consistency,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("load")]


@pytest.fixture
def session(platform, admin_token, monkeypatch, tmp_path):
    import phasebook

    state_dir = platform["state_dir"]
    monkeypatch.setenv("SHOPSTACK_STATE_DIR", state_dir)
    monkeypatch.setenv("SHOPSTACK_ADMIN_TOKEN", admin_token)
    monkeypatch.delenv("PHASEBOOK_PARAMS", raising=False)
    s = phasebook.session("test_load", params=str(_root() / "params" / "local.yaml"))
    s._display = lambda bundle: None
    yield s
    s.close()


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_a_short_mixed_run_measures_every_scenario_and_leaves_consistent_data(session, tmp_path):
    profile = LoadProfile(users=6, spawn_rate=6, ramp_up_s=1, sustain_s=8, ramp_down_s=1)
    data = LoadData.create(session)
    run = run_load(session, profile, data, out_dir=tmp_path)

    assert run.error_rate_pct == 0, run.failures.to_string()
    names = set(run.endpoints["name"])
    assert {endpoints.CHECKOUT_HAPPY, endpoints.CART_ITEMS, endpoints.AGGREGATED} <= names
    assert run.percentile(endpoints.CHECKOUT_HAPPY, "p95") > 0
    assert run.rate(endpoints.AGGREGATED) > 0
    assert {"gateway", "checkout"} <= set(run.samples["service"])
    assert not run.memory_growth().empty

    consistency = settled_consistency(session, data, timeout=30)
    assert consistency.completed > 0
    assert (
        consistency.payments_captured == consistency.orders == consistency.stock_consumed
    ) and consistency.orders == consistency.completed
    assert consistency.scarce_stock_change == 0 == consistency.declined_stock_change


def test_a_distributed_run_has_a_master_and_two_workers_that_both_send_requests(session, tmp_path):
    profile = LoadProfile(users=4, spawn_rate=4, ramp_up_s=1, sustain_s=6, ramp_down_s=0, workers=2)
    data = LoadData.create(session)
    run = run_load(session, profile, data, out_dir=tmp_path)

    assert run.error_rate_pct == 0, run.failures.to_string()
    assert sorted(run.workers["index"]) == [0, 1], run.workers.to_string()
    assert (run.workers["requests"] > 0).all(), run.workers.to_string()
    assert run.workers["requests"].sum() == run.requests  # the master's stats are theirs
    assert (tmp_path / "mixed_worker0.log").is_file() and (tmp_path / "mixed_worker1.log").is_file()


def test_a_worker_started_from_the_printed_command_joins_the_master(session, tmp_path):
    """The test plays the other machine: it starts the remote worker from the command and
    environment the run hands over before the master waits (master bound to loopback)."""
    started: list[subprocess.Popen] = []

    def start_remote_worker(worker):
        log = (tmp_path / "remote_worker.log").open("w")
        command = worker.command([sys.executable, "-m", "locust"])
        environ = {**os.environ, **worker.env}  # that machine exports the printed lines
        started.append(subprocess.Popen(command, env=environ, stdout=log, stderr=subprocess.STDOUT))
        log.close()

    profile = LoadProfile(workers=1, remote_workers=1, workers_wait_s=60)
    data = LoadData.create(session)
    try:
        run = run_clients(
            session,
            profile,
            data,
            clients=4,
            requests_per_client=25,
            max_s=60,
            out_dir=tmp_path,
            on_remote_workers=start_remote_worker,
        )
        assert started[0].wait(timeout=30) == 0  # it quits when the master tells it to
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)

    assert len(started) == 1
    assert run.requests == 100 and run.error_rate_pct == 0, run.failures.to_string()
    assert sorted(run.workers["index"]) == [0, 1], run.workers.to_string()
    assert (run.workers["requests"] > 0).all(), run.workers.to_string()
    assert run.workers["requests"].sum() == run.requests
    assert (tmp_path / "clients_worker0.log").is_file()  # the one started by the run
    assert not (tmp_path / "clients_worker1.log").exists()  # the other one is the test's


def test_seed_clients_each_send_their_requests_then_the_run_ends(session, tmp_path):
    profile = LoadProfile(workers=2)
    data = LoadData.create(session)
    run = run_clients(session, profile, data, clients=4, requests_per_client=25, out_dir=tmp_path)

    assert run.requests == 100 and run.error_rate_pct == 0, run.failures.to_string()
    assert sorted(run.workers["index"]) == [0, 1]
    assert run.history["t"].max() < 30  # ended when the requests were sent, not at max_s


@pytest.mark.parametrize(
    ("options", "message"),
    [({"request": "delete"}, "must be one of read, create"), ({"requests_per_client": 0}, "1 to")],
)
def test_seed_clients_refuse_an_unknown_request_or_count(options, message):
    with pytest.raises(ConfigError, match=message):
        run_clients(None, LoadProfile(), None, **options)
