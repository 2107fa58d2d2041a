"""What a load run leaves in the executed notebook for the run's report.

Locust's CSVs live in a temporary directory that the report never sees, so each run also
displays one output of MIME type ``application/vnd.phasebook.load+json``: the headline
figures, the per-endpoint table and the aggregated history (req/s, p95, users, failures per
second; at most :data:`MAX_POINTS` rows). A few kB, never a secret (names and numbers only).
"""

from __future__ import annotations

import math
from typing import Any

from ..display import LOAD_MIME, emit
from . import endpoints as names
from .stats import EndpointMissing

MAX_POINTS = 120
_ENDPOINT_FIELDS = ("method", "name", "requests", "failures", "rps", "p50", "p95", "p99")
_HISTORY_FIELDS = ("t", "users", "rps", "p95", "failures_per_s")


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def load_summary(run: Any, label: str) -> dict[str, Any]:
    """The payload of one :class:`~phasebook.load.run.LoadRun` (see the module doc)."""
    history = run.history[run.history["name"] == names.AGGREGATED]
    step = max(1, math.ceil(len(history) / MAX_POINTS))
    rows = history.iloc[::step]
    sustain = run.sustain
    return {
        "label": label,
        "requests": run.requests,
        "error_rate_pct": round(run.error_rate_pct, 3),
        "sustain_s": [sustain.start, sustain.end],
        "figures": {
            "requests_per_s": _number(run.rate(names.AGGREGATED)),
            "p95_ms": _number(run.percentile(names.AGGREGATED, "p95")),
            "p99_ms": _number(run.percentile(names.AGGREGATED, "p99")),
            "checkout_p95_ms": _number(_percentile(run, names.CHECKOUT_HAPPY, "p95")),
            "orders_per_min": _number(60 * run.rate(names.CHECKOUT_HAPPY)) or None,
            "peak_users": int(history["users"].max()) if not history.empty else 0,
        },
        "endpoints": [
            {
                k: (_number(r[k]) if k not in ("method", "name") else str(r[k]))
                for k in _ENDPOINT_FIELDS
            }
            for r in run.endpoints.to_dict("records")
        ],
        "history": [[_number(r[k]) for k in _HISTORY_FIELDS] for r in rows.to_dict("records")],
        "history_fields": list(_HISTORY_FIELDS),
    }


def _percentile(run: Any, name: str, pct: str) -> float | None:
    try:
        return run.percentile(name, pct)
    except EndpointMissing:  # the read step sends no checkout
        return None


def show_summary(run: Any, label: str) -> None:
    """Display the payload with a one-line text part (the runner reads the payload back)."""
    summary = load_summary(run, label)
    figures = summary["figures"]
    rps = figures["requests_per_s"] or 0.0
    text = (
        f"Locust {label} run: {summary['requests']:,} requests, "
        f"{summary['error_rate_pct']:.2f} % errors, {rps:.1f} req/s (sustain), "
        f"p95 {figures['p95_ms'] or 0:.0f} ms, {figures['peak_users']} users at peak"
    )
    emit({"text/plain": text, LOAD_MIME: summary})
