"""Workers on other machines: the master's flags, the gate on its address, what is printed
for the workers (never a secret) and the failure when they do not come."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from phasebook.errors import ConfigError
from phasebook.load import LoadProfile, LoadRunFailed, run_clients
from phasebook.load.headless import LocustJob, check_master, run_locust
from phasebook.load.remote import MASTER_HOST_PLACEHOLDER, remote_worker
from phasebook.load.stages import Stages
from phasebook.redact import Redactor

SHORT = Stages(users=4, ramp_up_s=1, sustain_s=4, ramp_down_s=0, spawn_rate=4)
PASSWORD = "correct-horse-battery-staple"
SESSION_SECRET = "s3ssion-secret-value-42"


def job(tmp_path: Path, **options) -> LocustJob:
    return LocustJob("http://127.0.0.1:9", SHORT, tmp_path / "clients", **options)


def flag(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_master_expects_local_and_remote_workers_on_its_bind_host_and_port(tmp_path):
    distributed = job(
        tmp_path,
        workers=1,
        remote_workers=2,
        master_bind_host="0.0.0.0",
        master_port=6001,
        workers_wait_s=45.5,
    )
    master = distributed.command("python")
    assert flag(master, "--expect-workers") == "3"
    assert flag(master, "--expect-workers-max-wait") == "46"  # Locust takes whole seconds
    assert flag(master, "--master-bind-host") == "0.0.0.0"
    assert flag(master, "--master-bind-port") == "6001"
    local = distributed.worker_command("python")
    assert flag(local, "--master-host") == "127.0.0.1"  # every interface includes loopback
    assert flag(local, "--master-port") == "6001"

    bound = job(tmp_path, workers=1, master_bind_host="10.1.2.3").worker_command("python")
    assert flag(bound, "--master-host") == "10.1.2.3"  # the only address it listens on

    only_remote = job(tmp_path, remote_workers=2).command("python")
    assert "--master" in only_remote and flag(only_remote, "--expect-workers") == "2"


def test_a_non_loopback_master_is_refused_unless_remote_hosts_are_allowed():
    valid = {"workers": 1, "remote_workers": 2, "port": 5557, "wait_s": 60}
    for host in ("0.0.0.0", "*", "10.1.2.3", "build-box.example"):
        with pytest.raises(ConfigError, match="not a loopback address.*load_allow_remote"):
            check_master(bind_host=host, **valid)
        check_master(bind_host=host, allow_remote=True, **valid)
    for host in ("127.0.0.1", "localhost", "::1"):
        check_master(bind_host=host, **valid)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"remote_workers": -1}, "remote_workers=-1: must be between 0 and 16"),
        ({"remote_workers": 10, "workers": 8}, "workers=8 \\+ remote_workers=10: at most 16"),
        ({"remote_workers": 2, "processes": 4}, "processes=4: choose one"),
        ({"port": 70000}, "master_port=70000: must be 0"),
        ({"wait_s": 0}, "workers_wait_s=0: must be > 0 and at most 600 s"),
        ({"wait_s": 3600}, "workers_wait_s=3600"),
    ],
)
def test_unbounded_distributed_setups_are_refused_in_one_line(options, message):
    given = {"workers": 0, "remote_workers": 1, "bind_host": "127.0.0.1", "port": 0}
    given["wait_s"] = 30
    with pytest.raises(ConfigError, match=message) as error:
        check_master(**{**given, **options})
    assert "\n" not in str(error.value)


class _NoData:
    def env(self) -> dict[str, str]:
        return {}


def test_the_profile_is_checked_before_anything_runs():
    session = SimpleNamespace(target=SimpleNamespace(base_url="http://10.1.2.3:8080"))
    profile = LoadProfile(workers=1, remote_workers=1, master_bind_host="0.0.0.0")
    with pytest.raises(ConfigError, match="master_bind_host='0.0.0.0'"):
        run_clients(session, profile, _NoData())


def test_remote_workers_are_not_sent_to_their_own_loopback():
    """The master hands its --host to every worker: 127.0.0.1 there is not this machine."""
    remote = {"workers": 0, "remote_workers": 2, "port": 5557, "wait_s": 60}
    with pytest.raises(ConfigError, match="would load their own loopback"):
        check_master(
            bind_host="0.0.0.0", allow_remote=True, target="http://127.0.0.1:8080", **remote
        )
    check_master(bind_host="0.0.0.0", allow_remote=True, target="http://10.1.2.3:8080", **remote)
    check_master(bind_host="127.0.0.1", target="http://127.0.0.1:8080", **remote)  # same machine


def test_only_the_worker_count_enters_the_baseline_key():
    assert "remote_workers" not in LoadProfile(workers=2).key()
    key = LoadProfile(workers=2, remote_workers=3, master_bind_host="0.0.0.0").key()
    assert key["remote_workers"] == 3 and key["workers"] == 2
    assert not {"master_bind_host", "master_port", "workers_wait_s", "allow_remote"} & set(key)


def secret_env() -> dict[str, str]:
    return {
        "PHASEBOOK_LOAD_SCENARIO": "clients",
        "PHASEBOOK_LOAD_FIRST_USER": "500000000",
        "PHASEBOOK_LOAD_PARAMS": "/repo/params/local.yaml",
        "PHASEBOOK_LOAD_PERSONA": json.dumps({"name": "alice", "fields": {"password": PASSWORD}}),
        "PHASEBOOK_LOAD_API_TOKEN": "tok-" + PASSWORD,
        "PHASEBOOK_LOAD_READ_PRODUCTS": f"1,{SESSION_SECRET}",
        "HOME": "/root",
    }


def test_the_worker_instructions_print_no_secret_and_name_what_was_withheld(tmp_path):
    distributed = job(
        tmp_path,
        workers=1,
        remote_workers=2,
        master_bind_host="0.0.0.0",
        master_port=6001,
        env=secret_env(),
    )
    worker = remote_worker(distributed, redact=Redactor([SESSION_SECRET]).text)
    text = worker.instructions()

    assert PASSWORD not in text and SESSION_SECRET not in text
    assert worker.withheld == (
        "PHASEBOOK_LOAD_API_TOKEN",
        "PHASEBOOK_LOAD_PERSONA",
        "PHASEBOOK_LOAD_READ_PRODUCTS",
    )
    for name in worker.withheld:
        assert f"withheld (holds a secret): export {name}" in text
    assert "export PHASEBOOK_LOAD_SCENARIO=clients" in text
    assert "export PHASEBOOK_LOAD_PARAMS=/repo/params/local.yaml" in text
    assert "HOME" not in worker.env and "PHASEBOOK_LOAD_USERS" not in text  # master's shape
    assert "up to 30 s for 2 worker(s)" in text and "port 6001/tcp" in text
    assert worker.needs_address and f"# {MASTER_HOST_PLACEHOLDER}: this machine's" in text
    assert text.splitlines()[-1] == (
        f"locust -f {distributed.locustfile} --worker --master-host {MASTER_HOST_PLACEHOLDER} "
        "--master-port 6001"
    )
    assert worker.command(["py", "-m", "locust"])[:3] == ["py", "-m", "locust"]


def test_a_master_bound_to_one_address_is_named_in_the_worker_command(tmp_path):
    worker = remote_worker(job(tmp_path, remote_workers=1, master_bind_host="10.1.2.3"))
    assert not worker.needs_address
    assert worker.command()[-4:] == ["--master-host", "10.1.2.3", "--master-port", "5557"]
    loopback = remote_worker(job(tmp_path, remote_workers=1)).instructions()
    assert "only workers on this machine can connect" in loopback


def test_a_wait_that_runs_out_names_the_workers_that_connected(tmp_path):
    """Locust's master logs 'Gave up waiting for workers to connect' and exits with 1."""
    master_script = (
        "import sys; print('phasebook: workers connected: 1 of 3'); "
        "print('[2026] ERROR/locust.main: Gave up waiting for workers to connect'); sys.exit(1)"
    )

    def popen(command, **kwargs):
        script = "import time; time.sleep(1)" if "--worker" in command else master_script
        return subprocess.Popen([sys.executable, "-c", script], **kwargs)

    distributed = job(tmp_path, workers=1, remote_workers=2, workers_wait_s=5)
    with pytest.raises(LoadRunFailed) as error:
        run_locust(distributed, progress=None, popen=popen)
    message = str(error.value)
    assert "waited 5 s for 3 workers (1 started here, 2 from other machines)" in message
    assert "only 1 connected" in message and "clients_locust.log" in message
