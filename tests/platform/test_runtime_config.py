"""Runtime configuration with hot reload (CONTRACT.md "Runtime configuration, hot reload").

Through the session platform's gateway: a change is applied by the services within 2 s with no
process restarted, a checkout in flight finishes under the version it started with, every
version is logged as a ``config.changed`` event, and ``notifications.enabled = false`` holds
the emails back in the outbox without losing one. Each test puts the defaults back.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from saga_shop import Shop, eventually, new_key, new_user
from shopstack.supervisor import processes

DEFAULTS = {
    "payment.failure_rate": 0.0,
    "payment.latency_ms": 0,
    "inventory.reservation_ttl_s": 300.0,
    "notifications.enabled": True,
}


@pytest.fixture(scope="module")
def shop(platform, admin_token):
    shop = Shop(platform, admin_token)
    yield shop
    shop.close()


@pytest.fixture
def config(shop):
    """PATCH settings as the admin; the defaults are put back after the test."""
    admin = {"Authorization": f"Bearer {shop.admin_token}"}

    def patch(**settings) -> httpx.Response:
        body = {"settings": {key.replace("__", "."): v for key, v in settings.items()}}
        return shop.http.patch("/api/v1/admin/config", json=body, headers=admin)

    yield patch
    shop.http.patch("/api/v1/admin/config", json={"settings": DEFAULTS}, headers=admin)


def pids(platform: dict) -> dict[str, int]:
    state = json.loads((Path(platform["state_dir"]) / "platform.json").read_text())
    return {name: entry["pid"] for name, entry in state["services"].items() if entry.get("pid")}


def buy(shop: Shop, user: int) -> httpx.Response:
    shop.add(user, 2, 1)
    return shop.checkout(user, new_key())


def status_of_a_new_buyer(shop: Shop) -> dict:
    """A fresh user's checkout of one item (no cart shared with an earlier checkout, whose
    completion event may still be on its way); its session, which must have a status."""
    answer = buy(shop, new_user())
    assert answer.status_code == 200 and "status" in answer.json(), answer.text
    return answer.json()


def test_config_changes_are_validated_naming_the_key(shop, config):
    unknown = config(payment__failure_ratio=0.5)
    assert unknown.status_code == 400 and "'payment.failure_ratio'" in unknown.json()["error"]
    for key, value in [
        ("payment__failure_rate", 1.5),
        ("payment__latency_ms", 5001),
        ("inventory__reservation_ttl_s", 0.5),
        ("notifications__enabled", "no"),
    ]:
        answer = config(**{key: value})
        assert answer.status_code == 400, (key, answer.text)
        assert answer.json()["code"] == "invalid_request"
        assert f"'{key.replace('__', '.')}'" in answer.json()["error"]
    anonymous = shop.http.get("/api/v1/admin/config")
    assert anonymous.status_code == 401


def test_a_change_applies_within_2_s_without_a_restart(shop, platform, config):
    before = pids(platform)
    user = new_user()
    assert buy(shop, user).json()["status"] == "COMPLETED"
    changed = config(payment__failure_rate=1)
    assert changed.status_code == 200 and changed.json()["settings"]["payment.failure_rate"] == 1
    started = time.monotonic()
    declined = eventually(
        lambda: (r := status_of_a_new_buyer(shop))["status"] == "FAILED" and r, timeout_s=2.0
    )
    effect_s = time.monotonic() - started
    assert declined["failure_reason"] == "payment_declined"
    print(f"hot reload: PATCH -> first declined checkout in {effect_s:.3f} s")
    assert config(payment__failure_rate=0).status_code == 200
    eventually(lambda: status_of_a_new_buyer(shop)["status"] == "COMPLETED", timeout_s=2.0)
    assert pids(platform) == before
    assert all(processes.process_state(pid) != "stopped" for pid in before.values())


def test_a_checkout_in_flight_finishes_under_the_settings_it_started_with(shop, config):
    slow = config(payment__latency_ms=2500).json()["version"]
    time.sleep(1.0)  # the checkout service follows within 0.5 s
    user, key, answers = new_user(), new_key(), {}
    shop.add(user, 2, 1)
    in_flight = threading.Thread(target=lambda: answers.update(a=shop.checkout(user, key)))
    in_flight.start()
    eventually(  # in flight, waiting for its payment (a fixed sleep can lose that race under load)
        lambda: shop.sql(
            "checkout",
            "SELECT 1 FROM checkout_sessions WHERE idempotency_key = :k "
            "AND status NOT IN ('INITIATED', 'INVENTORY_RESERVED')",
            k=key,
        )
    )
    failing = config(payment__failure_rate=1, payment__latency_ms=0).json()["version"]
    time.sleep(1.0)  # followed within 0.5 s: a checkout started now is under `failing`
    late = buy(shop, new_user()).json()
    assert late["status"] == "FAILED" and late["failure_reason"] == "payment_declined"
    in_flight.join(timeout=15)
    assert answers["a"].json()["status"] == "COMPLETED"
    assert shop.session(answers["a"].json()["checkout_id"])["config_version"] == slow
    assert shop.session(late["checkout_id"])["config_version"] == failing
    released = shop.sql(
        "inventory", "SELECT status FROM reservations WHERE checkout_id = :c", c=late["checkout_id"]
    )
    assert released == [{"status": "RELEASED"}]


def test_every_version_is_logged_as_a_config_changed_event(shop, config):
    version = config(payment__latency_ms=1).json()["version"]
    config(payment__latency_ms=0)

    def logged() -> list[dict]:
        rows = shop.sql(
            "checkout",
            "SELECT sequence, payload FROM events WHERE event_type = 'config.changed' "
            "ORDER BY sequence",
        )
        return rows if len(rows) >= version + 1 else []

    rows = eventually(logged, timeout_s=3.0)
    assert [row["sequence"] for row in rows] == list(range(1, len(rows) + 1))
    payload = rows[version - 1]["payload"]
    payload = json.loads(payload) if isinstance(payload, str) else payload
    assert payload["version"] == version
    assert payload["changes"] == {"payment.latency_ms": 1}


def test_notifications_disabled_holds_emails_in_the_outbox_and_loses_none(shop, config):
    assert config(notifications__enabled=False).status_code == 200
    time.sleep(1.0)
    user = new_user()
    checkout_id = buy(shop, user).json()["checkout_id"]
    eventually(lambda: shop.http.get("/api/v1/orders", headers=shop.who(user)).json()["orders"])
    time.sleep(1.5)  # the relay has had every chance to deliver it
    assert shop.mails_to(user) == []
    waiting = shop.sql(
        "checkout",
        "SELECT processed_at FROM outbox_events WHERE aggregate_id = :c",
        c=checkout_id,
    )
    assert waiting == [{"processed_at": None}]
    assert config(notifications__enabled=True).status_code == 200
    mails = eventually(lambda: shop.mails_to(user), timeout_s=5.0)
    time.sleep(1.0)
    assert len(shop.mails_to(user)) == len(mails) == 1
