"""Faults mid-saga on a platform of this module's own (they stop and kill services, so they do
not share the session platform): checkout killed between reservation and payment, payment down.
On SQLite, and on PostgreSQL + Redis with ``SHOPSTACK_TEST_PROFILE=postgres``.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time

import pytest
from saga_shop import Shop, eventually, new_key, new_user

ADMIN = "faults-" + secrets.token_hex(6)
INTERMEDIATE = ("INITIATED", "INVENTORY_RESERVED", "PAYMENT_PENDING", "PAYMENT_COMPLETED")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSTACK_")}
    env.update(SHOPSTACK_ADMIN_TOKEN=ADMIN, **extra)
    return env


def _storage(request: pytest.FixtureRequest) -> dict[str, str]:
    """PostgreSQL + Redis (a namespace of this module's own) on the postgres profile; SQLite
    otherwise. ``shopstack stop/start`` take them from platform.json again."""
    if os.environ.get("SHOPSTACK_TEST_PROFILE") != "postgres":
        return {}
    return {
        "SHOPSTACK_DATABASE_URL": request.getfixturevalue("postgres_url"),
        "SHOPSTACK_REDIS_URL": request.getfixturevalue("redis_url"),
        "SHOPSTACK_DB_NAMESPACE": "f" + secrets.token_hex(4),
    }


def shopstack(state_dir, *args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shopstack.cli", *args, "--state-dir", str(state_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def faults(request, tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("faults")
    armed = _env(
        **_storage(request),
        SHOPSTACK_TEST_PAUSE_AFTER="INVENTORY_RESERVED",
        SHOPSTACK_TEST_PAUSE_SECONDS="60",
        SHOPSTACK_TEST_PAUSE_KEY_PREFIX="pause-",
    )
    shopstack(state_dir, "up", "--ports", "auto", "--fresh", "--detach", env=armed)
    shop = Shop(json.loads((state_dir / "platform.json").read_text()), ADMIN)
    shop.state_dir = state_dir
    try:
        yield shop
    finally:
        shop.close()
        shopstack(state_dir, "down", env=_env())


def _no_session_in_flight(shop: Shop) -> bool:
    rows = shop.sql("checkout", "SELECT status FROM checkout_sessions")
    return all(row["status"] not in INTERMEDIATE for row in rows)


def test_kill_between_reservation_and_payment_is_compensated_on_restart(faults):
    user, product = new_user(), faults.product(stock=5)
    faults.add(user, product, 2)
    answers: list = []
    thread = threading.Thread(
        target=lambda: answers.append(faults.checkout(user, new_key("pause-kill"))), daemon=True
    )
    thread.start()
    [session] = eventually(
        lambda: faults.sql(
            "checkout",
            "SELECT * FROM checkout_sessions WHERE user_id = :u AND status = 'INVENTORY_RESERVED'",
            u=user,
        ),
        timeout_s=15,
    )
    assert faults.stock(product) == 3
    shopstack(faults.state_dir, "kill", "checkout", env=_env())
    thread.join(timeout=60)
    assert answers and answers[0].status_code == 503
    # the gateway's own 503 (checkout gone mid-request): no session named, the outcome is open
    assert answers[0].json() == {
        "error": "checkout service unavailable",
        "code": "service_unavailable",
        "retry_with_same_idempotency_key": True,
    }
    shopstack(faults.state_dir, "start", "checkout", env=_env())
    eventually(lambda: _no_session_in_flight(faults), timeout_s=30, every_s=0.2)
    after = faults.session(session["id"])
    assert (after["status"], after["failure_reason"]) == ("FAILED", "interrupted")
    reservations = faults.sql(
        "inventory", "SELECT status FROM reservations WHERE checkout_id = :c", c=session["id"]
    )
    assert reservations == [{"status": "RELEASED"}]
    assert faults.stock(product) == 5
    payments = faults.sql(
        "payment", "SELECT * FROM payments WHERE checkout_id = :c", c=session["id"]
    )
    assert payments == []
    retry = faults.checkout(user, new_key())
    assert retry.json()["status"] == "COMPLETED" and faults.stock(product) == 3


def test_payment_down_is_503_with_compensation_and_recovers_after_start(faults):
    user, product, key = new_user(), faults.product(stock=4), new_key()
    faults.add(user, product, 1)
    shopstack(faults.state_dir, "stop", "payment", env=_env())
    try:
        started = time.monotonic()
        response = faults.checkout(user, key)
        elapsed = time.monotonic() - started
    finally:
        shopstack(faults.state_dir, "start", "payment", env=_env())
    assert response.status_code == 503
    [session] = faults.sql("checkout", "SELECT * FROM checkout_sessions WHERE user_id = :u", u=user)
    failed_for_good = {
        "error": "payment service unavailable",
        "code": "service_unavailable",
        "checkout_id": session["id"],
        "status": "FAILED",
        "retry_with_same_idempotency_key": False,  # replaying the key cannot change it
    }
    assert response.json() == failed_for_good
    assert elapsed < 6.0  # 3 attempts of at most the 2 s downstream timeout
    assert (session["status"], session["failure_reason"]) == ("FAILED", "payment_unavailable")
    # payment is back: the same key still answers the stored 503, so a client must not loop
    replayed = faults.checkout(user, key)
    assert (replayed.status_code, replayed.json()) == (503, failed_for_good)
    reservations = faults.sql(
        "inventory", "SELECT status FROM reservations WHERE checkout_id = :c", c=session["id"]
    )
    assert reservations == [{"status": "RELEASED"}] and faults.stock(product) == 4
    # the outbox makes sure no charge can still happen for the failed checkout
    voided = eventually(
        lambda: faults.sql(
            "payment", "SELECT status FROM payments WHERE checkout_id = :c", c=session["id"]
        ),
        timeout_s=15,
    )
    assert voided == [{"status": "VOIDED"}]
    assert [i["quantity"] for i in faults.cart(user)["items"]] == [1]
    again = faults.checkout(user, new_key())
    assert (again.status_code, again.json()["status"]) == (200, "COMPLETED")
