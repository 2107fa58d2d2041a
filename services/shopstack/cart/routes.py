"""The cart's internal HTTP API: the public cart routes (user in ``X-User-Id``) and the
``POST /events`` consumer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request

from shopstack.cart.schemas import CartItemCreate, CartItemUpdate
from shopstack.cart.service import CartService
from shopstack.contracts import CheckoutCompleted, Delivery
from shopstack.errors import ShopError

router = APIRouter(tags=["cart"])


def _service(request: Request) -> CartService:
    return request.app.state.cart


def _user(x_user_id: Annotated[str | None, Header()] = None) -> int:
    try:
        user_id = int(x_user_id or "")
    except ValueError:
        user_id = 0
    if user_id <= 0:
        raise ShopError(400, "invalid_user_id", "X-User-Id must be a positive integer")
    return user_id


Service = Annotated[CartService, Depends(_service)]
User = Annotated[int, Depends(_user)]


@router.get("/cart")
async def get_cart(user: User, service: Service) -> dict[str, Any]:
    return await service.view(user)


@router.post("/cart/items")
async def add_item(body: CartItemCreate, user: User, service: Service) -> dict[str, Any]:
    return await service.add_item(user, body.product_id, body.quantity)


@router.put("/cart/items/{product_id}")
async def set_quantity(
    product_id: int, body: CartItemUpdate, user: User, service: Service
) -> dict[str, Any]:
    return await service.set_quantity(user, product_id, body.quantity)


@router.delete("/cart/items/{product_id}")
async def remove_item(product_id: int, user: User, service: Service) -> dict[str, Any]:
    return await service.remove_item(user, product_id)


@router.delete("/cart")
async def clear_cart(user: User, service: Service) -> dict[str, Any]:
    return await service.clear(user)


@router.post("/events")
async def consume_event(delivery: Delivery, service: Service) -> dict[str, str]:
    event = delivery.payload_as(CheckoutCompleted)
    if event is None:
        return {"status": "ignored"}
    return {"status": await service.checkout_completed(delivery.id, event)}
