"""Locust's CSV statistics read into pandas: per-endpoint percentiles, throughput, errors,
and the latency-over-time history.

Locust ``--csv PREFIX --csv-full-history`` writes ``PREFIX_stats.csv`` (one row per
endpoint plus ``Aggregated``, for the whole run) and ``PREFIX_stats_history.csv`` (one row per
endpoint and per second: current RPS, current percentiles, cumulative counts).
Percentiles there are Locust's (rounded to 2 significant digits above 100 ms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import PhasebookError
from .endpoints import AGGREGATED

PERCENTILES = {"p50": "50%", "p95": "95%", "p99": "99%", "p99.9": "99.9%"}
ENDPOINT_COLUMNS = ["method", "name", "requests", "failures", "error_%", "rps", *PERCENTILES]


class LoadResultsMissing(PhasebookError):
    """Locust left no statistics (it failed to start, or was killed before writing)."""


class EndpointMissing(PhasebookError):
    """The Locust stats have no row of that name: no request of it was ever sent."""


class NotMeasured(float):
    """A figure that could not be measured: NaN that carries why, so that a threshold
    (``at_most`` / ``at_least``) fails with the reason instead of a bare "not measured"."""

    reason: str

    def __new__(cls, reason: str) -> NotMeasured:
        value = super().__new__(cls, math.nan)
        value.reason = reason
        return value

    def __repr__(self) -> str:
        return f"NotMeasured({self.reason!r})"


def read_stats(prefix: str | Path) -> pd.DataFrame:
    """``PREFIX_stats.csv`` as one row per endpoint (``Aggregated`` last): method, name,
    requests, failures, error_%, rps, p50, p95, p99, p99.9 (ms)."""
    raw = _read(Path(f"{prefix}_stats.csv"))
    frame = pd.DataFrame(
        {
            "method": raw["Type"].fillna("").astype(str),
            "name": raw["Name"].astype(str),
            "requests": raw["Request Count"].astype(int),
            "failures": raw["Failure Count"].astype(int),
            "rps": raw["Requests/s"].astype(float).round(2),
        }
    )
    frame["error_%"] = 100 * frame["failures"] / frame["requests"].where(frame["requests"] > 0)
    frame["error_%"] = frame["error_%"].fillna(0.0).round(3)
    for column, source in PERCENTILES.items():
        frame[column] = pd.to_numeric(raw[source], errors="coerce")
    return frame[ENDPOINT_COLUMNS]


def read_history(prefix: str | Path) -> pd.DataFrame:
    """``PREFIX_stats_history.csv``: ``t`` (s since the first row), timestamp, users, name,
    rps, failures_per_s, p50, p95, p99, requests (cumulative), failures (cumulative)."""
    raw = _read(Path(f"{prefix}_stats_history.csv"))
    frame = pd.DataFrame(
        {
            "timestamp": raw["Timestamp"].astype(float),
            "users": raw["User Count"].astype(int),
            "name": raw["Name"].astype(str),
            "rps": pd.to_numeric(raw["Requests/s"], errors="coerce"),
            "failures_per_s": pd.to_numeric(raw["Failures/s"], errors="coerce"),
            "p50": pd.to_numeric(raw["50%"], errors="coerce"),
            "p95": pd.to_numeric(raw["95%"], errors="coerce"),
            "p99": pd.to_numeric(raw["99%"], errors="coerce"),
            "requests": raw["Total Request Count"].astype(int),
            "failures": raw["Total Failure Count"].astype(int),
        }
    )
    frame.insert(0, "t", frame["timestamp"] - frame["timestamp"].min())
    return frame


def read_failures(prefix: str | Path) -> pd.DataFrame:
    """``PREFIX_failures.csv``: method, name, error, occurrences (empty when none)."""
    path = Path(f"{prefix}_failures.csv")
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame(columns=["method", "name", "error", "occurrences"])
    raw = pd.read_csv(path)
    return raw.rename(
        columns={"Method": "method", "Name": "name", "Error": "error", "Occurrences": "occurrences"}
    )


def read_workers(prefix: str | Path) -> pd.DataFrame:
    """``PREFIX_workers.csv`` (distributed mode, written by the locustfile on the master from
    Locust's worker reports): worker (client id), index, requests, failures; empty when the
    run had no workers."""
    path = Path(f"{prefix}_workers.csv")
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame(columns=["worker", "index", "requests", "failures"])
    return pd.read_csv(path)


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise LoadResultsMissing(
            f"no Locust statistics at {path} — Locust did not start or was stopped before "
            "writing; see its log next to that file"
        )
    return pd.read_csv(path, keep_default_na=True, na_values=["N/A"])


@dataclass(frozen=True)
class Window:
    """A span of seconds since the run's first history row."""

    start: float
    end: float


def rate_in(history: pd.DataFrame, name: str, window: Window, *, successes: bool = True) -> float:
    """Requests per second of ``name`` inside ``window``, from the cumulative counts (only the
    successful ones by default). 0.0 when the window holds fewer than two rows."""
    rows = history[(history["name"] == name) & history["t"].between(window.start, window.end)]
    if len(rows) < 2:
        return 0.0
    first, last = rows.iloc[0], rows.iloc[-1]
    count = last["requests"] - first["requests"]
    if successes:
        count -= last["failures"] - first["failures"]
    seconds = last["t"] - first["t"]
    return float(count / seconds) if seconds > 0 else 0.0


def endpoint(stats: pd.DataFrame, name: str = AGGREGATED) -> pd.Series:
    """The row of ``name`` (EndpointMissing naming the endpoints there are when it is missing)."""
    rows = stats[stats["name"] == name]
    if rows.empty:
        there = ", ".join(stats["name"]) or "none"
        raise EndpointMissing(
            f"no request named {name!r} in the Locust stats (there are: {there}) — it was "
            "never sent; the failures table (run.failures) and the Locust log say why"
        )
    return rows.iloc[0]
