"""phasebook.load.headless: bounded, loopback-only Locust runs in a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from phasebook.errors import ConfigError
from phasebook.load.headless import (
    LoadRunFailed,
    LocustJob,
    check_bounds,
    check_host,
    progress_line,
    run_locust,
)
from phasebook.load.stages import Stages

FIXTURES = Path(__file__).with_name("load_fixtures")
SHORT = Stages(users=10, ramp_up_s=2, sustain_s=8, ramp_down_s=2, spawn_rate=5)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:8080", "http://127.8.0.1"]
)
def test_loopback_targets_are_accepted(url):
    assert check_host(url) == url


def test_another_host_is_refused_unless_explicitly_allowed():
    with pytest.raises(ConfigError, match="not a loopback address.*load_allow_remote"):
        check_host("https://staging.example.com")
    assert check_host("https://staging.example.com", allow_remote=True)


@pytest.mark.parametrize(
    ("stages", "processes", "message"),
    [
        (Stages(0, 1, 1, 1), 1, "users=0"),
        (Stages(5000, 1, 1, 1), 1, "users=5000"),
        (Stages(10, 1, 0, 1), 1, "sustain_s must be > 0"),
        (Stages(10, 3600, 3600, 3600), 1, "limit is 7200 s"),
        (Stages(10, 1, 1, 1), 64, "processes=64"),
    ],
)
def test_unbounded_profiles_are_refused(stages, processes, message):
    with pytest.raises(ConfigError, match=message):
        check_bounds(stages, processes)


def test_the_command_runs_locust_headless_with_csv_history_and_processes(tmp_path):
    job = LocustJob("http://127.0.0.1:9", SHORT, tmp_path / "mixed", processes=4, env={"A": "1"})
    command = job.command("python")
    assert command[:3] == ["python", "-m", "locust"]
    assert command[command.index("--csv") + 1] == str(tmp_path / "mixed")
    assert {"--headless", "--csv-full-history"} <= set(command)
    assert command[command.index("--processes") + 1] == "4"
    assert "--processes" not in LocustJob("http://x", SHORT, tmp_path / "m").command()
    environ = job.environment({"PATH": "/bin"})
    assert environ["PHASEBOOK_LOAD_SUSTAIN_S"] == "8" and environ["A"] == "1"


def test_distributed_mode_runs_a_loopback_master_and_workers_on_its_port(tmp_path):
    job = LocustJob("http://127.0.0.1:9", SHORT, tmp_path / "m", workers=2, master_port=6001)
    master = job.command("python")
    assert master[master.index("--expect-workers") + 1] == "2"
    assert master[master.index("--master-bind-host") + 1] == "127.0.0.1"
    assert master[master.index("--master-bind-port") + 1] == "6001"
    assert "--master" in master and "--headless" in master
    worker = job.worker_command("python")
    assert "--worker" in worker and "--csv" not in worker
    assert worker[worker.index("--master-host") + 1] == "127.0.0.1"
    assert worker[worker.index("--master-port") + 1] == "6001"
    assert "--master" not in LocustJob("http://x", SHORT, tmp_path / "m").command()


def test_workers_and_processes_cannot_be_combined_and_are_bounded():
    with pytest.raises(ConfigError, match="choose one"):
        check_bounds(SHORT, 2, 2)
    with pytest.raises(ConfigError, match="workers=17"):
        check_bounds(SHORT, 1, 17)


def test_a_worker_dying_mid_run_stops_the_master_and_says_which(tmp_path):
    job = LocustJob("http://127.0.0.1:9", SHORT, tmp_path / "r", workers=2)

    def popen(command, **kwargs):
        script = (
            "import sys; sys.exit(3)" if "--worker" in command else "import time; time.sleep(60)"
        )
        return subprocess.Popen([sys.executable, "-c", script], **kwargs)

    started = time.monotonic()
    with pytest.raises(LoadRunFailed, match=r"worker 0 exited with 3 .*r_worker0\.log"):
        run_locust(job, progress=None, popen=popen)
    assert time.monotonic() - started < 20  # the sleeping master was stopped, not awaited


def test_progress_shows_time_phase_users_and_rate_from_the_history(tmp_path):
    shutil.copy(FIXTURES / "run_stats_history.csv", tmp_path / "r_stats_history.csv")
    assert progress_line(tmp_path / "r", SHORT) == (
        "t=12s/12s ending users=2 rps=5.0 failures/s=0.0 p95=75ms requests=300"
    )
    assert progress_line(tmp_path / "missing", SHORT) is None


def fake_locust(script: str):
    """A Popen stand-in running ``script`` in Python instead of Locust."""

    def popen(command, **kwargs):
        return subprocess.Popen([sys.executable, "-c", script], **kwargs)

    return popen


def test_a_failing_locust_raises_with_the_tail_of_its_log(tmp_path):
    job = LocustJob("http://127.0.0.1:9", SHORT, tmp_path / "r")
    popen = fake_locust("import sys; print('ImportError: no locust'); sys.exit(2)")
    with pytest.raises(
        LoadRunFailed, match=r"exited with 2: ImportError: no locust .*r_locust\.log"
    ):
        run_locust(job, progress=None, popen=popen)


def test_locust_is_stopped_after_its_deadline(tmp_path, monkeypatch):
    monkeypatch.setattr("phasebook.load.headless.GRACE_S", 0.5)
    stages = Stages(users=1, ramp_up_s=0, sustain_s=0.5, ramp_down_s=0)
    job = LocustJob("http://127.0.0.1:9", stages, tmp_path / "r")
    with pytest.raises(LoadRunFailed, match="still running"):
        run_locust(job, progress=None, popen=fake_locust("import time; time.sleep(60)"))


def test_real_locust_giving_up_on_a_missing_remote_worker_names_who_connected(tmp_path):
    """Locust's own master (no fake): one worker started here, one expected from elsewhere
    that never comes; after ``workers_wait_s`` the run fails saying 1 of 2 connected."""
    from phasebook.load.headless import free_port

    stages = Stages(users=2, ramp_up_s=0, sustain_s=5, ramp_down_s=0, spawn_rate=2)
    job = LocustJob(
        "http://127.0.0.1:9",
        stages,
        tmp_path / "r",
        workers=1,
        remote_workers=1,
        workers_wait_s=3,
        master_port=free_port(),
    )
    started = time.monotonic()
    with pytest.raises(LoadRunFailed, match=r"waited 3 s for 2 workers .* only 1 connected"):
        run_locust(job, progress=None)
    assert time.monotonic() - started < 60
