"""``${VAR}`` and ``${VAR:-default}`` interpolation of params values from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import ConfigError

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass
class Interpolated:
    """The interpolated text and the names of the environment variables it used."""

    text: str
    variables: list[str] = field(default_factory=list)


def interpolate(
    text: str,
    environ: Mapping[str, str],
    *,
    where: str,
    missing: list[tuple[str, str]] | None = None,
) -> Interpolated:
    """Replace every ``${VAR}`` / ``${VAR:-default}`` in ``text``.

    ``where`` ("params/staging.yaml: auth.jwt_secret") prefixes the error raised when a
    variable without a default is not set. An empty variable counts as set, and
    ``${VAR:-default}`` uses the default for unset *and* empty variables, as the shell does.
    With a ``missing`` list, unset variables are appended to it as ``(name, where)`` and
    replaced by nothing, so a caller can report every one of them at once.
    """
    used: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = environ.get(name)
        if value is not None and (value != "" or default is None):
            used.append(name)
            return value
        if default is not None:
            return default
        if missing is not None:
            missing.append((name, where))
            return ""
        raise ConfigError(
            f"{where}: environment variable {name} is not set — export it "
            f"(export {name}=...) or give a default in the params file (${{{name}:-value}})"
        )

    return Interpolated(_REFERENCE.sub(substitute, text), used)


def missing_variables_error(source: str, missing: list[tuple[str, str]]) -> ConfigError:
    """One error naming every unset variable of ``source`` and the field using each.

    ``missing`` holds ``(variable, where)`` pairs as collected by :func:`interpolate`, with
    ``where`` = ``"<source>: <field>"``.
    """
    if len(missing) == 1:
        name, where = missing[0]
        return ConfigError(
            f"{where}: environment variable {name} is not set — export it "
            f"(export {name}=...) or give a default in the params file (${{{name}:-value}})"
        )
    names = list(dict.fromkeys(name for name, _ in missing))
    uses = "; ".join(f"{name} ({where.removeprefix(source + ': ')})" for name, where in missing)
    exports = " ".join(f"{name}=..." for name in names)
    return ConfigError(
        f"{source}: {len(names)} environment variables are not set: {uses} — export them "
        f"(export {exports}) or give defaults in the params file (${{VAR:-value}})"
    )
