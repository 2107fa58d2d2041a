"""Worker process: executes one notebook with papermill's Python API.

Run as ``python -m phasebook.runner.worker SPEC.json``. The spec names the input and output
notebooks, the papermill parameters, the working directory and the cell timeout; the worker
writes an outcome JSON (``{"error": null}`` or the error's cell index, ename and evalue) to
``spec["outcome_path"]``. One notebook per process, so the parent can enforce a wall-clock
limit by killing the process tree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    outcome = execute(spec)
    Path(spec["outcome_path"]).write_text(json.dumps(outcome), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
