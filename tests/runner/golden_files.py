"""Golden files (Hurl-style): expected output pinned in tests/runner/golden/.

``{ANY}`` in a golden file matches any text on one line. Regenerate after an intended change
with ``PHASEBOOK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/runner``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PHASEBOOK_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    pattern = ".*?".join(re.escape(part) for part in expected.split("{ANY}"))
    assert re.fullmatch(pattern, actual), (
        f"{name} differs:\n--- expected\n{expected}\n--- actual\n{actual}"
    )
