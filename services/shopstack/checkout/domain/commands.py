"""``StartCheckout``: the validated request body of ``POST /checkout``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopstack.errors import ShopError, invalid_request

DEFAULT_CARD_TOKEN = "tok_visa"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StartCheckout:
    user_id: int
    idempotency_key: str
    card_token: str


def missing_key() -> ShopError:
    return ShopError(400, "missing_idempotency_key", "idempotency_key is required")


def _card_token(body: dict[str, Any]) -> str:
    payment = body.get("payment")
    if payment is None:
        return DEFAULT_CARD_TOKEN
    if not isinstance(payment, dict):
        raise invalid_request("field 'payment': must be an object")
    token = payment.get("card_token", DEFAULT_CARD_TOKEN)
    if token is None:
        return DEFAULT_CARD_TOKEN
    if not isinstance(token, str) or not 0 < len(token) <= 255:
        raise invalid_request("field 'payment.card_token': must be a string of 1 to 255 characters")
    return token


def parse_start(user_id: int, body: Any) -> StartCheckout:
    """Validate the body: 400 missing_idempotency_key, or 400 invalid_request for bad types."""
    if not isinstance(body, dict):
        raise invalid_request("expected a JSON object")
    key = body.get("idempotency_key")
    if key is None or (isinstance(key, str) and key.strip() == ""):
        raise missing_key()
    if not isinstance(key, str):
        raise invalid_request("field 'idempotency_key': must be a string")
    if len(key) > MAX_KEY_LENGTH:
        raise invalid_request(f"field 'idempotency_key': at most {MAX_KEY_LENGTH} characters")
    return StartCheckout(user_id=user_id, idempotency_key=key, card_token=_card_token(body))
