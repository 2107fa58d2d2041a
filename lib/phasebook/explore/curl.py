""" "Copy as curl": a journaled request as a shell command, with secrets shown as ``***``."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from ..redact import Redactor


def as_curl(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
    redactor: Redactor | None = None,
) -> str:
    """The curl command that sends this request again, redacted.

    ``headers`` go through :meth:`Redactor.headers` (Authorization, Cookie and registered
    secrets become ``***``); the URL and body through the redactor too. The command is for
    reading and editing: put the real credentials back in before running it.
    """
    red = redactor or Redactor()
    parts = ["curl", "-sS", "-X", method.upper(), shlex.quote(red.url(url))]
    for name, value in red.headers(dict(headers or {})).items():
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(red.value(body), ensure_ascii=False)
        parts += ["-H", shlex.quote("Content-Type: application/json")]
        parts += ["--data-raw", shlex.quote(red.text(text))]
    return " ".join(parts)
