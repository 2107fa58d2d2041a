"""Kernel zygote: a process that has imported ipykernel and the library once, and forks a
fresh IPython kernel per notebook.

Run as ``python -m phasebook.runner.zygote --listen SOCKET KERNEL`` by the runner, once per
run (:class:`phasebook.runner.kernels.RunZygote`; every worker connects to the Unix socket
and asks there), or as ``python -m phasebook.runner.zygote`` by a worker whose notebook needs
another environment or directory (asked on stdin), always with the kernels' environment and
working directory. It imports :data:`PRE_IMPORTS` (into
``sys.modules`` only: no kernel, no shell, no user namespace exists yet), then reads one
connection-file path per line; for each it forks, and the child becomes exactly
what ``python -m ipykernel_launcher -f FILE --HistoryManager.hist_file=:memory:`` would be
(the command nbclient runs), minus the imports. The parent answers ``{"pid": N,
"connection_file": FILE}``. The file's ports are 0: the kernel binds free ones
and writes them back (:mod:`phasebook.runner.forked_kernel` says why).
:data:`LATER_IMPORTS` follow the first fork (for the run's zygote: once no request is
waiting), so the first kernels are not kept waiting. No zmq context, thread or event loop
exists in the zygote when it forks (only numpy's OpenBLAS thread, which its fork handler
stops): each kernel creates its own after the fork.

A forked kernel is a new process: its globals, ``In``/``Out``, execution count and
monkeypatches are its own and die with it. What it shares with its siblings is what the
zygote had before the fork: imported modules (in their just-imported state) and the string
hash seed. ``random`` reseeds itself in a forked child; numpy's global generator is reseeded
here. The zygote's objects are frozen (``gc.freeze()``) before each fork, so a kernel's
garbage collector does not walk (and copy) the imported modules' objects.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import json
import os
import selectors
import signal
import socket
import sys

# CPU seconds to import, measured here (docs/runner.md): ipykernel and IPython 0.29, the
# library's session with httpx 0.24; a first request adds httpx's transport (httpcore, anyio,
# h11, certifi) and, when params name an OpenAPI document, phasebook.openapi with jsonschema
# (1.6 s, most of it rfc3987_syntax's grammar, 0.11-0.18 s since phasebook.deferred_grammar):
# 2.1 CPU s of a one-request notebook then, 0.01 once imported here. What
# IPKernelApp.initialize() imports on its own (155 modules, most of them debugpy's, for the
# kernel's debugger; IPython's debugger, completer, storemagic;
# tornado's queues) cost every kernel 0.08-0.09 of its 0.13-0.15 CPU s to start (measured in a
# forked child, sys.modules before and after initialize()). pandas 0.26 and SQLAlchemy with
# its SQLite dialect 0.20 (a first database query) follow the first fork, so the first kernel
# is not kept waiting for them.
PRE_IMPORTS = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.debugger",
    "IPython.core.completerlib",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "tornado.gen",
    "tornado.locks",
    "tornado.queues",
    "tornado.platform.asyncio",
    "psutil",
    "faulthandler",
    "pdb",
    "phasebook",
    "phasebook.sessions",
    "httpx._transports.default",
    "httpcore",
    "anyio",
    "h11",
    "certifi",
    "phasebook.openapi",
    "jsonschema",
)
LATER_IMPORTS = ("pandas", "sqlalchemy", "sqlite3", "sqlalchemy.dialects.sqlite")
HIST_FILE_ARG = "--HistoryManager.hist_file=:memory:"  # what nbclient passes to ipykernel
LISTEN = "--listen"  # python -m phasebook.runner.zygote --listen SOCKET KERNEL: the run's


def pre_import(modules: tuple[str, ...] = PRE_IMPORTS) -> list[str]:
    """Import ``modules``; the ones that fail are left for the notebook to import (and to
    report with its own traceback). Returns the names that failed."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a broken optional module must not stop the pool
            failed.append(name)
    return failed


def become_kernel(connection_file: str, launcher: str) -> None:
    """In a forked child: run an IPython kernel on ``connection_file``; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # as jupyter_client's launcher: its own session, like a launched kernel
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # fd 1 is the zygote's answer pipe: kernel noise goes to stderr
        os.close(devnull)
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        _reseed_numpy()
        _pandas_as_imported_in_a_kernel()
        from ipykernel import kernelapp

        sys.argv = [launcher, "-f", connection_file, HIST_FILE_ARG]
        # parent_handle's default was read from the environment when the zygote imported
        # ipykernel: given here, the kernel watches its parent as a launched kernel does.
        kernelapp.IPKernelApp.launch_instance(argv=sys.argv[1:], parent_handle=os.getppid())
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the child must never return into the zygote loop
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def _pandas_as_imported_in_a_kernel() -> None:
    """pandas picks ``display.max_columns`` at import: 0 (fit the terminal) outside a kernel,
    20 inside one. The zygote imported it outside any kernel: give the child the kernel's
    value, current and default, so a DataFrame shows as it would in a fresh kernel."""
    if "pandas" not in sys.modules:
        return
    try:
        from pandas._config import config

        option = config._registered_options["display.max_columns"]
        config._registered_options["display.max_columns"] = option._replace(defval=20)
        config.set_option("display.max_columns", 20)
    except (ImportError, KeyError, AttributeError):  # another pandas: leave it as it is
        pass


def _reseed_numpy() -> None:
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # the legacy global generator, from fresh OS entropy


def _reap(signum: int, frame: object) -> None:
    """Collect exited kernels (so their CPU time counts in this process's children)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


class Forker:
    """What the two ways of asking for kernels share: the imports and the fork itself."""

    def __init__(self) -> None:
        signal.signal(signal.SIGCHLD, _reap)
        spec = importlib.util.find_spec("ipykernel_launcher")
        self.launcher = (spec.origin if spec else None) or "ipykernel_launcher"  # sys.argv[0]
        self.failed = pre_import(PRE_IMPORTS)
        self.later = LATER_IMPORTS

    def fork(self, connection_file: str, close_fds: tuple[int, ...] = ()) -> dict:
        """Fork a kernel on ``connection_file``; the answer for whoever asked. The child
        closes ``close_fds`` (the zygote's sockets: a kernel must not hold them open)."""
        gc.freeze()  # the imported objects: the child's collector skips them, copies fewer pages
        pid = os.fork()
        if pid == 0:
            for fd in close_fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            become_kernel(connection_file, self.launcher)
        return {"pid": pid, "connection_file": connection_file, "failed": self.failed}

    def import_later(self) -> None:
        if self.later:
            self.failed, self.later = self.failed + pre_import(self.later), ()


def serve(stdin, stdout) -> int:  # noqa: ANN001 - text streams
    """One worker's zygote: fork one kernel per connection-file line; answer each with its
    pid."""
    forker = Forker()
    for line in stdin:
        answer = forker.fork(json.loads(line)["connection_file"])
        print(json.dumps(answer), file=stdout, flush=True)
        forker.import_later()
    return 0


def serve_socket(path: str, kernel_name: str) -> int:
    """The run's zygote: every worker connects to the Unix socket ``path`` and asks there, a
    connection-file line at a time. The socket exists before the imports start (workers
    connect and ask meanwhile); :data:`LATER_IMPORTS` wait until no request is waiting.
    Ends when stdin closes (the runner's signal), or at once when ``kernel_name`` is not a
    kernel this zygote can fork (the workers check the same and do not connect)."""
    from phasebook.runner.forked_kernel import forkable

    if not forkable(kernel_name):
        return 0
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    forker = Forker()
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    selector.register(0, selectors.EVENT_READ)
    pending: dict[socket.socket, bytes] = {}
    while True:
        events = selector.select(timeout=0 if forker.later else None)
        if not events:
            forker.import_later()
        for key, _ in events:
            if key.fileobj is server:
                conn, _ = server.accept()
                selector.register(conn, selectors.EVENT_READ)
                pending[conn] = b""
            elif key.fileobj == 0:
                if not os.read(0, 4096):
                    return 0
            else:
                conn = key.fileobj  # type: ignore[assignment]
                data = conn.recv(65536)
                if not data:
                    selector.unregister(conn)
                    conn.close()
                    del pending[conn]
                    continue
                lines = (pending[conn] + data).split(b"\n")
                pending[conn] = lines.pop()
                for line in lines:
                    mine = (server.fileno(), selector.fileno(), *(c.fileno() for c in pending))
                    answer = forker.fork(json.loads(line)["connection_file"], mine)
                    conn.sendall((json.dumps(answer) + "\n").encode())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    # As ipykernel_launcher: the working directory is not on sys.path while modules load
    # (IPython puts it back when the shell starts).
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    if len(args) == 3 and args[0] == LISTEN:
        return serve_socket(args[1], args[2])
    return serve(sys.stdin, sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
