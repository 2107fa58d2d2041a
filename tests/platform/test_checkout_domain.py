"""Checkout domain and idempotency rules, without I/O."""

from __future__ import annotations

from decimal import Decimal

import pytest
from shopstack.checkout.domain.commands import parse_start
from shopstack.checkout.domain.errors import (
    IdempotencyConflict,
    InvalidCheckoutRequest,
    MissingIdempotencyKey,
)
from shopstack.checkout.domain.model import (
    CartLine,
    CartSnapshot,
    InvalidTransition,
    check_transition,
    content_fingerprint,
)
from shopstack.checkout.domain.session import CheckoutSession
from shopstack.checkout.service_layer.start import check_same_request
from shopstack.wire import utcnow


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, MissingIdempotencyKey),
        ({"idempotency_key": None}, MissingIdempotencyKey),
        ({"idempotency_key": "  "}, MissingIdempotencyKey),
        ({"idempotency_key": 1}, InvalidCheckoutRequest),
        ({"idempotency_key": "k" * 256}, InvalidCheckoutRequest),
        ({"idempotency_key": "k", "payment": {"card_token": 3}}, InvalidCheckoutRequest),
        ([], InvalidCheckoutRequest),
    ],
)
def test_start_body_validation(body, error):
    with pytest.raises(error):
        parse_start(1, body)


def test_start_defaults_to_tok_visa():
    assert parse_start(3, {"idempotency_key": "k"}).card_token == "tok_visa"


def test_transitions_only_move_forward_or_to_failed():
    check_transition("INITIATED", "INVENTORY_RESERVED")
    check_transition("PAYMENT_PENDING", "FAILED")
    for old, new in [("INITIATED", "COMPLETED"), ("COMPLETED", "FAILED"), ("FAILED", "INITIATED")]:
        with pytest.raises(InvalidTransition):
            check_transition(old, new)


def test_snapshot_total_is_exact_in_cents():
    lines = (CartLine(1, "Laptop", 2, Decimal("1299.99")), CartLine(2, "Mouse", 3, Decimal("0.1")))
    snapshot = CartSnapshot("c", lines)
    assert snapshot.total == Decimal("2600.28")
    assert snapshot.as_json()["total_price"] == 2600.28


def _existing(status="COMPLETED", user=1, token="tok_visa"):
    return CheckoutSession(
        id="co-1",
        user_id=user,
        idempotency_key="k",
        card_token=token,
        cart=CartSnapshot("cart-a", (CartLine(1, "Laptop", 2, Decimal("1299.99")),)),
        request_hash=content_fingerprint({1: 2}),
        created_at=utcnow(),
        updated_at=utcnow(),
        status=status,
    )


def _command(user=1, token="tok_visa"):
    return parse_start(user, {"idempotency_key": "k", "payment": {"card_token": token}})


def test_replay_accepts_same_cart_or_a_cart_consumed_by_the_completed_checkout():
    same = {"cart_id": "cart-a", "items": [{"product_id": 1, "quantity": 2}]}
    check_same_request(_existing(), _command(), same)
    check_same_request(_existing(), _command(), {"cart_id": "", "items": []})


@pytest.mark.parametrize(
    ("existing", "command", "cart"),
    [
        (_existing(user=2), _command(), {"cart_id": "cart-a", "items": []}),
        (_existing(), _command(token="tok_chargeDeclined"), {"cart_id": "cart-a", "items": []}),
        (
            _existing(),
            _command(),
            {"cart_id": "cart-a", "items": [{"product_id": 1, "quantity": 3}]},
        ),
        (_existing(status="FAILED"), _command(), {"cart_id": "", "items": []}),
    ],
)
def test_replay_refuses_a_different_request(existing, command, cart):
    with pytest.raises(IdempotencyConflict):
        check_same_request(existing, command, cart)
