"""Building blocks shared by the explorer's panels: cards, the persona box, the import."""

from __future__ import annotations

from typing import Any

from ..display import escape
from ..errors import ConfigError


def ipywidgets() -> Any:
    """The ipywidgets module (a dependency of phasebook), with a clear error if it is missing."""
    try:
        import ipywidgets as widgets
    except ImportError as exc:  # pragma: no cover - ipywidgets is a core dependency
        raise ConfigError("the explorer needs ipywidgets: pip install 'ipywidgets>=8.1'") from exc
    return widgets


def error_card(message: str) -> str:
    return f"<div class='phasebook-error' style='color:#cf222e'>✗ {escape(message)}</div>"


def note_card(message: str) -> str:
    """A panel's feature the platform lacks: say why instead of failing."""
    return f"<div class='phasebook-note' style='color:#6e7781'>{escape(message)}</div>"


def persona_names(session: Any) -> list[str]:
    """The params' persona names (``s.users``), if the session has any."""
    users = getattr(session, "users", None)
    try:
        return sorted(users) if users is not None else []
    except TypeError:
        return []


def persona_box(session: Any, description: str = "as user") -> Any:
    """A combobox: a persona name, a numeric user id, or empty for the session's own."""
    w = ipywidgets()
    return w.Combobox(
        value="",
        options=persona_names(session),
        placeholder="persona or user id (empty: the session's)",
        description=description,
        ensure_option=False,
    )


def who_from(text: str | None) -> str | int | None:
    """What the persona box holds, as ``as_user=``: None, a user id, or a persona name."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text
