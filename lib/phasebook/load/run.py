"""Run a load profile against the session's platform and hold what it measured.

    profile = LoadProfile(users=20, ramp_up_s=5, sustain_s=20, ramp_down_s=5)
    data = LoadData.create(s)
    run = run_load(s, profile, data)          # mixed run (seed 000's 80/15/5 checkout mix)
    reads = run_reads(s, profile)             # read capacity: GET /api/v1/products, no pause
    run.endpoints                             # p50/p95/p99/p99.9, rps, errors per endpoint

Locust runs in a subprocess (headless.py); the platform's processes are sampled meanwhile
(resources.py); on PostgreSQL the checkout database's connection count is sampled too.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError
from . import endpoints as names
from .credentials import PARAMS_VARS, persona_env
from .dataset import LoadData
from .headless import (
    LOOPBACK,
    WORKERS_MAX_WAIT_S,
    LocustJob,
    check_bounds,
    check_host,
    check_master,
    free_port,
    run_locust,
)
from .remote import RemoteWorker, remote_worker
from .resources import ResourceSampler, rss_growth, summarize
from .stages import Stages
from .stats import (
    EndpointMissing,
    NotMeasured,
    Window,
    endpoint,
    rate_in,
    read_failures,
    read_history,
    read_stats,
    read_workers,
)
from .summary import show_summary
from .thresholds import Verdict, at_most

RemoteWorkers = Callable[[RemoteWorker], None]
"""Called with the remote workers' command and environment before the master waits for
them (default: print the instructions); a test or script may start them itself."""
PG_CONNECTIONS = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"


@dataclass(frozen=True)
class LoadProfile:
    """The mixed run (users, ramps, sustain, processes, think time) and the read step.

    ``workers=N`` runs Locust distributed: a master and N worker processes on this machine
    (see headless.py). ``remote_workers=M``: the master also waits for M workers started by
    hand on other machines (what to run there is printed first, see remote.py); it then
    listens on ``master_bind_host``:``master_port`` (0: a free port), a non-loopback address
    only with ``allow_remote``, for at most ``workers_wait_s``. See docs/load.md, "Several
    machines"."""

    users: int = 20
    spawn_rate: float = 5.0
    ramp_up_s: float = 5.0
    sustain_s: float = 20.0
    ramp_down_s: float = 5.0
    processes: int = 1
    workers: int = 0
    wait_s: tuple[float, float] = (0.5, 1.5)
    browse_wait_s: tuple[float, float] = (0.05, 0.15)
    """Think time of the catalogue readers: short, so the read p99 rests on ~1,000 samples."""
    read_users: int = 50
    read_s: float = 10.0
    allow_remote: bool = False
    """Allow a non-loopback gateway and a master bound to a non-loopback address."""
    remote_workers: int = 0
    master_bind_host: str = LOOPBACK
    master_port: int = 0
    workers_wait_s: float = WORKERS_MAX_WAIT_S

    def stages(self) -> Stages:
        return Stages(self.users, self.ramp_up_s, self.sustain_s, self.ramp_down_s, self.spawn_rate)

    def read_stages(self) -> Stages:
        """The read step: all users within 2 s, then ``read_s`` of saturation."""
        return Stages(self.read_users, 2.0, self.read_s, 0.0, self.read_users / 2)

    def key(self) -> dict[str, Any]:
        """What makes two runs comparable (stored with a baseline)."""
        key = asdict(self)
        for where in ("allow_remote", "master_bind_host", "master_port", "workers_wait_s"):
            key.pop(where)  # where the master listens does not change what is measured
        if not key["workers"]:
            key.pop("workers")  # baselines recorded before distributed mode stay comparable
        if not key["remote_workers"]:
            key.pop("remote_workers")
        key["wait_s"] = list(self.wait_s)
        key["browse_wait_s"] = list(self.browse_wait_s)
        return key


@dataclass
class LoadRun:
    """What one Locust run measured. ``t`` is seconds since Locust's first history row."""

    stages: Stages
    prefix: Path
    endpoints: pd.DataFrame
    history: pd.DataFrame
    failures: pd.DataFrame
    samples: pd.DataFrame = field(default_factory=pd.DataFrame)
    gauges: pd.DataFrame = field(default_factory=pd.DataFrame)
    workers: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Distributed mode: requests and failures per worker (Locust's worker reports)."""

    @property
    def t0(self) -> float:
        return float(self.history["timestamp"].min()) if not self.history.empty else 0.0

    @property
    def sustain(self) -> Window:
        start, end = self.stages.sustain_window
        return Window(start, end)

    def percentile(self, name: str = names.AGGREGATED, pct: str = "p95") -> float:
        """``pct`` (p50, p95, p99, p99.9) of ``name`` over the whole run, ms; a
        :class:`NotMeasured` (NaN with the reason) when no request of ``name`` was recorded."""
        try:
            value = endpoint(self.endpoints, name)[pct]
        except EndpointMissing as exc:
            return NotMeasured(str(exc))
        if pd.isna(value):
            return NotMeasured(f"{name!r} has no {pct}: none of its requests got an answer")
        return float(value)

    def rate(self, name: str = names.AGGREGATED) -> float:
        """Successful requests/s of ``name`` during the sustain phase."""
        return rate_in(self.history, name, self.sustain)

    @property
    def error_rate_pct(self) -> float:
        """Failed requests in % of all (NotMeasured when Locust recorded no request)."""
        try:
            row = endpoint(self.endpoints, names.AGGREGATED)
        except EndpointMissing as exc:
            return NotMeasured(str(exc))
        if not row["requests"]:
            return NotMeasured("Locust recorded no request at all")
        return float(100 * row["failures"] / row["requests"])

    @property
    def requests(self) -> int:
        rows = self.endpoints[self.endpoints["name"] == names.AGGREGATED]
        return int(rows["requests"].iloc[0]) if not rows.empty else 0

    def latency_over_time(self, *names_: str) -> pd.DataFrame:
        """p50/p95 per second (Locust's 10 s rolling window), one column pair per name."""
        wanted = names_ or (names.AGGREGATED,)
        rows = self.history[self.history["name"].isin(wanted)]
        table = rows.pivot_table(index="t", columns="name", values=["p50", "p95"])
        table.columns = [f"{name} {pct}" for pct, name in table.columns]
        users = self.history[self.history["name"] == names.AGGREGATED].set_index("t")["users"]
        return table.join(users, how="left")

    def plot_latency(self, *names_: str) -> Any:
        """Latency over time (p50/p95 per name) with the user count and the phases shaded."""
        frame = self.latency_over_time(*names_)
        fig, ax = _figure()
        for column in frame.columns.drop("users"):
            ax.plot(frame.index, frame[column], label=column)
        ax.set_xlabel("seconds since start")
        ax.set_ylabel("response time, ms")
        users = ax.twinx()
        users.plot(frame.index, frame["users"], color="grey", linestyle=":", label="users")
        users.set_ylabel("users")
        self._shade(ax)
        ax.legend(loc="upper left", fontsize="small")
        return _finish(fig)

    def resources(self) -> pd.DataFrame:
        """Per service: CPU mean/max (% of one core) over the sustain phase, RSS first/max/last."""
        sustain = self._in_sustain(self.samples)
        table = summarize(self.samples)
        if not sustain.empty:
            table["cpu_mean_%"] = sustain.groupby("service")["cpu_percent"].mean().round(1)
        return table

    def memory_growth(self) -> pd.DataFrame:
        """RSS growth per service over the sustain phase (see resources.rss_growth)."""
        return rss_growth(self.samples, self.t0 + self.sustain.start, self.t0 + self.sustain.end)

    def plot_resources(self) -> Any:
        """CPU % and RSS per service over time."""
        fig, (cpu, rss) = _figure(rows=2)
        frame = self.samples.assign(t=self.samples["timestamp"] - self.t0)
        for service, group in frame.groupby("service"):
            cpu.plot(group["t"], group["cpu_percent"], label=service)
            rss.plot(group["t"], group["rss_mb"], label=service)
        cpu.set_ylabel("CPU, % of one core")
        rss.set_ylabel("RSS, MB")
        rss.set_xlabel("seconds since start")
        cpu.legend(loc="upper left", fontsize="x-small", ncol=3)
        self._shade(cpu)
        self._shade(rss)
        return _finish(fig)

    def max_gauge(self, name: str) -> float | None:
        """The largest sampled value of gauge ``name`` (None when it was never sampled)."""
        values = self.gauges[self.gauges["gauge"] == name]["value"].dropna()
        return float(values.max()) if not values.empty else None

    def _in_sustain(self, frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty:
            return frame
        t = frame["timestamp"] - self.t0
        return frame[t.between(self.sustain.start, self.sustain.end)]

    def _shade(self, ax: Any) -> None:
        ax.axvspan(self.sustain.start, self.sustain.end, color="green", alpha=0.06)


def _figure(rows: int = 1) -> tuple[Any, Any]:
    import matplotlib.pyplot as plt

    return plt.subplots(rows, 1, figsize=(10, 3.5 * rows), sharex=True, squeeze=True)


def _finish(fig: Any) -> Any:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's value, not again by the inline backend
    return fig


def run_load(
    session: Any,
    profile: LoadProfile,
    data: LoadData,
    *,
    out_dir: str | Path | None = None,
    as_user: Any = None,
    on_remote_workers: RemoteWorkers | None = None,
) -> LoadRun:
    """The mixed run: seed 000's checkout mix plus browsing and cart operations.

    The Locust users authenticate like the session (its params file's auth provider): a
    fresh numeric user per purchase when the mode identifies users by id (shopstack's mock
    and jwt), else the default persona; ``as_user`` (persona name) makes all of them one."""
    env = {**data.env(), "PHASEBOOK_LOAD_SCENARIO": "mixed"}
    env["PHASEBOOK_LOAD_WAIT_S"] = ",".join(f"{w:g}" for w in profile.wait_s)
    env["PHASEBOOK_LOAD_BROWSE_WAIT_S"] = ",".join(f"{w:g}" for w in profile.browse_wait_s)
    env.update(auth_env(session, as_user))
    return _run(
        session,
        profile,
        profile.stages(),
        env=env,
        out_dir=out_dir,
        label="mixed",
        on_remote_workers=on_remote_workers,
    )


def run_reads(
    session: Any,
    profile: LoadProfile,
    data: LoadData,
    *,
    out_dir: str | Path | None = None,
    as_user: Any = None,
    on_remote_workers: RemoteWorkers | None = None,
) -> LoadRun:
    """The read-capacity step: ``read_users`` list products without pause for ``read_s``."""
    env = {**data.env(), "PHASEBOOK_LOAD_SCENARIO": "reads", **auth_env(session, as_user)}
    stages = profile.read_stages()
    return _run(
        session,
        profile,
        stages,
        env=env,
        out_dir=out_dir,
        label="reads",
        on_remote_workers=on_remote_workers,
    )


CLIENT_REQUESTS = ("read", "create")


def run_clients(
    session: Any,
    profile: LoadProfile,
    data: LoadData,
    *,
    clients: int = 100,
    requests_per_client: int = 100,
    request: str = "read",
    max_s: float = 300.0,
    out_dir: str | Path | None = None,
    on_remote_workers: RemoteWorkers | None = None,
) -> LoadRun:
    """Seed 003 scenario 8: ``clients`` users started at once, each sending
    ``requests_per_client`` requests back to back (``read``: list products; ``create``:
    publish a client event), then stopping. The run ends when all requests are sent (or after
    ``max_s``); the Aggregated ``rps`` is requests / (last request - start)."""
    if request not in CLIENT_REQUESTS:
        raise ConfigError(f"request={request!r}: must be one of {', '.join(CLIENT_REQUESTS)}")
    if not 1 <= requests_per_client <= 100_000:
        raise ConfigError(f"requests_per_client={requests_per_client}: must be 1 to 100000")
    env = {
        **data.env(),
        **auth_env(session),
        "PHASEBOOK_LOAD_SCENARIO": "clients",
        "PHASEBOOK_LOAD_REQUESTS_PER_USER": str(requests_per_client),
        "PHASEBOOK_LOAD_CLIENT_REQUEST": request,
    }
    stages = Stages(clients, 0.0, max_s, 0.0, float(clients))
    return _run(
        session,
        profile,
        stages,
        env=env,
        out_dir=out_dir,
        label="clients",
        on_remote_workers=on_remote_workers,
    )


def auth_env(session: Any, as_user: Any = None) -> dict[str, str]:
    """What the Locust process needs to authenticate like ``session``: its params file
    (``PHASEBOOK_LOAD_PARAMS``; secrets stay ``${ENV}`` references, read from the inherited
    environment) and, with ``as_user``, the persona to act as (see credentials.py)."""
    params = getattr(session, "params", None)
    source = getattr(params, "source", None)
    env = {PARAMS_VARS[0]: str(Path(params.root) / source)} if source else {}
    if as_user is not None:
        env.update(persona_env(session.users.resolve(as_user)))
    return env


def _run(
    session: Any,
    profile: LoadProfile,
    stages: Stages,
    *,
    env: dict[str, str],
    out_dir: str | Path | None,
    label: str,
    on_remote_workers: RemoteWorkers | None = None,
) -> LoadRun:
    check_bounds(stages, profile.processes, profile.workers)
    check_master(
        workers=profile.workers,
        remote_workers=profile.remote_workers,
        bind_host=profile.master_bind_host,
        port=profile.master_port,
        wait_s=profile.workers_wait_s,
        processes=profile.processes,
        allow_remote=profile.allow_remote,
        target=session.target.base_url,
    )
    host = check_host(session.target.base_url, allow_remote=profile.allow_remote)
    directory = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="phasebook-load-"))
    distributed = profile.workers + profile.remote_workers > 0
    port = profile.master_port or (free_port(profile.master_bind_host) if distributed else 5557)
    job = LocustJob(
        host=host,
        stages=stages,
        prefix=directory / label,
        processes=profile.processes,
        env=env,
        workers=profile.workers,
        master_port=port,
        remote_workers=profile.remote_workers,
        master_bind_host=profile.master_bind_host,
        workers_wait_s=profile.workers_wait_s,
    )
    if job.remote_workers:
        redactor = getattr(session, "redactor", None)
        worker = remote_worker(job, redact=redactor.text if redactor is not None else None)
        (on_remote_workers or _print_instructions)(worker)
    pids = session.platform.pids() if session.platform.available else {}
    with ResourceSampler(pids, gauges=_gauges(session)) as sampler:
        run_locust(job)
    run = LoadRun(
        stages=stages,
        prefix=job.prefix,
        endpoints=read_stats(job.prefix),
        history=read_history(job.prefix),
        failures=read_failures(job.prefix),
        samples=sampler.frame(),
        gauges=sampler.gauges(),
        workers=read_workers(job.prefix),
    )
    show_summary(run, label)  # figures and history for the run's report (summary.py)
    return run


def _print_instructions(worker: RemoteWorker) -> None:
    """The default for remote workers: what to run on each of them, in the cell's output."""
    print(worker.instructions(), flush=True)


def _gauges(session: Any) -> dict[str, Any]:
    """On PostgreSQL: the checkout database's connection count (pg_stat_activity)."""
    if "checkout" not in session.db:
        return {}
    database = session.db["checkout"]
    if not str(getattr(database, "url", "")).startswith("postgresql"):
        return {}
    return {"db connections": lambda: database.scalar(PG_CONNECTIONS)}


def stable_memory(run: LoadRun, *, max_growth_mb: float, max_growth_pct: float) -> list[Verdict]:
    """One verdict per service: RSS over the sustain phase grew by no more than
    ``max_growth_mb`` or by no more than ``max_growth_pct`` % (a leak exceeds both)."""
    verdicts = []
    for row in run.memory_growth().to_dict("records"):
        growth_mb, growth_pct = row["growth_mb"], row["growth_%"]
        passed = growth_mb <= max_growth_mb or growth_pct <= max_growth_pct
        detail = (
            f"{row['rss_start_mb']:.0f} → {row['rss_end_mb']:.0f} MB ({growth_mb:+.1f} MB, "
            f"{growth_pct:+.1f} %; limit {max_growth_mb:g} MB or {max_growth_pct:g} %)"
        )
        name = f"{row['service']} memory stable"
        verdicts.append(Verdict(name, growth_mb, max_growth_mb, passed, detail))
    return verdicts


def per_service(table: pd.DataFrame, column: str, limit: float, unit: str) -> list[Verdict]:
    """``at_most`` for ``column`` of each service row of a resources table."""
    return [
        at_most(f"{service} {column}", float(value), limit, unit)
        for service, value in table[column].items()
    ]


def figures(run: LoadRun, reads: LoadRun | None = None) -> dict[str, float]:
    """The headline figures a baseline keeps (``*_ms`` lower is better, others higher)."""
    result = {
        "checkout_p95_ms": run.percentile(names.CHECKOUT_HAPPY, "p95"),
        "all_requests_p95_ms": run.percentile(names.AGGREGATED, "p95"),
        "orders_per_min": 60 * run.rate(names.CHECKOUT_HAPPY),
        "requests_per_s": run.rate(names.AGGREGATED),
    }
    if reads is not None:
        result["product_reads_per_s"] = reads.rate(names.PRODUCTS)
    return {k: v for k, v in result.items() if v is not None and not pd.isna(v)}
