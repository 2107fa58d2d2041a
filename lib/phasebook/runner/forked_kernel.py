"""A kernel forked by the zygote, as jupyter_client and nbclient see it.

The kernel picks its own ports. jupyter_client's way (bind five sockets to port 0, note the
numbers, close the sockets, write them into the connection file, start the kernel, which
binds them) leaves the ports free, not held, until the kernel binds them. For a launched
kernel that gap is its start-up; for a pooled one it was as long as the zygote's imports
(several seconds under load, for the first kernel of each worker), and any socket another
process bound meanwhile (an embedded platform choosing its own free ports at the same
moment, a test server, another kernel) made the kernel die with EADDRINUSE before it
replied to kernel_info. Here the connection file carries port 0 for every channel:
ipykernel binds a free port for each at once (no gap) and writes the numbers back into the
file, where :meth:`ForkedKernelManager.wait_for_ports` reads them.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
import time

import psutil
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

PORT_NAMES = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


class KernelDied(RuntimeError):
    """A pooled kernel exited (or hung) before it had bound its ports: no cell ran on it."""


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
    _process: psutil.Process | None = None

    def write_unbound_connection_file(self) -> None:
        """The connection file the kernel reads: key, address and port 0 for every channel."""
        info = {
            **dict.fromkeys(PORT_NAMES, 0),
            "ip": self.ip,
            "transport": self.transport,
            "key": self.session.key.decode(),
            "signature_scheme": self.session.signature_scheme,
            "kernel_name": self.kernel_name,
        }
        fd, path = tempfile.mkstemp(prefix="kernel-", suffix=".json")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(info, file)
        self.connection_file = path
        self._connection_file_written = True  # ours to remove (cleanup_connection_file)

    def attach(self, pid: int) -> None:
        """The zygote forked this manager's kernel as ``pid``."""
        self.kernel_pid = pid
        try:
            self._process = psutil.Process(pid)  # pid and start time: immune to pid reuse
        except psutil.NoSuchProcess:
            self._process = None

    def wait_for_ports(self, timeout: float) -> None:
        """Block until the kernel has written its bound ports into the connection file and
        load them; raise :class:`KernelDied` if it exits first or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        delay = 0.002
        while True:
            info = _read_connection_file(self.connection_file)
            if info is not None and all(info.get(name) for name in PORT_NAMES):
                self.load_connection_info(info)
                return
            if not self.is_alive():
                raise KernelDied(f"pooled kernel {self.kernel_pid} exited before binding its ports")
            if time.monotonic() > deadline:
                raise KernelDied(
                    f"pooled kernel {self.kernel_pid} bound no ports within {timeout:g} s"
                )
            time.sleep(delay)
            delay = min(2 * delay, 0.02)

    @property
    def has_kernel(self) -> bool:
        return self.is_alive()

    def is_alive(self) -> bool:  # type: ignore[override]
        """Running, and the process forked for this manager (a zombie waiting for the
        zygote to collect it is not alive; a recycled pid is not this kernel)."""
        if self._process is None:
            return False
        try:
            return self._process.is_running() and self._process.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    async def _async_is_alive(self) -> bool:  # the kernel client asks this one
        return self.is_alive()

    def interrupt_kernel(self) -> None:  # type: ignore[override]
        self._signal(signal.SIGINT)

    def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # type: ignore[override]
        """What nbclient calls when the kernel failed to answer: stop it for good."""
        self.request_stop()
        self.kill()

    def cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
        self.cleanup_connection_file()
        self._close_control_socket()

    def client(self, **kwargs):  # noqa: ANN003, ANN201 - jupyter_client's signature
        """A client, remembered so that :meth:`request_stop` stops its channels (nbclient
        leaves them open on a kernel it does not own; a heartbeat thread would keep pinging
        the dead kernel every second)."""
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_phasebook_clients", []).append(kc)
        return kc

    def request_stop(self) -> None:
        """Ask the kernel to shut down (its atexit handlers run), without waiting."""
        if self.shell_port:  # its ports are known: it can be asked
            with contextlib.suppress(Exception):
                self._connect_control_socket()
                msg = self.session.msg("shutdown_request", content={"restart": False})
                self.session.send(self._control_socket, msg)
        for kc in self.__dict__.pop("_phasebook_clients", []):
            with contextlib.suppress(Exception):
                kc.stop_channels()
        self.cleanup_connection_file()
        self._close_control_socket()
        if self._created_context:  # its own zmq context (an I/O thread), used for control
            self.context.destroy(linger=100)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, signum: int) -> None:
        """Signal the kernel, never another process that got its pid after it exited."""
        if self._process is not None:
            with contextlib.suppress(psutil.Error):
                self._process.send_signal(signum)


def _read_connection_file(path: str) -> dict | None:
    """The file's JSON, or None while it is missing or half written."""
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (OSError, ValueError):
        return None
