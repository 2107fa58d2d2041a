"""``/api/v1/orders``: the caller's orders, built by the orders service from checkouts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shopstack.gateway.deps import DownstreamDep, user_headers
from shopstack.gateway.forwarding import errors, relay
from shopstack.gateway.identity import CurrentUser
from shopstack.gateway.routes.checkout import valid_uuid

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])


@router.get("", summary="The caller's orders, newest first", responses=errors(400, 401, 503))
async def list_orders(
    user: CurrentUser,
    request: Request,
    downstream: DownstreamDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    response = await downstream.call(
        "orders",
        "GET",
        "/orders",
        params={"limit": limit},
        headers=user_headers(user, request),
        idempotent=True,
    )
    return relay(response)


@router.get(
    "/{order_id}", summary="One of the caller's orders", responses=errors(401, 403, 404, 503)
)
async def get_order(
    order_id: str, user: CurrentUser, request: Request, downstream: DownstreamDep
) -> Response:
    order_id = valid_uuid(order_id, "order")
    response = await downstream.call(
        "orders", "GET", f"/orders/{order_id}", headers=user_headers(user, request), idempotent=True
    )
    return relay(response)
