"""Where things are: the repo root, the default params file and the default out dir."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


def find_root(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default cwd) holding pyproject.toml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return here


def default_out_dir(root: Path, now: datetime) -> Path:
    """``outputs/<YYYYmmdd-HHMMSS>`` under ``root``, suffixed when that run dir exists."""
    base = root / "outputs" / now.strftime("%Y%m%d-%H%M%S")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside it, for messages."""
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)
