"""``/api/v1/cart``: the caller's cart, forwarded to the cart service with their identity."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from shopstack.gateway.deps import DownstreamDep, user_headers
from shopstack.gateway.forwarding import ProductIdPath, errors, relay
from shopstack.gateway.identity import CurrentUser
from shopstack.gateway.schemas import CartItemCreate, CartItemUpdate, CartPublic
from shopstack.transport import Reply

router = APIRouter(prefix="/api/v1/cart", tags=["cart"])

_CHANGE_ERRORS = errors(400, 401, 404, 503)


def _contract_broken_for_tests(response: Reply) -> Response | None:
    """TEST-ONLY defect: ``SHOPSTACK_TEST_BREAK_CONTRACT=1`` serves ``total_price`` as a string
    (the OpenAPI says number), so a test can prove that contract checks catch a lying platform.
    The supervisor never stores ``SHOPSTACK_TEST_*`` variables."""
    if os.environ.get("SHOPSTACK_TEST_BREAK_CONTRACT", "") != "1" or response.status_code != 200:
        return None
    body = response.json()
    body["total_price"] = str(body.get("total_price"))
    return JSONResponse(body)


@router.get("", response_model=CartPublic, summary="The caller's cart", responses=errors(401, 503))
async def get_cart(user: CurrentUser, request: Request, downstream: DownstreamDep) -> Response:
    response = await downstream.call(
        "cart", "GET", "/cart", headers=user_headers(user, request), idempotent=True
    )
    return _contract_broken_for_tests(response) or relay(response)


@router.post(
    "/items",
    response_model=CartPublic,
    summary="Add a product (adds to the quantity of one already in the cart)",
    responses=_CHANGE_ERRORS,
)
async def add_item(
    body: CartItemCreate, user: CurrentUser, request: Request, downstream: DownstreamDep
) -> Response:
    response = await downstream.call(
        "cart",
        "POST",
        "/cart/items",
        json=body.model_dump(),
        headers=user_headers(user, request),
        idempotent=False,
    )
    return relay(response)


@router.put(
    "/items/{product_id}",
    response_model=CartPublic,
    summary="Set the quantity of a product in the cart",
    responses=_CHANGE_ERRORS,
)
async def set_quantity(
    product_id: ProductIdPath,
    body: CartItemUpdate,
    user: CurrentUser,
    request: Request,
    downstream: DownstreamDep,
) -> Response:
    response = await downstream.call(
        "cart",
        "PUT",
        f"/cart/items/{product_id}",
        json=body.model_dump(),
        headers=user_headers(user, request),
        idempotent=True,
    )
    return relay(response)


@router.delete(
    "/items/{product_id}",
    response_model=CartPublic,
    summary="Remove a product from the cart",
    responses=_CHANGE_ERRORS,
)
async def remove_item(
    product_id: ProductIdPath, user: CurrentUser, request: Request, downstream: DownstreamDep
) -> Response:
    response = await downstream.call(
        "cart",
        "DELETE",
        f"/cart/items/{product_id}",
        headers=user_headers(user, request),
        idempotent=True,
    )
    return relay(response)


@router.delete(
    "",
    response_model=CartPublic,
    summary="Empty the cart (the next item starts a new cart id)",
    responses=errors(401, 503),
)
async def clear_cart(user: CurrentUser, request: Request, downstream: DownstreamDep) -> Response:
    response = await downstream.call(
        "cart", "DELETE", "/cart", headers=user_headers(user, request), idempotent=True
    )
    return relay(response)
