"""Showing things: MIME bundles for Jupyter, plain text elsewhere, JSON-safe payloads.

Everything phasebook shows goes through :func:`emit`, so that outside IPython (plain python,
pytest, the runner) a display never crashes: it prints the ``text/plain`` part instead.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

Bundle = dict[str, Any]
Emit = Callable[[Bundle], None]

CHECK_MIME = "application/vnd.phasebook.check+json"
RESULTS_MIME = "application/vnd.phasebook.results+json"
LOAD_MIME = "application/vnd.phasebook.load+json"  # a load run's figures (phasebook.load)
SEQUENCE_MIME = "application/vnd.phasebook.sequence+json"  # one test's calls (report.sequence)


def emit(bundle: Bundle) -> None:
    """Display ``bundle`` (a MIME type → data dict) in a kernel; print text/plain otherwise."""
    shell = _ipython()
    if shell is not None:
        from IPython.display import display

        display(bundle, raw=True)
    elif bundle.get("text/plain"):
        print(bundle["text/plain"])


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    return get_ipython()


def escape(value: object) -> str:
    """HTML-escaped ``str(value)``."""
    return html.escape(str(value), quote=True)


def pretty_json(value: object) -> str:
    """Indented JSON for display (non-JSON values shown via ``jsonable``)."""
    if isinstance(value, str):
        return value
    return json.dumps(jsonable(value), indent=2, ensure_ascii=False, sort_keys=False)


def jsonable(value: object) -> Any:
    """``value`` converted to something ``json.dumps`` accepts (Decimal → float, dates → ISO)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    item = getattr(value, "item", None)  # numpy / pandas scalars
    if callable(item):
        try:
            return jsonable(item())
        except (TypeError, ValueError):
            pass
    return repr(value)


def shorten(text: str, limit: int = 120) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
