"""Which route template a request path belongs to, so latencies group by endpoint.

With the platform's OpenAPI (any object with ``route(method, path) -> str | None``, such as
``phasebook.openapi.OpenApiContract``) the template is the one the platform publishes.
Without it, a documented heuristic replaces a path segment by ``{id}`` when it is

1. a number (``42``), a UUID, or a hex id of 16+ characters (``65f0c2…``);
2. a prefixed token with a digit (``tok_9f8a7b6c``, ``usr_2b7Xk9q1``);
3. a slug with a digit or three and more words (``blue-shirt-42``, ``the-big-red-book``);
4. or, seen across the run, one of 8 or more distinct values in the same position after a
   parent path that was itself requested (``/api/v1/products`` and ``…/products/laptop``,
   ``…/products/mouse``, …): an item of a collection, whatever its spelling.

The query string and fragment never take part.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

PLACEHOLDER = "{id}"
MANY_VALUES = 8
_ID = re.compile(
    r"^(\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{16,}|[A-Za-z]+_(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{6,})$"
)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
_KEEP = re.compile(r"^(v\d+|api)$")


class Contract(Protocol):
    def route(self, method: str, path: str) -> str | None: ...


def bare_path(path: str) -> str:
    return path.split("?", 1)[0].split("#", 1)[0]


def _looks_like_id(segment: str) -> bool:
    if _ID.match(segment):
        return True
    if _SLUG.match(segment):
        words = segment.split("-")
        return any(ch.isdigit() for ch in segment) or len(words) >= 3
    return False


def normalize_path(path: str) -> str:
    """``path`` without its query, with id-like segments (rules 1–3) replaced by ``{id}``."""
    segments = bare_path(path).split("/")
    return "/".join(PLACEHOLDER if _looks_like_id(seg) else seg for seg in segments)


class RouteTemplates:
    """Route templates for the paths of one run (rule 4 needs all of them at once)."""

    def __init__(self, paths: Iterable[str], contract: Contract | None = None) -> None:
        self._contract = contract
        self._many: set[tuple[str, int]] = set()
        values: dict[tuple[str, int], set[str]] = defaultdict(set)
        known = {normalize_path(p).rstrip("/") for p in paths}
        for path in known:
            segments = path.split("/")
            for index, segment in enumerate(segments):
                if segment != PLACEHOLDER and not _KEEP.match(segment):
                    values["/".join(segments[:index]), index].add(segment)
        self._many = {
            (parent, index)
            for (parent, index), seen in values.items()
            if len(seen) >= MANY_VALUES and parent in known
        }

    def template(self, method: str, path: str) -> str:
        """The route template of ``METHOD path``."""
        if self._contract is not None:
            try:
                found = self._contract.route(method.upper(), bare_path(path))
            except (LookupError, ValueError):
                found = None
            if found:
                return found
        segments = normalize_path(path).split("/")
        for index in range(len(segments)):
            if ("/".join(segments[:index]), index) in self._many:
                segments[index] = PLACEHOLDER
        return "/".join(segments)
