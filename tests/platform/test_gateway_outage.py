"""A stopped cart service: the gateway answers 503 quickly, then recovers after a restart."""

from __future__ import annotations

import time

import httpx
import pytest


@pytest.mark.slow
def test_stopped_cart_gives_503_within_the_timeout_and_recovers(
    platform, platform_env, shopstack_cli
):
    state_dir = ["--state-dir", platform["state_dir"]]
    gateway = platform["gateway_url"]
    headers = {"X-User-Id": "777001"}
    assert shopstack_cli("stop", "cart", *state_dir, env=platform_env).returncode == 0
    try:
        started = time.monotonic()
        response = httpx.get(f"{gateway}/api/v1/cart", headers=headers, timeout=15)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.json() == {
            "error": "cart service unavailable",
            "code": "service_unavailable",
        }
        assert elapsed < 2.0  # refused connections: a few fast retries, no hang
        ready = httpx.get(f"{gateway}/health/ready", timeout=15)
        assert ready.status_code == 503 and ready.json()["services"]["cart"] == "unavailable"
    finally:
        restarted = shopstack_cli("start", "cart", *state_dir, env=platform_env)
    assert restarted.returncode == 0, restarted.stderr
    deadline = time.monotonic() + 10  # the gateway's circuit may still be open for a moment
    while True:
        response = httpx.get(f"{gateway}/api/v1/cart", headers=headers, timeout=15)
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert response.status_code == 200 and response.json()["user_id"] == 777001
