"""`make up` is enough: papermill, nbmake and the README's nbval command pass with nothing exported.

The platform is started with `make up` (in a temp state dir, on free ports, so a developer's
own `.shopstack/` is left alone: the kernels get SHOPSTACK_STATE_DIR only because the dir is not
the default). No SHOPSTACK_ADMIN_TOKEN anywhere: `shopstack up` generates one and writes it to
STATE_DIR/admin_token, where the library reads it.
"""

from __future__ import annotations

import json
import stat
import subprocess

import pytest

from .conftest import BIN, ROOT, clean_env

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
    assert "skipped" in result.stdout  # 20_load: metadata phasebook.nbval = skip


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
