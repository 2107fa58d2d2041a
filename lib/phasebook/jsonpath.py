"""A tiny path language for JSON-like data: ``items[0].quantity``, ``products[-1].name``."""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(-?\d+)\]|\[\"([^\"]*)\"\]|\['([^']*)'\]")


class PathNotFound(LookupError):
    """The path does not exist in the data; the message says which step failed."""


def parse(path: str) -> list[str | int]:
    """``"items[0].quantity"`` → ``["items", 0, "quantity"]``."""
    steps: list[str | int] = []
    position = 0
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or match.end() == position:
            raise ValueError(f"invalid path {path!r} at {path[position:]!r}")
        name, index, dquoted, squoted = match.groups()
        if index is not None:
            steps.append(int(index))
        else:
            steps.append(next(s for s in (name, dquoted, squoted) if s is not None))
        position = match.end()
    return steps


def resolve(data: Any, path: str) -> Any:
    """The value at ``path`` in ``data`` (raises PathNotFound)."""
    current = data
    walked = ""
    for step in parse(path):
        here = walked or "the root"
        if isinstance(step, int):
            if not isinstance(current, list | tuple):
                raise PathNotFound(f"{here} is {type(current).__name__}, not a list")
            if not -len(current) <= step < len(current):
                raise PathNotFound(f"{here} has {len(current)} items, no [{step}]")
            current = current[step]
            walked += f"[{step}]"
        else:
            if not isinstance(current, dict):
                raise PathNotFound(f"{here} is {type(current).__name__}, not an object")
            if step not in current:
                keys = ", ".join(map(str, list(current)[:10]))
                raise PathNotFound(f"{here} has no key {step!r} (keys: {keys})")
            current = current[step]
            walked += f".{step}" if walked else step
    return current
