"""Run Locust headless in its own process and follow its progress.

The kernel never imports locust (it monkey-patches the process with gevent); this module
starts ``python -m locust -f locustfile.py --headless --csv PREFIX --csv-full-history ...``
with the profile in ``PHASEBOOK_LOAD_*`` variables, prints a progress line every few seconds
from the CSV history, and stops Locust if it outlives its profile.

Distributed mode (``workers=N``, ``remote_workers=M``): the same command with ``--master
--expect-workers N+M`` bound to ``master_bind_host`` (127.0.0.1 unless the profile allows
remote hosts) on ``master_port``, plus N ``--worker`` processes started here (one log each); the
M others are started by hand on other machines (remote.py says how). The master waits at most
``workers_wait_s`` for all of them. Every process started here is stopped when the run ends,
fails or outlives its deadline. Each worker's request count reaches the master in Locust's
worker reports (``PREFIX_workers.csv``).
"""

from __future__ import annotations

import csv
import ipaddress
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import ConfigError, PhasebookError
from .stages import Stages

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MAX_USERS = 2000
MAX_DURATION_S = 2 * 3600
MAX_PROCESSES = 16
GRACE_S = 60.0
WORKERS_MAX_WAIT_S = 30
"""How long the master waits for its workers by default (``--expect-workers-max-wait``)."""
WORKERS_WAIT_LIMIT_S = 600
LOOPBACK = "127.0.0.1"
WILDCARD_HOSTS = frozenset({"0.0.0.0", "*", "::", ""})
"""Bind hosts meaning every interface (Locust's default is ``*``)."""
GAVE_UP = "Gave up waiting for workers to connect"  # Locust's log line when the wait runs out
CONNECTED = "phasebook: workers connected:"  # the locustfile's line on the master, per worker


class LoadRunFailed(PhasebookError):
    """Locust exited abnormally, or had to be stopped after its deadline."""


@dataclass(frozen=True)
class LocustJob:
    """One headless Locust run: where, how much, and where its files go."""

    host: str
    stages: Stages
    prefix: Path
    processes: int = 1
    env: Mapping[str, str] = field(default_factory=dict)
    locustfile: Path = LOCUSTFILE
    workers: int = 0
    """Worker processes started here, beside the master."""
    master_port: int = 5557
    remote_workers: int = 0
    """Workers the master waits for but does not start (other machines, see remote.py)."""
    master_bind_host: str = LOOPBACK
    workers_wait_s: float = WORKERS_MAX_WAIT_S

    @property
    def expected_workers(self) -> int:
        """All the workers the master waits for: started here and elsewhere."""
        return self.workers + self.remote_workers

    @property
    def local_master_host(self) -> str:
        """Where the workers started here reach the master: loopback when it listens on
        every interface, else the one address it is bound to."""
        if self.master_bind_host in WILDCARD_HOSTS:
            return LOOPBACK
        return self.master_bind_host

    def command(self, python: str = sys.executable) -> list[str]:
        """The headless run, or its master when workers (here or elsewhere) are expected."""
        command = [
            python,
            "-m",
            "locust",
            "-f",
            str(self.locustfile),
            "--headless",
            "--host",
            self.host,
            "--csv",
            str(self.prefix),
            "--csv-full-history",
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ]
        if self.processes > 1:
            command += ["--processes", str(self.processes)]
        if self.expected_workers:
            command += [
                "--master",
                "--expect-workers",
                str(self.expected_workers),
                "--expect-workers-max-wait",
                str(math.ceil(self.workers_wait_s)),  # Locust takes whole seconds; 0 = forever
                "--master-bind-host",
                self.master_bind_host,
                "--master-bind-port",
                str(self.master_port),
            ]
        return command

    def worker_command(self, python: str = sys.executable) -> list[str]:
        """One worker of the distributed mode, on this machine."""
        return [
            python,
            "-m",
            "locust",
            "-f",
            str(self.locustfile),
            "--worker",
            "--master-host",
            self.local_master_host,
            "--master-port",
            str(self.master_port),
            "--loglevel",
            "INFO",
        ]

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        environ = dict(os.environ if base is None else base)
        environ.update(self.stages.to_env())
        environ.update(self.env)
        return environ


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port free on ``host`` right now (for the master's worker socket)."""
    with socket.socket() as probe:
        try:
            probe.bind(("" if host in WILDCARD_HOSTS else host, 0))
        except OSError as exc:
            raise ConfigError(
                f"load master_bind_host={host!r}: cannot listen there ({exc.strerror}) — "
                "give an address of this machine, or 0.0.0.0 for all of them"
            ) from exc
        return probe.getsockname()[1]


def check_bounds(stages: Stages, processes: int, workers: int = 0) -> None:
    """Refuse profiles that would not be a bounded test (ConfigError naming the limit)."""
    if not 1 <= stages.users <= MAX_USERS:
        raise ConfigError(f"load users={stages.users}: must be between 1 and {MAX_USERS}")
    if stages.sustain_s <= 0 or min(stages.ramp_up_s, stages.ramp_down_s) < 0:
        raise ConfigError("load profile: sustain_s must be > 0 and ramps must be >= 0 seconds")
    if stages.total_s > MAX_DURATION_S:
        raise ConfigError(
            f"load profile lasts {stages.total_s:g} s: the limit is {MAX_DURATION_S} s "
            "(seed 000's full profile is 1500 s)"
        )
    if not 1 <= processes <= MAX_PROCESSES:
        raise ConfigError(f"load processes={processes}: must be between 1 and {MAX_PROCESSES}")
    if not 0 <= workers <= MAX_PROCESSES:
        raise ConfigError(f"load workers={workers}: must be between 0 and {MAX_PROCESSES}")
    if workers and processes > 1:
        raise ConfigError(
            f"load workers={workers} and processes={processes}: choose one — workers runs a "
            "master and that many worker processes, processes forks them inside one Locust"
        )


def check_master(
    *,
    workers: int,
    remote_workers: int,
    bind_host: str,
    port: int,
    wait_s: float,
    processes: int = 1,
    allow_remote: bool = False,
    target: str = "",
) -> None:
    """Refuse a distributed setup that is unbounded, opens the master to other machines
    without ``allow_remote`` (Locust's master/worker protocol has no authentication), or
    sends workers on other machines to ``target`` on their own loopback (the master hands
    its ``--host`` to every worker)."""
    if not 0 <= remote_workers <= MAX_PROCESSES:
        raise ConfigError(
            f"load remote_workers={remote_workers}: must be between 0 and {MAX_PROCESSES}"
        )
    if workers + remote_workers > MAX_PROCESSES:
        raise ConfigError(
            f"load workers={workers} + remote_workers={remote_workers}: at most "
            f"{MAX_PROCESSES} in all (each worker draws user ids from one of "
            f"{MAX_PROCESSES} slices of the run's range)"
        )
    if remote_workers and processes > 1:
        raise ConfigError(
            f"load remote_workers={remote_workers} and processes={processes}: choose one"
        )
    if not 0 <= port <= 65535:
        raise ConfigError(f"load master_port={port}: must be 0 (a free port) to 65535")
    if not 0 < wait_s <= WORKERS_WAIT_LIMIT_S:
        raise ConfigError(
            f"load workers_wait_s={wait_s:g}: must be > 0 and at most {WORKERS_WAIT_LIMIT_S} s"
        )
    if not allow_remote and not is_loopback(bind_host):
        raise ConfigError(
            f"load master_bind_host={bind_host!r} is not a loopback address: refusing to open "
            "the Locust master (no authentication) to other machines — pass allow_remote=True "
            "(notebook parameter load_allow_remote) on a network you control"
        )
    if (
        remote_workers
        and not is_loopback(bind_host)
        and is_loopback(urlsplit(target).hostname or "")
    ):
        raise ConfigError(
            f"load remote_workers={remote_workers} with the gateway at {target}: workers on "
            "other machines would load their own loopback — give the platform's address as "
            "they reach it (params platform.base_url)"
        )


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(url: str, *, allow_remote: bool = False) -> str:
    """``url`` when it points at this machine; ConfigError for any other host unless
    ``allow_remote`` (a load test is an attack when aimed at the wrong host)."""
    if allow_remote or is_loopback(urlsplit(url).hostname or ""):
        return url
    raise ConfigError(
        f"load target {url} is not a loopback address: refusing to generate load against it "
        "— pass allow_remote=True (notebook parameter load_allow_remote) if you own that host"
    )


def run_locust(
    job: LocustJob,
    *,
    progress: Callable[[str], None] | None = print,
    every_s: float = 5.0,
    popen: Callable[..., subprocess.Popen] = subprocess.Popen,
) -> Path:
    """Run ``job`` to its end, printing progress; return the path of Locust's log (the
    master's in distributed mode; the workers' are ``PREFIX_worker<i>.log`` beside it)."""
    job.prefix.parent.mkdir(parents=True, exist_ok=True)
    log_path = Path(f"{job.prefix}_locust.log")
    waiting = job.workers_wait_s if job.expected_workers else 0.0
    deadline = time.monotonic() + job.stages.total_s + GRACE_S + waiting
    with ExitStack() as cleanup:
        master = _launch(cleanup, popen, job.command(), job.environment(), log_path)
        workers = [
            _launch(cleanup, popen, job.worker_command(), job.environment(), worker_log(job, i))
            for i in range(job.workers)
        ]
        _follow(job, master, workers, deadline=deadline, progress=progress, every_s=every_s)
    if master.returncode != 0:
        lines = log_path.read_text(errors="replace").strip().splitlines()
        if any(GAVE_UP in line for line in lines):
            raise LoadRunFailed(workers_missing(job, lines, log_path))
        tail = lines[-5:]
        raise LoadRunFailed(
            f"Locust exited with {master.returncode}: {' | '.join(tail) or 'no output'} "
            f"— full log: {log_path}"
        )
    return log_path


def workers_missing(job: LocustJob, lines: list[str], log_path: Path) -> str:
    """The failure when Locust's master gave up waiting (it logs that and exits with 1):
    how many workers connected, of how many, within which wait."""
    counts = [line.split(CONNECTED, 1)[1].split()[0] for line in lines if CONNECTED in line]
    connected = int(counts[-1]) if counts else 0
    return (
        f"the Locust master waited {job.workers_wait_s:g} s for {job.expected_workers} workers "
        f"({job.workers} started here, {job.remote_workers} from other machines) and only "
        f"{connected} connected; no load was sent — start the other workers sooner or raise "
        f"workers_wait_s (full log: {log_path})"
    )


def worker_log(job: LocustJob, index: int) -> Path:
    """Where worker ``index`` of ``job`` writes its output."""
    return Path(f"{job.prefix}_worker{index}.log")


def _launch(
    cleanup: ExitStack,
    popen: Callable[..., subprocess.Popen],
    command: list[str],
    environ: dict[str, str],
    log_path: Path,
) -> subprocess.Popen:
    """Start ``command`` logging to ``log_path``; stopped on leaving ``cleanup`` if alive."""
    log = cleanup.enter_context(log_path.open("w"))
    proc = popen(command, env=environ, stdout=log, stderr=subprocess.STDOUT, text=True)
    cleanup.callback(_stop, proc)
    return proc


def _follow(
    job: LocustJob,
    master: subprocess.Popen,
    workers: list[subprocess.Popen],
    *,
    deadline: float,
    progress: Callable[[str], None] | None,
    every_s: float,
) -> None:
    """Wait for the master, printing progress; raise when the run outlives ``deadline`` or
    a worker dies before the master (the ExitStack then stops every process)."""
    next_report = time.monotonic() + every_s
    while master.poll() is None:
        if time.monotonic() > deadline:
            raise LoadRunFailed(
                f"Locust still running {GRACE_S:g} s after its {job.stages.total_s:g} s "
                f"profile; stopped it — see {job.prefix}_locust.log"
            )
        for index, worker in enumerate(workers):
            if worker.poll() not in (None, 0):
                raise LoadRunFailed(
                    f"Locust worker {index} exited with {worker.returncode} during the run; "
                    f"stopped the others — see {worker_log(job, index)}"
                )
        if progress and time.monotonic() >= next_report:
            line = progress_line(job.prefix, job.stages)
            if line:
                progress(line)
            next_report += every_s
        time.sleep(0.2)
    for worker in workers:  # they quit when the master tells them; give them a moment
        with suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=10)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def progress_line(prefix: Path, stages: Stages) -> str | None:
    """``t=12s ramp-up users=8 rps=41.0 failures/s=0.0 p95=120ms`` from the last Aggregated
    history row (None before Locust has written one)."""
    path = Path(f"{prefix}_stats_history.csv")
    try:
        with path.open(newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if row.get("Name") == "Aggregated"]
    except OSError:
        return None
    if len(rows) < 2:
        return None
    first, last = rows[0], rows[-1]
    t = int(last["Timestamp"]) - int(first["Timestamp"])
    phase = stages.phase_at(t) or "ending"
    return (
        f"t={t}s/{stages.total_s:g}s {phase} users={last['User Count']} "
        f"rps={float(last['Requests/s']):.1f} failures/s={float(last['Failures/s']):.1f} "
        f"p95={last['95%']}ms requests={last['Total Request Count']}"
    )
