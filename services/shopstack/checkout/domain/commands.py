"""``StartCheckout``: the validated request body of ``POST /checkout``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopstack.caller import DEFAULT_TENANT
from shopstack.checkout.domain.errors import InvalidCheckoutRequest, MissingIdempotencyKey

DEFAULT_CARD_TOKEN = "tok_visa"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StartCheckout:
    user_id: int
    idempotency_key: str
    card_token: str
    tenant_id: str = DEFAULT_TENANT


def _card_token(body: dict[str, Any]) -> str:
    payment = body.get("payment")
    if payment is None:
        return DEFAULT_CARD_TOKEN
    if not isinstance(payment, dict):
        raise InvalidCheckoutRequest("field 'payment': must be an object")
    token = payment.get("card_token", DEFAULT_CARD_TOKEN)
    if token is None:
        return DEFAULT_CARD_TOKEN
    if not isinstance(token, str) or not 0 < len(token) <= 255:
        raise InvalidCheckoutRequest(
            "field 'payment.card_token': must be a string of 1 to 255 characters"
        )
    return token


def parse_start(user_id: int, body: Any, *, tenant_id: str = DEFAULT_TENANT) -> StartCheckout:
    """Validate the body: MissingIdempotencyKey, or InvalidCheckoutRequest for bad types."""
    if not isinstance(body, dict):
        raise InvalidCheckoutRequest("expected a JSON object")
    key = body.get("idempotency_key")
    if key is None or (isinstance(key, str) and key.strip() == ""):
        raise MissingIdempotencyKey()
    if not isinstance(key, str):
        raise InvalidCheckoutRequest("field 'idempotency_key': must be a string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidCheckoutRequest(
            f"field 'idempotency_key': at most {MAX_KEY_LENGTH} characters"
        )
    return StartCheckout(
        user_id=user_id, idempotency_key=key, card_token=_card_token(body), tenant_id=tenant_id
    )
