"""Pooled kernels share nothing: what one notebook changes, the next one never sees.

Two notebooks through ``phasebook run --jobs 1`` (one worker, so the second runs on the
kernel forked right after the first): the first sets a global, monkeypatches a library
function and an environment variable; the second checks for each. The notebooks are
written with nbformat and carry no kernelspec, as users write them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from suite_cli import run_phasebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

RECORD = """\
import json, os
from IPython.display import display

CHECKS = []


def check(name, expected, actual):
    status = "passed" if expected == actual else "failed"
    c = {"seq": len(CHECKS) + 1, "test_id": "1", "name": name, "status": status,
         "expected": expected, "actual": actual, "message": name}
    CHECKS.append(c)
    display({"text/plain": f"{status} {name}: {actual!r}",
             "application/vnd.phasebook.check+json": c}, raw=True)


def finish(notebook):
    summary = {s: sum(c["status"] == s for c in CHECKS) for s in ("passed", "failed", "skipped")}
    payload = {"version": 1, "notebook": notebook, "checks": CHECKS, "summary": summary,
               "journal": [], "timings": {}}
    display({"text/plain": repr(summary), "application/vnd.phasebook.results+json": payload},
            raw=True)"""

FIRST = """\
import phasebook.checks

LEAKED_GLOBAL = "set by 01_first"
phasebook.checks.Checks.status = lambda self, *args, **kwargs: "patched by 01_first"
os.environ["LEAKED_VARIABLE"] = "set by 01_first"
check("the patch took here", "patched by 01_first", phasebook.checks.Checks.status(None, 1, 2))
print(json.dumps({"pid": os.getpid()}))"""

SECOND = """\
import phasebook.checks

check("no global from 01_first", False, "LEAKED_GLOBAL" in globals())
check("library function unpatched", "status", phasebook.checks.Checks.status.__name__)
check("no variable from 01_first", None, os.environ.get("LEAKED_VARIABLE"))
check("In and execution count fresh", [3, 3], [len(In), get_ipython().execution_count])
print(json.dumps({"pid": os.getpid()}))"""


def _write(folder: Path, name: str, body: str) -> None:
    cells = [new_code_cell(RECORD), new_code_cell(body), new_code_cell(f'finish("{name}")')]
    nbformat.write(new_notebook(cells=cells), folder / f"{name}.ipynb")  # no kernelspec


def _pid(executed: Path) -> int:
    cell = json.loads(executed.read_text(encoding="utf-8"))["cells"][1]
    text = "".join(
        o["text"] if isinstance(o["text"], str) else "".join(o["text"])
        for o in cell["outputs"]
        if o.get("name") == "stdout"
    )
    return json.loads(text)["pid"]


def test_second_notebook_sees_nothing_the_first_changed(tmp_path: Path, params_file: Path):
    notebooks, out = tmp_path / "notebooks", tmp_path / "out"
    notebooks.mkdir()
    _write(notebooks, "01_first", FIRST)
    _write(notebooks, "02_second", SECOND)
    args = ["--params", str(params_file), "--notebooks", str(notebooks), "--out", str(out)]
    proc = run_phasebook(*args, "--jobs", "1", env=dict(os.environ))
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    checks = {c["name"]: c for nb in results["notebooks"] for c in nb["checks"]}
    failed = {name: c["actual"] for name, c in checks.items() if c["status"] != "passed"}
    assert failed == {}, proc.stderr
    assert len(checks) == 5
    assert proc.returncode == 0, proc.stderr
    assert _pid(out / "01_first.ipynb") != _pid(out / "02_second.ipynb")
