"""``phasebook run --embedded`` against the real shopstack: started, handed to kernels, down."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from suite_cli import run_phasebook

pytest.importorskip("shopstack.cli")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

REPO = Path(__file__).resolve().parents[2]

PROBE = """\
import json, os, pathlib, urllib.request
from IPython.display import display

state = pathlib.Path(os.environ["SHOPSTACK_STATE_DIR"])
gateway = json.loads((state / "platform.json").read_text())["gateway_url"]
health = urllib.request.urlopen(gateway + "/health").status
print("admin token:", os.environ["SHOPSTACK_ADMIN_TOKEN"])
c = {"seq": 1, "test_id": "0.1", "name": "gateway health", "status":
     "passed" if health == 200 else "failed", "expected": 200, "actual": health, "message": ""}
display({"text/plain": "check", "application/vnd.phasebook.check+json": c}, raw=True)
display({"text/plain": "results", "application/vnd.phasebook.results+json":
         {"version": 1, "checks": [c], "summary": {}, "journal": []}}, raw=True)
print("state dir:", state)
"""


def _shopstack_processes(state_dir: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "environ"]):
        try:
            environ = proc.info["environ"] or {}
        except psutil.Error:
            continue
        if environ.get("SHOPSTACK_STATE_DIR") == state_dir or state_dir in " ".join(
            proc.info["cmdline"] or []
        ):
            found.append(proc)
    return found


def test_embedded_run_hands_platform_to_kernels_and_takes_it_down(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = new_notebook(cells=[new_code_cell(PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, notebooks / "01_probe.ipynb")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPSTACK_", "PHASEBOOK_"))}
    args = ["--embedded", "--notebooks", str(notebooks), "--out", str(out)]
    proc = run_phasebook(*args, env=env, cwd=REPO, timeout=240)
    assert proc.returncode == 0, proc.stderr
    executed = (out / "01_probe.ipynb").read_text()
    assert "admin token: ***" in executed
    state_dir = executed.split("state dir: ")[1].split("\\n")[0]
    assert json.loads((out / "results.json").read_text())["run"]["embedded"] is True
    assert not Path(state_dir).exists()
    assert _shopstack_processes(state_dir) == []
