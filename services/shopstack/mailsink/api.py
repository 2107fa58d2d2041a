"""The HTTP side: the subset of Mailpit's API that phasebook's mailbox client uses.

Messages (list, read, delete) and chaos (``GET``/``PUT /api/v1/chaos``, Mailpit's shape).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request

from shopstack.errors import invalid_request, not_found
from shopstack.mailsink.chaos import Chaos, InvalidTrigger, TriggersIn
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


@router.get("/chaos")
def get_chaos(request: Request) -> dict[str, dict[str, int]]:
    return request.app.state.chaos.describe()


@router.put("/chaos")
def set_chaos(triggers: TriggersIn, request: Request) -> dict[str, dict[str, int]]:
    """Replace the triggers; a trigger left out is switched off (Mailpit's semantics)."""
    try:
        return request.app.state.chaos.set(triggers)
    except InvalidTrigger as exc:
        raise invalid_request(str(exc)) from exc


def create_api(mailbox: Mailbox, chaos: Chaos | None = None) -> FastAPI:
    app = create_service_app("mailsink", [router])
    app.state.mailbox = mailbox
    app.state.chaos = chaos or Chaos()
    return app
