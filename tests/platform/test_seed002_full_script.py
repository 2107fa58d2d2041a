"""Seed 002's own "Full End-to-End Test Script" (bash, curl, jq), run as written.

The script is read from the plan itself (``../shared/seeds/002_*.txt`` beside the repository),
with only ``API_URL`` pointed at the session platform. Its output is split at the script's
numbered headings and each step is checked against the plan as CONTRACT.md resolves it.
Step 11 reuses ``integration-test-$(date +%s)``: within the same second it is the idempotent
replay of step 9, a second later a new key on the now empty cart — both answers are right.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_fbdc4a71eccfe76f.txt"
EMPTY = {
    "cart_id": "",
    "user_id": 1,
    "items": [],
    "total_items": 0,
    "total_price": 0,
    "updated_at": "0001-01-01T00:00:00Z",
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _script() -> str:
    text = SEED.read_text(encoding="utf-8")
    section = text.split("### Bash Script (Linux/Mac)", 1)[1]
    return section.split("```bash", 1)[1].split("```", 1)[0]


def _steps(output: str) -> dict[int, str]:
    """The output after each numbered heading ("9. Initiate Checkout"), by step number."""
    steps: dict[int, list[str]] = {}
    current = None
    for line in output.splitlines():
        heading = re.match(r"^(\d+)\. \S", line)
        if heading:
            current = int(heading.group(1))
            steps[current] = []
        elif current is not None:
            steps[current].append(line)
    return {n: "\n".join(lines) for n, lines in steps.items()}


def _json(step: str) -> dict:
    start = step.index("{")
    return json.JSONDecoder().raw_decode(step[start:])[0]


@pytest.fixture(scope="module")
def steps(platform) -> dict[int, str]:
    if not SEED.is_file():
        pytest.skip(f"the plan is not beside the repository ({SEED})")
    if not (shutil.which("curl") and shutil.which("jq")):
        pytest.skip("needs curl and jq")
    httpx.delete(platform["gateway_url"] + "/api/v1/cart", timeout=10).raise_for_status()
    script = _script().replace(
        'API_URL="http://localhost:8080"', f'API_URL="{platform["gateway_url"]}"'
    )
    assert platform["gateway_url"] in script
    run = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert "=== Integration Test Complete ===" in run.stdout
    return _steps(run.stdout)


def test_health_products_and_empty_cart(steps):
    assert _json(steps[1]) == {"status": "ok"}
    assert len(_json(steps[2])["products"]) == 5
    assert "Product count: 5 (expected: 5)" in steps[2]
    assert _json(steps[3]) == EMPTY


def test_cart_totals_follow_the_plan(steps):
    totals = [_json(steps[n])["total_price"] for n in (4, 5, 6, 7, 8)]
    assert totals == [2599.98, 2629.97, 2689.95, 2689.95, 2599.98]
    assert len({_json(steps[n])["cart_id"] for n in (4, 5, 6, 7, 8)}) == 1


def test_checkout_completes_and_the_cart_is_cleared(steps):
    checkout = _json(steps[9])
    assert checkout["status"] == "COMPLETED" and UUID.match(checkout["checkout_id"])
    assert f"Checkout ID: {checkout['checkout_id']}" in steps[9]
    assert _json(steps[10]) == EMPTY


def test_retry_with_the_scripts_key_is_a_replay_or_an_empty_cart(steps):
    retry = _json(steps[11])
    replay = {"checkout_id": _json(steps[9])["checkout_id"], "status": "COMPLETED"}
    assert retry in (replay, {"error": "cart is empty", "code": "empty_cart"})


def test_error_cases_and_final_clear(steps):
    assert _json(steps[12]) == {"error": "cart is empty", "code": "empty_cart"}
    assert _json(steps[13]) == {"error": "product not found", "code": "not_found"}
    assert _json(steps[14]) == EMPTY
