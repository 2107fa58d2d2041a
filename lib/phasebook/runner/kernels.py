"""Warm kernels for a worker: the next notebook's kernel is ready before the notebook is.

A worker asks :class:`KernelSlot` for a kernel per notebook. When the notebook's kernel is
this interpreter's own ``ipykernel`` (``python3``, the usual case), the slot keeps a
:mod:`~phasebook.runner.zygote` process, started with the kernels' environment and working
directory, that has already imported ipykernel, IPython, the library, httpx, pandas and
SQLAlchemy; each kernel is forked from it, serves exactly one notebook, and is shut down
afterwards. The next notebook's kernel is forked as soon as one is handed out, so it starts
while the notebook runs. Any other kernel (or another
environment than the zygote's) is started the usual way, by papermill.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from phasebook.runner.discovery import DEFAULT_KERNEL

if TYPE_CHECKING:  # imported when first needed: the zygote starts before jupyter_client loads
    from phasebook.runner.forked_kernel import ForkedKernelManager

ZYGOTE_MODULE = "phasebook.runner.zygote"
SHUTDOWN_GRACE_S = 5.0  # as nbclient: a polite shutdown request, then SIGKILL
PORTS_TIMEOUT_S = 60.0  # as nbclient's kernel start-up timeout
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
    """The forking process for one :class:`KernelKey` (see :mod:`phasebook.runner.zygote`)."""

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
        self._ready = False

    def request(self, km: ForkedKernelManager) -> None:
        """Ask for a kernel on ``km``'s connection file; the answer is read by :meth:`pid`."""
        km.write_unbound_connection_file()
        self.proc.stdin.write(json.dumps({"connection_file": km.connection_file}) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def pid(self, km: ForkedKernelManager) -> int:
        """The pid of the kernel asked for on ``km`` (blocks until the zygote has forked it;
        an answer about another connection file, one that was discarded, is skipped)."""
        while True:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                raise RuntimeError(f"kernel zygote exited with code {self.proc.wait()}")
            try:
                answer = json.loads(line)
            except ValueError:
                continue  # not an answer: something the zygote imported printed to stdout
            if not isinstance(answer, dict) or "pid" not in answer:
                continue
            if answer.get("connection_file", km.connection_file) == km.connection_file:
                return int(answer["pid"])

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=2)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class KernelSlot:
    """One worker's kernels: at most one warm kernel waiting, one per notebook."""

    def __init__(self) -> None:
        self._zygote: Zygote | None = None
        self._waiting: ForkedKernelManager | None = None
        self._retired: list[tuple[ForkedKernelManager, float]] = []

    def prepare(self, key: KernelKey) -> None:
        """Have a warm kernel for ``key`` on the way (returns at once)."""
        if self._zygote is not None and self._zygote.key == key and self._waiting is not None:
            return
        self._discard_waiting()
        if self._zygote is None or self._zygote.key != key or self._zygote.proc.poll() is not None:
            self._stop_zygote()
            self._zygote = Zygote(key)  # first: it imports while this process loads the rest
        from phasebook.runner.forked_kernel import ForkedKernelManager, forkable

        if not forkable(key.kernel_name):
            self._stop_zygote()
            return
        km = ForkedKernelManager(kernel_name=key.kernel_name)
        self._zygote.request(km)
        self._waiting = km

    def take(self, key: KernelKey) -> ForkedKernelManager | None:
        """The warm kernel for ``key``, its ports bound; or None: papermill starts one the
        usual way (also when the pooled kernel died before binding them, which is logged)."""
        self.prepare(key)
        km, self._waiting = self._waiting, None
        if km is None or self._zygote is None:
            return None
        from phasebook.runner.forked_kernel import KernelDied

        km.attach(self._zygote.pid(km))
        try:
            km.wait_for_ports(PORTS_TIMEOUT_S)
        except KernelDied as exc:
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

    def _stop_zygote(self) -> None:
        if self._zygote is not None:
            self._zygote.stop()
        self._zygote = None
