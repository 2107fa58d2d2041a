"""phasebook.explore: widgets for a person debugging a platform in JupyterLab.

    import phasebook
    from phasebook import explore
    s = phasebook.session("explore")
    explore.console(s)     # method, path, JSON body, persona → response; journal, replay, curl
    explore.state(s)       # API views per user; per database a table picker and read-only SQL
    explore.trace(s)       # checkout / order / request id → one timeline ordered by time
    explore.platform(s)    # local platforms: services with stop/start/pause/resume/kill

Each works with any params: a panel whose feature the platform lacks (no databases, no state
dir, no mailbox) says why instead of failing. ``explore.timeline(s, id)`` is the trace without
a widget (a :class:`Timeline`, also ``.to_frame()``). notebooks/explore.ipynb uses them all.
"""

from __future__ import annotations

from typing import Any

from .console import RequestConsole
from .platform_panel import PlatformPanel
from .state import StateBrowser
from .timeline import Entry, Timeline
from .trace_panel import TracePanel
from .tracing import trace as timeline

__all__ = [
    "Entry",
    "PlatformPanel",
    "RequestConsole",
    "StateBrowser",
    "Timeline",
    "TracePanel",
    "console",
    "platform",
    "state",
    "timeline",
    "trace",
]


def console(session: Any) -> RequestConsole:
    """The request console of ``session``."""
    return RequestConsole(session)


def state(session: Any, *, views: dict[str, str] | None = None) -> StateBrowser:
    """The state browser (``views``: API views by name, default shopstack's)."""
    return StateBrowser(session, views=views)


def trace(session: Any, ident: str = "") -> TracePanel:
    """The trace panel, optionally pre-filled with a checkout / order / request id."""
    return TracePanel(session, ident)


def platform(session: Any) -> PlatformPanel:
    """The platform panel (says why when the platform is not local)."""
    return PlatformPanel(session)
