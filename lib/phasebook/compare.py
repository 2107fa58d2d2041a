"""Comparisons behind the checks: numeric-aware equality, recursive subset, money."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

MONEY_TOLERANCE = Decimal("0.005")


def as_decimal(value: Any) -> Decimal | None:
    """``value`` as a Decimal (via ``str`` so 0.1 stays 0.1), or None when not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def equal(actual: Any, expected: Any) -> bool:
    """``==``, but numbers compare by value across int/float/Decimal (2599.98 == Decimal)."""
    if isinstance(actual, int | float | Decimal) and isinstance(expected, int | float | Decimal):
        if isinstance(actual, bool) or isinstance(expected, bool):
            return actual is expected
        return as_decimal(actual) == as_decimal(expected)
    try:
        return bool(actual == expected)
    except (TypeError, ValueError):  # e.g. ambiguous array truth
        return False


def money_equal(actual: Any, expected: Any) -> bool:
    """Amounts equal within half a cent."""
    a, e = as_decimal(actual), as_decimal(expected)
    return a is not None and e is not None and abs(a - e) <= MONEY_TOLERANCE


def subset_mismatches(
    actual: Any, expected: Any, *, contains: bool = False, at: str = ""
) -> list[str]:
    """Why ``expected`` is not contained in ``actual`` (empty list: it is).

    Mappings: every expected key must be present and match recursively (extra keys are
    fine). Lists: element-wise with equal length, or with ``contains=True`` every expected
    element must match some actual element. Anything else: :func:`equal`.
    """
    where = at or "value"
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{where}: expected an object, got {type(actual).__name__}"]
        problems: list[str] = []
        for key, value in expected.items():
            path = f"{at}.{key}" if at else str(key)
            if key not in actual:
                problems.append(f"{path}: missing")
            else:
                problems += subset_mismatches(actual[key], value, contains=contains, at=path)
        return problems
    if isinstance(expected, Sequence) and not isinstance(expected, str | bytes):
        return _list_mismatches(actual, expected, contains=contains, where=where)
    if equal(actual, expected):
        return []
    return [f"{where}: expected {expected!r}, got {actual!r}"]


def _list_mismatches(actual: Any, expected: Sequence, *, contains: bool, where: str) -> list[str]:
    if not isinstance(actual, Sequence) or isinstance(actual, str | bytes):
        return [f"{where}: expected a list, got {type(actual).__name__}"]
    if contains:
        return [
            f"{where}: no element matches {item!r}"
            for item in expected
            if not any(not subset_mismatches(a, item, contains=True) for a in actual)
        ]
    if len(actual) != len(expected):
        return [f"{where}: expected {len(expected)} items, got {len(actual)}"]
    problems: list[str] = []
    for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
        problems += subset_mismatches(a, e, contains=contains, at=f"{where}[{index}]")
    return problems
