"""Run the ``phasebook`` CLI in a subprocess, on the runner's fixture notebooks."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "runner" / "fixtures"


def run_phasebook(
    *args: str, env: dict | None = None, cwd: Path | None = None, timeout: float = 180
) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "phasebook.cli", "run", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


def run_phasebook_command(
    *args: str, env: dict | None = None, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Any ``phasebook`` sub-command (``init`` …), in a subprocess."""
    cmd = [sys.executable, "-m", "phasebook.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


REPO = Path(__file__).resolve().parents[2]


def run_with_defect(
    notebook: str, switch: dict[str, str], out: Path, *, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``phasebook run --embedded -k notebook`` on a platform started with a TEST-ONLY defect
    switch (environment variables), writing the run to ``out``."""
    env = {**os.environ, **switch}
    return run_phasebook(
        "--embedded", "-k", notebook, "--out", str(out), env=env, cwd=REPO, timeout=timeout
    )


def failures_by_test_id(junit: Path) -> dict[str, str | None]:
    """Each JUnit test case's test id → its failure message (None when it passed)."""
    cases = ET.parse(junit).getroot().iter("testcase")
    return {
        case.get("name").split()[0]: (
            case.find("failure").get("message") if case.find("failure") is not None else None
        )
        for case in cases
    }
