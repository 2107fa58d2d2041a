"""Notifications HTTP API (internal): the outbox consumer."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request

from shopstack.contracts import CheckoutCompleted, Delivery
from shopstack.errors import ShopError
from shopstack.notifications.handlers import DeliveryInProgress, handle_completed
from shopstack.notifications.mailer import MailUnavailable, send
from shopstack.settings import get_settings

router = APIRouter()


@router.post("/events")
def consume_event(delivery: Delivery, request: Request) -> dict[str, str]:
    event = delivery.payload_as(CheckoutCompleted)
    if event is None:
        return {"status": "ignored"}
    settings = get_settings()
    sender = partial(send, host=settings.smtp_host, port=settings.smtp_port)
    try:
        status = handle_completed(request.app.state.engine, delivery.id, event, sender)
    except DeliveryInProgress as exc:
        raise ShopError(409, "delivery_in_progress", f"event {exc} is being delivered") from exc
    except MailUnavailable as exc:
        raise ShopError(503, "mail_unavailable", str(exc)) from exc
    return {"status": status}
