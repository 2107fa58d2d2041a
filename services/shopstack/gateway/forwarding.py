"""Passing a service's answer through the gateway unchanged, and the error docs of a route."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from fastapi.responses import Response

from shopstack.gateway.schemas import ErrorPublic
from shopstack.transport import Reply

#: The largest id the public API accepts: 2**53 - 1, the largest integer every JSON client
#: (and a float-based JSON Schema validator) holds exactly. With 2**63 - 1 as the documented
#: maximum, 2**63 + 191 compares equal to it as a double: "valid" per schema, refused here.
MAX_ID = 2**53 - 1

#: A product id in a path: 1..MAX_ID, else ``400 invalid_product_id`` (see shopstack.errors).
ProductIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="a positive integer")]

_DESCRIPTIONS = {
    400: "invalid request (see `code`)",
    401: "missing or invalid credentials",
    403: "not allowed",
    404: "not found",
    409: "conflict",
    503: "a service behind the gateway is unavailable",
}


def relay(response: Reply) -> Response:
    """The service's status and JSON body, as they are."""
    return Response(
        content=response.content,
        status_code=response.status_code,
        media_type=response.headers.get("content-type", "application/json"),
    )


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status documented with the error body."""
    return {
        status: {"model": ErrorPublic, "description": _DESCRIPTIONS[status]} for status in statuses
    }
