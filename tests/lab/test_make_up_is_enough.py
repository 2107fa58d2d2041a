"""`make up` is enough: papermill, nbmake and the README's nbval command pass with nothing exported.

The platform is started with `make up` (in a temp state dir, on free ports, so a developer's
own `.shopstack/` is left alone: the kernels get SHOPSTACK_STATE_DIR only because the dir is not
the default). No SHOPSTACK_ADMIN_TOKEN anywhere: `shopstack up` generates one and writes it to
STATE_DIR/admin_token, where the library reads it.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import stat
import subprocess

import pytest

from .conftest import BIN, ROOT, clean_env
from .jupyter_server import free_port, start_make_lab, wait_until_serving

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.xdist_group("make-up")]


def make(*args: str, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("made-up")
    env = clean_env()
    up = make("up", f"STATE_DIR={state_dir}", "PORTS=auto", env=env)
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield {
            "state_dir": state_dir,
            "up": up,
            "env": clean_env(SHOPSTACK_STATE_DIR=str(state_dir)),
        }
    finally:
        make("down", f"STATE_DIR={state_dir}", env=env)


def test_make_up_writes_the_admin_token_for_its_owner_only_and_never_shows_it(made_up):
    path = made_up["state_dir"] / "admin_token"
    token = path.read_text()
    assert len(token) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    platform = (made_up["state_dir"] / "platform.json").read_text()
    assert token not in platform and "SHOPSTACK_ADMIN_TOKEN" in json.loads(platform)["secrets"]
    assert token not in made_up["up"].stdout + made_up["up"].stderr


def test_the_readme_nbval_command_passes_against_make_up(made_up):
    result = subprocess.run(
        [str(BIN / "pytest"), "--nbval", "notebooks/"],  # the README's command, as written
        cwd=ROOT,
        env=made_up["env"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "phasebook: nbval against http://127.0.0.1:" in result.stdout
    assert "skipped" in result.stdout  # 20_load, 35, 46: metadata phasebook.nbval = skip


def test_papermill_runs_an_admin_notebook_with_nothing_exported(made_up, tmp_path):
    out = tmp_path / "out.ipynb"
    result = subprocess.run(
        [str(BIN / "papermill"), "notebooks/05_checkout.ipynb", str(out)],
        cwd=ROOT,
        env=made_up["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    token = (made_up["state_dir"] / "admin_token").read_text()
    assert token not in out.read_text()


def test_nbmake_runs_an_admin_notebook_with_nothing_exported(made_up):
    result = subprocess.run(
        [str(BIN / "pytest"), "-p", "no:cacheprovider", "--nbmake", "notebooks/05_checkout.ipynb"],
        cwd=ROOT,
        env=made_up["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_make_lab_after_make_up_uses_that_platform_and_leaves_it_up(made_up, tmp_path):
    state_dir, port, token = made_up["state_dir"], free_port(), secrets.token_hex(16)
    lab_args = (
        f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token} "
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"
    )
    log = tmp_path / "make-lab.log"
    proc = start_make_lab(
        lab_dir=tmp_path / "lab", state_dir=state_dir, port=port, lab_args=lab_args, log=log
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", token, proc, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    said = f"shopstack: already running in {state_dir}/ (make up): Lab uses it as it is"
    assert said in log.read_text(), log.read_text()[-3000:]
    status = subprocess.run(
        [str(BIN / "shopstack"), "status", "--state-dir", str(state_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.stdout.count(" healthy") == 9, status.stdout  # Lab left make up's platform up


def test_make_lab_does_not_start_when_the_platform_cannot(tmp_path):
    command = ["make", "--no-print-directory", "lab", f"LAB_DIR={tmp_path / 'lab'}"]
    command += [f"STATE_DIR={tmp_path / 'state'}", "PORTS=no-such-choice"]
    command += [f"LAB_PORT={free_port()}", "LAB_ARGS=--no-browser --ServerApp.ip=127.0.0.1"]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)  # Lab started without a platform: the bug
        output, _ = proc.communicate(timeout=60)
        pytest.fail(f"make lab kept running without a platform:\n{output[-3000:]}")
    assert proc.returncode != 0
    assert "invalid choice: 'no-such-choice'" in output
    assert "Jupyter Server" not in output


def test_make_down_twice_says_not_running_the_second_time(made_up):
    first = make("down", f"STATE_DIR={made_up['state_dir']}", env=clean_env())
    assert first.returncode == 0 and "stopped 9 services" in first.stdout, first.stderr
    assert not (made_up["state_dir"] / "admin_token").exists()
    second = make("down", f"STATE_DIR={made_up['state_dir']}", env=clean_env())
    assert second.returncode == 0, second.stderr
    assert (
        second.stdout.strip()
        == f"shopstack: not running (nothing to stop in {made_up['state_dir']}/)"
    )
