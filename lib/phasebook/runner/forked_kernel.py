"""A kernel forked by the zygote, as jupyter_client and nbclient see it."""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel


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

    def client(self, **kwargs):  # noqa: ANN003, ANN201 - jupyter_client's signature
        """A client, remembered so that :meth:`request_stop` stops its channels (nbclient
        leaves them open on a kernel it does not own; a heartbeat thread would keep pinging
        the dead kernel every second)."""
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_phasebook_clients", []).append(kc)
        return kc

    def request_stop(self) -> None:
        """Ask the kernel to shut down (its atexit handlers run), without waiting."""
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
        with contextlib.suppress(OSError):
            os.kill(self.kernel_pid, signal.SIGKILL)
