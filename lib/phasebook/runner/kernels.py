"""Warm kernels for a worker: the next notebook's kernel is ready before the notebook is.

A worker asks :class:`KernelSlot` for a kernel per notebook. When the notebook's kernel is
this interpreter's own ``ipykernel`` (``python3``, the usual case), the slot asks a
:mod:`~phasebook.runner.zygote` process, started with the kernels' environment and working
directory, that has already imported ipykernel, IPython, the library, httpx, pandas and
SQLAlchemy: the run's (:class:`RunZygote`, one for all workers, through a Unix socket) or,
for another environment or directory, one of the worker's own. Each kernel is forked from
it, serves exactly one notebook, and is shut down afterwards. The next notebook's kernel is
forked as soon as one is handed out, so it starts while the notebook runs. Any other kernel
is started the usual way, by papermill.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from phasebook.runner.discovery import DEFAULT_KERNEL

if TYPE_CHECKING:  # imported when first needed: the zygote starts before jupyter_client loads
    from phasebook.runner.forked_kernel import ForkedKernelManager

ZYGOTE_MODULE = "phasebook.runner.zygote"
SHUTDOWN_GRACE_S = 5.0  # as nbclient: a polite shutdown request, then SIGKILL
PORTS_TIMEOUT_S = 60.0  # as nbclient's kernel start-up timeout
CONNECT_TIMEOUT_S = 30.0  # the run's zygote binds its socket when its Python has started
REFUSED_GRACE_S = 0.5  # between the zygote's bind() and listen(); refused longer: it is gone
LOG_PREFIX = "phasebook worker: "  # the runner passes such stderr lines on (execute.Worker)


def log(message: str) -> None:
    """A line on the worker's stderr that the runner shows: the pool fell back."""
    print(f"{LOG_PREFIX}{message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class KernelKey:
    """What a kernel is started with; a warm kernel serves only a notebook with the same."""

    kernel_name: str
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_spec(cls, spec: dict) -> KernelKey:
        env = spec.get("env")
        return cls(
            kernel_name=spec.get("kernel_name") or DEFAULT_KERNEL,
            cwd=spec.get("cwd"),
            env=dict(os.environ) if env is None else dict(env),
        )


class Zygote:
    """A worker's own forking process for one :class:`KernelKey` (see
    :mod:`phasebook.runner.zygote`), asked on its stdin, answering on its stdout."""

    def __init__(self, key: KernelKey) -> None:
        self.key = key
        self.proc = subprocess.Popen(
            [sys.executable, "-m", ZYGOTE_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            env=key.env,
            cwd=key.cwd,
        )
        self._ask, self._answers = self.proc.stdin, self.proc.stdout

    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(self, km: ForkedKernelManager) -> None:
        """Ask for a kernel on ``km``'s connection file; the answer is read by :meth:`pid`."""
        km.write_unbound_connection_file()
        self._ask.write(json.dumps({"connection_file": km.connection_file}) + "\n")  # type: ignore[union-attr]
        self._ask.flush()  # type: ignore[union-attr]

    def pid(self, km: ForkedKernelManager) -> int:
        """The pid of the kernel asked for on ``km`` (blocks until the zygote has forked it;
        an answer about another connection file, one that was discarded, is skipped)."""
        while True:
            line = self._answers.readline()  # type: ignore[union-attr]
            if not line:
                raise RuntimeError(f"kernel zygote is gone ({self._gone()})")
            try:
                answer = json.loads(line)
            except ValueError:
                continue  # not an answer: something the zygote imported printed to stdout
            if not isinstance(answer, dict) or "pid" not in answer:
                continue
            if answer.get("connection_file", km.connection_file) == km.connection_file:
                return int(answer["pid"])

    def _gone(self) -> str:
        return f"exit code {self.proc.wait()}"

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=2)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class SharedZygote(Zygote):
    """The run's zygote (:class:`RunZygote`), reached through its Unix socket: one set of
    imports for every worker instead of one per worker."""

    def __init__(self, key: KernelKey, path: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
        self.key = key
        self._socket = _connect(path, timeout)
        stream = self._socket.makefile("rw", encoding="utf-8", newline="\n")
        self._ask = self._answers = stream
        self._open = True

    def alive(self) -> bool:
        return self._open

    def _gone(self) -> str:
        self._open = False
        return "its socket closed"

    def stop(self) -> None:
        """Hang up; the runner stops the zygote itself (:meth:`RunZygote.stop`)."""
        self._open = False
        with contextlib.suppress(OSError):
            self._ask.close()  # type: ignore[union-attr]
            self._socket.close()


def _connect(path: str, timeout: float) -> socket.socket:
    """A connection to the socket at ``path``, which appears when the zygote has started
    (refused for more than a moment: the zygote is gone)."""
    deadline = time.monotonic() + timeout
    refused_until = None
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError as exc:
            sock.close()
            now = time.monotonic()
            if isinstance(exc, ConnectionRefusedError):  # bound, not yet listening, or dead
                refused_until = refused_until or now + REFUSED_GRACE_S
            if now > deadline or (refused_until is not None and now > refused_until):
                raise
            time.sleep(0.01)


class RunZygote:
    """The zygote of a whole run, started by the runner before its workers (so the imports
    happen once per run, not once per worker, and start first): workers reach it through
    the Unix socket :attr:`path` (:class:`SharedZygote`). Its kernels are its children, not
    the workers': :meth:`stop` (and a kill of its process tree) ends the ones still alive."""

    def __init__(self, key: KernelKey) -> None:
        self.key = key
        self._dir = tempfile.mkdtemp(prefix="phasebook-zygote-")
        self.path = os.path.join(self._dir, "zygote.sock")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", ZYGOTE_MODULE, "--listen", self.path, key.kernel_name],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # kernels' start-up noise; failures reach nbclient
            env=key.env,
            cwd=key.cwd,
        )

    def spec(self) -> dict:
        """What a worker is told (its warm message): the key and where to connect."""
        return {
            "kernel_name": self.key.kernel_name,
            "cwd": self.key.cwd,
            "env": self.key.env,
            "zygote": self.path,
        }

    def stop(self, grace_s: float = 2.0) -> None:
        """Stop forking; kernels still alive see their parent go and exit (their parent
        poller), those that do not are killed."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=grace_s)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self._dir, ignore_errors=True)


class KernelSlot:
    """One worker's kernels: at most one warm kernel waiting, one per notebook."""

    def __init__(self) -> None:
        self._zygote: Zygote | None = None
        self._shared: tuple[KernelKey, str] | None = None
        self._waiting: ForkedKernelManager | None = None
        self._retired: list[tuple[ForkedKernelManager, float]] = []

    def share(self, key: KernelKey, path: str) -> None:
        """Kernels for ``key`` come from the run's zygote at ``path`` (:class:`RunZygote`)."""
        self._shared = (key, path)

    def prepare(self, key: KernelKey) -> None:
        """Have a warm kernel for ``key`` on the way (returns at once)."""
        if self._zygote is not None and self._zygote.key == key and self._waiting is not None:
            return
        self._discard_waiting()
        if self._zygote is None or self._zygote.key != key or not self._zygote.alive():
            self._stop_zygote()
            self._zygote = self._start_zygote(key)
        from phasebook.runner.forked_kernel import ForkedKernelManager, forkable

        if not forkable(key.kernel_name):
            self._stop_zygote()
            return
        km = ForkedKernelManager(kernel_name=key.kernel_name)
        try:
            self._zygote.request(km)
        except OSError as exc:  # the zygote is gone: the next notebook's kernel is launched
            log(f"kernel zygote unreachable ({exc}); the next notebook runs on a launched kernel")
            km.cleanup_connection_file()
            self._stop_zygote()
            return
        self._waiting = km

    def take(self, key: KernelKey) -> ForkedKernelManager | None:
        """The warm kernel for ``key``, its ports bound; or None: papermill starts one the
        usual way (also when the pooled kernel died before binding them, which is logged)."""
        self.prepare(key)
        km, self._waiting = self._waiting, None
        if km is None or self._zygote is None:
            return None
        from phasebook.runner.forked_kernel import KernelDied

        try:
            km.attach(self._zygote.pid(km))
            km.wait_for_ports(PORTS_TIMEOUT_S)
        except (KernelDied, RuntimeError, OSError) as exc:  # RuntimeError: the zygote is gone
            log(f"{exc}; the notebook runs on a launched kernel")
            km.kill()
            km.cleanup_connection_file()
            return None
        self.prepare(key)  # the next notebook's kernel starts beside this notebook
        return km

    def release(self, km: ForkedKernelManager | None, key: KernelKey) -> None:
        """The notebook on ``km`` is done: shut it down (the next kernel is forked already,
        unless this one was not a pooled kernel)."""
        if km is not None:
            km.request_stop()
            self._retired.append((km, time.monotonic() + SHUTDOWN_GRACE_S))
        self._reap(time.monotonic())
        self.prepare(key)

    def close(self) -> None:
        self._discard_waiting()
        self._reap(float("inf"))
        self._stop_zygote()

    def _reap(self, now: float) -> None:
        keep = []
        for km, deadline in self._retired:
            if km.is_alive() and deadline <= now:
                km.kill()
            elif km.is_alive():
                keep.append((km, deadline))
        self._retired = keep

    def _discard_waiting(self) -> None:
        if self._waiting is not None and self._zygote is not None:
            with contextlib.suppress(RuntimeError, ValueError):
                self._waiting.attach(self._zygote.pid(self._waiting))
                self._waiting.kill()
            self._waiting.cleanup_connection_file()
        self._waiting = None

    def _start_zygote(self, key: KernelKey) -> Zygote:
        """The run's zygote when it serves ``key``, else one of this worker's own (started
        first: it imports while this process loads the rest)."""
        if self._shared is not None and self._shared[0] == key:
            from phasebook.runner.forked_kernel import forkable

            if not forkable(key.kernel_name):  # the run's zygote has exited: nothing to fork
                return Zygote(key)
            try:
                return SharedZygote(key, self._shared[1])
            except OSError as exc:
                log(f"the run's kernel zygote cannot be reached ({exc}); starting one here")
                self._shared = None
        return Zygote(key)

    def _stop_zygote(self) -> None:
        if self._zygote is not None:
            self._zygote.stop()
        self._zygote = None
