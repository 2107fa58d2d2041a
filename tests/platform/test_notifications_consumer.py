"""Order confirmation emails: one per event, retried after an SMTP failure."""

from __future__ import annotations

import pytest
from shopstack.contracts import CheckoutCompleted
from shopstack.db import open_service_database
from shopstack.notifications.domain import confirmation_for
from shopstack.notifications.handlers import handle_completed
from shopstack.notifications.mailer import MailUnavailable
from shopstack.notifications.tables import metadata, notifications
from shopstack.orders.domain import order_id_for
from sqlalchemy import select

EVENT = CheckoutCompleted.model_validate(
    {
        "checkout_id": "co-9",
        "user_id": 42,
        "cart_id": "c",
        "items": [{"product_id": 2, "product_name": "Mouse", "quantity": 3, "price": 29.99}],
        "total_amount": 89.97,
        "currency": "USD",
        "payment_id": "p",
    }
)


@pytest.fixture
def engine(settings):
    engine = open_service_database(settings, "notifications", metadata)
    yield engine
    engine.dispose()


def test_email_names_the_order_and_summarises_it():
    mail = confirmation_for(EVENT)
    assert mail.recipient == "user42@example.com"
    assert order_id_for("co-9") in mail.subject and "co-9" in mail.subject
    assert "3 x Mouse @ 29.99 = 89.97" in mail.body and "Total: 89.97 USD" in mail.body


def test_event_delivered_twice_sends_one_email(engine):
    sent = []
    assert handle_completed(engine, "ev-1", EVENT, sent.append) == "applied"
    assert handle_completed(engine, "ev-1", EVENT, sent.append) == "duplicate"
    assert len(sent) == 1 and sent[0]["To"] == "user42@example.com"


def test_smtp_failure_is_recorded_and_the_redelivery_sends(engine):
    def down(_message):
        raise MailUnavailable("smtp down")

    with pytest.raises(MailUnavailable):
        handle_completed(engine, "ev-2", EVENT, down)
    sent = []
    assert handle_completed(engine, "ev-2", EVENT, sent.append) == "applied"
    with engine.connect() as conn:
        statuses = (
            conn.execute(select(notifications.c.status).where(notifications.c.event_id == "ev-2"))
            .scalars()
            .all()
        )
    assert statuses == ["SENT"] and len(sent) == 1
