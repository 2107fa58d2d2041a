"""Find the suite's notebooks and select some of them, like ``pytest -k``.

The suite is every ``NN_name.ipynb`` in the notebooks directory, sorted by name;
``explore.ipynb`` and anything else not starting with two digits and an underscore is not
part of it. A pattern selects by name: a glob when it contains ``*?[``, else a substring;
case-insensitive; several patterns select the union.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Sequence
from pathlib import Path

from phasebook.errors import ConfigError

SUITE_NOTEBOOK = re.compile(r"^\d\d_[^/]+\.ipynb$")
DEFAULT_KERNEL = "python3"  # the current Python's ipykernel


def discover(notebooks_dir: Path) -> list[Path]:
    """The suite notebooks in ``notebooks_dir``, sorted by name."""
    if not notebooks_dir.is_dir():
        raise ConfigError(f"notebooks directory {notebooks_dir} does not exist (see --notebooks)")
    return sorted(p for p in notebooks_dir.iterdir() if SUITE_NOTEBOOK.match(p.name))


def matches(name: str, pattern: str) -> bool:
    """True when notebook ``name`` (with or without .ipynb) is selected by ``pattern``."""
    stem, pattern = Path(name).stem.lower(), pattern.lower()
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(stem, pattern) or fnmatch.fnmatchcase(f"{stem}.ipynb", pattern)
    return pattern in f"{stem}.ipynb"


def select(notebooks: Sequence[Path], patterns: Sequence[str]) -> list[Path]:
    """The notebooks selected by any of ``patterns`` (all of them when there is none)."""
    if not patterns:
        return list(notebooks)
    return [nb for nb in notebooks if any(matches(nb.name, p) for p in patterns)]


def select_suite(notebooks_dir: Path, patterns: Sequence[str]) -> list[Path]:
    """Discover and select; an empty selection is a usage error that says what exists."""
    found = discover(notebooks_dir)
    if not found:
        raise ConfigError(f"no NN_*.ipynb notebooks in {notebooks_dir}")
    chosen = select(found, patterns)
    if not chosen:
        names = ", ".join(p.stem for p in found)
        joined = " or ".join(repr(p) for p in patterns)
        raise ConfigError(f"-k {joined} selects no notebook in {notebooks_dir} (found: {names})")
    return chosen


def _metadata(notebook: Path) -> dict:
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return {}  # unreadable notebooks fail later, in papermill, with a better message
    return metadata if isinstance(metadata, dict) else {}


def is_exclusive(notebook: Path) -> bool:
    """True when the notebook's metadata says it must run with no other notebook beside it
    (``{"phasebook": {"exclusive": true}}``): fault injection and load phases change the
    shared platform for everyone while they run."""
    return bool(_metadata(notebook).get("phasebook", {}).get("exclusive", False))


def kernel_name(notebook: Path) -> str:
    """The notebook's kernelspec name; a notebook without one (written with nbformat, as
    users do) runs on the current Python (``python3``) instead of failing in papermill with
    'No kernel name found in notebook'."""
    spec = _metadata(notebook).get("kernelspec")
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else DEFAULT_KERNEL
