"""``phasebook run`` end to end: real kernels, the three fixture notebooks, every output.

Kernel starts are slow, so one run of all three notebooks (module fixture) feeds most
assertions; the other tests execute one notebook each.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from suite_cli import FIXTURES, run_phasebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

SECRET = "fixture-secret-5f2c9a81d7"
ADMIN = "admin-token-0b7e64c3aa19"


def _external_references(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", html, flags=re.I)
    return [t for t in tags if re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", t)]


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory, params_file: Path):
    out = tmp_path_factory.mktemp("run") / "out"
    env = {**os.environ, "FIXTURE_API_TOKEN": SECRET, "SHOPSTACK_ADMIN_TOKEN": ADMIN}
    args = ["--params", str(params_file), "--notebooks", str(FIXTURES), "--out", str(out)]
    proc = run_phasebook(*args, "--jobs", "3", env=env)
    return proc, out


def test_failed_check_and_crash_exit_1_without_traceback(full_run) -> None:
    proc, _ = full_run
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_progress_has_a_line_per_notebook_and_a_summary(full_run) -> None:
    stderr = full_run[0].stderr
    assert re.search(r"✓ 01_pass +\d+\.\ds  2 passed", stderr)
    assert re.search(r"✗ 02_fail +\d+\.\ds  1 passed, 1 failed", stderr)
    assert re.search(r"✗ 03_crash +\d+\.\ds  1 passed; KeyError in cell \d+", stderr)
    assert "1/3 notebooks passed" in stderr


def test_out_dir_has_every_output(full_run) -> None:
    out = full_run[1]
    names = {p.name for p in out.iterdir()}
    expected = {
        f"{n}.{ext}" for n in ("01_pass", "02_fail", "03_crash") for ext in ("ipynb", "html")
    }
    assert expected | {"index.html", "junit.xml", "results.json"} <= names
    assert "explore.ipynb" not in names


def test_junit_has_failure_with_expected_actual_and_crash_error(full_run) -> None:
    root = ET.parse(full_run[1] / "junit.xml").getroot()
    counts = {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "6", "failures": "1", "errors": "1", "skipped": "0"}
    failure = root.find(".//testcase[@name='2.2 Total price']/failure")
    assert failure.get("message") == "total_price: expected 2599.98, got 2599.97"
    error = root.find(".//testsuite[@name='03_crash']/testcase[@name='notebook']/error")
    assert error.get("type") == "KeyError"


def _check_cell(ipynb: Path, seq: int) -> int:
    nb = nbformat.read(ipynb, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            check = output.get("data", {}).get("application/vnd.phasebook.check+json")
            if check and check["seq"] == seq:
                return index
    raise AssertionError(f"no check {seq} in {ipynb}")


def test_index_names_failed_test_and_links_its_cell(full_run) -> None:
    out = full_run[1]
    html = (out / "index.html").read_text()
    cell = _check_cell(out / "02_fail.ipynb", seq=2)
    assert "2.2</strong> Total price" in html
    assert f'href="02_fail.html#cell-{cell}"' in html
    assert f'id="cell-{cell}"' in (out / "02_fail.html").read_text()


def test_results_json_reads_back_each_notebook(full_run) -> None:
    doc = json.loads((full_run[1] / "results.json").read_text())
    by_name = {nb["name"]: nb for nb in doc["notebooks"]}
    assert {n: nb["status"] for n, nb in by_name.items()} == {
        "01_pass": "passed",
        "02_fail": "failed",
        "03_crash": "error",
    }
    assert by_name["03_crash"]["error"]["ename"] == "KeyError"
    assert by_name["02_fail"]["summary"] == {
        "passed": 1,
        "failed": 1,
        "skipped": 0,
        "xfail": 0,
        "xpass": 0,
    }
    endpoints = {(e["method"], e["path"]): e["count"] for e in doc["latency"]}
    assert endpoints[("GET", "/api/v1/products/{id}")] == 2
    assert doc["run"]["params_file"].endswith("suite.yaml")


def test_html_renders_offline(full_run) -> None:
    for page in full_run[1].glob("*.html"):
        assert _external_references(page.read_text()) == [], page.name


def test_secrets_are_scrubbed_from_every_file(full_run) -> None:
    out = full_run[1]
    for path in out.iterdir():
        text = path.read_text()
        assert SECRET not in text and ADMIN not in text, path.name
    assert "api token seen by the kernel: ***" in (out / "01_pass.ipynb").read_text()


def test_selected_passing_notebook_exits_0(tmp_path: Path, params_file: Path) -> None:
    args = ["--params", str(params_file), "--notebooks", str(FIXTURES), "--out", str(tmp_path)]
    proc = run_phasebook(*args, "-k", "pass")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == ["01_pass.ipynb"]


def test_parameter_injects_a_wrong_expectation(tmp_path: Path, params_file: Path) -> None:
    args = ["--params", str(params_file), "--notebooks", str(FIXTURES), "--out", str(tmp_path)]
    proc = run_phasebook(*args, "-k", "01_*", "-p", "expected_total", "11")
    assert proc.returncode == 1, proc.stderr
    failure = ET.parse(tmp_path / "junit.xml").getroot().find(".//failure")
    assert failure.get("message") == "total: expected 11, got 10"


def test_timeout_kills_the_notebook_and_names_its_cell(tmp_path: Path, params_file: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = new_notebook(cells=[new_code_cell("import time"), new_code_cell("time.sleep(120)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, notebooks / "01_slow.ipynb")
    out = tmp_path / "out"
    args = ["--params", str(params_file), "--notebooks", str(notebooks), "--out", str(out)]
    proc = run_phasebook(*args, "--timeout", "12", timeout=90)
    assert proc.returncode == 1, proc.stderr
    notebook = json.loads((out / "results.json").read_text())["notebooks"][0]
    assert notebook["error"]["ename"] in {"Timeout", "CellTimeoutError"}, notebook["error"]
    assert notebook["duration_s"] < 40
    # cell 1 is the sleep; None only when a loaded machine was still starting the kernel
    assert notebook["error"]["cell"] in {1, None}
