"""The outage notebook exists to catch a platform that does not compensate: prove it does.

shopstack's inventory has a TEST-ONLY defect switch (``SHOPSTACK_TEST_DISABLE_RELEASE=1``) that
turns every reservation release into a no-op answering success. With it, seed 001's outage
notebook must fail, and on the right checks: the 503 itself (O.1) is still correct, while the
"no data corruption" checks (O.2) see the reservation still held and the stock reduced.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from suite_cli import run_phasebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

REPO = Path(__file__).resolve().parents[2]


def _failures_by_test_id(junit: Path) -> dict[str, str | None]:
    cases = ET.parse(junit).getroot().iter("testcase")
    return {
        case.get("name").split()[0]: (
            case.find("failure").get("message") if case.find("failure") is not None else None
        )
        for case in cases
    }


def test_outage_notebook_fails_on_the_compensation_checks_when_release_is_disabled(tmp_path):
    env = {**os.environ, "SHOPSTACK_TEST_DISABLE_RELEASE": "1"}
    out = tmp_path / "run"
    result = run_phasebook(
        "--embedded",
        "-k",
        "11_dependency_outage",
        "--out",
        str(out),
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    failures = _failures_by_test_id(out / "junit.xml")
    assert failures["O.1"] is None  # the 503 after retries is still right
    assert "reservation compensated" in failures["O.2"]
    assert "expected 'RELEASED', got 'RESERVED'" in failures["O.2"]
    assert "stock unchanged" in failures["O.2"]
    index = (out / "index.html").read_text()
    assert "O.2" in index and "reservation compensated" in index
