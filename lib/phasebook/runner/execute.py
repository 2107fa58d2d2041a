"""Execute one notebook in its own worker process, under a wall-clock limit.

The worker (:mod:`phasebook.runner.worker`) calls ``papermill.execute_notebook``; this module
starts it, waits at most ``wall_timeout`` seconds, kills the whole process tree (worker and
kernel) when the limit passes or the run is cancelled, and returns an :class:`Execution`.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

WORKER_MODULE = "phasebook.runner.worker"
_NOISE = "[IPKernelApp] WARNING"  # "Kernel is running over TCP without encryption"


@dataclass(frozen=True)
class NotebookJob:
    """What to execute: one notebook, its papermill parameters, limits and kernel env."""

    name: str
    input_path: Path
    output_path: Path
    parameters: dict = field(default_factory=dict)
    cwd: Path | None = None
    cell_timeout: float | None = None
    wall_timeout: float | None = None
    env: dict[str, str] = field(default_factory=dict)
    kernel_name: str | None = None


@dataclass(frozen=True)
class Execution:
    """How the execution ended: ``error`` is None or ``{"cell_index", "ename", "evalue"}``."""

    name: str
    duration_s: float
    error: dict | None
    timed_out: bool = False


class ProcessRegistry:
    """The worker processes alive right now, so a Ctrl-C can kill every one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen] = set()
        self.cancelled = False

    def add(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.add(proc)
            if self.cancelled:
                kill_tree(proc.pid)

    def discard(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(proc)

    def kill_all(self) -> None:
        with self._lock:
            self.cancelled = True
            for proc in list(self._procs):
                kill_tree(proc.pid)


def kill_tree(pid: int) -> None:
    """Kill a process and all its descendants (the kernel is a child of the worker)."""
    try:
        root = psutil.Process(pid)
        victims = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for proc in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(victims, timeout=5)


def execute_notebook(job: NotebookJob, registry: ProcessRegistry | None = None) -> Execution:
    """Run ``job`` in a worker process; never raises for a failing notebook."""
    registry = registry or ProcessRegistry()
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="phasebook-job-") as tmp:
        spec_path, outcome_path = Path(tmp, "spec.json"), Path(tmp, "outcome.json")
        spec_path.write_text(json.dumps(_spec(job, outcome_path)), encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE, str(spec_path)],
            env=job.env or None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        registry.add(proc)
        try:
            _, stderr = proc.communicate(timeout=job.wall_timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            kill_tree(proc.pid)
            _, stderr = proc.communicate()
            timed_out = True
        finally:
            registry.discard(proc)
        duration = time.monotonic() - start
        error = _outcome_error(job, outcome_path, proc.returncode, stderr, timed_out)
    return Execution(job.name, duration, error, timed_out)


def _spec(job: NotebookJob, outcome_path: Path) -> dict:
    return {
        "input": str(job.input_path),
        "output": str(job.output_path),
        "parameters": job.parameters,
        "cwd": str(job.cwd) if job.cwd else None,
        "cell_timeout": job.cell_timeout,
        "kernel_name": job.kernel_name,
        "outcome_path": str(outcome_path),
    }


def _outcome_error(
    job: NotebookJob, outcome_path: Path, returncode: int, stderr: str, timed_out: bool
) -> dict | None:
    if timed_out:
        evalue = f"notebook exceeded --timeout {job.wall_timeout:g} s (wall clock); killed"
        return {"cell_index": None, "ename": "Timeout", "evalue": evalue}
    if outcome_path.exists():
        return json.loads(outcome_path.read_text(encoding="utf-8"))["error"]
    lines = [line for line in (stderr or "").strip().splitlines() if _NOISE not in line]
    tail = " | ".join(lines[-3:])
    evalue = f"worker process exited with code {returncode} before finishing: {tail}"
    return {"cell_index": None, "ename": "WorkerDied", "evalue": evalue}
