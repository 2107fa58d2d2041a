"""Run history: the last runs found beside this one in ``outputs/``, from their results.json.

Each run directory written by ``phasebook run`` holds ``results.json``; a trend needs only
its status per notebook, its duration and the p95 of the key endpoints (the most requested
ones of the newest run). Directories without a readable results.json are passed over.
``phasebook history`` prints :func:`history_table`; ``index.html`` shows :func:`history_svg`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from phasebook.report.charts import line_chart, status_grid

DEFAULT_RUNS = 10
KEY_ENDPOINTS = 4


@dataclass
class RunSummary:
    """One past (or the current) run, as the trend shows it."""

    name: str
    started_at: str
    status: str
    duration_s: float
    notebooks: dict[str, str] = field(default_factory=dict)
    p95_ms: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)


def summarize(name: str, document: Mapping) -> RunSummary:
    """The :class:`RunSummary` of a results.json document."""
    run = document.get("run") or {}
    return RunSummary(
        name=name,
        started_at=str(run.get("started_at", "")),
        status=str(document.get("status", "?")),
        duration_s=float(run.get("duration_s") or 0.0),
        notebooks={
            str(nb.get("name")): str(nb.get("status")) for nb in document.get("notebooks", [])
        },
        p95_ms={
            f"{e.get('method')} {e.get('path')}": float(e.get("p95_ms") or 0.0)
            for e in document.get("latency", [])
        },
        counts={k: int(v) for k, v in (document.get("totals") or {}).items() if isinstance(v, int)},
        requests={
            f"{e.get('method')} {e.get('path')}": int(e.get("count") or 0)
            for e in document.get("latency", [])
        },
    )


def read_runs(
    outputs: Path, *, limit: int = DEFAULT_RUNS, exclude: Path | None = None
) -> list[RunSummary]:
    """The newest ``limit`` runs under ``outputs`` by start time (oldest first), not ``exclude``."""
    runs = []
    for path in outputs.glob("*/results.json"):
        if exclude is not None and path.parent.resolve() == exclude.resolve():
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(document, Mapping):
            runs.append(summarize(path.parent.name, document))
    runs.sort(key=lambda r: (r.started_at, r.name))
    return runs[-limit:] if limit > 0 else []


def key_endpoints(document: Mapping, count: int = KEY_ENDPOINTS) -> list[str]:
    """The ``count`` most requested endpoints of a results document."""
    rows = sorted(document.get("latency", []), key=lambda e: -int(e.get("count") or 0))
    return [f"{e.get('method')} {e.get('path')}" for e in rows[:count]]


def key_endpoints_of(runs: Sequence[RunSummary], count: int = KEY_ENDPOINTS) -> list[str]:
    """The ``count`` most requested endpoints over ``runs``, not only the newest one: a run of
    the load notebook alone (``-k 20_load``) has no normal traffic, and the trend lost its
    p95 columns after it."""
    totals: dict[str, int] = {}
    for run in runs:
        for endpoint, requests in run.requests.items():
            totals[endpoint] = totals.get(endpoint, 0) + requests
    return sorted(totals, key=lambda e: (-totals[e], e))[:count]


def history_table(runs: Sequence[RunSummary], endpoints: Sequence[str]) -> str:
    """The trend as a plain-text table, one line per run (oldest first)."""
    head = [
        "run",
        "status",
        "passed",
        "failed",
        "notebooks",
        "duration",
        *[f"p95 {e}" for e in endpoints],
    ]
    rows = [head]
    for run in runs:
        failed_nbs = [n for n, s in run.notebooks.items() if s in ("failed", "error")]
        rows.append(
            [
                run.name,
                run.status,
                str(run.counts.get("passed", "")),
                str(run.counts.get("failed", "")),
                f"{len(run.notebooks) - len(failed_nbs)}/{len(run.notebooks)} ok"
                + (f" (✗ {', '.join(failed_nbs)})" if failed_nbs else ""),
                f"{run.duration_s:.1f} s",
                *[_ms(run.p95_ms.get(e)) for e in endpoints],
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def history_svg(runs: Sequence[RunSummary], endpoints: Sequence[str]) -> str:
    """Status per notebook per run, run duration, and p95 of the key endpoints, as SVG."""
    if len(runs) < 2:
        return ""
    columns = [r.name for r in runs]
    notebooks = sorted({n for r in runs for n in r.notebooks})
    cells = {(n, r.name): s for r in runs for n, s in r.notebooks.items()}
    grid = status_grid(notebooks, columns, cells, title="notebook status per run (oldest left)")
    durations = line_chart(
        {"run duration": [(i, r.duration_s) for i, r in enumerate(runs)]},
        title="run duration",
        x_unit="run #",
        y_unit="s",
        width=360,
        height=140,
    )
    p95 = {e: [(i, r.p95_ms[e]) for i, r in enumerate(runs) if e in r.p95_ms] for e in endpoints}
    latency = line_chart(
        {e: v for e, v in p95.items() if v},
        title="p95 of key endpoints",
        x_unit="run #",
        y_unit="ms",
        width=720,
        height=170,
    )
    return grid + durations + latency
