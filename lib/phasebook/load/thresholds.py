"""Thresholds as verdicts: a figure, its limit, and whether it passed — recorded as a check.

at_most("checkout p95", 412.0, 2000, "ms").record(s.checks)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Verdict:
    name: str
    value: float | None
    limit: float
    passed: bool
    detail: str

    def record(self, checks: Any) -> Any:
        """Record this verdict as ``checks.true(name, passed, detail)``; returns its outcome."""
        return checks.true(self.name, self.passed, self.detail)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _not_measured(value: Any, bound: str) -> str:
    """``not measured: <why> (limit ≤ …)`` — the why from a NotMeasured value, if any."""
    reason = getattr(value, "reason", None)
    return f"not measured: {reason} ({bound})" if reason else f"not measured ({bound})"


def at_most(name: str, value: float | None, limit: float, unit: str = "") -> Verdict:
    """Passes when ``value <= limit`` (a missing value fails: nothing was measured)."""
    if _missing(value):
        return Verdict(name, None, limit, False, _not_measured(value, f"limit ≤ {limit:g}{unit}"))
    passed = value <= limit
    return Verdict(name, value, limit, passed, f"{value:.4g}{unit} (limit ≤ {limit:g}{unit})")


def at_least(name: str, value: float | None, limit: float, unit: str = "") -> Verdict:
    """Passes when ``value >= limit`` (a missing value fails: nothing was measured)."""
    if _missing(value):
        return Verdict(name, None, limit, False, _not_measured(value, f"limit ≥ {limit:g}{unit}"))
    passed = value >= limit
    return Verdict(name, value, limit, passed, f"{value:.4g}{unit} (limit ≥ {limit:g}{unit})")
