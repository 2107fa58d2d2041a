"""What the run report costs: time to write it, and its size, for an existing run.

    .venv/bin/python bench/report.py [outputs/<run>] [--repeat 3]

Re-renders the run-level report (index.html with its charts, trend and sequence diagrams,
junit.xml, results.json) from the executed notebooks of a finished run into a temporary
folder beside it (so the trend reads the same runs), and prints, beside the run's own duration:

- how long reading the notebooks and ``write_run_report`` take (each repeat);
- the run folder's size on disk and its largest files (issue 14: the report stays < 10 MB).

The per-notebook HTML exports are written while the run goes on, by the workers, and are not
part of this figure. Without an argument, the newest folder under ``outputs/`` that has a
``results.json`` is used.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from phasebook.report.results import read_result
from phasebook.report.run import RunInfo
from phasebook.report.scrub import Scrubber
from phasebook.report.write import write_run_report

MIB = 1024 * 1024


def newest_run(outputs: Path) -> Path:
    runs = sorted(p.parent for p in outputs.glob("*/results.json"))
    if not runs:
        sys.exit(f"no run with a results.json under {outputs}/: run `make report` first")
    return runs[-1]


def render_once(run_dir: Path, doc: dict, into: Path) -> tuple[float, float]:
    started = time.perf_counter()
    results = [
        read_result(
            nbformat.read(run_dir / f"{nb['name']}.ipynb", as_version=4),
            name=nb["name"],
            duration_s=nb.get("duration_s", 0.0),
            error=nb.get("error"),
        )
        for nb in doc["notebooks"]
    ]
    read = time.perf_counter()
    fields = RunInfo.__dataclass_fields__
    run = RunInfo(**{k: v for k, v in doc["run"].items() if k in fields})
    write_run_report(into, run, results, Scrubber([]))
    return read - started, time.perf_counter() - read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run_dir = args.run_dir or newest_run(Path("outputs"))
    doc = json.loads((run_dir / "results.json").read_text())
    run_s = float(doc["run"]["duration_s"])
    print(f"run {run_dir}: {len(doc['notebooks'])} notebooks, {run_s:.1f} s")
    for n in range(1, args.repeat + 1):
        # beside the run, as the runner writes it: the trend reads the runs around it
        with tempfile.TemporaryDirectory(dir=run_dir.parent, prefix=".bench-report-") as tmp:
            read_s, write_s = render_once(run_dir, doc, Path(tmp))
        share = 100 * (read_s + write_s) / run_s
        print(
            f"  repeat {n}: read notebooks {read_s:.2f} s, write_run_report {write_s:.2f} s"
            f" ({share:.1f} % of the run)"
        )
    files = [p for p in run_dir.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    print(f"  size on disk: {total / MIB:.2f} MiB in {len(files)} files; largest:")
    for path in sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:5]:
        print(f"    {path.stat().st_size / MIB:6.2f} MiB  {path.relative_to(run_dir)}")


if __name__ == "__main__":
    main()
