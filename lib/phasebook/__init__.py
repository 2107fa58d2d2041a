"""phasebook: integration-test plans as parameterized, executed Jupyter notebooks.

    import phasebook
    s = phasebook.session("03_cart", user_id=user_id)

The exceptions are imported eagerly (they are tiny); everything else is loaded on first use,
so ``import phasebook`` stays fast and imports neither pandas, SQLAlchemy nor httpx.
Auth providers and personas live in the ``phasebook.auth`` submodule.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .deferred_grammar import defer_rfc3987_syntax
from .errors import (
    ApiError,
    ApiTimeout,
    AuthError,
    ChecksFailed,
    ConfigError,
    ControlError,
    ControlUnavailable,
    DatabaseError,
    EventuallyTimeout,
    MailboxError,
    PhasebookError,
    PlatformUnreachable,
)

# jsonschema (contract checks) would compile rfc3987_syntax's IRI grammar at import, 1.5 s,
# for formats phasebook never checks: it now compiles on first use (deferred_grammar.py).
defer_rfc3987_syntax()

if TYPE_CHECKING:
    from .params import Params, load_params
    from .polling import eventually
    from .response import Response
    from .sessions import Session, session
    from .snapshot import Diff, Snapshot, diff

__all__ = [
    "ApiError",
    "ApiTimeout",
    "AuthError",
    "ChecksFailed",
    "ConfigError",
    "ControlError",
    "ControlUnavailable",
    "DatabaseError",
    "Diff",
    "EventuallyTimeout",
    "MailboxError",
    "Params",
    "PhasebookError",
    "PlatformUnreachable",
    "Response",
    "Session",
    "Snapshot",
    "diff",
    "eventually",
    "load_params",
    "session",
]

_LAZY = {
    "Diff": "snapshot",
    "Params": "params",
    "Response": "response",
    "Session": "sessions",
    "Snapshot": "snapshot",
    "diff": "snapshot",
    "eventually": "polling",
    "load_params": "params",
    "session": "sessions",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'phasebook' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
