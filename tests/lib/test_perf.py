"""phasebook.perf: publications timed one by one and at once, an aggregate read page by page,
a bounded soak with memory samples, the figure-free checks and the plots — against a fake
event engine (httpx.MockTransport), no platform."""

from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace

import httpx
import matplotlib
import pandas as pd
import pytest
from phasebook import perf
from phasebook.checks import Checks
from phasebook.load.resources import MB, ResourceSampler

matplotlib.use("Agg")


class FakeEngine:
    """POST /api/v1/events appends (sequence per aggregate); GET pages by after_id."""

    def __init__(self, *, fail_every: int = 0, delay_s: float = 0.0):
        self.events: list[dict] = []
        self.fail_every = fail_every
        self.delay_s = delay_s
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0
        self.headers: list[httpx.Headers] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.headers.append(request.headers)
        if request.method == "POST":
            return self._publish(json.loads(request.content))
        params = request.url.params
        after, limit = int(params["after_id"]), int(params["limit"])
        found = [
            e
            for e in self.events
            if e["aggregate_id"] == params["aggregate_id"] and e["id"] > after
        ]
        return httpx.Response(200, json={"events": found[:limit]})

    def _publish(self, event: dict) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(self.delay_s)
        with self.lock:
            self.in_flight -= 1
            if self.fail_every and (len(self.events) + 1) % self.fail_every == 0:
                self.events.append({"id": 0, "aggregate_id": "-"})  # counts, never listed
                return httpx.Response(503, json={"code": "service_unavailable"})
            sequence = 1 + sum(e["aggregate_id"] == event["aggregate_id"] for e in self.events)
            stored = {"id": len(self.events) + 1, **event, "sequence": sequence}
            self.events.append(stored)
        return httpx.Response(201, json=stored)


def client_for(engine: FakeEngine) -> httpx.Client:
    return httpx.Client(base_url="http://platform", transport=httpx.MockTransport(engine))


def event(aggregate_id: str, n: int = 0) -> dict:
    return {"type": "sensor.reading", "aggregate_id": aggregate_id, "payload": {"n": n}}


def test_the_api_client_sends_the_session_users_credentials():
    auth = SimpleNamespace(headers=lambda persona: {"X-User-Id": str(persona.user_id)})
    api = SimpleNamespace(base_url="http://platform", auth=auth, user=SimpleNamespace(user_id=7))
    with perf.api_client(SimpleNamespace(api=api)) as client:
        assert client.headers["X-User-Id"] == "7"
        assert str(client.base_url) == "http://platform"


def test_publications_one_by_one_get_consecutive_sequences_and_a_time_each():
    engine = FakeEngine()
    with client_for(engine) as client:
        frame = perf.publish_one_by_one(client, [event("a", n) for n in range(5)])
    assert frame["status"].tolist() == [201] * 5
    assert frame["sequence"].tolist() == [1, 2, 3, 4, 5]
    assert (frame["ms"] > 0).all()


def test_a_publication_without_an_answer_is_status_zero_not_an_exception():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with httpx.Client(base_url="http://platform", transport=httpx.MockTransport(refuse)) as client:
        frame = perf.publish_one_by_one(client, [event("a")])
    assert frame[["status", "sequence"]].values.tolist() == [[0, None]]


def test_a_burst_is_sent_at_once_and_averaged_as_the_seed_does():
    engine = FakeEngine(delay_s=0.2)
    with client_for(engine) as client:
        burst = perf.publish_at_once(client, [event(f"agg-{n}") for n in range(20)])
    assert engine.most_in_flight >= 15  # released together (a loaded machine may lag a few)
    assert burst.frame["status"].tolist() == [201] * 20
    assert burst.per_request_ms == pytest.approx(burst.wall_ms / 20)
    assert burst.wall_ms >= 200
    assert burst.wall_ms < 20 * 200 / 2  # concurrent, not one after another
    assert (burst.frame["end_ms"] <= burst.wall_ms + 1e-6).all()
    assert burst.mean_latency_ms == pytest.approx(burst.frame["ms"].mean())


def test_an_aggregate_is_read_page_after_page_until_a_short_page():
    engine = FakeEngine()
    with client_for(engine) as client:
        perf.publish_one_by_one(client, [event("big", n) for n in range(25)])
        perf.publish_one_by_one(client, [event("other")])
        read = perf.read_aggregate(client, "big", page=10)
    assert read.pages["events"].tolist() == [10, 10, 5]
    assert read.sequences == list(range(1, 26))
    assert read.ids == sorted(read.ids)
    assert read.ms >= read.pages["ms"].sum() * 0.99


def test_a_read_of_an_exact_multiple_ends_on_the_empty_page_and_is_bounded():
    engine = FakeEngine()
    with client_for(engine) as client:
        perf.publish_one_by_one(client, [event("big", n) for n in range(20)])
        whole = perf.read_aggregate(client, "big", page=10)
        bounded = perf.read_aggregate(client, "big", page=5, max_pages=2)
    assert whole.pages["events"].tolist() == [10, 10, 0]
    assert len(bounded.ids) == 10


def test_the_fastest_read_is_the_one_with_the_least_total_time():
    reads = [perf.PagedRead(ms, pd.DataFrame(), [n], []) for n, ms in enumerate((30.0, 10.0, 20.0))]
    assert perf.fastest_read(reads).ids == [1]
    assert perf.fastest_read(reads[:1]).ms == 30.0


class GrowingProcess:
    """psutil.Process stand-in: RSS grows by 1 MB per sample."""

    def __init__(self, pid: int):
        self.rss = 100 * MB

    def cpu_percent(self, interval=None):
        return 10.0

    def memory_info(self):
        self.rss += MB
        return SimpleNamespace(rss=self.rss)


def sampler(pids, *, interval_s):
    return ResourceSampler(pids, interval_s=interval_s, process_factory=GrowingProcess)


def test_a_soak_stops_at_its_event_limit_and_samples_memory_around_the_run():
    engine = FakeEngine()
    with client_for(engine) as client:
        run = perf.soak(
            client,
            lambda n: event("soak", n),
            seconds=30,
            max_events=40,
            pids={"checkout": 1},
            publishers=3,
            interval_s=0.01,
            sampler_factory=sampler,
        )
    assert run.published == 40
    assert run.statuses == {201: 40}
    assert run.ended - run.started < 30
    assert len(run.samples) >= 2  # one before the first publication, one after the last
    assert run.growth_mb("checkout") > 0
    assert run.growth_mb("gateway") is None


def test_a_soak_stops_at_its_time_limit_and_counts_failed_answers():
    engine = FakeEngine(fail_every=4, delay_s=0.005)
    with client_for(engine) as client:
        started = time.monotonic()
        run = perf.soak(
            client,
            lambda n: event("soak", n),
            seconds=0.3,
            max_events=1_000_000,
            pids={},
            publishers=2,
            sampler_factory=sampler,
        )
    assert time.monotonic() - started < 5
    assert 0 < run.published < 1_000_000
    assert set(run.statuses) == {201, 503}
    assert run.growth().empty


def recorded() -> tuple[Checks, list]:
    shown: list = []
    return Checks(display=shown.append), shown


def test_below_passes_strictly_under_the_limit_and_names_the_figure_only_on_failure():
    checks, _ = recorded()
    assert perf.below(checks, "fast", 12.345, 100, "ms")
    assert not perf.below(checks, "at the limit", 100.0, 100, "ms")
    assert not perf.below(checks, "nothing", None, 100, "ms")
    messages = [r.message for r in checks.results]
    assert messages == [
        "fast",
        "at the limit: measured 100.0 ms (was false)",
        "nothing: not measured (was false)",
    ]


def test_the_plots_draw_every_measurement():
    engine = FakeEngine()
    with client_for(engine) as client:
        singles = perf.publish_one_by_one(client, [event("a", n) for n in range(3)])
        burst = perf.publish_at_once(client, [event(f"b-{n}") for n in range(4)])
        read = perf.read_aggregate(client, "a", page=2)
        run = perf.soak(
            client,
            lambda n: event("s", n),
            seconds=0.2,
            max_events=20,
            pids={"checkout": 1, "gateway": 2},
            interval_s=0.01,
            sampler_factory=sampler,
        )
    publications = perf.plot_publications(
        singles, burst, single_limit_ms=100, concurrent_limit_ms=50
    )
    assert [len(ax.lines) + len(ax.collections) for ax in publications.axes] == [3, 2]
    pages = perf.plot_pages(read, limit_ms=500)
    assert len(pages.axes[0].patches) == len(read.pages)
    memory = perf.plot_memory(run, limit_mb=50)
    labels = sorted(line.get_label() for line in memory.axes[0].lines)
    assert labels == ["checkout", "checkout: start + 50 MB", "gateway"]
    assert isinstance(run.samples, pd.DataFrame)
