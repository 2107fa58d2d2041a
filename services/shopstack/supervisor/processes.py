"""Service processes: start one, watch its health, signal it, read its log."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from shopstack.supervisor.errors import SupervisorError

STOP_GRACE_S = 5.0
HEALTH_TIMEOUT_S = 30.0


def log_path(state_dir: Path, service: str) -> Path:
    return state_dir / "logs" / f"{service}.log"


def spawn(
    service: str, *, port: int, env: Mapping[str, str], state_dir: Path, python: str
) -> subprocess.Popen:
    """Start ``python -m shopstack.serve SERVICE`` in its own session, logging to a file."""
    path = log_path(state_dir, service)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as log:
        return subprocess.Popen(
            [python, "-m", "shopstack.serve", service, "--port", str(port)],
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def is_healthy(url: str, *, timeout_s: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=timeout_s) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _proc_status(pid: int) -> str | None:
    """The kernel's one-letter state of ``pid`` if it is a shopstack service, else None."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return _kill_probe(pid)
    if b"shopstack.serve" not in cmdline:
        return None  # the pid was reused by an unrelated process
    for line in status.splitlines():
        if line.startswith("State:"):
            return line.split()[1]
    return "R"


def _kill_probe(pid: int) -> str | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return "R"
    return "R"


def process_state(pid: int | None) -> str:
    """``running``, ``paused`` or ``stopped`` (gone, a zombie, or someone else's pid)."""
    if not pid:
        return "stopped"
    if not Path("/proc").is_dir():
        return "running" if _kill_probe(pid) else "stopped"
    letter = _proc_status(pid)
    if letter is None or letter in ("Z", "X"):
        return "stopped"
    return "paused" if letter in ("T", "t") else "running"


def send(pid: int, sig: signal.Signals) -> None:
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def terminate(pids: list[int], *, grace_s: float = STOP_GRACE_S) -> None:
    """SIGCONT + SIGTERM each, wait up to ``grace_s``, then SIGKILL whatever is left."""
    alive = [pid for pid in pids if process_state(pid) != "stopped"]
    for pid in alive:
        send(pid, signal.SIGCONT)
        send(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while alive and time.monotonic() < deadline:
        _reap()
        alive = [pid for pid in alive if process_state(pid) != "stopped"]
        if alive:
            time.sleep(0.05)
    for pid in alive:
        send(pid, signal.SIGKILL)
    _wait_gone(alive)


def kill(pid: int) -> None:
    send(pid, signal.SIGKILL)
    _wait_gone([pid])


def _wait_gone(pids: list[int], timeout_s: float = 2.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _reap()
        if all(process_state(pid) == "stopped" for pid in pids):
            return
        time.sleep(0.02)


def _reap() -> None:
    """Collect exited children of this process (foreground mode) so they are not zombies."""
    try:
        while True:
            pid, _status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
    except ChildProcessError:
        return


def log_tail(state_dir: Path, service: str, lines: int = 20) -> str:
    try:
        text = log_path(state_dir, service).read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_healthy(
    state_dir: Path,
    procs: Mapping[str, subprocess.Popen],
    urls: Mapping[str, str],
    *,
    timeout_s: float = HEALTH_TIMEOUT_S,
) -> None:
    """Return when every service answers ``/health``; raise naming the first that cannot."""
    pending = dict(procs)
    deadline = time.monotonic() + timeout_s
    while pending:
        for name, proc in list(pending.items()):
            if proc.poll() is not None:
                raise _failure(state_dir, name, f"exited with status {proc.returncode}")
            if is_healthy(urls[name], timeout_s=0.5):
                del pending[name]
        if pending and time.monotonic() > deadline:
            name = next(iter(pending))
            raise _failure(state_dir, name, f"not healthy after {timeout_s:g} s")
        if pending:
            time.sleep(0.1)


def _failure(state_dir: Path, service: str, what: str) -> SupervisorError:
    tail = log_tail(state_dir, service, 15).replace("\n", "\n    ")
    return SupervisorError(f"{service} {what} (log {log_path(state_dir, service)}):\n    {tail}")
