"""Run the ``phasebook`` CLI in a subprocess, on the runner's fixture notebooks."""

from __future__ import annotations

import subprocess
import sys
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
