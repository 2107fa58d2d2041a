"""Run Locust headless in its own process and follow its progress.

The kernel never imports locust (it monkey-patches the process with gevent); this module
starts ``python -m locust -f locustfile.py --headless --csv PREFIX --csv-full-history ...``
with the profile in ``PHASEBOOK_LOAD_*`` variables, prints a progress line every few seconds
from the CSV history, and stops Locust if it outlives its profile.
"""

from __future__ import annotations

import csv
import ipaddress
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
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

    def command(self, python: str = sys.executable) -> list[str]:
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
        return command

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        environ = dict(os.environ if base is None else base)
        environ.update(self.stages.to_env())
        environ.update(self.env)
        return environ


def check_bounds(stages: Stages, processes: int) -> None:
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


def check_host(url: str, *, allow_remote: bool = False) -> str:
    """``url`` when it points at this machine; ConfigError for any other host unless
    ``allow_remote`` (a load test is an attack when aimed at the wrong host)."""
    host = urlsplit(url).hostname or ""
    if allow_remote or host == "localhost":
        return url
    try:
        if ipaddress.ip_address(host).is_loopback:
            return url
    except ValueError:
        pass
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
    """Run ``job`` to its end, printing progress; return the path of Locust's log."""
    job.prefix.parent.mkdir(parents=True, exist_ok=True)
    log_path = Path(f"{job.prefix}_locust.log")
    deadline = time.monotonic() + job.stages.total_s + GRACE_S
    with log_path.open("w") as log:
        proc = popen(
            job.command(), env=job.environment(), stdout=log, stderr=subprocess.STDOUT, text=True
        )
        next_report = time.monotonic() + every_s
        while proc.poll() is None:
            if time.monotonic() > deadline:
                _stop(proc)
                raise LoadRunFailed(
                    f"Locust still running {GRACE_S:g} s after its {job.stages.total_s:g} s "
                    f"profile; stopped it — see {log_path}"
                )
            if progress and time.monotonic() >= next_report:
                line = progress_line(job.prefix, job.stages)
                if line:
                    progress(line)
                next_report += every_s
            time.sleep(0.2)
    if proc.returncode != 0:
        tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
        raise LoadRunFailed(
            f"Locust exited with {proc.returncode}: {' | '.join(tail) or 'no output'} "
            f"— full log: {log_path}"
        )
    return log_path


def _stop(proc: subprocess.Popen) -> None:
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
