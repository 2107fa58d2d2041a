"""A platform whose response breaks its own OpenAPI fails the notebook on a contract check.

shopstack's TEST-ONLY ``SHOPSTACK_TEST_BREAK_CONTRACT=1`` serves ``GET /api/v1/cart`` with
``total_price`` as a string while the gateway's OpenAPI says number. ``params/local.yaml``
sets ``platform.openapi``, so every response 03_cart receives is validated: the run must
fail, and the failure must name the schema path.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from suite_cli import run_with_defect

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

SCHEMA_PATH = (
    "#/paths/~1api~1v1~1cart/get/responses/200/content/application~1json/schema"
    "/properties/total_price"
)


def test_cart_notebook_fails_on_the_contract_check_naming_the_schema_path(tmp_path):
    out = tmp_path / "run"
    result = run_with_defect("03_cart", {"SHOPSTACK_TEST_BREAK_CONTRACT": "1"}, out)
    assert result.returncode == 1, result.stdout + result.stderr
    failures = [
        failure.get("message") or ""
        for case in ET.parse(out / "junit.xml").getroot().iter("testcase")
        for failure in case.findall("failure")
    ]
    contract = [m for m in failures if "contract" in m and "GET /api/v1/cart" in m]
    assert contract, failures
    assert SCHEMA_PATH in contract[0], contract[0]
