"""What the simulated processor does with a card token (Stripe's test tokens)."""

from __future__ import annotations

import random
from dataclasses import dataclass

CAPTURED = "CAPTURED"
DECLINED = "DECLINED"
VOIDED = "VOIDED"  # no charge happened and none may happen any more for this checkout
REFUNDED = "REFUNDED"  # captured, then given back by a compensation

DEFAULT_TOKEN = "tok_visa"

_DECLINES = {
    "tok_chargeDeclined": "generic_decline",
    "tok_insufficientFunds": "insufficient_funds",
}
_APPROVED = {"tok_visa", "tok_mastercard", "tok_amex"}
PROCESSING_ERROR_TOKEN = "tok_processingError"


class ProcessingError(Exception):
    """The processor failed to answer; nothing was charged and the caller may retry."""


@dataclass(frozen=True)
class Outcome:
    status: str
    decline_code: str | None = None


def decide(card_token: str, *, failure_rate: float, rng: random.Random | None = None) -> Outcome:
    """The processor's answer for a first charge attempt with this token."""
    if card_token == PROCESSING_ERROR_TOKEN:
        raise ProcessingError("processing error (test token tok_processingError)")
    if card_token in _DECLINES:
        return Outcome(DECLINED, _DECLINES[card_token])
    if card_token not in _APPROVED:
        return Outcome(DECLINED, "invalid_card_token")
    if failure_rate > 0 and (rng or random).random() < failure_rate:
        return Outcome(DECLINED, "generic_decline")
    return Outcome(CAPTURED)
