"""Order confirmation emails: one per event, retried after an SMTP failure."""

from __future__ import annotations

import pytest
from shopstack.contracts import CheckoutCompleted
from shopstack.db import open_service_database
from shopstack.notifications.domain import confirmation_for
from shopstack.notifications.handlers import RetryPolicy, handle_completed
from shopstack.notifications.mailer import MailRejected, MailUnavailable
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


NO_WAIT = RetryPolicy(attempts=3, first_backoff_s=0.0)


def _row(engine, event_id: str) -> dict:
    with engine.connect() as conn:
        query = select(notifications).where(notifications.c.event_id == event_id)
        return dict(conn.execute(query).mappings().one())


class FlakySmtp:
    """Answers the first ``failures`` sends with ``error``, then accepts."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.sent, self.tries = failures, error, [], 0

    def __call__(self, message) -> None:
        self.tries += 1
        if self.tries <= self.failures:
            raise self.error
        self.sent.append(message)


def test_smtp_failure_is_recorded_and_the_redelivery_sends(engine):
    smtp = FlakySmtp(3, MailUnavailable("smtp down"))
    with pytest.raises(MailUnavailable):
        handle_completed(engine, "ev-2", EVENT, smtp, retry=NO_WAIT)
    assert _row(engine, "ev-2")["status"] == "FAILED"
    assert handle_completed(engine, "ev-2", EVENT, smtp, retry=NO_WAIT) == "applied"
    row = _row(engine, "ev-2")
    assert (row["status"], row["attempts"]) == ("SENT", 4) and len(smtp.sent) == 1


def test_transient_451_is_retried_with_growing_backoff_and_sent_once(engine):
    smtp = FlakySmtp(2, MailUnavailable("SMTP 127.0.0.1:1025: 451 Chaos Recipient error"))
    pauses = []
    retry = RetryPolicy(attempts=4, first_backoff_s=0.25)
    status = handle_completed(engine, "ev-3", EVENT, smtp, retry=retry, sleep=pauses.append)
    row = _row(engine, "ev-3")
    assert status == "applied" and len(smtp.sent) == 1 and pauses == [0.25, 0.5]
    assert (row["status"], row["attempts"]) == ("SENT", 3)
    assert "451 Chaos Recipient error" in row["last_error"]


def test_permanent_550_fails_at_once_and_records_the_answer(engine):
    smtp = FlakySmtp(99, MailRejected("SMTP 127.0.0.1:1025: 550 Chaos Recipient error"))
    assert handle_completed(engine, "ev-4", EVENT, smtp, retry=NO_WAIT) == "failed"
    row = _row(engine, "ev-4")
    assert (row["status"], row["attempts"], smtp.tries) == ("FAILED", 1, 1)
    assert row["last_error"].endswith("550 Chaos Recipient error") and smtp.sent == []


def test_sent_email_is_not_sent_again_after_earlier_failures(engine):
    smtp = FlakySmtp(1, MailUnavailable("451 later"))
    assert handle_completed(engine, "ev-5", EVENT, smtp, retry=NO_WAIT) == "applied"
    assert handle_completed(engine, "ev-5", EVENT, smtp, retry=NO_WAIT) == "duplicate"
    assert len(smtp.sent) == 1 and smtp.tries == 2
