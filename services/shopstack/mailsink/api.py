"""The HTTP side: the subset of Mailpit's API that phasebook's mailbox client uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request

from shopstack.errors import not_found
from shopstack.mailsink.mailbox import Mailbox
from shopstack.webapp import create_service_app

router = APIRouter(prefix="/api/v1")


def _mailbox(request: Request) -> Mailbox:
    return request.app.state.mailbox


@router.get("/messages")
def list_messages(
    request: Request,
    start: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    messages = _mailbox(request).newest_first()
    page = messages[start : start + limit]
    return {
        "total": len(messages),
        "unread": 0,
        "count": len(page),
        "start": start,
        "messages": [message.summary() for message in page],
    }


@router.get("/message/{message_id}")
def get_message(message_id: str, request: Request) -> dict[str, Any]:
    message = _mailbox(request).get(message_id)
    if message is None:
        raise not_found("message not found")
    return message.detail()


@router.delete("/messages")
def delete_messages(request: Request) -> dict[str, str]:
    _mailbox(request).clear()
    return {"status": "ok"}


def create_api(mailbox: Mailbox) -> FastAPI:
    app = create_service_app("mailsink", [router])
    app.state.mailbox = mailbox
    return app
