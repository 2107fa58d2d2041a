"""Checks: record-and-continue assertions, each shown as ✓/✗ and emitted as a check output.

A failed check does not raise: it is displayed (expected vs actual) and recorded under the
current test id; ``Session.finish()`` raises :class:`ChecksFailed` at the end. Inside a test
declared with ``xfail="reason"`` a failed check is recorded as ``xfail`` (shown, reported,
not a failure of the run). Every check
returns an :class:`Outcome`, truthy when it passed, so a notebook can skip dependent steps
(``if s.checks.status(r, 200): ...``).

One argument order for every check that takes a name: ``(name, actual, expected)``, as the
plan reads ("total_price is 2599.98"). ``status`` and ``changed`` name themselves from the
response or the diff.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import compare, jsonpath
from .cells import CellTracker
from .diffview import failure_detail_html, plain_repr
from .display import CHECK_MIME, Emit, emit, escape, jsonable, shorten
from .redact import Redactor
from .response import Response

PASSED, FAILED, SKIPPED, XFAIL = "passed", "failed", "skipped", "xfail"
ANY = object()
_MARK = {
    PASSED: ("✓", "#1a7f37"),
    FAILED: ("✗", "#cf222e"),
    SKIPPED: ("–", "#6e7781"),
    XFAIL: ("✗", "#9a6700"),
}


@dataclass(frozen=True)
class CheckResult:
    """One recorded check, in the shape of the check MIME payload."""

    seq: int
    test_id: str | None
    name: str
    status: str
    expected: Any
    actual: Any
    message: str
    at: float = 0.0
    xfail: str | None = None
    cell: Any = field(default=None, compare=False, repr=False)  # cells.Execution, not in payload

    def payload(self) -> dict[str, Any]:
        payload = {
            "seq": self.seq,
            "test_id": self.test_id,
            "name": self.name,
            "status": self.status,
            "expected": self.expected,
            "actual": self.actual,
            "message": self.message,
            "at": self.at,
        }
        if self.xfail:
            payload["xfail"] = self.xfail
        return payload


class Outcome:
    """What a check returns: truthy when it passed. It shows nothing itself (the check
    already displayed ✓/✗), so a check as a cell's last line adds no ``True``/``False``."""

    __slots__ = ("result",)

    def __init__(self, result: CheckResult):
        self.result = result

    def __bool__(self) -> bool:
        return self.result.status == PASSED

    def __repr__(self) -> str:
        return f"<{self.result.status} check {self.result.name!r}>"

    def _ipython_display_(self) -> None:
        return None


class Checks:
    """The session's checks (``s.checks``)."""

    def __init__(
        self,
        *,
        redactor: Redactor | None = None,
        display: Emit = emit,
        test_id: Callable[[], str | None] = lambda: None,
        xfail: Callable[[str | None], str | None] = lambda test_id: None,
        on_record: Callable[[CheckResult], None] = lambda result: None,
        cells: CellTracker | None = None,
    ):
        self._redactor = redactor or Redactor()
        self._display = display
        self._test_id = test_id
        self._xfail = xfail
        self._on_record = on_record
        self._cells = cells or CellTracker()
        self._seq = 0
        self.results: list[CheckResult] = []

    # -- the checks ---------------------------------------------------------------------

    def status(self, response: Any, expected: int | Iterable[int]) -> Outcome:
        """The response status is ``expected`` (an int, or any of several)."""
        wanted = (expected,) if isinstance(expected, int) else tuple(expected)
        label = f"{getattr(response, 'method', '')} {getattr(response, 'path', '')}".strip()
        actual = getattr(response, "status", response)
        shown = wanted[0] if len(wanted) == 1 else list(wanted)
        if actual in wanted:
            return self._record("status", True, shown, actual, f"{label} → {actual}")
        body = shorten(getattr(response, "text", ""), 160)
        message = f"{label}: expected status {shown}, got {actual}" + (f": {body}" if body else "")
        return self._record("status", False, shown, actual, message)

    def equal(self, name: str, actual: Any, expected: Any) -> Outcome:
        """``actual == expected`` (numbers compare by value: 2599.98 == Decimal('2599.98'))."""
        ok = compare.equal(actual, expected)
        return self._record(name, ok, expected, actual, _expectation(name, ok, expected, actual))

    def json_path(self, name: str, source: Any, path: str, expected: Any) -> Outcome:
        """The value at ``path`` (e.g. ``items[0].quantity``) in a response or object."""
        data = _data(source)
        label = name
        try:
            actual = jsonpath.resolve(data, path)
        except jsonpath.PathNotFound as exc:
            return self._record(label, False, expected, None, f"{label}: {exc}")
        ok = compare.equal(actual, expected)
        return self._record(label, ok, expected, actual, _expectation(label, ok, expected, actual))

    def subset(self, name: str, actual: Any, expected: Any, *, contains: bool = False) -> Outcome:
        """``expected`` is contained in ``actual`` (dict keys recursively; lists element-wise,
        or with ``contains=True`` each expected element matches some actual element)."""
        data = _data(actual)
        problems = compare.subset_mismatches(data, expected, contains=contains)
        message = f"{name}: matches" if not problems else f"{name}: " + "; ".join(problems[:5])
        return self._record(name, not problems, expected, data, message)

    def money(self, name: str, actual: Any, expected: Any) -> Outcome:
        """Amounts equal within 0.005 (compared as Decimal)."""
        ok = compare.money_equal(actual, expected)
        return self._record(name, ok, expected, actual, _expectation(name, ok, expected, actual))

    def length(self, name: str, obj: Any, n: int) -> Outcome:
        """``len(obj) == n``."""
        try:
            actual = len(obj)
        except TypeError:
            return self._record(name, False, n, None, f"{name}: {type(obj).__name__} has no length")
        ok = actual == n
        message = f"{name} == {n}" if ok else f"{name}: expected {n} items, got {actual}"
        return self._record(name, ok, n, actual, message)

    def unique(self, name: str, seq: Iterable[Any]) -> Outcome:
        """No value appears twice in ``seq``."""
        values = list(seq)
        seen: set[str] = set()
        duplicates = []
        for value in values:
            key = repr(value)
            if key in seen and value not in duplicates:
                duplicates.append(value)
            seen.add(key)
        ok = not duplicates
        message = (
            f"{name}: {len(values)} distinct values" if ok else f"{name}: duplicates {duplicates!r}"
        )
        return self._record(name, ok, "no duplicates", duplicates or len(values), message)

    def one_of(self, name: str, actual: Any, options: Iterable[Any]) -> Outcome:
        """``actual`` equals one of ``options``."""
        choices = list(options)
        ok = any(compare.equal(actual, option) for option in choices)
        message = (
            f"{name} = {actual!r} (one of {choices!r})"
            if ok
            else (f"{name}: expected one of {choices!r}, got {actual!r}")
        )
        return self._record(name, ok, choices, actual, message)

    def true(self, name: str, condition: Any, detail: str | None = None) -> Outcome:
        """``condition`` is truthy; ``detail`` explains what was checked."""
        ok = bool(condition)
        message = f"{name}" + (f": {detail}" if detail else "")
        return self._record(name, ok, True, ok, message if ok else f"{message} (was false)")

    def fail(self, name: str, message: str, *, expected: Any = None, actual: Any = None) -> Outcome:
        """Record a failed check found by other means (a contract violation, a lost event)."""
        return self._record(name, False, expected, actual, f"{name}: {message}")

    def matches(self, name: str, actual: Any, regex: str) -> Outcome:
        """The whole of ``str(actual)`` matches ``regex``."""
        ok = actual is not None and re.fullmatch(regex, str(actual)) is not None
        message = (
            f"{name} matches /{regex}/" if ok else (f"{name}: {actual!r} does not match /{regex}/")
        )
        return self._record(name, ok, f"/{regex}/", actual, message)

    def changed(
        self, diff: Any, key: Any, column: str, *, from_: Any = ANY, to: Any = ANY
    ) -> Outcome:
        """A snapshot diff shows ``column`` of row ``key`` changed (optionally from → to)."""
        name = f"{column}[{key}]"
        change = diff.change(key, column)
        wanted = {k: v for k, v in (("from", from_), ("to", to)) if v is not ANY}
        if change is None:
            return self._record(name, False, wanted or "a change", None, f"{name}: unchanged")
        actual = {"from": change[0], "to": change[1]}
        ok = all(compare.equal(actual[k], v) for k, v in wanted.items())
        message = f"{name}: {change[0]!r} → {change[1]!r}"
        if not ok:
            message += f", expected {wanted.get('from', '…')!r} → {wanted.get('to', '…')!r}"
        return self._record(name, ok, wanted or "a change", actual, message)

    def unchanged(self, name: str, diff: Any) -> Outcome:
        """A snapshot diff is empty (no row added, removed or changed)."""
        ok = diff.empty
        return self._record(name, ok, "no changes", diff.describe(), f"{name}: {diff.describe()}")

    def has_keys(self, name: str, actual: Any, keys: Iterable[str]) -> Outcome:
        """``actual`` (a mapping, or a Response's JSON object) has every one of ``keys``."""
        data = _data(actual)
        wanted = list(keys)
        if not isinstance(data, dict):
            message = f"{name}: expected an object with keys {wanted}, got {type(data).__name__}"
            return self._record(name, False, wanted, data, message)
        missing = [k for k in wanted if k not in data]
        message = (
            f"{name} has keys {', '.join(wanted)}"
            if not missing
            else f"{name}: missing keys {missing} (has {sorted(data)[:20]})"
        )
        return self._record(name, not missing, wanted, sorted(data), message)

    def json_schema(
        self, name: str, actual: Any, schema: dict[str, Any] | os.PathLike[str]
    ) -> Outcome:
        """``actual`` (a value, a Response's JSON, or JSON text such as a JSON column read
        from SQLite) validates against JSON Schema ``schema``: a dict, or the path of a schema
        file (``s.params.root / "contracts" / "events" / "checkout.completed.json"``), so a
        notebook names the contract instead of reading it. A file that cannot be read as JSON
        is a failed check naming it, like a broken schema."""
        from jsonschema import exceptions, validators

        if isinstance(schema, os.PathLike):
            try:
                schema = json.loads(Path(schema).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                message = f"{name}: cannot read the schema file {os.fspath(schema)}: {exc}"
                return self._record(name, False, "a valid JSON Schema", None, message)
        data = _data(actual)
        if isinstance(data, str) and data.lstrip()[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                data = json.loads(data)
        try:
            validator_class = validators.validator_for(schema)
            validator_class.check_schema(schema)
        except exceptions.SchemaError as exc:
            return self._record(
                name, False, "a valid JSON Schema", None, f"{name}: bad schema: {exc.message}"
            )
        errors = sorted(validator_class(schema).iter_errors(data), key=lambda e: list(e.path))
        if not errors:
            return self._record(name, True, "valid", "valid", f"{name} matches the schema")
        problems = [f"{_where(e.absolute_path)}: {e.message}" for e in errors[:5]]
        more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
        message = f"{name}: " + "; ".join(problems) + more
        return self._record(name, False, "valid", problems, message)

    def is_type(self, name: str, actual: Any, expected: type | tuple[type, ...]) -> Outcome:
        """``isinstance(actual, expected)`` (``bool`` is not accepted as an ``int``)."""
        types = expected if isinstance(expected, tuple) else (expected,)
        shown = " or ".join(t.__name__ for t in types)
        ok = isinstance(actual, types) and not (
            isinstance(actual, bool) and bool not in types and int in types
        )
        got = type(actual).__name__
        message = f"{name} is {shown}" if ok else f"{name}: expected {shown}, got {got} {actual!r}"
        return self._record(name, ok, shown, got, message)

    def skip(self, reason: str, *, name: str = "skipped") -> None:
        """Record a skipped check (shown, counted, never a failure)."""
        self._record(name, None, None, None, reason)

    # -- recording and showing ---------------------------------------------------------

    def _record(
        self, name: str, ok: bool | None, expected: Any, actual: Any, message: str
    ) -> Outcome:
        test_id = self._test_id()
        xfail = self._xfail(test_id)
        status = SKIPPED if ok is None else (PASSED if ok else (XFAIL if xfail else FAILED))
        red = self._redactor
        self._seq += 1
        result = CheckResult(
            seq=self._seq,
            test_id=test_id,
            name=red.text(str(name)),
            status=status,
            expected=red.value(jsonable(expected)),
            actual=red.value(jsonable(actual)),
            message=red.text(message),
            at=round(time.time(), 3),
            xfail=red.text(xfail) if xfail and status == XFAIL else None,
            cell=self._cells.current(),
        )
        self._cells.file(self.results, result)  # a re-run cell replaces its earlier records
        self._on_record(result)
        self._display(render(result))
        return Outcome(result)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == FAILED]

    def counts(self) -> dict[str, int]:
        statuses = (PASSED, FAILED, SKIPPED, XFAIL)
        return {s: sum(r.status == s for r in self.results) for s in statuses}

    def checklist(self, items: dict[str, tuple[str, list[str]]]):
        """A plan's acceptance checklist as a table: ``{item: (how it was verified, [test ids])}``
        → one row per item, ✓ when every check of those tests passed (✗ if any failed or none
        ran; – if all were skipped)."""
        import pandas as pd

        rows = []
        for item, (how, test_ids) in items.items():
            statuses = {r.status for r in self.results if r.test_id in test_ids}
            if FAILED in statuses or not statuses:
                mark = _MARK[FAILED][0]
            else:
                mark = _MARK[PASSED][0] if PASSED in statuses else _MARK[SKIPPED][0]
            rows.append({"item": item, "verified by": how, "tests": ", ".join(test_ids), "": mark})
        return pd.DataFrame(rows)

    def summary(self):
        """A DataFrame, one row per check."""
        import pandas as pd

        columns = list(CheckResult.__dataclass_fields__)
        return pd.DataFrame([r.payload() for r in self.results], columns=columns)


def _data(source: Any) -> Any:
    """A Response's JSON body (or text), anything else as is."""
    return source.body() if isinstance(source, Response) else source


def _where(path: Iterable[Any]) -> str:
    steps = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return steps.lstrip(".") or "(root)"


def _expectation(name: str, ok: bool, expected: Any, actual: Any) -> str:
    shown_expected, shown_actual = plain_repr(expected), plain_repr(actual)
    return (
        f"{name} == {shown_expected}"
        if ok
        else f"{name}: expected {shown_expected}, got {shown_actual}"
    )


def render(result: CheckResult) -> dict[str, Any]:
    """The MIME bundle of a check: HTML, plain text and the check JSON."""
    mark, color = _MARK[result.status]
    test = f"[{result.test_id}] " if result.test_id else ""
    note = f" (xfail: {result.xfail})" if result.status == XFAIL else ""
    text = f"{mark} {test}{result.message}{note}"
    detail = ""
    if result.status in (FAILED, XFAIL):
        detail = failure_detail_html(result.expected, result.actual)  # diffview.py
    html = (
        f"<div class='phasebook-check {result.status}'>"
        f"<span style='color:{color};font-weight:bold'>{mark}</span> "
        f"<span style='color:#6e7781'>{escape(test)}</span>{escape(result.message)}"
        f"<i style='color:{color}'>{escape(note)}</i>{detail}</div>"
    )
    return {"text/plain": text, "text/html": html, CHECK_MIME: result.payload()}
