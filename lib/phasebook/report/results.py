"""Read a notebook's results back from the executed notebook itself.

The last cell's ``application/vnd.phasebook.results+json`` output carries every check, the
summary and the request journal; each check's own ``application/vnd.phasebook.check+json``
output tells which cell it lives in. A notebook that crashed before its last cell has no
results output: its checks are collected from the check outputs, and the error (cell index,
ename, evalue) makes it a notebook-level failure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from phasebook.display import CHECK_MIME, LOAD_MIME, RESULTS_MIME, SEQUENCE_MIME
from phasebook.report.tests import PlanTest, plan_tests

__all__ = ["CHECK_MIME", "RESULTS_MIME", "NotebookError", "NotebookResult", "PlanTest"]
CHECKS_FAILED = "ChecksFailed"
_TEST_HEADING = re.compile(
    r"^#+\s*Test\s+(\d+(?:\.\d+)*|[A-Z]{1,2}(?:\.\d+)+)\b\s*(?:[—–:-]+\s*)?(.*?)\s*$",
    re.MULTILINE | re.IGNORECASE,
)


@dataclass
class NotebookError:
    """Why a notebook did not produce its results: where, and what was raised."""

    ename: str
    evalue: str
    cell: int | None = None


@dataclass
class NotebookResult:
    """Everything the report says about one executed notebook."""

    name: str
    status: str
    duration_s: float
    checks: list[dict] = field(default_factory=list)
    journal: list[dict] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    error: NotebookError | None = None
    exclusive: bool = False
    declared_tests: list[dict] = field(default_factory=list)
    heading_cells: dict[str, int] = field(default_factory=dict)
    load_runs: list[dict] = field(default_factory=list)
    sequences: dict[str, dict] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"passed": 0, "failed": 0, "skipped": 0, "xfail": 0, "xpass": 0}
        for check in self.checks:
            status = check.get("status")
            if status in counts:
                counts[status] += 1
        return counts

    @property
    def failed_checks(self) -> list[dict]:
        return [c for c in self.checks if c.get("status") == "failed"]

    @property
    def skipped_checks(self) -> list[dict]:
        return [c for c in self.checks if c.get("status") == "skipped"]

    @property
    def verdict(self) -> str:
        """``status``, except that a notebook whose checks were all skipped is ``skipped``."""
        counts = self.counts
        if (
            self.status == "passed"
            and counts["skipped"]
            and not counts["passed"] + counts["xfail"] + counts["xpass"]
        ):
            return "skipped"
        return self.status

    @property
    def tests(self) -> list[PlanTest]:
        headings = {tid: (title, self.heading_cells.get(tid)) for tid, title in self.titles.items()}
        return plan_tests(
            checks=self.checks,
            journal=self.journal,
            declared=self.declared_tests,
            headings=headings,
        )


def read_result(
    nb: Mapping, *, name: str, duration_s: float, error: Mapping | None = None
) -> NotebookResult:
    """The :class:`NotebookResult` of executed notebook ``nb`` (a dict or NotebookNode)."""
    cells = list(nb.get("cells", []))
    check_cells = _check_cells(cells)
    payload = _results_payload(cells)
    checks = payload.get("checks") if payload else None
    if checks is None:
        checks = [dict(c) for c in check_cells.values()]
    checks = [{**c, "cell": _cell_of(c, check_cells)} for c in checks]
    titles, heading_cells = _headings(cells)
    result = NotebookResult(
        name=name,
        status="passed",
        duration_s=duration_s,
        checks=checks,
        journal=list((payload or {}).get("journal") or []),
        timings=dict((payload or {}).get("timings") or {}),
        titles=titles,
        exclusive=bool(((nb.get("metadata") or {}).get("phasebook") or {}).get("exclusive")),
        declared_tests=[
            dict(t) for t in (payload or {}).get("tests") or [] if isinstance(t, Mapping)
        ],
        heading_cells=heading_cells,
        load_runs=_outputs_of(cells, LOAD_MIME),
        sequences={str(q.get("test_id")): q for q in _outputs_of(cells, SEQUENCE_MIME)},
    )
    result.error = _notebook_error(cells, payload, error)
    result.status = _status(result)
    return result


def _check_cells(cells: list) -> dict[object, dict]:
    found: dict[object, dict] = {}
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []) or []:
            check = (output.get("data") or {}).get(CHECK_MIME)
            if isinstance(check, Mapping):
                found[check.get("seq")] = {**check, "cell": index}
    return found


def _cell_of(check: Mapping, check_cells: Mapping[object, dict]) -> int | None:
    if check.get("cell") is not None:
        return check["cell"]
    found = check_cells.get(check.get("seq"))
    return found["cell"] if found else None


def _results_payload(cells: list) -> dict | None:
    for cell in reversed(cells):
        for output in reversed(cell.get("outputs", []) or []):
            payload = (output.get("data") or {}).get(RESULTS_MIME)
            if isinstance(payload, Mapping):
                return dict(payload)
    return None


def _outputs_of(cells: list, mime: str) -> list[dict]:
    found = []
    for cell in cells:
        for output in cell.get("outputs", []) or []:
            data = (output.get("data") or {}).get(mime)
            if isinstance(data, Mapping):
                found.append(dict(data))
    return found


def _headings(cells: list) -> tuple[dict[str, str], dict[str, int]]:
    """Titles of ``### Test N.M — Title`` headings, and the cell of each."""
    titles: dict[str, str] = {}
    where: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown":
            for test_id, title in _TEST_HEADING.findall(_source(cell)):
                titles.setdefault(test_id, title)
                where.setdefault(test_id, index)
    return titles, where


def _source(cell: Mapping) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _notebook_error(
    cells: list, payload: Mapping | None, error: Mapping | None
) -> NotebookError | None:
    if error and (payload is None or error.get("ename") != CHECKS_FAILED):
        cell = _error_cell(cells)
        return NotebookError(str(error.get("ename")), str(error.get("evalue")), cell)
    if payload is None:
        return NotebookError(
            "NoResults",
            "the notebook produced no results output (did its last cell call session.finish()?)",
            None,
        )
    return None


def _error_cell(cells: list) -> int | None:
    """The first cell with an error output, else the one papermill left ``running``."""
    for index, cell in enumerate(cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", []) or []):
            return index
    for index, cell in enumerate(cells):
        if (cell.get("metadata") or {}).get("papermill", {}).get("status") == "running":
            return index
    return None


def _status(result: NotebookResult) -> str:
    if result.error is not None:
        return "error"
    return "failed" if result.failed_checks else "passed"
