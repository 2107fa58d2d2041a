"""Small charts as inline SVG: no script, no font or style sheet from elsewhere.

Each chart is a string of ``<svg>`` to drop into an HTML page. Every data point is an element
with class ``pb-point`` and a ``<title>`` (the browser shows it on hover), so a test can count
points and a reader can read exact figures.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PALETTE = ("#0969da", "#bf8700", "#cf222e", "#1a7f37", "#8250df", "#57606a")
STATUS_COLOURS = {
    "passed": "#2da44e",
    "failed": "#cf222e",
    "error": "#bf8700",
    "skipped": "#8c959f",
    "xfail": "#8250df",
    "absent": "#eaeef2",
}
_FONT = "font-family:system-ui,sans-serif;font-size:11px"
#: a bar's label, at about 6 px a character, within the 260 px left of the bars (44 lost
#: their first letters: "_dependency_outage: O.3 …"); the full label is in each bar's title
LABEL_CHARS = 40


@dataclass(frozen=True)
class Bars:
    """One row of a grouped horizontal bar chart: a label and one value per series."""

    label: str
    values: Sequence[float | None]


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _nice_max(value: float) -> float:
    return _axis(value)[-1]


def _axis(value: float, most: int = 5) -> list[float]:
    """Round tick values from 0 up to at least ``value``: steps of 1, 2 or 5 × 10^k, at most
    ``most`` intervals (0, 50, 100, 150 rather than 0, 37.5, 75, 112.5)."""
    if value <= 0:
        return [0.0, 1.0]
    rough = value / most
    exponent = 10 ** math.floor(math.log10(rough))
    step = next(m * exponent for m in (1, 2, 5, 10) if m * exponent >= rough)
    count = math.ceil(value / step - 1e-9)
    return [round(step * n, 10) for n in range(count + 1)]


def _svg(width: int, height: int, body: str, *, label: str) -> str:
    return (
        f"<svg class='pb-chart' role='img' aria-label='{_esc(label)}' "
        f"xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' style='{_FONT}'>{body}</svg>"
    )


def _legend(names: Sequence[str], x: float, y: float) -> str:
    parts, left = [], x
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f"<rect x='{left}' y='{y - 8}' width='10' height='10' fill='{colour}'/>"
            f"<text x='{left + 14}' y='{y + 1}'>{_esc(name)}</text>"
        )
        left += 24 + 6 * len(name)
    return "".join(parts)


def hbar_chart(rows: Sequence[Bars], series: Sequence[str], *, unit: str, title: str) -> str:
    """Grouped horizontal bars: one group per row, one bar per series (e.g. p50/p95/p99)."""
    label_w, plot_w, bar_h, gap = 260, 420, 7, 8
    group_h = bar_h * len(series) + gap
    height = 44 + group_h * len(rows) + 22
    top = 38
    ticks = _axis(max((v or 0) for r in rows for v in r.values) if rows else 0)
    peak = ticks[-1]
    body = [f"<text x='0' y='12' font-weight='600'>{_esc(title)}</text>"]
    body.append(_legend(series, label_w, 28))
    for tick in ticks:
        x = label_w + plot_w * tick / peak
        body.append(
            f"<line x1='{x:.1f}' y1='{top - 4}' x2='{x:.1f}' y2='{height - 20}' "
            "stroke='#eaeef2'/>"
            f"<text x='{x:.1f}' y='{height - 6}' text-anchor='middle'>"
            f"{_fmt(tick)}{_esc(unit) if tick == peak else ''}</text>"
        )
    for index, row in enumerate(rows):
        y0 = top + index * group_h
        body.append(
            f"<text x='{label_w - 6}' y='{y0 + group_h / 2}' text-anchor='end'>"
            f"{_esc(_cut(row.label, LABEL_CHARS))}</text>"
        )
        for k, value in enumerate(row.values):
            if value is None:
                continue
            width = max(1.0, plot_w * value / peak)
            body.append(
                f"<rect class='pb-point' x='{label_w}' y='{y0 + k * bar_h}' "
                f"width='{width:.1f}' height='{bar_h - 1}' fill='{PALETTE[k % len(PALETTE)]}'>"
                f"<title>{_esc(row.label)} {_esc(series[k])}: {_fmt(value)}{_esc(unit)}"
                "</title></rect>"
            )
    return _svg(label_w + plot_w + 40, height, "".join(body), label=title)


def line_chart(
    series: Mapping[str, Sequence[tuple[float, float]]],
    *,
    title: str,
    x_unit: str,
    y_unit: str,
    width: int = 720,
    height: int = 170,
) -> str:
    """Lines over a shared x axis, one per series, with a marker per point."""
    left, right, top, bottom = 64, 40, 40, 26
    points = [p for values in series.values() for p in values]
    if not points:
        return ""
    x_min, x_max = min(p[0] for p in points), max(p[0] for p in points)
    y_ticks = _axis(max(p[1] for p in points), most=3)
    y_max = y_ticks[-1]
    span = (x_max - x_min) or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(point: tuple[float, float]) -> tuple[float, float]:
        return (
            left + plot_w * (point[0] - x_min) / span,
            top + plot_h * (1 - point[1] / y_max),
        )

    body = [f"<text x='0' y='12' font-weight='600'>{_esc(title)}</text>"]
    body.append(_legend(list(series), left, 28))
    for tick in y_ticks:  # the unit beside the top value, where no other label is
        y = top + plot_h * (1 - tick / y_max)
        body.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{width - right}' y2='{y:.1f}' stroke='#eaeef2'/>"
            f"<text x='{left - 4}' y='{y + 4:.1f}' text-anchor='end'>"
            f"{_fmt(tick)}{' ' + _esc(y_unit) if tick == y_max else ''}</text>"
        )
    x_ticks = [x_min + t for t in _axis(x_max - x_min) if t <= x_max - x_min + 1e-9] or [x_min]
    if all(float(p[0]).is_integer() for p in points):  # run numbers: no run 1.5
        x_ticks = [t for t in x_ticks if float(t).is_integer()]
    for tick in x_ticks:
        x = left + plot_w * (tick - x_min) / span
        body.append(f"<text x='{x:.1f}' y='{height - 6}' text-anchor='middle'>{_fmt(tick)}</text>")
    body.append(f"<text x='{width - right + 4}' y='{height - 6}'>{_esc(x_unit)}</text>")
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        coords = [xy(p) for p in values]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f"<polyline fill='none' stroke='{colour}' stroke-width='1.5' points='{path}'/>")
        body += [
            f"<circle class='pb-point' cx='{x:.1f}' cy='{y:.1f}' r='2' fill='{colour}'>"
            f"<title>{_esc(name)} at {_fmt(p[0])} {_esc(x_unit)}: {_fmt(p[1])} {_esc(y_unit)}"
            "</title></circle>"
            for (x, y), p in zip(coords, values, strict=True)
        ]
    return _svg(width, height, "".join(body), label=title)


def status_grid(
    rows: Sequence[str], columns: Sequence[str], cells: Mapping[tuple[str, str], str], *, title: str
) -> str:
    """A grid of coloured squares: one row per notebook, one column per run (oldest left)."""
    label_w, size, top = 170, 14, 24
    width = max(label_w + size * max(len(columns), 1) + 10, 7 * len(title))
    height = top + size * len(rows) + 6
    body = [f"<text x='0' y='12' font-weight='600'>{_esc(title)}</text>"]
    for r, row in enumerate(rows):
        y = top + r * size
        body.append(f"<text x='{label_w - 6}' y='{y + 11}' text-anchor='end'>{_esc(row)}</text>")
        for c, column in enumerate(columns):
            status = cells.get((row, column), "absent")
            colour = STATUS_COLOURS.get(status, STATUS_COLOURS["absent"])
            body.append(
                f"<rect class='pb-point' x='{label_w + c * size}' y='{y}' width='{size - 2}' "
                f"height='{size - 2}' fill='{colour}'><title>{_esc(row)} {_esc(column)}: "
                f"{_esc(status)}</title></rect>"
            )
    return _svg(width, height, "".join(body), label=title)
