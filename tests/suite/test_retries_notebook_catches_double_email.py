"""The retries notebook exists to catch a platform that sends an email twice: prove it.

shopstack's notifications service has a TEST-ONLY defect switch (``SHOPSTACK_TEST_DOUBLE_EMAIL=1``)
that sends every confirmation email twice. With it, seed 004's ``33_external_service_retries``
must fail on "emails for the checkout" in M.1 (retried, then sent) and M.3 (sent at once), while
M.2 (a permanent 550: nothing is sent, so nothing is doubled) still passes.
"""

from __future__ import annotations

import pytest
from suite_cli import failures_by_test_id, run_with_defect

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]


def test_retries_notebook_fails_on_the_email_count_when_emails_are_sent_twice(tmp_path):
    out = tmp_path / "run"
    result = run_with_defect(
        "33_external_service_retries", {"SHOPSTACK_TEST_DOUBLE_EMAIL": "1"}, out
    )
    assert result.returncode == 1, result.stdout + result.stderr
    failures = failures_by_test_id(out / "junit.xml")
    assert "emails for the checkout" in failures["M.1"]
    assert failures["M.2"] is None
    assert "emails for the checkout" in failures["M.3"]
