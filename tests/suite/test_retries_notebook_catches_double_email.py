"""The retries notebook exists to catch a platform that sends an email twice: prove it.

shopstack's notifications service has a TEST-ONLY defect switch (``SHOPSTACK_TEST_DOUBLE_EMAIL=1``)
that sends every confirmation email twice. With it, seed 004's ``33_external_service_retries``
must fail on "emails for the checkout" in M.1 (retried, then sent) and M.3 (sent at once), while
M.2 (a permanent 550: nothing is sent, so nothing is doubled) still passes.
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


def test_retries_notebook_fails_on_the_email_count_when_emails_are_sent_twice(tmp_path):
    env = {**os.environ, "SHOPSTACK_TEST_DOUBLE_EMAIL": "1"}
    out = tmp_path / "run"
    result = run_phasebook(
        "--embedded",
        "-k",
        "33_external_service_retries",
        "--out",
        str(out),
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    failures = _failures_by_test_id(out / "junit.xml")
    assert "emails for the checkout" in failures["M.1"]
    assert failures["M.2"] is None
    assert "emails for the checkout" in failures["M.3"]
