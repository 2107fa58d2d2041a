"""Defence in depth: no secret value reaches a file the runner writes.

The library already redacts inside notebooks. The runner also masks the values of every
environment variable whose name says it is a secret (TOKEN, SECRET, PASSWORD) and any extra
value it knows (the embedded admin token) in every file it writes: JSON files value by value
(so they stay valid JSON), text files (HTML, XML) by substitution.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from phasebook.redact import Redactor, is_secret_name

MIN_SECRET_LENGTH = 6  # shorter values ("1", "true") would mangle unrelated text


def _written_forms(secret: str) -> set[str]:
    """``secret`` as it may appear in a file: raw, HTML/XML-escaped, JSON-escaped."""
    return {secret, html.escape(secret), html.escape(secret, quote=False), json.dumps(secret)[1:-1]}


class Scrubber:
    """Masks known secret values in text, JSON-like values and written files."""

    def __init__(self, secrets: Iterable[str] = ()):
        kept = [s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH]
        self._redactor = Redactor(form for s in kept for form in _written_forms(s))

    @classmethod
    def from_env(cls, env: Mapping[str, str], extra: Iterable[str] = ()) -> Scrubber:
        """A scrubber for the secret-named variables of ``env`` plus ``extra`` values."""
        values = [v for k, v in env.items() if is_secret_name(k)]
        return cls([*values, *extra])

    def text(self, value: str) -> str:
        return self._redactor.text(value)

    def value(self, obj: object) -> object:
        return self._redactor.value(obj)

    def write_text(self, path: Path, text: str) -> None:
        """Write ``text`` to ``path`` with every secret masked."""
        path.write_text(self.text(text), encoding="utf-8")

    def write_json(self, path: Path, obj: object, *, indent: int = 2) -> None:
        """Write ``obj`` as JSON with secrets masked in every key and string value."""
        text = json.dumps(self.value(obj), indent=indent, ensure_ascii=False, default=str)
        path.write_text(text + "\n", encoding="utf-8")

    def scrub_json_file(self, path: Path) -> dict:
        """Rewrite a JSON file (an executed .ipynb) masked; return the masked object."""
        obj = self.value(json.loads(path.read_text(encoding="utf-8")))
        path.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return obj
