"""Request latencies by endpoint, from the journal rows of the results payload.

An endpoint is ``METHOD template``: the route template from the platform's OpenAPI when
known (a journal row's ``route``, or a ``contract``), else the heuristic of
:mod:`phasebook.report.routes` (ids, UUIDs, tokens, slugs → ``{id}``), so
``GET /api/v1/products/7`` and ``.../8`` group together. Percentiles are nearest-rank.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from phasebook.report.routes import Contract, RouteTemplates, normalize_path

__all__ = ["EndpointLatency", "endpoint_latencies", "normalize_path", "percentile"]


@dataclass(frozen=True)
class EndpointLatency:
    method: str
    path: str
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _elapsed(row: Mapping) -> float | None:
    elapsed = row.get("elapsed_ms")
    if not isinstance(elapsed, int | float) or isinstance(elapsed, bool):
        return None
    return float(elapsed)


def endpoint_latencies(
    rows: Iterable[Mapping], *, contract: Contract | None = None
) -> list[EndpointLatency]:
    """Count, p50, p95, p99 and max of ``elapsed_ms`` per endpoint, by path then method."""
    rows = [row for row in rows if _elapsed(row) is not None]
    routes = RouteTemplates((str(r.get("path", "")) for r in rows), contract)
    groups: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        method = str(row.get("method", "?")).upper()
        route = row.get("route")  # the platform's OpenAPI template, when the kernel knew it
        template = route if isinstance(route, str) and route else None
        key = (method, template or routes.template(method, str(row.get("path", ""))))
        groups.setdefault(key, []).append(_elapsed(row))  # type: ignore[arg-type]
    return [
        EndpointLatency(
            method,
            path,
            len(values),
            round(percentile(values, 50), 1),
            round(percentile(values, 95), 1),
            round(percentile(values, 99), 1),
            round(max(values), 1),
        )
        for (method, path), values in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
