"""Request latencies by endpoint, from the journal rows of the results payload.

An endpoint is ``METHOD path`` with numeric ids, UUIDs and long hex ids replaced by ``{id}``
and the query string dropped, so ``GET /api/v1/products/7`` and ``.../8`` group together.
Percentiles are nearest-rank.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

_ID_SEGMENT = re.compile(
    r"^(\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{16,}|[A-Za-z]+_(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{8,})$"
)


@dataclass(frozen=True)
class EndpointLatency:
    method: str
    path: str
    count: int
    p50_ms: float
    p95_ms: float
    max_ms: float

    def as_dict(self) -> dict:
        return asdict(self)


def normalize_path(path: str) -> str:
    """``path`` without its query, with id-like segments replaced by ``{id}``."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    return "/".join("{id}" if _ID_SEGMENT.match(seg) else seg for seg in path.split("/"))


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def endpoint_latencies(rows: Iterable[Mapping]) -> list[EndpointLatency]:
    """Count, p50, p95 and max of ``elapsed_ms`` per endpoint, sorted by path then method."""
    groups: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        elapsed = row.get("elapsed_ms")
        if not isinstance(elapsed, int | float) or isinstance(elapsed, bool):
            continue
        key = (str(row.get("method", "?")).upper(), normalize_path(str(row.get("path", ""))))
        groups.setdefault(key, []).append(float(elapsed))
    return [
        EndpointLatency(
            method,
            path,
            len(values),
            round(percentile(values, 50), 1),
            round(percentile(values, 95), 1),
            round(max(values), 1),
        )
        for (method, path), values in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ]
