"""``index.html``: the one page a reviewer opens — tests, failures as diffs, charts, history.

Rendered from ``templates/report_index.html.j2``: inline CSS and inline SVG charts, no
scripts, no external references, so it reads the same offline and as a CI artifact.
Traffic of exclusive notebooks (fault injection, load: ``phasebook.exclusive`` in their
metadata) is kept out of the normal latency table and shown on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import jinja2
from markupsafe import Markup

from phasebook.diffview import diff_html, failure_summary, is_structured, show
from phasebook.report.charts import Bars, hbar_chart, line_chart
from phasebook.report.history import RunSummary, history_svg
from phasebook.report.latency import EndpointLatency, endpoint_latencies
from phasebook.report.results import NotebookResult
from phasebook.report.run import RunInfo, notebook_dict, run_status, test_dict, totals
from phasebook.report.sequence import messages_of, sequence_svg

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FIGURES = ("requests_per_s", "p95_ms", "p99_ms", "checkout_p95_ms", "orders_per_min", "peak_users")


def index_html(
    run: RunInfo,
    results: Sequence[NotebookResult],
    *,
    history: Sequence[RunSummary] = (),
    key_endpoints: Sequence[str] = (),
) -> str:
    """The HTML of the run's index page (``history``: earlier runs and this one, oldest first)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    normal = [row for r in results if not r.exclusive for row in r.journal]
    exclusive = [row for r in results if r.exclusive for row in r.journal]
    latency, latency_exclusive = endpoint_latencies(normal), endpoint_latencies(exclusive)
    return env.get_template("report_index.html.j2").render(
        run=asdict(run),
        status=run_status(results),
        totals=totals(results),
        notebooks=[notebook_dict(r) for r in results],
        tests=[{"notebook": r.name, **test_dict(t)} for r in results for t in r.tests],
        failures=_failures(results),
        skipped=_skipped(results),
        errors=[{"notebook": r.name, **asdict(r.error)} for r in results if r.error],
        latency=latency,
        latency_chart=_latency_chart(latency, "Request latency by endpoint"),
        latency_exclusive=latency_exclusive,
        exclusive_names=[r.name for r in results if r.exclusive],
        latency_exclusive_chart=_latency_chart(
            latency_exclusive, "Latency in exclusive notebooks (faults, load)"
        ),
        convergence_chart=_convergence_chart(results),
        load_runs=[_load_run(r.name, load) for r in results for load in r.load_runs],
        history_chart=Markup(history_svg(history, key_endpoints)),
        history_runs=len(history),
        sequences=_sequences(results),
    )


def _latency_chart(rows: Sequence[EndpointLatency], title: str) -> Markup:
    bars = [Bars(f"{e.method} {e.path}", [e.p50_ms, e.p95_ms, e.p99_ms]) for e in rows]
    return Markup(hbar_chart(bars, ["p50", "p95", "p99"], unit=" ms", title=title) if bars else "")


def _convergence_chart(results: Sequence[NotebookResult]) -> Markup:
    """How long each ``eventually`` took to see its condition hold (payload ``timings``)."""
    bars = [
        Bars(f"{r.name}: {name}", [float(seconds)])
        for r in results
        for name, seconds in r.timings.items()
        if isinstance(seconds, int | float) and not isinstance(seconds, bool)
    ]
    title = "Convergence times (eventually)"
    return Markup(hbar_chart(bars, ["seconds"], unit=" s", title=title) if bars else "")


def _load_run(notebook: str, load: dict) -> dict:
    fields = load.get("history_fields") or ["t", "users", "rps", "p95", "failures_per_s"]
    rows = [dict(zip(fields, row, strict=False)) for row in load.get("history") or []]

    def series(name: str) -> list[tuple[float, float]]:
        return [
            (r["t"], r[name]) for r in rows if r.get("t") is not None and r.get(name) is not None
        ]

    label = f"{notebook} — Locust {load.get('label', '')} run"
    charts = [
        line_chart(
            {"req/s": series("rps"), "failures/s": series("failures_per_s")},
            title=f"{label}: throughput",
            x_unit="s",
            y_unit="req/s",
        ),
        line_chart({"p95": series("p95")}, title=f"{label}: p95 latency", x_unit="s", y_unit="ms"),
        line_chart({"users": series("users")}, title=f"{label}: users", x_unit="s", y_unit="users"),
    ]
    return {
        "notebook": notebook,
        "label": load.get("label", ""),
        "requests": load.get("requests"),
        "error_rate_pct": load.get("error_rate_pct"),
        "figures": {key: (load.get("figures") or {}).get(key) for key in FIGURES},
        "endpoints": load.get("endpoints") or [],
        "charts": Markup("".join(charts)),
    }


def _failures(results: Sequence[NotebookResult]) -> list[dict]:
    return [
        {
            "notebook": r.name,
            "test_id": check.get("test_id") or "",
            "title": r.titles.get(str(check.get("test_id")), ""),
            "name": check.get("name") or "",
            "message": failure_summary(check),
            "expected": _shown(check.get("expected")),
            "actual": _shown(check.get("actual")),
            "diff": Markup(diff_html(check.get("expected"), check.get("actual")))
            if is_structured(check.get("expected"), check.get("actual"))
            else None,
            "cell": check.get("cell"),
        }
        for r in results
        for check in r.failed_checks
    ]


def _skipped(results: Sequence[NotebookResult]) -> list[dict]:
    """One row per skipped test (its reasons joined), not one per skipped check."""
    rows = []
    for r in results:
        for test in r.tests:
            reasons = [
                str(c.get("message") or c.get("name"))
                for c in test.checks
                if c.get("status") == "skipped"
            ]
            if reasons:
                unique = "; ".join(dict.fromkeys(reasons))
                rows.append(
                    {
                        "notebook": r.name,
                        "test_id": test.test_id,
                        "title": test.title,
                        "reason": unique,
                    }
                )
    return rows


def _sequences(results: Sequence[NotebookResult]) -> list[dict]:
    """One diagram per notebook and test id, each with its own arrowhead marker id."""
    drawn = [
        (r.name, test_id, payload) for r in results for test_id, payload in r.sequences.items()
    ]
    return [
        {
            "notebook": name,
            "test_id": test_id,
            "svg": Markup(
                sequence_svg(
                    messages_of(payload),
                    title=f"{name} · Test {test_id}",
                    arrow_id=f"pb-arrow-{index}",
                )
            ),
        }
        for index, (name, test_id, payload) in enumerate(drawn)
    ]


def _shown(value: object) -> str:
    return value if isinstance(value, str) else show(value)
