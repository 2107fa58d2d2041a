import subprocess
import sys

import pytest
from phasebook.control import PlatformControl
from phasebook.errors import ControlError, ControlUnavailable


class FakeRunner:
    def __init__(self, returncode=0, stdout="ok\n", stderr=""):
        self.commands = []
        self.result = (returncode, stdout, stderr)

    def __call__(self, command, **kwargs):
        self.commands.append(command)
        code, out, err = self.result
        return subprocess.CompletedProcess(command, code, out, err)


def test_actions_run_the_shopstack_cli_with_the_state_dir(state_dir):
    runner = FakeRunner()
    control = PlatformControl(state_dir, runner=runner)
    assert control.available
    assert control.stop("payment") == "ok"
    control.pause("inventory")
    control.resume("inventory")
    control.start("payment")
    control.kill("checkout")
    control.logs("payment", tail=20)
    control.status()
    prefix = [sys.executable, "-m", "shopstack.cli"]
    suffix = ["--state-dir", str(state_dir)]
    assert runner.commands == [
        [*prefix, "stop", "payment", *suffix],
        [*prefix, "pause", "inventory", *suffix],
        [*prefix, "resume", "inventory", *suffix],
        [*prefix, "start", "payment", *suffix],
        [*prefix, "kill", "checkout", *suffix],
        [*prefix, "logs", "payment", "-n", "20", *suffix],
        [*prefix, "status", *suffix],
    ]


def test_failed_command_shows_its_last_error_line(state_dir):
    control = PlatformControl(
        state_dir, runner=FakeRunner(1, "", "x\nshopstack: no service 'pay'\n")
    )
    with pytest.raises(
        ControlError,
        match=r"`shopstack stop pay` failed \(exit 1\): shopstack: "
        "no service 'pay'",
    ):
        control.stop("pay")


def test_remote_platform_is_unavailable_with_a_clear_message():
    control = PlatformControl(None, runner=FakeRunner())
    assert not control.available
    with pytest.raises(ControlUnavailable, match="needs a local shopstack"):
        control.stop("payment")
    with pytest.raises(ControlUnavailable):
        control.pids()


def test_state_dir_without_platform_json_is_unavailable(tmp_path):
    assert not PlatformControl(tmp_path).available


def test_pids_come_from_platform_json(state_dir):
    assert PlatformControl(state_dir).pids() == {
        "gateway": 4001,
        "inventory": 4002,
        "checkout": 4003,
        "mailsink": 4004,
    }


def test_real_subprocess_with_a_fake_cli(state_dir, tmp_path):
    package = tmp_path / "fakecli" / "shopstack"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text("import sys\nprint('did', *sys.argv[1:3])\n")
    script = tmp_path / "py"
    script.write_text(f'#!/bin/sh\nPYTHONPATH={package.parent} exec {sys.executable} "$@"\n')
    script.chmod(0o755)
    assert PlatformControl(state_dir, python=str(script)).stop("payment") == "did stop payment"


def test_logs_since_keeps_only_lines_stamped_at_or_after_it(state_dir):
    import datetime as dt

    log = (
        "2026-11-24 11:00:00,100 checkout WARNING x: retry 1/2: checkout -> payment failed\n"
        "2026-11-24 11:05:00,000 checkout WARNING x: retry 1/2: checkout -> payment failed\n"
        "    continuation line without a stamp\n"
        "2026-11-24 11:05:01,500 checkout INFO x: saga completed\n"
    )
    control = PlatformControl(state_dir, runner=FakeRunner(stdout=log))
    since = dt.datetime(2026, 11, 24, 11, 5, 0)
    assert control.logs("checkout", since=since).splitlines() == log.splitlines()[1:2] + [
        log.splitlines()[3]
    ]
    assert control.logs("checkout", since=since, grep="retry") == log.splitlines()[1]


STATUS_TABLE = """\
service             pid   port  state
gateway            4001   8080  healthy
notifications         -   8086  stopped
orders             4005   8085  paused
payment            4006   8084  unhealthy
gateway: http://127.0.0.1:8080
"""


def test_states_are_the_status_table_as_data(state_dir):
    control = PlatformControl(state_dir, runner=FakeRunner(stdout=STATUS_TABLE))
    assert control.states() == {
        "gateway": "healthy",
        "notifications": "stopped",
        "orders": "paused",
        "payment": "unhealthy",
    }


def test_states_refuse_output_that_is_not_a_status_table(state_dir):
    control = PlatformControl(state_dir, runner=FakeRunner(stdout="shopstack: what?\n"))
    with pytest.raises(ControlError, match="printed no status table \\('shopstack: what\\?'\\)"):
        control.states()
