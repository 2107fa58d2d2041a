"""Plan tests of one notebook: their checks, status, title and duration.

Newer results payloads list the tests themselves (``"tests": [{"id", "title", "xfail",
"status", "started_at", "ended_at"}]``, from ``s.test()``); older ones only tag each check
with its ``test_id``. Both read the same way here: a test id appears once, in the order of
the notebook, with the title given to ``s.test()`` (else the markdown heading's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

STATUSES = ("passed", "failed", "xfail", "xpass", "skipped")


@dataclass
class PlanTest:
    """The checks of one plan test id, and its verdict (see :data:`STATUSES`)."""

    test_id: str
    title: str
    checks: list[dict]
    declared_status: str | None = None
    started_at: float | None = None
    ended_at: float | None = None
    xfail: str | None = None
    journal: list[dict] = field(default_factory=list)
    cell: int | None = None

    @property
    def status(self) -> str:
        if self.declared_status in STATUSES:
            return self.declared_status  # type: ignore[return-value]
        statuses = {c.get("status") for c in self.checks}
        if "failed" in statuses:
            return "failed"
        if "xfail" in statuses:
            return "xfail"
        return "skipped" if statuses == {"skipped"} else "passed"

    @property
    def label(self) -> str:
        return f"{self.test_id} {self.title}".strip()

    @property
    def duration_s(self) -> float:
        """From the test's start to its end; else from its first to its last record
        (checks and requests stamped ``at``); else the time its requests took."""
        if self.started_at is not None and self.ended_at is not None:
            return max(0.0, float(self.ended_at) - float(self.started_at))
        stamps = [r["at"] for r in [*self.checks, *self.journal] if _number(r.get("at"))]
        if len(stamps) >= 2:
            return max(stamps) - min(stamps)
        elapsed = [r["elapsed_ms"] for r in self.journal if _number(r.get("elapsed_ms"))]
        return sum(elapsed) / 1000.0

    @property
    def first_cell(self) -> int | None:
        if self.cell is not None:
            return self.cell
        cells = [c["cell"] for c in self.checks if c.get("cell") is not None]
        return min(cells) if cells else None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def plan_tests(
    *,
    checks: Sequence[Mapping],
    journal: Sequence[Mapping],
    declared: Sequence[Mapping],
    headings: Mapping[str, tuple[str, int]],
) -> list[PlanTest]:
    """One :class:`PlanTest` per test id: declared tests first (payload order), then any
    test id that only checks or requests carry. ``headings``: id → (title, cell)."""
    tests: dict[str, PlanTest] = {}
    for record in declared:
        test_id = str(record.get("id") or record.get("test_id") or "")
        if test_id in tests:
            continue
        tests[test_id] = PlanTest(
            test_id,
            str(record.get("title") or headings.get(test_id, ("", None))[0] or ""),
            [],
            declared_status=record.get("status"),
            started_at=record.get("started_at") if _number(record.get("started_at")) else None,
            ended_at=record.get("ended_at") if _number(record.get("ended_at")) else None,
            xfail=record.get("xfail"),
        )
    for check in checks:
        test_id = str(check.get("test_id") or "")
        if test_id not in tests:
            tests[test_id] = PlanTest(test_id, headings.get(test_id, ("", None))[0], [])
        tests[test_id].checks.append(dict(check))
    for row in journal:
        test = tests.get(str(row.get("test_id") or ""))
        if test is not None:
            test.journal.append(dict(row))
    for test_id, test in tests.items():
        test.cell = headings.get(test_id, ("", None))[1]
    return [t for t in tests.values() if t.checks or t.declared_status]
