"""Execute notebooks in worker processes, each under a wall-clock limit.

A worker (:mod:`phasebook.runner.worker`) imports papermill once and executes one notebook at
a time with ``papermill.execute_notebook``, each on a fresh kernel that it made ready before
the notebook arrived (:mod:`phasebook.runner.kernels`); this module keeps a pool of them,
waits at most ``wall_timeout`` seconds per notebook, kills the whole process tree (worker,
kernel zygote and kernels) when the limit passes or the run is cancelled (the pool starts a
fresh worker for the next notebook), and returns an :class:`Execution`.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from phasebook.runner.kernels import LOG_PREFIX, KernelKey, RunZygote
from phasebook.runner.worker import DONE, KERNEL

WORKER_MODULE = "phasebook.runner.worker"
STOP_GRACE_S = 3.0  # an idle worker's time to stop its kernels and zygote at the end
TERM_GRACE_S = 2.0  # a timed-out worker's time to write the notebook before it is killed
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


def _process(pid: int) -> psutil.Process | None:
    """``pid`` as a process (its start time guards against a recycled pid), if it runs."""
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


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


class Worker:
    """One long-lived worker process: papermill is imported once, then it executes one
    notebook per request. Importing papermill costs about 1.4 s on this machine, so a fresh
    process per notebook cost the suite that much per notebook."""

    def __init__(self, registry: ProcessRegistry, warm: dict | None = None) -> None:
        self._registry = registry
        self.proc = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE, "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        registry.add(self.proc)
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        self._kernel: psutil.Process | None = None  # the run zygote's kernel it works on
        threading.Thread(
            target=self._pump, args=(self.proc.stdout, self._lines), daemon=True
        ).start()
        threading.Thread(target=self._pump_stderr, daemon=True).start()
        if warm is not None:  # start the first kernel now, before any notebook is sent
            self._send({"warm": warm})

    def _send(self, message: dict) -> None:
        self.proc.stdin.write(json.dumps(message) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    @staticmethod
    def _pump(stream, lines: queue.Queue) -> None:  # noqa: ANN001 - a text pipe
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)  # the process is gone

    def _pump_stderr(self) -> None:
        """Keep the last lines (the reason a worker died); pass the pool's own notes on."""
        for line in self.proc.stderr:  # type: ignore[union-attr]
            self._stderr = [*self._stderr[-20:], line.rstrip("\n")]
            if line.startswith(LOG_PREFIX):
                print(line.rstrip("\n"), file=sys.stderr, flush=True)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def run(self, spec: dict, timeout: float | None) -> tuple[bool, bool]:
        """Send one notebook; ``(finished, timed_out)``. Kills the worker on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._kernel = None
        try:
            self._send(spec)
        except OSError:
            return False, False
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                self.terminate()
                return False, True
            if line is None:
                return False, False
            if line == DONE:
                return True, False
            if line.startswith(KERNEL):
                self._kernel = _process(int(line.split()[-1]))

    def stderr_tail(self) -> str:
        return " | ".join(line for line in self._stderr if _NOISE not in line)

    def terminate(self) -> None:
        """Kill the worker after it has written the notebook as far as it got (SIGTERM, at
        most :data:`TERM_GRACE_S`), then its zygote and kernels."""
        try:  # found first: once the worker has exited they are no longer its children
            tree = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            tree = []
        with contextlib.suppress(OSError):
            self.proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=TERM_GRACE_S)
        for proc in tree:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        self.stop()

    def stop(self, grace_s: float = 0.0) -> None:
        """Kill the worker, its zygote and kernels; with ``grace_s``, first let it end on its
        own (stdin closed: it shuts its kernels down and stops its zygote)."""
        if grace_s > 0:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # type: ignore[union-attr]
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace_s)
        kill_tree(self.proc.pid)
        if self._kernel is not None:  # forked by the run's zygote: not in the worker's tree
            with contextlib.suppress(psutil.Error):
                self._kernel.kill()
        self._registry.discard(self.proc)


class WorkerPool:
    """``size`` warm workers; a worker that died or was killed is replaced on next use.

    ``warm`` (``{"kernel_name", "cwd", "env"}``, what the notebooks' kernels will be started
    with) has every worker start its first kernel at once; the pool starts while the
    embedded platform starts and the params load."""

    def __init__(self, size: int, registry: ProcessRegistry, warm: dict | None = None) -> None:
        self.registry = registry
        self.size = max(1, size)
        self._zygote = RunZygote(KernelKey.from_spec(warm)) if warm is not None else None
        if self._zygote is not None:  # first: its imports are the longest wait of a run
            registry.add(self._zygote.proc)  # a kill of its tree ends its kernels
            warm = self._zygote.spec()
        self._warm = warm
        self._idle: queue.Queue[Worker] = queue.Queue()
        for _ in range(self.size):
            self._idle.put(Worker(registry, warm))

    @contextlib.contextmanager
    def worker(self) -> Iterator[Worker]:
        worker = self._idle.get()
        if not worker.alive:
            worker.stop()
            worker = Worker(self.registry, self._warm)
        try:
            yield worker
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every idle worker (a busy one was already killed or has finished)."""
        workers = []
        while not self._idle.empty():
            workers.append(self._idle.get_nowait())
        for worker in workers:  # all of them wind down at once
            with contextlib.suppress(OSError):
                worker.proc.stdin.close()  # type: ignore[union-attr]
        for worker in workers:
            worker.stop(grace_s=STOP_GRACE_S)
        if self._zygote is not None:
            self._zygote.stop()
            self.registry.discard(self._zygote.proc)


def execute_notebook(job: NotebookJob, pool: WorkerPool) -> Execution:
    """Run ``job`` in a pooled worker process; never raises for a failing notebook."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="phasebook-job-") as tmp, pool.worker() as worker:
        outcome_path = Path(tmp, "outcome.json")
        finished, timed_out = worker.run(_spec(job, outcome_path), job.wall_timeout)
        duration = time.monotonic() - start
        stderr = "" if finished else worker.stderr_tail()
        returncode = worker.proc.poll()
        error = _outcome_error(job, outcome_path, returncode, stderr, timed_out)
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
        "env": job.env or None,
    }


def _outcome_error(
    job: NotebookJob, outcome_path: Path, returncode: int | None, stderr: str, timed_out: bool
) -> dict | None:
    if timed_out:
        evalue = f"notebook exceeded --timeout {job.wall_timeout:g} s (wall clock); killed"
        return {"cell_index": None, "ename": "Timeout", "evalue": evalue}
    if outcome_path.exists():
        return json.loads(outcome_path.read_text(encoding="utf-8"))["error"]
    tail = " | ".join(stderr.split(" | ")[-3:])
    evalue = f"worker process exited with code {returncode} before finishing: {tail}"
    return {"cell_index": None, "ename": "WorkerDied", "evalue": evalue}
