"""The CLI's one-line errors and exit codes, pinned by golden files. No kernel starts."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from golden_files import assert_golden

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def phasebook(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "phasebook.cli", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_one_line(proc: subprocess.CompletedProcess, code: int, golden: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert_golden(golden, proc.stderr)


@pytest.fixture
def params(tmp_path: Path):
    def write(text: str, name: str = "x.yaml") -> Path:
        (tmp_path / "params").mkdir(exist_ok=True)
        path = tmp_path / "params" / name
        path.write_text(text)
        return path

    return write


def test_unreachable_platform_exits_3_with_one_actionable_line(tmp_path: Path, params) -> None:
    params(f"platform:\n  base_url: http://127.0.0.1:{closed_port()}\n")
    proc = phasebook(tmp_path, "run", "--params", "params/x.yaml", "--notebooks", str(FIXTURES))
    assert_one_line(proc, 3, "cli_unreachable.txt")
    assert not (tmp_path / "outputs").exists()


def test_missing_params_file_exits_2(tmp_path: Path) -> None:
    proc = phasebook(tmp_path, "run", "--params", "params/nope.yaml", "--notebooks", str(FIXTURES))
    assert_one_line(proc, 2, "cli_params_missing.txt")


def test_invalid_yaml_exits_2(tmp_path: Path, params) -> None:
    params("platform:\n  base_url: [unclosed\n")
    proc = phasebook(tmp_path, "run", "--params", "params/x.yaml", "--notebooks", str(FIXTURES))
    assert_one_line(proc, 2, "cli_params_invalid_yaml.txt")


def test_unknown_option_exits_2(tmp_path: Path) -> None:
    assert_one_line(phasebook(tmp_path, "run", "--frobnicate"), 2, "cli_unknown_option.txt")


def test_secret_parameter_is_refused(tmp_path: Path, params) -> None:
    params("platform:\n  base_url: http://127.0.0.1:1\n")
    proc = phasebook(tmp_path, "run", "--params", "params/x.yaml", "-p", "api_token", "abc")
    assert_one_line(proc, 2, "cli_secret_parameter.txt")


def test_selection_of_nothing_exits_2(tmp_path: Path, params) -> None:
    params("platform:\n  base_url: http://127.0.0.1:1\n")
    args = ["--params", "params/x.yaml", "--notebooks", str(FIXTURES), "-k", "nomatch"]
    assert_one_line(phasebook(tmp_path, "run", *args), 2, "cli_selects_nothing.txt")
