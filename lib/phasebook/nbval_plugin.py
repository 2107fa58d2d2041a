"""pytest plugin (entry point ``pytest11: phasebook``): ``pytest --nbval notebooks/`` just works.

It does nothing unless ``--nbval`` or ``--nbval-lax`` is given. Then:

- **the platform**: nbval runs cells in kernels that pytest fixtures never reach, so the
  platform must be up before the first kernel starts. ``--phasebook-platform=auto`` (default)
  uses the platform the params point at when it answers (``make up``, or a remote
  ``platform.base_url``), else starts a fresh shopstack on free ports for the run and stops it
  at the end; ``running`` insists on the former, ``fresh`` on the latter. Kernels inherit the
  environment (``SHOPSTACK_STATE_DIR`` for a fresh one) and read the admin token from the
  state dir, so nothing needs exporting.
- **sanitizing**: the volatile parts of outputs (uuids, timestamps, durations, user ids, ports)
  are replaced before comparing, with ``nbval_sanitize.cfg`` unless ``--nbval-sanitize-with``
  names another file, and the HTML twin of each output, the phasebook payloads and images are
  not compared (they carry timings).
- **notebook metadata** ``{"phasebook": {"nbval": "skip" | "lax"}}``: "skip" reports every
  cell of the notebook as skipped (the load phase measures the machine: nothing to replay);
  "lax" runs every cell and fails only on errors (the explorer's widgets).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

SANITIZE_FILE = Path(__file__).with_name("nbval_sanitize.cfg")
#: Compared as sanitized text/plain only: these carry timings that differ on every run, or
#: (sequence diagrams, text/markdown) the arrival order of concurrent requests.
SKIPPED_OUTPUTS = (
    "text/html",
    "text/markdown",
    "application/vnd.phasebook.check+json",
    "application/vnd.phasebook.results+json",
    "application/vnd.phasebook.load+json",
    "application/vnd.phasebook.sequence+json",
    "image/png",
    "image/svg+xml",
)
MODES = ("auto", "running", "fresh")
_started: dict[str, str] = {}
_WHERE = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("phasebook", "phasebook notebooks under nbval")
    group.addoption(
        "--phasebook-platform",
        choices=MODES,
        default="auto",
        help="platform for --nbval runs: auto (the running one, else a fresh one), "
        "running (must already answer: `make up`), fresh (a new shopstack on free ports)",
    )


def _nbval_on(config: pytest.Config) -> bool:
    option = config.option
    return bool(getattr(option, "nbval", False) or getattr(option, "nbval_lax", False))


def pytest_configure(config: pytest.Config) -> None:
    if not _nbval_on(config):
        return
    _kernels_on_unix_sockets()
    if hasattr(config, "workerinput"):
        return  # xdist workers inherit the controller's environment (and its platform)
    if getattr(config.option, "nbval_sanitize_with", None) is None:
        config.option.nbval_sanitize_with = str(SANITIZE_FILE)
    mode = config.getoption("--phasebook-platform")
    where = _running_platform()
    if mode == "running" and where is None:
        raise pytest.UsageError(
            "phasebook: no platform answers for the params "
            f"({os.environ.get('PHASEBOOK_PARAMS', 'params/local.yaml')}) — run `make up` first, "
            "or use --phasebook-platform=fresh"
        )
    if mode == "fresh" or where is None:
        where = _start_fresh()
    config.stash[_WHERE] = where


def _kernels_on_unix_sockets() -> None:
    """nbval's kernels talk over Unix sockets instead of five TCP ports each.

    jupyter_client picks a TCP kernel's ports by binding port 0 and closing the socket; the
    kernel binds them a moment later. On a machine where load tests open thousands of client
    connections, one of those ports is sometimes taken by then, and the kernel exits before it
    answers ("Kernel died before replying to kernel_info", 14 cells of one notebook in a CI
    run). Unix sockets in the Jupyter runtime directory cannot collide. nbval builds its
    KernelManager itself, so the plugin swaps in one whose transport is ``ipc``.
    """
    import nbval.kernel
    from jupyter_client.manager import KernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    if getattr(nbval.kernel.KernelManager, "phasebook_ipc", False):
        return

    class UnixSocketKernelManager(KernelManager):
        phasebook_ipc = True

        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            # An absolute prefix: the default ("kernel-ipc") is relative, and the kernel runs
            # in the notebook's folder while the client connects from pytest's.
            prefix = Path(jupyter_runtime_dir(), f"nbval-{uuid.uuid4().hex[:12]}-ipc")
            kwargs.setdefault("ip", str(prefix))
            super().__init__(**kwargs)

    nbval.kernel.KernelManager = UnixSocketKernelManager


def pytest_report_header(config: pytest.Config) -> str | None:
    where = config.stash.get(_WHERE, None)
    return f"phasebook: nbval against {where}" if where else None


def pytest_unconfigure(config: pytest.Config) -> None:
    state_dir = _started.pop("state_dir", None)
    if state_dir:
        _shopstack("down", "--state-dir", state_dir)
        shutil.rmtree(state_dir, ignore_errors=True)


def pytest_collectstart(collector: Any) -> None:
    path = getattr(collector, "path", None)
    if path is None or path.suffix != ".ipynb" or not hasattr(collector, "skip_compare"):
        return
    collector.skip_compare += SKIPPED_OUTPUTS
    if _nbval_mode(path) == "lax":
        collector.compare_outputs = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = getattr(item, "path", None)
        if not type(item).__module__.startswith("nbval") or path is None:
            continue  # nbmake and the rest are not nbval's business
        if _nbval_mode(path) == "skip":
            item.add_marker(
                pytest.mark.skip(reason=f"{path.name}: metadata phasebook.nbval = skip")
            )


def _nbval_mode(path: Path) -> str | None:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return None
    return (metadata.get("phasebook") or {}).get("nbval")


def _running_platform() -> str | None:
    """The gateway URL of the platform the params point at, when it answers; else None."""
    from .discovery import resolve_target
    from .errors import PhasebookError
    from .params import load_params

    try:
        target = resolve_target(load_params())
    except PhasebookError:
        return None
    try:
        with urllib.request.urlopen(target.base_url + "/health", timeout=3):
            return target.base_url
    except urllib.error.HTTPError:
        return target.base_url  # it answers; its health route is its own business
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _start_fresh() -> str:
    state_dir = tempfile.mkdtemp(prefix="phasebook-nbval-")
    started = _shopstack("up", "--ports", "auto", "--fresh", "--detach", "--state-dir", state_dir)
    if started.returncode != 0:
        shutil.rmtree(state_dir, ignore_errors=True)
        raise pytest.UsageError(
            f"phasebook: could not start shopstack for nbval:\n{started.stderr[-2000:]}"
        )
    _started["state_dir"] = state_dir
    os.environ["SHOPSTACK_STATE_DIR"] = state_dir  # params/local.yaml's state_dir
    platform = json.loads((Path(state_dir) / "platform.json").read_text(encoding="utf-8"))
    return f"a fresh shopstack at {platform['gateway_url']} (state in {state_dir})"


def _shopstack(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shopstack.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
