"""Defer ``rfc3987_syntax``'s grammar until something checks an IRI.

jsonschema imports ``rfc3987_syntax`` when it is installed (jupyterlab's dependencies install
it) to check the ``iri`` and ``iri-reference`` formats, and that module compiles an Earley
grammar with Lark at import: 1.5 s measured here (``python -X importtime -c 'import
jsonschema'``), most of a first contract-checked request. phasebook's validators check no
format, so every kernel paid it for nothing.

:func:`defer_rfc3987_syntax` puts a stand-in module under that name before jsonschema loads.
Any use of it (jsonschema's ``iri`` check, ``rfc3987_syntax.parse``, a submodule import)
imports the real module and delegates to it, and from then on the real module is in
``sys.modules``. Results are the real module's; only the moment the grammar is compiled moves.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

NAME = "rfc3987_syntax"
_lock = threading.Lock()


class _Deferred(types.ModuleType):
    """Stands for ``rfc3987_syntax`` until one of its names is used."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):  # introspection (copy, pickle, doctest) loads nothing
            raise AttributeError(attr)
        return getattr(_real(), attr)


def is_valid_syntax(term: str, value: str) -> bool:
    """The real ``rfc3987_syntax.is_valid_syntax`` (what jsonschema binds at its import)."""
    return _real().is_valid_syntax(term, value)


def _real() -> types.ModuleType:
    with _lock:
        stand_in = sys.modules.get(NAME)
        if isinstance(stand_in, _Deferred):
            del sys.modules[NAME]  # so the import below loads the real module
        try:
            return importlib.import_module(NAME)
        except BaseException:
            if isinstance(stand_in, _Deferred):
                sys.modules[NAME] = stand_in
            raise


def defer_rfc3987_syntax() -> bool:
    """Register the stand-in; False (nothing done) when the module is already imported, or
    not installed (jsonschema then goes without the ``iri`` formats, as it would anyway)."""
    if NAME in sys.modules:
        return False
    spec = importlib.util.find_spec(NAME)
    if spec is None:
        return False
    stand_in = _Deferred(NAME, __doc__)
    stand_in.__spec__ = spec
    stand_in.__path__ = list(spec.submodule_search_locations or [])
    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
    return True
