"""The cart's internal HTTP API: the public cart routes (user in ``X-User-Id``, tenant in
``X-Tenant-Id``) and the ``POST /events`` consumer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from shopstack.caller import CurrentCaller
from shopstack.cart.schemas import CartItemCreate, CartItemUpdate
from shopstack.cart.service import CartService
from shopstack.contracts import CheckoutCompleted, Delivery

router = APIRouter(tags=["cart"])


async def _service(request: Request) -> CartService:
    return request.app.state.cart


Service = Annotated[CartService, Depends(_service)]
User = CurrentCaller


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
