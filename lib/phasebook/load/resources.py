"""CPU and memory of the platform's processes (and other gauges) sampled during a load run.

    with ResourceSampler(s.platform.pids(), gauges={"db connections": count_fn}) as sampler:
        ...                                   # the load run
    sampler.frame()                           # timestamp, service, cpu_percent, rss_mb

A background thread samples every ``interval_s`` (psutil ``cpu_percent`` is % of one core
since the previous sample). Gauges are zero-argument callables sampled every
``gauge_every_s``; an exception in one is recorded as a missing value, never raised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

MB = 1024 * 1024


def _psutil_process(pid: int) -> Any:
    import psutil

    return psutil.Process(pid)


class ResourceSampler:
    """Samples ``{service: pid}`` in a background thread between start() and stop()."""

    def __init__(
        self,
        pids: Mapping[str, int],
        *,
        interval_s: float = 0.5,
        gauges: Mapping[str, Callable[[], float]] | None = None,
        gauge_every_s: float = 1.0,
        process_factory: Callable[[int], Any] = _psutil_process,
        clock: Callable[[], float] = time.time,
    ):
        self.interval_s = interval_s
        self.gauge_every_s = gauge_every_s
        self._gauges = dict(gauges or {})
        self._clock = clock
        self._processes: dict[str, Any] = {}
        for service, pid in pids.items():
            try:
                self._processes[service] = process_factory(pid)
            except Exception:  # noqa: BLE001 - a process gone before the run: not sampled
                continue
        self._rows: list[dict[str, Any]] = []
        self._gauge_rows: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> ResourceSampler:
        for proc in self._processes.values():
            _quietly(proc.cpu_percent, None)  # primes the counter; the first value is 0.0
        self._thread = threading.Thread(target=self._loop, name="phasebook-resources", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> ResourceSampler:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _loop(self) -> None:
        next_gauge = 0.0
        while not self._stop.wait(self.interval_s):
            self.sample()
            if self._gauges and time.monotonic() >= next_gauge:
                self.sample_gauges()
                next_gauge = time.monotonic() + self.gauge_every_s

    def sample(self) -> None:
        """One sample of every process (a vanished process is skipped)."""
        now = self._clock()
        for service, proc in self._processes.items():
            cpu = _quietly(proc.cpu_percent, None)
            mem = _quietly(proc.memory_info)
            if cpu is None or mem is None:
                continue
            self._rows.append(
                {"timestamp": now, "service": service, "cpu_percent": cpu, "rss_mb": mem.rss / MB}
            )

    def sample_gauges(self) -> None:
        now = self._clock()
        for name, gauge in self._gauges.items():
            self._gauge_rows.append({"timestamp": now, "gauge": name, "value": _quietly(gauge)})

    def frame(self) -> pd.DataFrame:
        """timestamp, service, cpu_percent, rss_mb — one row per process and sample."""
        return pd.DataFrame(self._rows, columns=["timestamp", "service", "cpu_percent", "rss_mb"])

    def gauges(self) -> pd.DataFrame:
        """timestamp, gauge, value — one row per gauge and sample."""
        return pd.DataFrame(self._gauge_rows, columns=["timestamp", "gauge", "value"])


def _quietly(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception:  # noqa: BLE001 - sampling must never break the run
        return None


def summarize(samples: pd.DataFrame) -> pd.DataFrame:
    """Per service: mean and max CPU %, first, max and last RSS (MB)."""
    if samples.empty:
        return pd.DataFrame(columns=["cpu_mean_%", "cpu_max_%", "rss_first_mb", "rss_max_mb"])
    grouped = samples.sort_values("timestamp").groupby("service")
    return pd.DataFrame(
        {
            "cpu_mean_%": grouped["cpu_percent"].mean().round(1),
            "cpu_max_%": grouped["cpu_percent"].max().round(1),
            "rss_first_mb": grouped["rss_mb"].first().round(1),
            "rss_max_mb": grouped["rss_mb"].max().round(1),
            "rss_last_mb": grouped["rss_mb"].last().round(1),
        }
    )


def rss_growth(
    samples: pd.DataFrame, start: float, end: float, *, edge: float = 0.2
) -> pd.DataFrame:
    """RSS growth per service over ``[start, end]`` (timestamps): the mean of the last ``edge``
    fraction of the window minus the mean of the first, in MB and in % of the first."""
    window = samples[samples["timestamp"].between(start, end)]
    rows = []
    span = end - start
    for service, group in window.groupby("service"):
        head = group[group["timestamp"] <= start + edge * span]["rss_mb"]
        tail = group[group["timestamp"] >= end - edge * span]["rss_mb"]
        if head.empty or tail.empty:
            continue
        growth = tail.mean() - head.mean()
        rows.append(
            {
                "service": service,
                "rss_start_mb": round(head.mean(), 1),
                "rss_end_mb": round(tail.mean(), 1),
                "growth_mb": round(growth, 1),
                "growth_%": round(100 * growth / head.mean(), 1) if head.mean() else 0.0,
            }
        )
    return pd.DataFrame(
        rows, columns=["service", "rss_start_mb", "rss_end_mb", "growth_mb", "growth_%"]
    )
