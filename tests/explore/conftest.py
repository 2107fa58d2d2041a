"""Fixtures of the explorer tests: a session on the test session's shopstack, and a checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def session(platform, admin_token, monkeypatch):
    import phasebook

    monkeypatch.setenv("SHOPSTACK_STATE_DIR", platform["state_dir"])
    monkeypatch.setenv("SHOPSTACK_ADMIN_TOKEN", admin_token)
    monkeypatch.delenv("PHASEBOOK_PARAMS", raising=False)
    s = phasebook.session(
        "test_explore", params=str(ROOT / "params" / "local.yaml"), display=lambda bundle: None
    )
    yield s
    s.close()


@pytest.fixture
def completed_checkout(session):
    """A completed checkout of the session's user, once its email has arrived: the response."""
    product = session.admin.create_product("Explorer gadget", 19.99, stock=5)
    session.api.post("/api/v1/cart/items", json={"product_id": product["id"], "quantity": 1})
    response = session.api.post("/api/v1/checkout", json={"idempotency_key": session.unique("co")})
    assert response.status == 200 and response.json["status"] == "COMPLETED", response.text
    session.mail.wait_for(to=f"user{session.user_id}@example.com", subject_contains="confirmed")
    session.eventually(
        lambda: session.db["checkout"].scalar(
            "SELECT processed_at FROM outbox_events WHERE aggregate_id = :c",
            c=response.json["checkout_id"],
        )
    )
    return response
