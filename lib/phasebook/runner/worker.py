"""Worker process: executes one notebook with papermill's Python API.

Run as ``python -m phasebook.runner.worker --serve``: it reads one JSON spec per line on stdin
(input and output notebooks, papermill parameters, working directory, cell timeout, kernel
environment), writes an outcome JSON (``{"error": null}`` or the error's cell index, ename and
evalue) to ``spec["outcome_path"]`` and prints the done line. A ``{"warm": {...}}`` line
(kernel name, working directory, environment) has a kernel made ready before the first
notebook arrives; after each notebook the next kernel is forked at once
(:mod:`phasebook.runner.kernels`). The parent enforces a wall-clock limit per notebook by
killing the worker's process tree (zygote and kernels included).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from phasebook.runner.discovery import kernel_name as notebook_kernel_name
from phasebook.runner.kernels import KernelKey, KernelSlot, log

DONE = "phasebook-worker: done"  # printed after each notebook's outcome is written
KERNEL = "phasebook-worker: kernel"  # + the pid of the pooled kernel the notebook runs on
TERMINATED = 143  # exit code after SIGTERM (128 + 15), once the notebook is written


def kernel_name(spec: dict) -> str:
    """The kernel for ``spec``: given, else the notebook's kernelspec, else the current
    Python's ``python3`` (a notebook written with nbformat has no kernelspec)."""
    return spec.get("kernel_name") or notebook_kernel_name(Path(spec["input"]))


def execute(spec: dict, km=None) -> dict:  # noqa: ANN001 - a jupyter_client KernelManager
    """Execute the notebook described by ``spec`` (on kernel ``km`` when given, else on one
    papermill starts); return its outcome (never raises)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from phasebook.runner.engine import register

    extra = {} if km is None else {"km": km}
    try:
        papermill.execute_notebook(
            spec["input"],
            spec["output"],
            parameters=spec.get("parameters") or {},
            cwd=spec.get("cwd"),
            kernel_name=kernel_name(spec),
            progress_bar=False,
            log_output=False,
            execution_timeout=spec.get("cell_timeout"),
            engine_name=register(),
            **extra,
        )
    except PapermillExecutionError as exc:
        error = {"cell_index": exc.cell_index, "ename": exc.ename, "evalue": exc.evalue}
        return {"error": error}
    except Exception as exc:  # noqa: BLE001 - process boundary: kernel death, cell timeout, I/O
        return {"error": {"cell_index": None, "ename": type(exc).__name__, "evalue": str(exc)}}
    return {"error": None}


def serve(stdin, stdout) -> int:  # noqa: ANN001 - text streams
    """Execute the notebook of each spec line read from ``stdin``, one at a time; after each,
    print the done line. A kernel papermill starts inherits this process's environment, so
    each spec's ``env`` replaces it first."""
    slot = KernelSlot()
    papermill_imported = False
    try:
        for line in stdin:
            spec = json.loads(line)
            if "warm" in spec:
                key = KernelKey.from_spec(spec["warm"])
                if spec["warm"].get("zygote"):
                    slot.share(key, spec["warm"]["zygote"])
                slot.prepare(key)
            else:
                _run_one(spec, slot, stdout)
            if not papermill_imported:  # while the first kernel starts
                import papermill  # noqa: F401

                papermill_imported = True
    finally:
        slot.close()
    return 0


def _run_one(spec: dict, slot: KernelSlot, stdout) -> None:  # noqa: ANN001 - a text stream
    if spec.get("env") is not None:
        os.environ.clear()
        os.environ.update(spec["env"])
    key = KernelKey.from_spec({**spec, "kernel_name": kernel_name(spec)})
    km = slot.take(key)
    if km is not None:  # the runner kills it on a timeout: it is not this process's child
        print(f"{KERNEL} {km.kernel_pid}", file=stdout, flush=True)
    outcome = execute(spec, km)
    if _kernel_never_started(outcome):  # no cell ran: run it once more on a launched kernel
        log(
            f"{spec['input']}: pooled kernel failed to start ({outcome['error']['evalue']});"
            " running the notebook on a freshly launched kernel"
        )
        outcome = execute(spec)
    Path(spec["outcome_path"]).write_text(json.dumps(outcome), encoding="utf-8")
    print(DONE, file=stdout, flush=True)
    slot.release(km, key)  # shut this kernel down, fork the next one


def _kernel_never_started(outcome: dict) -> bool:
    """True when the kernel died or hung before the first cell (nothing of the notebook ran)."""
    error = outcome.get("error") or {}
    text = str(error.get("evalue", ""))
    starting = "kernel_info" in text or "Kernel didn't respond" in text
    return error.get("cell_index") is None and starting


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["--serve"]:
        print("usage: python -m phasebook.runner.worker --serve", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _save_and_exit)
    return serve(sys.stdin, sys.stdout)


def _save_and_exit(signum: int, frame: object) -> None:
    """The runner is about to kill this worker (``--timeout``): write the executed notebook
    as far as it got, the running cell marked, for the report to point at."""
    try:
        from phasebook.runner.engine import save_current

        save_current()
    finally:
        os._exit(TERMINATED)


if __name__ == "__main__":
    raise SystemExit(main())
