"""``{field}`` templates filled from a persona: login bodies, header values, JWT claims.

A string that is exactly ``"{field}"`` becomes the field's value with its type (an int stays
an int); otherwise every ``{field}`` is replaced by ``str(value)``. ``{{`` and ``}}`` are
literal braces. Mappings and lists are filled recursively.

``{field?}`` is optional: when the persona has no such field, the string that names it is left
out — a mapping drops that key, a list that item, and a template that is only that string
fills to :data:`OMITTED`. So ``X-Tenant-Id: "{tenant?}"`` is sent by the personas that have a
tenant and by no other. A plain ``{field}`` the persona lacks is a ConfigError (a typo shows).
"""

from __future__ import annotations

import re
from typing import Any

from .personas import Persona

_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(\?)?\}")


class _Omitted:
    def __repr__(self) -> str:
        return "OMITTED"


#: What a template fills to when it names an optional field the persona does not have.
OMITTED = _Omitted()


def fill(template: Any, persona: Persona) -> Any:
    """``template`` with every ``{field}`` replaced from ``persona`` (ConfigError if missing;
    an optional ``{field?}`` that is missing leaves out the string that names it)."""
    if isinstance(template, dict):
        filled = {key: fill(value, persona) for key, value in template.items()}
        return {key: value for key, value in filled.items() if value is not OMITTED}
    if isinstance(template, list):
        return [item for item in (fill(item, persona) for item in template) if item is not OMITTED]
    if not isinstance(template, str):
        return template
    if any(optional and name not in persona.fields for name, optional in _names(template)):
        return OMITTED
    whole = _FIELD.fullmatch(template)
    if whole and whole.group(1):
        return persona[whole.group(1)]

    def substitute(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        return str(persona[match.group(1)])

    return _FIELD.sub(substitute, template)


def _names(template: str) -> list[tuple[str, bool]]:
    """Each ``{field}`` of a string template, with whether it is optional (``{field?}``)."""
    return [(m.group(1), bool(m.group(2))) for m in _FIELD.finditer(template) if m.group(1)]


def fields_used(template: Any) -> set[str]:
    """The ``{field}`` names a template needs."""
    if isinstance(template, dict):
        return set().union(*(fields_used(v) for v in template.values())) if template else set()
    if isinstance(template, list):
        return set().union(*(fields_used(v) for v in template)) if template else set()
    if not isinstance(template, str):
        return set()
    return {name for name, _optional in _names(template)}
