"""rfc3987_syntax's grammar compiles when an IRI is checked, not when jsonschema is imported;
every result is the real module's. Each case runs in a fresh interpreter (sys.modules)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from phasebook import deferred_grammar

pytest.importorskip("rfc3987_syntax")

IRIS = ["http://example.com/ä/b?q=1#f", "not an iri", "urn:isbn:0451450523", "http://[::1", ""]
GRAMMAR = "rfc3987_syntax.syntax_helpers"


def _run(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


CHECK = f"""
import json, sys
import jsonschema
compiled_at_import = {GRAMMAR!r} in sys.modules
checker = jsonschema.FormatChecker()
iri = [checker.conforms(v, "iri") for v in {IRIS!r}]
ref = [checker.conforms(v, "iri-reference") for v in {IRIS!r}]
print(json.dumps({{"compiled_at_import": compiled_at_import, "iri": iri, "ref": ref,
    "real_now": {GRAMMAR!r} in sys.modules
    and type(sys.modules["rfc3987_syntax"]).__name__ == "module"}}))
"""


def test_importing_phasebook_then_jsonschema_defers_the_grammar_not_the_results() -> None:
    deferred = _run("import phasebook\n" + CHECK)
    eager = _run(CHECK)  # no phasebook: jsonschema imports the real module itself

    assert deferred["compiled_at_import"] is False
    assert eager["compiled_at_import"] is True
    assert deferred["iri"] == eager["iri"] == [True, False, True, False, False]
    assert deferred["ref"] == eager["ref"]
    assert deferred["real_now"] is True


def test_the_stand_in_delegates_every_name_and_submodule() -> None:
    seen = _run(
        """
        import json, sys
        import phasebook
        import rfc3987_syntax
        stand_in = type(rfc3987_syntax).__name__
        import rfc3987_syntax.utils  # a submodule, through the stand-in's __path__
        tree = rfc3987_syntax.parse(term="iri", value="http://example.com/x")
        print(json.dumps({"stand_in": stand_in, "tree": type(tree).__name__,
            "now": type(sys.modules["rfc3987_syntax"]).__name__,
            "valid": rfc3987_syntax.is_valid_syntax("iri", "http://example.com/x")}))
        """
    )
    assert seen == {"stand_in": "_Deferred", "tree": "Tree", "now": "module", "valid": True}


def test_nothing_is_registered_when_the_module_is_loaded_or_absent(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, deferred_grammar.NAME, sys.modules.get("json"))
    assert deferred_grammar.defer_rfc3987_syntax() is False
    assert sys.modules[deferred_grammar.NAME] is sys.modules["json"]

    monkeypatch.delitem(sys.modules, deferred_grammar.NAME)
    monkeypatch.setattr(deferred_grammar.importlib.util, "find_spec", lambda name: None)
    assert deferred_grammar.defer_rfc3987_syntax() is False
    assert deferred_grammar.NAME not in sys.modules
