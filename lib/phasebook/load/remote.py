"""What a worker on another machine runs to join a distributed load run.

With ``remote_workers=M`` the Locust master waits for M workers it does not start itself.
Before it starts waiting, the run prints :meth:`RemoteWorker.instructions`: the ``export``
lines of the ``PHASEBOOK_LOAD_*`` variables a worker reads and its ``locust --worker`` line.
The same is available as data (:meth:`RemoteWorker.command`, :attr:`RemoteWorker.env`) for a
script, or a test, that starts the workers itself.

Nothing secret is printed: a variable whose name says secret, the persona handed over
(``PHASEBOOK_LOAD_PERSONA``: its fields may hold a password) and any value holding a secret
the session knows are withheld, and named so they can be set on the worker by hand. The load
shape (users, ramps, sustain) is the master's alone and is left out.
"""

from __future__ import annotations

import shlex
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..redact import is_secret_name
from .credentials import PARAMS_VARS, PERSONA_VAR
from .headless import WILDCARD_HOSTS, LocustJob, is_loopback
from .stages import ENV_PREFIX, Stages

MASTER_HOST_PLACEHOLDER = "MASTER_HOST"
"""Printed instead of an address when the master listens on every interface: which of this
machine's addresses the workers reach is theirs to say."""
SHAPE_VARS = frozenset(Stages(1, 0, 1, 0, 1).to_env())
"""The load shape's variables: read by the master only."""


@dataclass(frozen=True)
class RemoteWorker:
    """One worker to start on another machine: its command and its environment."""

    count: int
    master_host: str
    master_port: int
    locustfile: Path
    wait_s: float
    env: Mapping[str, str] = field(default_factory=dict)
    """The ``PHASEBOOK_LOAD_*`` variables to export there (nothing secret)."""
    withheld: tuple[str, ...] = ()
    """Variables the worker needs that were not printed because they hold a secret."""

    @property
    def needs_address(self) -> bool:
        """True when ``master_host`` is the placeholder the user must replace."""
        return self.master_host == MASTER_HOST_PLACEHOLDER

    def command(self, locust: Sequence[str] = ("locust",)) -> list[str]:
        """The worker's argv; ``locust`` is how Locust is started there (e.g. ``[python,
        "-m", "locust"]``)."""
        return [
            *locust,
            "-f",
            str(self.locustfile),
            "--worker",
            "--master-host",
            self.master_host,
            "--master-port",
            str(self.master_port),
        ]

    def instructions(self) -> str:
        """What to run on each worker machine, ready to paste (comments say what to adapt)."""
        where = (
            "only workers on this machine can connect (the master is bound to loopback)"
            if is_loopback(self.master_host)
            else f"port {self.master_port}/tcp of this machine must be reachable from them"
        )
        lines = [
            f"# The Locust master waits up to {self.wait_s:g} s for {self.count} worker(s) "
            f"started by hand: {where}.",
            "# On each worker machine: phasebook and locust installed, this repository at the "
            "same commit (the -f path below; or a copy of lib/phasebook/load/), then:",
        ]
        lines += [f"export {name}={shlex.quote(value)}" for name, value in sorted(self.env.items())]
        params = next((self.env[name] for name in PARAMS_VARS if name in self.env), None)
        if params:
            lines.append(
                f"# {PARAMS_VARS[0]}: a copy of {params} at that path on the worker, with the "
                "${VARIABLES} it refers to exported there"
            )
        for name in self.withheld:
            lines.append(f"# withheld (holds a secret): export {name} on the worker yourself")
        if self.needs_address:
            lines.append(
                f"# {MASTER_HOST_PLACEHOLDER}: this machine's address as the workers reach it "
                f"(hostname {socket.gethostname()})"
            )
        lines.append(shlex.join(self.command()))
        return "\n".join(lines)


def remote_worker(job: LocustJob, *, redact: Callable[[str], str] | None = None) -> RemoteWorker:
    """The worker command and environment for ``job``'s remote workers; ``redact`` (the
    session's ``redactor.text``) withholds any value that holds a known secret."""
    printable: dict[str, str] = {}
    withheld: list[str] = []
    for name, value in job.env.items():
        if not name.startswith(ENV_PREFIX) or name in SHAPE_VARS:
            continue
        secret = name == PERSONA_VAR or is_secret_name(name)
        if secret or (redact is not None and redact(value) != value):
            withheld.append(name)
        else:
            printable[name] = value
    host = job.master_bind_host
    return RemoteWorker(
        count=job.remote_workers,
        master_host=MASTER_HOST_PLACEHOLDER if host in WILDCARD_HOSTS else host,
        master_port=job.master_port,
        locustfile=job.locustfile,
        wait_s=job.workers_wait_s,
        env=printable,
        withheld=tuple(sorted(withheld)),
    )
