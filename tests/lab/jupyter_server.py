"""Start JupyterLab as `make lab` does (on its working copies), on a free port, with a token."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .conftest import BIN, ROOT, clean_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def jupyter_lab(notebook_dir: Path, *, env: dict[str, str], log: Path, timeout_s: float = 90):
    """``jupyter lab --notebook-dir=DIR`` (make lab's command): yields (base URL, token)."""
    port, token = free_port(), secrets.token_hex(16)
    command = [
        str(BIN / "jupyter"),
        "lab",
        f"--notebook-dir={notebook_dir}",
        f"--port={port}",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        "--ServerApp.disable_check_xsrf=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, token, proc, log, timeout_s)
        yield base, token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def start_make_lab(
    *, lab_dir: Path, state_dir: Path, port: int, lab_args: str, log: Path
) -> subprocess.Popen:
    """``make lab`` (platform on free ports in ``state_dir``, Lab on ``port``) in a session of
    its own, so that ``os.killpg(proc.pid, SIGTERM)`` stops Lab and runs make lab's clean-up;
    its output goes to ``log``. Nothing is exported to it (:func:`clean_env`)."""
    command = ["make", "--no-print-directory", "lab", f"LAB_DIR={lab_dir}"]
    command += [f"STATE_DIR={state_dir}", "PORTS=auto", f"LAB_PORT={port}", f"LAB_ARGS={lab_args}"]
    with open(log, "w") as handle:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=clean_env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_serving(
    base: str, token: str, proc: subprocess.Popen, log: Path, timeout_s: float = 180
) -> None:
    """Until Jupyter answers at ``base``; fails with the end of ``log`` if ``proc`` exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited ({proc.returncode}):\n{log.read_text()[-3000:]}"
            )
        try:
            request = urllib.request.Request(f"{base}/api/status?token={token}")
            with urllib.request.urlopen(request, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError(
        f"jupyter lab did not answer within {timeout_s} s:\n{log.read_text()[-3000:]}"
    )
