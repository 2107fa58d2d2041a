"""The plan's tests as a notebook declares them: id, title, expected failure, timing.

``s.test("5.1", "Checkout", xfail="known bug")`` makes 5.1 current; :class:`PlanTests` keeps
its title and reason, when it started and when its last check or request happened, and gives
each test its verdict for the results payload (``passed``, ``failed``, ``xfail``, ``xpass``,
``skipped``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

PASSED, FAILED, SKIPPED, XFAIL, XPASS = "passed", "failed", "skipped", "xfail", "xpass"


@dataclass
class PlanTest:
    """One test id of the plan, as declared by ``s.test``."""

    id: str
    title: str | None
    xfail: str | None
    started_at: float
    ended_at: float

    def verdict(self, statuses: set[str]) -> str:
        """The test's status given the statuses of its checks."""
        if FAILED in statuses:
            return FAILED
        if XFAIL in statuses:
            return XFAIL
        if PASSED in statuses:
            return XPASS if self.xfail else PASSED
        return SKIPPED


class PlanTests:
    """Every test declared in this session, in order of first declaration."""

    def __init__(self, clock: Callable[[], float] = time.time):
        self._clock = clock
        self._tests: dict[str, PlanTest] = {}
        self.current: str | None = None

    def declare(self, test_id: str, title: str | None, xfail: str | None) -> PlanTest:
        """Make ``test_id`` current (a re-declaration updates its title and reason)."""
        now = self._clock()
        test = self._tests.get(test_id)
        if test is None:
            test = PlanTest(test_id, title, xfail, started_at=now, ended_at=now)
            self._tests[test_id] = test
        else:
            test.title = title or test.title
            test.xfail = xfail
        self.current = test_id
        return test

    def xfail_reason(self, test_id: str | None = None) -> str | None:
        """The expected-failure reason of ``test_id`` (default: the current test)."""
        test = self._tests.get(test_id if test_id is not None else self.current or "")
        return test.xfail if test else None

    def touch(self, test_id: str | None, at: float) -> None:
        """Something (a check, a request) happened in ``test_id`` at ``at``."""
        test = self._tests.get(test_id or "")
        if test is not None and at > test.ended_at:
            test.ended_at = at

    def payload(self, checks: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The ``tests`` list of the results payload."""
        statuses: dict[str, set[str]] = {}
        for check in checks:
            statuses.setdefault(check.get("test_id") or "", set()).add(check["status"])
        return [
            {
                "id": t.id,
                "title": t.title,
                "xfail": t.xfail,
                "status": t.verdict(statuses.get(t.id, set())),
                "started_at": round(t.started_at, 3),
                "ended_at": round(t.ended_at, 3),
            }
            for t in self._tests.values()
        ]

    def __iter__(self):
        return iter(list(self._tests.values()))
