"""What the console prints after the summary table: every failed check on one line.

    05_checkout 5.1 payment amount: expected '2599.98', got 2599.99

so a CI log says which check failed and why, not only "1 failed".
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from phasebook.diffview import failure_summary
from phasebook.report.results import NotebookResult

MAX_LINE = 240


def failed_check_line(notebook: str, check: dict) -> str:
    """``NOTEBOOK TEST_ID NAME: expected X, got Y`` on one line (JSON: the differing fields)."""
    test_id = str(check.get("test_id") or "").strip()
    summary = failure_summary(check)
    line = " ".join(" ".join(part for part in (notebook, test_id, summary) if part).split())
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


def failed_check_lines(results: Sequence[NotebookResult]) -> list[str]:
    """One line per failed check, then one per notebook error, in run order."""
    lines = [failed_check_line(r.name, c) for r in results for c in r.failed_checks]
    for r in results:
        if r.error is not None:
            where = f" cell {r.error.cell}" if r.error.cell is not None else ""
            first = (r.error.evalue or "").strip().splitlines()[:1]
            lines.append(f"{r.name}{where}: {r.error.ename}: {first[0] if first else ''}".rstrip())
    return lines


def print_failed_checks(results: Sequence[NotebookResult], stream: TextIO | None = None) -> None:
    """Print :func:`failed_check_lines` under a heading (nothing when all passed)."""
    lines = failed_check_lines(results)
    if lines:
        out = stream or sys.stdout
        print("\n".join(["failed:", *(f"  {line}" for line in lines)]), file=out, flush=True)
