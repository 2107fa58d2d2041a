"""Worker process: executes one notebook with papermill's Python API.

Run as ``python -m phasebook.runner.worker --serve``: it reads one JSON spec per line on stdin
(input and output notebooks, papermill parameters, working directory, cell timeout, kernel
environment), writes an outcome JSON (``{"error": null}`` or the error's cell index, ename and
evalue) to ``spec["outcome_path"]`` and prints the done line. The parent enforces a
wall-clock limit per notebook by killing the worker's process tree.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

DONE = "phasebook-worker: done"  # printed after each notebook's outcome is written


def execute(spec: dict) -> dict:
    """Execute the notebook described by ``spec``; return its outcome (never raises)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            spec["input"],
            spec["output"],
            parameters=spec.get("parameters") or {},
            cwd=spec.get("cwd"),
            kernel_name=spec.get("kernel_name"),
            progress_bar=False,
            log_output=False,
            execution_timeout=spec.get("cell_timeout"),
        )
    except PapermillExecutionError as exc:
        error = {"cell_index": exc.cell_index, "ename": exc.ename, "evalue": exc.evalue}
        return {"error": error}
    except Exception as exc:  # noqa: BLE001 - process boundary: kernel death, cell timeout, I/O
        return {"error": {"cell_index": None, "ename": type(exc).__name__, "evalue": str(exc)}}
    return {"error": None}


def serve(stdin, stdout) -> int:  # noqa: ANN001 - text streams
    """Execute the notebook of each spec line read from ``stdin``, one at a time; after each,
    print the done line. The kernel inherits this process's environment, so each spec's
    ``env`` replaces it first."""
    import papermill  # noqa: F401 - imported once, before the first notebook arrives

    for line in stdin:
        spec = json.loads(line)
        if spec.get("env") is not None:
            os.environ.clear()
            os.environ.update(spec["env"])
        outcome = execute(spec)
        Path(spec["outcome_path"]).write_text(json.dumps(outcome), encoding="utf-8")
        print(DONE, file=stdout, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["--serve"]:
        print("usage: python -m phasebook.runner.worker --serve", file=sys.stderr)
        return 2
    return serve(sys.stdin, sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
