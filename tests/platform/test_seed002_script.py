"""Seed 002's own bash script (phases 1-4 and 8, curl + jq) against the started platform.

The script acts as the plan's user 1 (no credentials). The session platform is shared, so the
test first empties user 1's cart: the plan's precondition is a fresh platform.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

SCRIPT = Path(__file__).with_name("seed002_phases_1_4_8.sh")
EMPTY = {
    "cart_id": "",
    "user_id": 1,
    "items": [],
    "total_items": 0,
    "total_price": 0,
    "updated_at": "0001-01-01T00:00:00Z",
}


@pytest.fixture(scope="module")
def results(platform):
    if not (shutil.which("curl") and shutil.which("jq")):
        pytest.skip("needs curl and jq")
    httpx.delete(platform["gateway_url"] + "/api/v1/cart", timeout=10).raise_for_status()
    env = {**os.environ, "API_URL": platform["gateway_url"]}
    run = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    found = {}
    for line in run.stdout.splitlines():
        if line.startswith("RESULT "):
            _, name, value = line.split(" ", 2)
            found[name] = value
    return found


def test_phase_1_health_and_phase_2_five_products(results):
    assert results["health"] == "ok"
    assert results["product_count"] == "5"


def test_phase_3_cart_totals(results):
    assert json.loads(results["empty_cart"]) == EMPTY
    assert len(results["cart_id"]) == 24
    totals = [
        results[name]
        for name in (
            "total_after_laptop",
            "total_after_mouse",
            "total_after_update",
            "total_cached",
            "total_after_remove",
        )
    ]
    assert totals == ["2599.98", "2629.97", "2689.95", "2689.95", "2599.98"]


def test_phase_4_error_messages(results):
    assert results["invalid_product"] == "404 product not found"
    assert results["invalid_quantity"] == "400 quantity must be between 1 and 99"
    assert results["missing_item"] == "404 item not found in cart"


def test_phase_8_cleared_cart_is_the_exact_empty_shape(results):
    assert json.loads(results["cleared_cart"]) == EMPTY
