"""The simulated processor: card test tokens, one charge per checkout, voids."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from shopstack.db import open_service_database
from shopstack.payment import charges
from shopstack.payment.domain import ProcessingError, decide
from shopstack.payment.tables import metadata


@pytest.fixture
def engine(settings):
    engine = open_service_database(settings, "payment", metadata)
    yield engine
    engine.dispose()


def _charge(engine, checkout_id: str, token: str = "tok_visa", rate: float = 0.0) -> dict:
    return charges.charge(
        engine,
        checkout_id=checkout_id,
        amount=Decimal("10.50"),
        currency="USD",
        card_token=token,
        failure_rate=rate,
    )


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        ("tok_visa", "CAPTURED", None),
        ("tok_chargeDeclined", "DECLINED", "generic_decline"),
        ("tok_insufficientFunds", "DECLINED", "insufficient_funds"),
    ],
)
def test_tokens_decide_the_outcome(token, status, code):
    outcome = decide(token, failure_rate=0.0)
    assert (outcome.status, outcome.decline_code) == (status, code)


def test_processing_error_token_raises_and_failure_rate_declines():
    with pytest.raises(ProcessingError):
        decide("tok_processingError", failure_rate=0.0)
    assert decide("tok_visa", failure_rate=1.0, rng=random.Random(1)).status == "DECLINED"


def test_concurrent_retries_of_one_charge_make_one_payment(engine):
    with ThreadPoolExecutor(10) as pool:
        rows = list(pool.map(lambda _: _charge(engine, "co-1"), range(10)))
    assert len({row["id"] for row in rows}) == 1
    assert _charge(engine, "co-1", token="tok_chargeDeclined")["status"] == "CAPTURED"


def test_void_refunds_a_capture_and_forbids_a_later_charge(engine):
    _charge(engine, "co-2")
    assert charges.void(engine, "co-2")["status"] == "REFUNDED"
    assert charges.void(engine, "co-3")["status"] == "VOIDED"
    assert _charge(engine, "co-3")["status"] == "VOIDED"
