"""A Lab session never changes the committed notebooks: it works on copies in lab/.

JupyterLab is started as `make lab` starts it (`jupyter lab --notebook-dir=<working copies>`).
A notebook is executed and saved back through Jupyter's contents API, an output-stripped save
(what Lab's autosave did to 05_checkout) too, and a save aimed at ../notebooks/ is refused:
notebooks/*.ipynb stay byte-identical.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT, clean_env
from .jupyter_server import jupyter_lab

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
COMMITTED = ROOT / "notebooks"


def put(base: str, token: str, path: str, notebook: dict) -> int:
    body = json.dumps({"type": "notebook", "format": "json", "content": notebook}).encode()
    request = urllib.request.Request(
        f"{base}/api/contents/{path}",
        data=body,
        method="PUT",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_executing_and_saving_through_jupyter_leaves_committed_notebooks_byte_identical(
    platform, tmp_path
):
    before = {p.name: p.read_bytes() for p in COMMITTED.glob("*.ipynb")}
    lab_dir = tmp_path / "lab"
    copied = subprocess.run(
        [sys.executable, "-m", "phasebook.workcopies", str(COMMITTED), str(lab_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "01_health.ipynb: copied" in copied.stdout
    env = clean_env(  # what `make lab` exports (the working copies are outside the repo here)
        SHOPSTACK_STATE_DIR=platform["state_dir"],
        PHASEBOOK_PARAMS=str(ROOT / "params" / "local.yaml"),
    )

    executed = nbformat.read(lab_dir / "01_health.ipynb", as_version=4)
    NotebookClient(
        executed, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(lab_dir)}}
    ).execute(env=env)
    stripped = nbformat.read(lab_dir / "05_checkout.ipynb", as_version=4)
    for cell in stripped.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None

    with jupyter_lab(lab_dir, env=env, log=tmp_path / "lab.log") as (base, token):
        assert put(base, token, "01_health.ipynb", executed) == 200
        assert put(base, token, "05_checkout.ipynb", stripped) == 200
        assert put(base, token, "../notebooks/05_checkout.ipynb", stripped) in (400, 403, 404)

    after = {p.name: p.read_bytes() for p in COMMITTED.glob("*.ipynb")}
    assert after == before
    saved = (lab_dir / "05_checkout.ipynb").read_bytes()
    assert saved != before["05_checkout.ipynb"]
    assert '"outputs": []' in saved.decode()
