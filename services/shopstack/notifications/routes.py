"""Notifications HTTP API (internal): the outbox consumer."""

from __future__ import annotations

import os
from collections.abc import Callable
from email.message import EmailMessage
from functools import partial

from fastapi import APIRouter, Request

from shopstack.contracts import CheckoutCompleted, Delivery
from shopstack.errors import ShopError
from shopstack.notifications.handlers import DeliveryInProgress, handle_completed
from shopstack.notifications.mailer import MailUnavailable, send
from shopstack.settings import get_settings

router = APIRouter()


def _smtp_sender() -> Callable[[EmailMessage], None]:
    """SMTP to the configured server. TEST-ONLY defect: ``SHOPSTACK_TEST_DOUBLE_EMAIL=1``
    sends every email twice (tests/suite proves 33_external_service_retries then fails);
    the supervisor never stores ``SHOPSTACK_TEST_*`` variables."""
    settings = get_settings()
    deliver = partial(send, host=settings.smtp_host, port=settings.smtp_port)
    if os.environ.get("SHOPSTACK_TEST_DOUBLE_EMAIL", "") != "1":
        return deliver

    def deliver_twice(message: EmailMessage) -> None:
        deliver(message)
        deliver(message)

    return deliver_twice


@router.post("/events")
def consume_event(delivery: Delivery, request: Request) -> dict[str, str]:
    """``{"status": "applied" | "duplicate" | "failed" | "ignored"}``; 503 when SMTP stayed
    unavailable through every try (the relay delivers the event again later)."""
    event = delivery.payload_as(CheckoutCompleted)
    if event is None:
        return {"status": "ignored"}
    try:
        status = handle_completed(request.app.state.engine, delivery.id, event, _smtp_sender())
    except DeliveryInProgress as exc:
        raise ShopError(409, "delivery_in_progress", f"event {exc} is being delivered") from exc
    except MailUnavailable as exc:
        raise ShopError(503, "mail_unavailable", str(exc)) from exc
    return {"status": status}
