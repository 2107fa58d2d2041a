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

CHECK_MIME = "application/vnd.phasebook.check+json"
RESULTS_MIME = "application/vnd.phasebook.results+json"
CHECKS_FAILED = "ChecksFailed"
_TEST_HEADING = re.compile(
    r"^#+\s*Test\s+(\d+(?:\.\d+)*)\s*(?:[—–:-]+\s*)?(.*?)\s*$", re.MULTILINE | re.IGNORECASE
)


@dataclass
class NotebookError:
    """Why a notebook did not produce its results: where, and what was raised."""

    ename: str
    evalue: str
    cell: int | None = None


@dataclass
class PlanTest:
    """The checks of one plan test id, and its verdict (``passed``/``failed``/``skipped``)."""

    test_id: str
    title: str
    checks: list[dict]

    @property
    def status(self) -> str:
        statuses = {c.get("status") for c in self.checks}
        if "failed" in statuses:
            return "failed"
        return "skipped" if statuses == {"skipped"} else "passed"

    @property
    def label(self) -> str:
        return f"{self.test_id} {self.title}".strip()


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

    @property
    def counts(self) -> dict[str, int]:
        counts = {"passed": 0, "failed": 0, "skipped": 0}
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
    def tests(self) -> list[PlanTest]:
        grouped: dict[str, list[dict]] = {}
        for check in self.checks:
            grouped.setdefault(str(check.get("test_id") or ""), []).append(check)
        return [PlanTest(tid, self.titles.get(tid, ""), cs) for tid, cs in grouped.items()]


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
    result = NotebookResult(
        name=name,
        status="passed",
        duration_s=duration_s,
        checks=checks,
        journal=list((payload or {}).get("journal") or []),
        timings=dict((payload or {}).get("timings") or {}),
        titles=_titles(cells),
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


def _titles(cells: list) -> dict[str, str]:
    titles: dict[str, str] = {}
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for test_id, title in _TEST_HEADING.findall(_source(cell)):
                titles.setdefault(test_id, title)
    return titles


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
