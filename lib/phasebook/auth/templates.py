"""``{field}`` templates filled from a persona: login bodies, header values, JWT claims.

A string that is exactly ``"{field}"`` becomes the field's value with its type (an int stays
an int); otherwise every ``{field}`` is replaced by ``str(value)``. ``{{`` and ``}}`` are
literal braces. Mappings and lists are filled recursively.
"""

from __future__ import annotations

import re
from typing import Any

from .personas import Persona

_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(template: Any, persona: Persona) -> Any:
    """``template`` with every ``{field}`` replaced from ``persona`` (ConfigError if missing)."""
    if isinstance(template, dict):
        return {key: fill(value, persona) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(item, persona) for item in template]
    if not isinstance(template, str):
        return template
    whole = _FIELD.fullmatch(template)
    if whole and whole.group(1):
        return persona[whole.group(1)]

    def substitute(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        return str(persona[match.group(1)])

    return _FIELD.sub(substitute, template)


def fields_used(template: Any) -> set[str]:
    """The ``{field}`` names a template needs."""
    if isinstance(template, dict):
        return set().union(*(fields_used(v) for v in template.values())) if template else set()
    if isinstance(template, list):
        return set().union(*(fields_used(v) for v in template)) if template else set()
    if not isinstance(template, str):
        return set()
    return {m.group(1) for m in _FIELD.finditer(template) if m.group(1)}
