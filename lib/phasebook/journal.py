"""The journal: every HTTP exchange of a session, already redacted.

Rows keep bodies for interactive display; :meth:`Journal.rows` (what goes into the results
payload) leaves them out. pandas is imported only when a frame is asked for.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

_ID_SEGMENT = re.compile(
    r"^(\d+|[0-9a-fA-F]{24}|[0-9a-fA-F]{32}|"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)
PAYLOAD_FIELDS = ("test_id", "method", "path", "status", "elapsed_ms", "request_id", "at")


@dataclass
class Exchange:
    """One request and its outcome (``status`` is None when no response arrived)."""

    test_id: str | None
    method: str
    path: str
    status: int | None
    elapsed_ms: float
    request_id: str
    client: str = "api"
    error: str | None = None
    request_body: Any = field(default=None, repr=False)
    response_body: Any = field(default=None, repr=False)
    at: float = field(default_factory=lambda: round(time.time(), 3))

    @property
    def sent_at(self) -> float:
        """Epoch seconds when the request was sent (``at`` minus the time it took)."""
        return self.at - self.elapsed_ms / 1000


def endpoint(path: str) -> str:
    """``path`` with id-like segments replaced by ``{id}``: ``/api/v1/cart/items/{id}``."""
    path = path.split("?", 1)[0]
    return "/".join("{id}" if _ID_SEGMENT.match(seg) else seg for seg in path.split("/"))


class Journal:
    """An append-only list of :class:`Exchange`."""

    def __init__(self) -> None:
        self._entries: list[Exchange] = []

    def record(self, exchange: Exchange) -> None:
        self._entries.append(exchange)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self):
        return iter(list(self._entries))

    def __getitem__(self, index: int) -> Exchange:
        return self._entries[index]

    @property
    def last(self) -> Exchange | None:
        return self._entries[-1] if self._entries else None

    def rows(self) -> list[dict[str, Any]]:
        """Exchanges without bodies, as written into the results payload."""
        return [{k: asdict(e)[k] for k in PAYLOAD_FIELDS} for e in self._entries]

    def to_frame(self, *, bodies: bool = False):
        """A pandas DataFrame, one row per exchange (``bodies=True`` keeps the bodies)."""
        import pandas as pd

        records = [asdict(e) for e in self._entries]
        if not bodies:
            for record in records:
                record.pop("request_body")
                record.pop("response_body")
        columns = list(Exchange.__dataclass_fields__)
        if not bodies:
            columns = [c for c in columns if not c.endswith("_body")]
        return pd.DataFrame.from_records(records, columns=columns)

    def latency_by_endpoint(self):
        """count / mean / p50 / p95 / max of elapsed_ms per method and endpoint."""
        import pandas as pd

        frame = self.to_frame()
        columns = ["method", "endpoint", "count", "mean_ms", "p50_ms", "p95_ms", "max_ms"]
        if frame.empty:
            return pd.DataFrame(columns=columns)
        frame["endpoint"] = frame["path"].map(endpoint)
        grouped = frame.groupby(["method", "endpoint"])["elapsed_ms"]
        table = grouped.agg(
            count="count",
            mean_ms="mean",
            p50_ms=lambda s: s.quantile(0.5),
            p95_ms=lambda s: s.quantile(0.95),
            max_ms="max",
        )
        return table.reset_index().round(2)[columns]

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()
