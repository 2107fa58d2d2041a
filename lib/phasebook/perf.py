"""Response times and memory of the event engine, measured from a notebook (seed 004's
performance suite, ``notebooks/35_event_performance.ipynb``).

    client = perf.api_client(s)                         # the session's user, no journal
    singles = perf.publish_one_by_one(client, events)   # n, status, ms, sequence
    burst = perf.publish_at_once(client, events)        # Burst: wall_ms, per_request_ms, frame
    read = perf.read_aggregate(client, aggregate_id)    # PagedRead: ms, pages, sequences
    read = perf.fastest_read([perf.read_aggregate(client, aggregate_id) for _ in range(5)])
    soak = perf.soak(client, make_event, seconds=60, max_events=20_000, pids={...})
    perf.below(s.checks, "one publication", ms, 100, "ms")

The requests go through a plain httpx client, not ``s.api``: a measurement sends thousands of
requests, and the session's journal (with its sequence diagrams) would keep every one of them
and add its own time to each. Every loop here is bounded in count and in time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pandas as pd

from .load.resources import ResourceSampler, rss_growth
from .tls import shared_ssl_context

EVENTS = "/api/v1/events"
PAGE = 1000  # the most events one page may hold (CONTRACT.md)


def api_client(session: Any, *, timeout_s: float = 30.0, connections: int = 100) -> httpx.Client:
    """An httpx client to the session's platform, sending the session user's credentials."""
    api = session.api
    return httpx.Client(
        base_url=api.base_url,
        headers=api.auth.headers(api.user),
        timeout=timeout_s,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        verify=shared_ssl_context(),
    )


def _post(client: httpx.Client, event: Mapping[str, Any]) -> dict[str, Any]:
    """One publication: status (0: no answer), ms, and the sequence it got (None unless 201)."""
    started = time.perf_counter()
    try:
        answer = client.post(EVENTS, json=event)
    except httpx.HTTPError:
        status, sequence = 0, None
    else:
        status = answer.status_code
        sequence = answer.json().get("sequence") if status == 201 else None
    ended = time.perf_counter()
    return {
        "status": status,
        "ms": (ended - started) * 1000,
        "sequence": sequence,
        "started": started,
        "ended": ended,
    }


def publish_one_by_one(client: httpx.Client, events: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Each event published after the previous answer: n, status, ms, sequence."""
    rows = [{"n": n, **_post(client, event)} for n, event in enumerate(events)]
    return pd.DataFrame(rows, columns=["n", "status", "ms", "sequence"])


@dataclass(frozen=True)
class Burst:
    """Publications sent at the same moment (one thread each, released together)."""

    wall_ms: float  # from the release to the last answer
    frame: pd.DataFrame  # n, status, ms, sequence, start_ms, end_ms (ms since the release)

    @property
    def per_request_ms(self) -> float:
        """The seed's "average response time": total time / number of requests."""
        return self.wall_ms / len(self.frame) if len(self.frame) else float("nan")

    @property
    def mean_latency_ms(self) -> float:
        """The mean of the requests' own response times (each waited for the others)."""
        return float(self.frame["ms"].mean())


def publish_at_once(
    client: httpx.Client, events: Sequence[Mapping[str, Any]], *, timeout_s: float = 60.0
) -> Burst:
    """Every event on its own thread; the threads wait at a barrier and start together."""
    barrier = threading.Barrier(len(events) + 1, timeout=timeout_s)

    def send(event: Mapping[str, Any]) -> dict[str, Any]:
        barrier.wait()
        return _post(client, event)

    with ThreadPoolExecutor(len(events), thread_name_prefix="phasebook-burst") as pool:
        futures = [pool.submit(send, event) for event in events]
        barrier.wait()  # every thread is ready: release them
        released = time.perf_counter()
        results = [future.result(timeout=timeout_s) for future in futures]
    wall_ms = (max(r["ended"] for r in results) - released) * 1000
    rows = [
        {
            "n": n,
            "status": r["status"],
            "ms": r["ms"],
            "sequence": r["sequence"],
            "start_ms": (r["started"] - released) * 1000,
            "end_ms": (r["ended"] - released) * 1000,
        }
        for n, r in enumerate(results)
    ]
    columns = ["n", "status", "ms", "sequence", "start_ms", "end_ms"]
    return Burst(wall_ms, pd.DataFrame(rows, columns=columns))


@dataclass(frozen=True)
class PagedRead:
    """One aggregate read whole, page after page (``after_id`` = the last id seen)."""

    ms: float  # the whole read, decoding included
    pages: pd.DataFrame  # page, status, events, ms
    ids: list[int]
    sequences: list[int]


def read_aggregate(
    client: httpx.Client, aggregate_id: str, *, page: int = PAGE, max_pages: int = 100
) -> PagedRead:
    """Every event of ``aggregate_id``: pages of ``page`` until a short or failed one, at most
    ``max_pages`` of them."""
    ids: list[int] = []
    sequences: list[int] = []
    rows = []
    started = time.perf_counter()
    for number in range(1, max_pages + 1):
        params = {"aggregate_id": aggregate_id, "after_id": ids[-1] if ids else 0, "limit": page}
        page_started = time.perf_counter()
        answer = client.get(EVENTS, params=params)
        found = answer.json().get("events", []) if answer.status_code == 200 else []
        rows.append(
            {
                "page": number,
                "status": answer.status_code,
                "events": len(found),
                "ms": (time.perf_counter() - page_started) * 1000,
            }
        )
        ids += [event["id"] for event in found]
        sequences += [event["sequence"] for event in found]
        if len(found) < page:
            break
    ms = (time.perf_counter() - started) * 1000
    return PagedRead(
        ms, pd.DataFrame(rows, columns=["page", "status", "events", "ms"]), ids, sequences
    )


def fastest_read(reads: Sequence[PagedRead]) -> PagedRead:
    """The quickest of ``reads``. On a machine shared with other work a slower read measured
    that work as much as the engine (the reasoning of Python's ``timeit``, which reports the
    minimum): the fastest is what the engine does when it gets the CPU."""
    return min(reads, key=lambda read: read.ms)


@dataclass(frozen=True)
class Soak:
    """Publications sent back to back by a few threads, with the processes' memory sampled."""

    started: float  # epoch seconds, as the samples' timestamps
    ended: float
    requests: pd.DataFrame  # t (s since start), status, ms
    samples: pd.DataFrame  # timestamp, service, cpu_percent, rss_mb (ResourceSampler)

    @property
    def published(self) -> int:
        return int((self.requests["status"] == 201).sum())

    @property
    def statuses(self) -> dict[int, int]:
        return {int(k): int(v) for k, v in self.requests["status"].value_counts().items()}

    def growth(self) -> pd.DataFrame:
        """RSS growth per service: the last fifth of the run's samples against the first."""
        return rss_growth(self.samples, self.started, self.ended)

    def growth_mb(self, service: str) -> float | None:
        table = self.growth().set_index("service")
        return float(table.loc[service, "growth_mb"]) if service in table.index else None


def soak(  # noqa: PLR0913 - keyword-only settings of one run
    client: httpx.Client,
    make_event: Callable[[int], Mapping[str, Any]],
    *,
    seconds: float,
    max_events: int,
    pids: Mapping[str, int],
    publishers: int = 4,
    interval_s: float = 0.5,
    sampler_factory: Callable[..., Any] = ResourceSampler,
) -> Soak:
    """Publish ``make_event(n)`` from ``publishers`` threads until ``seconds`` have passed or
    ``max_events`` were sent, sampling the memory of ``pids`` every ``interval_s``."""
    counter = iter(range(max_events))
    lock = threading.Lock()
    rows: list[dict[str, Any]] = []

    def publish_until(deadline: float, origin: float) -> None:
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            sent = _post(client, make_event(n))
            with lock:
                rows.append(
                    {"t": sent["started"] - origin, "status": sent["status"], "ms": sent["ms"]}
                )

    sampler = sampler_factory(pids, interval_s=interval_s)
    sampler.start()
    started = time.time()  # the samples' clock; the run's window holds its first and last
    sampler.sample()  # one sample before the first publication
    origin = time.perf_counter()
    try:
        with ThreadPoolExecutor(publishers, thread_name_prefix="phasebook-soak") as pool:
            running = [
                pool.submit(publish_until, origin + seconds, origin) for _ in range(publishers)
            ]
            for publisher in running:
                publisher.result(timeout=seconds + 120)  # a bug in a publisher is raised here
    finally:
        sampler.sample()  # and one after the last
        ended = time.time()
        sampler.stop()
    requests = pd.DataFrame(rows, columns=["t", "status", "ms"]).sort_values("t", ignore_index=True)
    return Soak(started, ended, requests, sampler.frame())


def below(checks: Any, name: str, value: float | None, limit: float, unit: str) -> Any:
    """``checks.true(name, value < limit)``. The figure is named only when the check fails:
    a passing line reads the same on every run (nbval replays it); the figures themselves are
    shown by the cells that measure them."""
    if value is None:
        return checks.true(name, False, "not measured")
    passed = value < limit
    return checks.true(name, passed, None if passed else f"measured {value:.1f} {unit}")


# --- figures ------------------------------------------------------------------------------


def plot_publications(
    singles: pd.DataFrame, burst: Burst, *, single_limit_ms: float, concurrent_limit_ms: float
) -> Any:
    """Left: each publication of a sequence, against its limit. Right: the burst as a
    timeline, one line per request from its start to its answer, and the seed's average."""
    import matplotlib.pyplot as plt

    fig, (one, many) = plt.subplots(1, 2, figsize=(11, 3.8))
    one.plot(singles["n"] + 1, singles["ms"], "o-", ms=3, lw=1, label="response time")
    one.axhline(singles["ms"].median(), color="grey", ls=":", label="median")
    one.axhline(single_limit_ms, color="red", ls="--", label=f"limit {single_limit_ms:g} ms")
    one.set_xlabel("publication (one after another)")
    one.set_ylabel("ms")
    one.set_ylim(bottom=0)
    one.legend(loc="upper right", fontsize="small")
    ordered = burst.frame.sort_values("start_ms", ignore_index=True)
    many.hlines(ordered.index + 1, ordered["start_ms"], ordered["end_ms"], lw=2)
    many.axvline(burst.wall_ms, color="grey", ls=":", label="last answer")
    many.set_xlabel("ms since the requests were released")
    many.set_ylabel("request")
    many.set_title(
        f"{len(ordered)} at once: total / {len(ordered)} = {burst.per_request_ms:.1f} ms "
        f"(limit {concurrent_limit_ms:g} ms)",
        fontsize="medium",
    )
    many.legend(loc="lower right", fontsize="small")
    return _finish(fig)


def plot_pages(read: PagedRead, *, limit_ms: float) -> Any:
    """Each page's response time, and the running total against the limit for the read."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.5))
    pages = read.pages
    ax.bar(pages["page"], pages["ms"], label="page")
    ax.plot(pages["page"], pages["ms"].cumsum(), "o-", color="black", label="running total")
    ax.axhline(limit_ms, color="red", ls="--", label=f"limit {limit_ms:g} ms")
    ax.set_xlabel(f"page of up to {PAGE} events (after_id = the last id seen)")
    ax.set_ylabel("ms")
    ax.set_title(f"{len(read.ids):,} events in {read.ms:.0f} ms", fontsize="medium")
    ax.legend(loc="upper left", fontsize="small")
    return _finish(fig)


def plot_memory(soak_run: Soak, *, limit_mb: float, service: str = "checkout") -> Any:
    """RSS of each sampled process over the run, with the line ``service`` must stay under
    (its first fifth + ``limit_mb``); publications per second beneath. The first and last
    fifths, which the growth compares, are shaded."""
    import matplotlib.pyplot as plt

    fig, (rss, rate) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
    samples = soak_run.samples.assign(t=soak_run.samples["timestamp"] - soak_run.started)
    for name, group in samples.groupby("service"):
        rss.plot(group["t"], group["rss_mb"], label=name)
    growth = soak_run.growth().set_index("service")
    if service in growth.index:
        ceiling = growth.loc[service, "rss_start_mb"] + limit_mb
        rss.axhline(ceiling, color="red", ls="--", label=f"{service}: start + {limit_mb:g} MB")
    span = soak_run.ended - soak_run.started
    for ax in (rss, rate):
        ax.axvspan(0, span / 5, color="grey", alpha=0.1)
        ax.axvspan(span * 4 / 5, span, color="grey", alpha=0.1)
    rss.set_ylabel("RSS, MB")
    rss.legend(loc="upper left", fontsize="small")
    requests = soak_run.requests
    per_second = requests[requests["status"] == 201].groupby(requests["t"].astype(int)).size()
    rate.bar(per_second.index + 0.5, per_second.values, width=1.0)
    rate.set_ylabel("publications / s")
    rate.set_xlabel("seconds since the start")
    return _finish(fig)


def _finish(fig: Any) -> Any:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's value
    return fig
