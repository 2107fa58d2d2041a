"""An exclusive notebook that fails halfway leaves its faults; ``--embedded`` undoes them.

The first notebook stops notifications, pauses orders and sets ``payment.failure_rate`` to 1,
then fails before it can undo anything. The second, run after it, finds every service
running and the settings of the run's start: the runner healed the platform in between.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from suite_cli import REPO, failures_by_test_id, run_phasebook

pytest.importorskip("shopstack.cli")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

BREAKS = """\
import phasebook
s = phasebook.session("01_breaks")
s.test("B.1", "faults left in place")
s.platform.stop("notifications")
s.platform.pause("orders")
s.admin.patch("/api/v1/admin/config", json={"settings": {"payment.failure_rate": 1}}).expect(200)
s.checks.equal("an unexpected answer", 1, 2)
raise RuntimeError("the notebook stops before its clean-up cells")
"""

FINDS = """\
import phasebook
s = phasebook.session("02_finds")
s.test("F.1", "the platform as the run found it")
states = s.platform.states()
s.checks.equal("services not healthy", sorted(k for k, v in states.items() if v != "healthy"), [])
config = s.admin.get("/api/v1/admin/config").expect(200).json
s.checks.equal("payment.failure_rate", config["settings"]["payment.failure_rate"], 0)
s.finish()
"""


def _notebook(path: Path, source: str) -> None:
    nb = new_notebook(cells=[new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["phasebook"] = {"exclusive": True}
    nbformat.write(nb, path)


def test_a_failed_exclusive_notebook_leaves_no_fault_to_the_next(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "01_breaks.ipynb", BREAKS)
    _notebook(notebooks / "02_finds.ipynb", FINDS)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPSTACK_", "PHASEBOOK_"))}
    args = ["--embedded", "--notebooks", str(notebooks), "--out", str(out)]
    proc = run_phasebook(*args, env=env, cwd=REPO, timeout=300)
    assert proc.returncode == 1, proc.stderr
    failures = failures_by_test_id(out / "junit.xml")
    assert failures["B.1"] is not None
    assert failures["F.1"] is None, failures
    assert "platform restored after 01_breaks" in proc.stderr, proc.stderr
    restored = next(line for line in proc.stderr.splitlines() if "restored after" in line)
    for what in ("orders resumed", "notifications started", "payment.failure_rate"):
        assert what in restored, restored
