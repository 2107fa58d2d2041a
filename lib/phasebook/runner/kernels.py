"""Warm kernels for a worker: the next notebook's kernel is ready before the notebook is.

A worker asks :class:`KernelSlot` for a kernel per notebook. When the notebook's kernel is
this interpreter's own ``ipykernel`` (``python3``, the usual case), the slot keeps a
:mod:`~phasebook.runner.zygote` process, started with the kernels' environment and working
directory, that has already imported ipykernel, IPython, the library, httpx, pandas and
SQLAlchemy; each kernel is forked from it, serves exactly one notebook, and is shut down
afterwards, by which time the next one is already forked. Any other kernel (or another
environment than the zygote's) is started the usual way, by papermill.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from phasebook.runner.discovery import DEFAULT_KERNEL

ZYGOTE_MODULE = "phasebook.runner.zygote"
SHUTDOWN_GRACE_S = 5.0  # as nbclient: a polite shutdown request, then SIGKILL


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


def forkable(kernel_name: str) -> bool:
    """True when ``kernel_name`` is this interpreter's ipykernel with nothing added (the
    command the zygote reproduces): ``python -m ipykernel_launcher -f {connection_file}``."""
    if os.name != "posix":
        return False
    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        return False
    pythons = {"python", "python3", f"python3.{sys.version_info.minor}", sys.executable}
    return (
        len(spec.argv) == 5
        and spec.argv[0] in pythons
        and spec.argv[1:] == ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
        and not spec.env
    )


class ForkedKernelManager(KernelManager):
    """A KernelManager for a kernel forked by the zygote: nbclient finds it started
    (``has_kernel``) and only makes a client for it; this class shuts it down."""

    kernel_pid: int = 0

    @property
    def has_kernel(self) -> bool:
        return self.is_alive()

    def is_alive(self) -> bool:  # type: ignore[override]
        if not self.kernel_pid:
            return False
        try:
            os.kill(self.kernel_pid, 0)
        except OSError:
            return False
        return True

    async def _async_is_alive(self) -> bool:  # the kernel client asks this one
        return self.is_alive()

    def interrupt_kernel(self) -> None:  # type: ignore[override]
        with contextlib.suppress(OSError):
            os.kill(self.kernel_pid, signal.SIGINT)

    def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # type: ignore[override]
        """What nbclient calls when the kernel failed to answer: stop it for good."""
        self.request_stop()
        self.kill()

    def cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
        self.cleanup_connection_file()
        self._close_control_socket()

    def request_stop(self) -> None:
        """Ask the kernel to shut down (its atexit handlers run), without waiting."""
        with contextlib.suppress(Exception):
            self._connect_control_socket()
            msg = self.session.msg("shutdown_request", content={"restart": False})
            self.session.send(self._control_socket, msg)
        self.cleanup_connection_file()
        self._close_control_socket()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.kernel_pid, signal.SIGKILL)


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
        km.write_connection_file()
        self.proc.stdin.write(json.dumps({"connection_file": km.connection_file}) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def pid(self) -> int:
        """The pid of the kernel asked for last (blocks until the zygote has forked it)."""
        while True:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                raise RuntimeError(f"kernel zygote exited with code {self.proc.wait()}")
            answer = json.loads(line)
            if "pid" in answer:
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
        if not forkable(key.kernel_name):
            self._stop_zygote()
            return
        if self._zygote is None or self._zygote.key != key or self._zygote.proc.poll() is not None:
            self._stop_zygote()
            self._zygote = Zygote(key)
        km = ForkedKernelManager(kernel_name=key.kernel_name)
        self._zygote.request(km)
        self._waiting = km

    def take(self, key: KernelKey) -> ForkedKernelManager | None:
        """The warm kernel for ``key``, or None: papermill starts one the usual way."""
        self.prepare(key)
        km, self._waiting = self._waiting, None
        if km is None or self._zygote is None:
            return None
        km.kernel_pid = self._zygote.pid()
        return km

    def release(self, km: ForkedKernelManager | None, key: KernelKey) -> None:
        """The notebook on ``km`` is done: shut it down and fork the next kernel."""
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
                self._waiting.kernel_pid = self._zygote.pid()
                self._waiting.kill()
            self._waiting.cleanup_connection_file()
        self._waiting = None

    def _stop_zygote(self) -> None:
        if self._zygote is not None:
            self._zygote.stop()
        self._zygote = None
