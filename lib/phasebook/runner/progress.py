"""Progress on stderr: one plain line per notebook start and finish, then a summary table.

Plain lines (no TTY widget), so a CI log reads the same as a terminal.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import TextIO

from phasebook.report.results import NotebookResult

#: by verdict: a notebook whose checks were all skipped is "– skipped", not a green pass
MARKS = {"passed": "✓", "failed": "✗", "error": "✗", "skipped": "–"}


def describe(result: NotebookResult) -> str:
    """``12 passed, 1 failed, 1 xfail`` or the notebook error, for one line of output."""
    counts = result.counts
    parts = [f"{counts['passed']} passed"]
    parts += [f"{counts[k]} {k}" for k in ("failed", "skipped", "xfail", "xpass") if counts[k]]
    text = ", ".join(parts)
    if result.error is not None:
        where = f" in cell {result.error.cell}" if result.error.cell is not None else ""
        text += f"; {result.error.ename}{where}: {_first_line(result.error.evalue)}"
    return text


def _first_line(text: str, limit: int = 120) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class Progress:
    """Thread-safe writer of the progress lines and the final table."""

    def __init__(self, stream: TextIO | None = None, *, width: int = 0):
        self._stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._width = width

    def line(self, text: str) -> None:
        with self._lock:
            print(text, file=self._stream, flush=True)

    def started(self, name: str) -> None:
        self.line(f"  … {name:<{self._width}}  started")

    def finished(self, result: NotebookResult) -> None:
        mark = MARKS.get(result.verdict, "?")
        duration = f"{result.duration_s:6.1f}s"
        self.line(f"  {mark} {result.name:<{self._width}}  {duration}  {describe(result)}")

    def summary(self, results: Sequence[NotebookResult], out_dir: str) -> None:
        width = max([len("notebook"), *(len(r.name) for r in results)])
        head = ("notebook", "status", "passed", "failed", "skipped", "xfail", "duration")
        rows = ["{:<{w}}  {:<8}  {:>6}  {:>6}  {:>7}  {:>5}  {:>8}".format(*head, w=width)]
        for r in results:
            c, status = r.counts, f"{MARKS[r.verdict]} {r.verdict}"
            rows.append(
                f"{r.name:<{width}}  {status:<8}  {c['passed']:>6}  {c['failed']:>6}  "
                f"{c['skipped']:>7}  {c['xfail']:>5}  {r.duration_s:7.1f}s"
            )
        passed = sum(r.verdict == "passed" for r in results)
        skipped = sum(r.verdict == "skipped" for r in results)
        also = f", {skipped} skipped" if skipped else ""
        rows.append(
            f"{passed}/{len(results)} notebooks passed{also} — report: {out_dir}/index.html"
        )
        self.line("\n".join(["", *rows]))
