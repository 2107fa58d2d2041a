"""Keep the runner's own processes (the CLI and its workers) from paying for an import
they never use.

jsonschema, which nbformat imports to validate notebooks, imports ``rfc3987_syntax`` when it
is installed (jupyterlab's dependencies install it) to check the ``iri`` formats; that module
builds a Lark grammar at import: 1.5 CPU s, measured here, most of papermill's and
nbconvert's import time. Notebook schemas have no ``iri`` format, so the runner's processes
tell Python the module is absent. Kernels are not affected: a notebook that validates
``iri`` formats still gets them.
"""

from __future__ import annotations

import sys

SKIPPED = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Mark :data:`SKIPPED` as not installed in this process (before jsonschema loads)."""
    for name in SKIPPED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type] - None: "not installed"
