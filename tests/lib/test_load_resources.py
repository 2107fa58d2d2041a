"""phasebook.load.resources: CPU and RSS sampled per service, growth over a window."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pandas as pd
import pytest
from phasebook.load.resources import MB, ResourceSampler, rss_growth, summarize


class FakeProcess:
    """Stands in for psutil.Process: RSS grows 1 MB per sample, CPU alternates."""

    def __init__(self, pid: int):
        self.pid, self.samples = pid, 0

    def cpu_percent(self, interval=None):
        return 50.0 if self.samples % 2 else 10.0

    def memory_info(self):
        self.samples += 1
        return SimpleNamespace(rss=(100 + self.samples) * MB)


class GoneProcess(FakeProcess):
    def memory_info(self):
        raise ProcessLookupError(self.pid)


def fake_clock(start: float = 1000.0):
    ticks = iter(range(10_000))
    return lambda: start + next(ticks)


def test_each_sample_has_one_row_per_live_service():
    factory = {1: FakeProcess, 2: GoneProcess}
    sampler = ResourceSampler(
        {"gateway": 1, "cart": 2}, process_factory=lambda pid: factory[pid](pid), clock=fake_clock()
    )
    sampler.sample()
    sampler.sample()
    frame = sampler.frame()
    assert frame["service"].tolist() == ["gateway", "gateway"]
    assert frame["rss_mb"].tolist() == [101.0, 102.0]
    assert frame["timestamp"].tolist() == [1000.0, 1001.0]


def test_a_process_that_cannot_be_opened_is_left_out():
    def factory(pid):
        if pid == 2:
            raise ProcessLookupError(pid)
        return FakeProcess(pid)

    sampler = ResourceSampler({"gateway": 1, "cart": 2}, process_factory=factory)
    sampler.sample()
    assert sampler.frame()["service"].tolist() == ["gateway"]


def test_the_background_thread_samples_until_stopped_and_gauges_never_raise():
    def broken():
        raise RuntimeError("db down")

    gauges = {"db connections": lambda: 7, "broken": broken}
    with ResourceSampler(
        {"gateway": 1},
        interval_s=0.01,
        gauges=gauges,
        gauge_every_s=0.0,
        process_factory=FakeProcess,
    ) as sampler:
        time.sleep(0.2)
    count = len(sampler.frame())
    assert count >= 3
    time.sleep(0.05)
    assert len(sampler.frame()) == count  # stopped
    values = sampler.gauges().groupby("gauge")["value"].apply(list)
    assert set(values["db connections"]) == {7}
    assert pd.isna(values["broken"][0])


def test_summarize_gives_cpu_mean_max_and_rss_first_max_last():
    sampler = ResourceSampler({"gateway": 1}, process_factory=FakeProcess, clock=fake_clock())
    for _ in range(4):
        sampler.sample()
    row = summarize(sampler.frame()).loc["gateway"]
    assert row[
        ["cpu_mean_%", "cpu_max_%", "rss_first_mb", "rss_max_mb", "rss_last_mb"]
    ].tolist() == [
        30.0,
        50.0,
        101.0,
        104.0,
        104.0,
    ]


def test_rss_growth_compares_the_ends_of_the_window():
    samples = pd.DataFrame(
        {
            "timestamp": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "service": ["cart"] * 11,
            "cpu_percent": [0.0] * 11,
            "rss_mb": [500, 100, 100, 102, 104, 106, 108, 110, 112, 120, 120],
        }
    )
    growth = rss_growth(samples, 1, 10).iloc[0]
    assert growth["rss_start_mb"] == 100 and growth["rss_end_mb"] == 120
    assert growth["growth_mb"] == 20 and growth["growth_%"] == pytest.approx(20.0)
