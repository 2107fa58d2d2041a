"""Expected vs actual as a field-level diff: which paths differ, as text and as HTML.

    differences({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 3]})
    → [Difference(path="b[1]", kind="changed", expected=2, actual=3)]

Numbers compare by value (``2599.98`` equals ``Decimal("2599.98")``), as the checks do.
numpy and pandas scalars are shown as plain numbers (``3899.97``, never
``np.float64(3899.97)``). The HTML is self-contained (inline styles), so it reads the same in
a notebook cell, an exported notebook and the run's ``index.html``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import compare
from .display import jsonable

MAX_DIFFERENCES = 50
_NUMPY_REPR = re.compile(r"\b(?:np|numpy)\.(?:float|int|uint|bool_?)\d*\(([^()]*)\)")
_CHANGED = "background:#ffebe9;color:#82071e;border-radius:2px"
_ADDED = "background:#dafbe1;color:#116329;border-radius:2px"


@dataclass(frozen=True)
class Difference:
    """One differing path: ``changed`` value, ``missing`` from actual, ``unexpected`` in it."""

    path: str
    kind: str
    expected: Any = None
    actual: Any = None

    def describe(self) -> str:
        where = self.path or "value"
        if self.kind == "missing":
            return f"{where}: missing (expected {show(self.expected)})"
        if self.kind == "unexpected":
            return f"{where}: unexpected {show(self.actual)}"
        return f"{where}: expected {show(self.expected)}, got {show(self.actual)}"


def plain(value: Any) -> Any:
    """``value`` with numpy/pandas scalars, Decimals and dates as plain JSON values
    (a JSON round trip: ``np.float64`` subclasses float, and would keep its repr)."""
    return json.loads(json.dumps(jsonable(value), ensure_ascii=False))


def show(value: Any) -> str:
    """One value as compact JSON text: ``3899.97``, ``"abc"``, ``{"a": 1}``."""
    value = plain(value)
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def plain_repr(value: Any) -> str:
    """``repr`` with numpy/pandas scalars as plain numbers: ``3899.97``, ``'abc'``, ``None``."""
    converted = jsonable(value)
    if isinstance(converted, str) and not isinstance(value, str):
        return converted  # no JSON form: jsonable already gave its repr
    return repr(plain(value))


def failure_detail_html(expected: Any, actual: Any) -> str:
    """What a failed check shows under its message: the field-level diff of two JSON
    values, else expected and actual as plain values."""
    if is_structured(expected, actual):
        return f"<div style='margin-left:1.5em'>{diff_html(expected, actual)}</div>"
    rows = "".join(
        f"<tr><td>{label}</td><td><code>{html.escape(_cut(plain_repr(value)))}</code></td></tr>"
        for label, value in (("expected", expected), ("actual", actual))
    )
    return f"<table style='margin-left:1.5em'>{rows}</table>"


def _cut(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def failure_summary(check: Mapping) -> str:
    """A failed check in one line, its name once: ``name: expected X, got Y``; for JSON
    values the first differing fields (``name: total: expected 1, got 2``); for a true()
    check its message (it holds the figures)."""
    expected, actual = check.get("expected"), check.get("actual")
    name = str(check.get("name") or "")
    message = unwrap_numpy(str(check.get("message") or name))
    if isinstance(expected, bool) and isinstance(actual, bool):
        return message
    if is_structured(expected, actual):
        fields = diff_text(expected, actual, indent="").splitlines()
        more = f" (+{len(fields) - 3} more)" if len(fields) > 3 else ""
        return f"{name}: " + "; ".join(fields[:3]) + more
    if message.startswith(f"{name}:"):
        return message  # the check's own words (a string stays quoted: '2599.98')
    if "expected" in message:
        return f"{name}: {message}"  # e.g. a status check: "POST /x: expected status 200, …"
    return f"{name}: expected {show(expected)}, got {show(actual)}"


def unwrap_numpy(text: str) -> str:
    """``np.float64(3899.97)`` → ``3899.97`` inside a message written before values were
    made plain (payloads of older runs)."""
    return _NUMPY_REPR.sub(r"\1", str(text))


def differences(expected: Any, actual: Any, path: str = "") -> list[Difference]:
    """Every path where ``actual`` differs from ``expected`` (at most MAX_DIFFERENCES)."""
    found: list[Difference] = []
    _walk(plain(expected), plain(actual), path, found)
    return found[:MAX_DIFFERENCES]


def _walk(expected: Any, actual: Any, path: str, found: list[Difference]) -> None:
    if len(found) >= MAX_DIFFERENCES:
        return
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        for key in expected:
            sub = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(Difference(sub, "missing", expected=expected[key]))
            else:
                _walk(expected[key], actual[key], sub, found)
        for key in actual:
            if key not in expected:
                sub = f"{path}.{key}" if path else str(key)
                found.append(Difference(sub, "unexpected", actual=actual[key]))
        return
    if isinstance(expected, list) and isinstance(actual, list):
        for index in range(max(len(expected), len(actual))):
            sub = f"{path}[{index}]"
            if index >= len(actual):
                found.append(Difference(sub, "missing", expected=expected[index]))
            elif index >= len(expected):
                found.append(Difference(sub, "unexpected", actual=actual[index]))
            else:
                _walk(expected[index], actual[index], sub, found)
        return
    if not compare.equal(actual, expected):
        found.append(Difference(path, "changed", expected, actual))


def is_structured(expected: Any, actual: Any) -> bool:
    """True when a field-level diff says more than "expected X, got Y" (both containers)."""
    kinds = (Mapping, list, tuple)
    return isinstance(plain(expected), kinds) and isinstance(plain(actual), kinds)


def diff_text(expected: Any, actual: Any, *, indent: str = "  ") -> str:
    """The differing paths, one per line (empty when nothing differs)."""
    return "\n".join(f"{indent}{d.describe()}" for d in differences(expected, actual))


def diff_html(expected: Any, actual: Any) -> str:
    """Expected and actual side by side as indented JSON, differing fields highlighted,
    above a list of the differing paths. Every differing value carries ``data-diff-path``."""
    found = differences(expected, actual)
    marked = {d.path: d.kind for d in found}
    items = (
        "".join(f"<li><code>{html.escape(d.describe())}</code></li>" for d in found)
        or "<li>no field differs (types differ)</li>"
    )
    left = _tree(plain(expected), "", marked, side="expected")
    right = _tree(plain(actual), "", marked, side="actual")
    cell = "vertical-align:top;text-align:left;padding:.2em .8em;border:1px solid #d0d7de"
    pre = "margin:0;white-space:pre-wrap;font-size:12px"
    return (
        "<div class='pb-diff'>"
        f"<ul class='pb-diff-paths' style='margin:.2em 0 .4em 1.2em;padding:0'>{items}</ul>"
        "<table class='pb-diff-table' style='border-collapse:collapse'>"
        f"<tr><th style='{cell}'>expected</th><th style='{cell}'>actual</th></tr>"
        f"<tr><td style='{cell}'><pre style='{pre}'>{left}</pre></td>"
        f"<td style='{cell}'><pre style='{pre}'>{right}</pre></td></tr></table></div>"
    )


def _tree(value: Any, path: str, marked: dict[str, str], *, side: str, depth: int = 0) -> str:
    """``value`` as indented JSON HTML; nodes whose path differs are wrapped in a mark."""
    pad = "  " * (depth + 1)
    if _marked_on(side, marked.get(path)):
        return _mark(html.escape(json.dumps(value, ensure_ascii=False, indent=1)), path, marked)
    if isinstance(value, Mapping) and value:
        rows = [
            f"{pad}{html.escape(json.dumps(str(k)))}: "
            + _tree(v, f"{path}.{k}" if path else str(k), marked, side=side, depth=depth + 1)
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(rows) + "\n" + "  " * depth + "}"
    if isinstance(value, list) and value:
        rows = [
            pad + _tree(v, f"{path}[{i}]", marked, side=side, depth=depth + 1)
            for i, v in enumerate(value)
        ]
        return "[\n" + ",\n".join(rows) + "\n" + "  " * depth + "]"
    return html.escape(json.dumps(value, ensure_ascii=False))


def _marked_on(side: str, kind: str | None) -> bool:
    if kind == "changed":
        return True
    return (kind, side) in {("missing", "expected"), ("unexpected", "actual")}


def _mark(text: str, path: str, marked: dict[str, str]) -> str:
    style = _ADDED if marked[path] in ("missing", "unexpected") else _CHANGED
    return (
        f"<mark class='pb-diff-field pb-diff-{marked[path]}' data-diff-path="
        f"'{html.escape(path or '$')}' style='{style}'>{text}</mark>"
    )
