"""LoadRun's figures when an endpoint never made it into the Locust stats: a failed check
with the reason, never a KeyError (issue 11: JWT params, every cart request failed)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from phasebook.load import LoadRun, Stages, at_least, at_most, endpoints, figures
from phasebook.load.stats import read_failures, read_history, read_stats

PREFIX = Path(__file__).with_name("load_fixtures") / "run"


class RecordingChecks:
    def __init__(self):
        self.calls = []

    def true(self, name, condition, detail=None):
        self.calls.append((name, bool(condition), detail))
        return bool(condition)


def _run(stats: pd.DataFrame | None = None) -> LoadRun:
    return LoadRun(
        stages=Stages(4, 2.0, 6.0, 2.0, 2.0),
        prefix=PREFIX,
        endpoints=read_stats(PREFIX) if stats is None else stats,
        history=read_history(PREFIX),
        failures=read_failures(PREFIX),
    )


def _without(name: str) -> LoadRun:
    stats = read_stats(PREFIX)
    return _run(stats[stats["name"] != name].reset_index(drop=True))


def test_percentile_of_a_missing_endpoint_is_nan_that_says_which_and_why():
    value = _without(endpoints.CHECKOUT_HAPPY).percentile(endpoints.CHECKOUT_HAPPY, "p95")
    assert math.isnan(value)
    assert "'/api/v1/checkout [happy path]'" in value.reason
    assert "never sent" in value.reason


def test_a_threshold_on_a_missing_endpoint_is_a_failed_check_naming_it():
    checks = RecordingChecks()
    run = _without(endpoints.CHECKOUT_HAPPY)
    p95 = run.percentile(endpoints.CHECKOUT_HAPPY, "p95")
    at_most("happy-path checkout p95", p95, 2000, " ms").record(checks)
    [(name, passed, detail)] = checks.calls
    assert (name, passed) == ("happy-path checkout p95", False)
    assert detail.startswith("not measured: no request named '/api/v1/checkout [happy path]'")
    assert detail.endswith("(limit ≤ 2000 ms)")


def test_an_endpoint_with_no_answers_has_no_percentile_and_says_so():
    value = _run().percentile(endpoints.PRODUCT, "p99")  # 0 requests in the fixture
    assert math.isnan(value) and "has no p99" in value.reason
    assert not at_least("reads", value, 10).passed


def test_error_rate_without_any_request_is_not_measured_rather_than_zero():
    stats = read_stats(PREFIX)
    run = _run(stats[stats["name"] != endpoints.AGGREGATED].reset_index(drop=True))
    assert math.isnan(run.error_rate_pct)
    assert run.requests == 0
    assert not at_most("error rate", run.error_rate_pct, 1.0, " %").passed


def test_figures_leave_out_what_was_not_measured():
    measured = figures(_without(endpoints.CHECKOUT_HAPPY))
    assert "checkout_p95_ms" not in measured
    assert measured["all_requests_p95_ms"] > 0
