"""phasebook.load.stats: Locust's CSV files read into per-endpoint figures and a history."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from phasebook.load import endpoints as names
from phasebook.load.stats import (
    EndpointMissing,
    LoadResultsMissing,
    Window,
    endpoint,
    rate_in,
    read_failures,
    read_history,
    read_stats,
)

FIXTURES = Path(__file__).with_name("load_fixtures")
PREFIX = FIXTURES / "run"


def test_read_stats_gives_percentiles_throughput_and_error_rate_per_endpoint():
    stats = read_stats(PREFIX)
    happy = endpoint(stats, names.CHECKOUT_HAPPY)
    assert list(stats["name"])[-1] == names.AGGREGATED
    assert (happy["method"], happy["requests"], happy["failures"]) == ("POST", 200, 2)
    assert (happy["p50"], happy["p95"], happy["p99"], happy["p99.9"]) == (38, 290, 440, 530)
    assert happy["rps"] == 6.6
    assert happy["error_%"] == 1.0


def test_read_stats_turns_na_percentiles_of_an_unused_endpoint_into_nan():
    unused = endpoint(read_stats(PREFIX), names.PRODUCT)
    assert unused["requests"] == 0 and unused["error_%"] == 0.0
    assert math.isnan(unused["p95"])


def test_endpoint_names_the_known_endpoints_when_one_is_missing():
    with pytest.raises(EndpointMissing, match="no request named 'nope'.*Aggregated"):
        endpoint(read_stats(PREFIX), "nope")


def test_a_missing_endpoint_is_not_a_key_error():
    with pytest.raises(Exception) as raised:
        endpoint(read_stats(PREFIX), "nope")
    assert not isinstance(raised.value, KeyError)


def test_read_history_counts_seconds_from_the_first_row():
    history = read_history(PREFIX)
    assert history["t"].tolist() == [0, 2, 2, 4, 4, 10, 10, 12]
    assert history.loc[5, ["name", "p95", "requests", "failures"]].tolist() == [
        names.CHECKOUT_HAPPY,
        290,
        62,
        3,
    ]


def test_rate_in_a_window_counts_successes_between_its_first_and_last_rows():
    history = read_history(PREFIX)
    # happy path rows at t=2 (10 requests), t=4 (20), t=10 (62, 3 failed)
    assert rate_in(history, names.CHECKOUT_HAPPY, Window(2, 12)) == pytest.approx((52 - 3) / 8)
    assert rate_in(history, names.CHECKOUT_HAPPY, Window(2, 12), successes=False) == 6.5
    assert rate_in(history, names.CHECKOUT_HAPPY, Window(5, 9)) == 0.0  # fewer than two rows


def test_read_failures_lists_each_error_once_with_its_count():
    failures = read_failures(PREFIX)
    assert failures[["name", "occurrences"]].values.tolist() == [[names.CHECKOUT_HAPPY, 2]]
    assert "payment service unavailable" in failures.loc[0, "error"]


def test_read_failures_of_a_run_without_failures_is_empty(tmp_path):
    assert read_failures(tmp_path / "none").empty


def test_missing_stats_raise_an_error_that_points_at_the_log(tmp_path):
    shutil.copy(PREFIX.with_name("run_stats.csv"), tmp_path / "x_stats.csv")
    assert not read_stats(tmp_path / "x").empty
    with pytest.raises(LoadResultsMissing, match=r"no Locust statistics at .*y_stats\.csv.*log"):
        read_stats(tmp_path / "y")
