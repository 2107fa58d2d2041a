"""Request and response bodies of the cart (the gateway documents the same shapes).

Bodies are strict: ``"quantity": "2"``, ``2.5`` or ``true`` are not quantities.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class CartItemCreate(BaseModel):
    model_config = ConfigDict(strict=True)

    product_id: int = Field(description="a positive integer", examples=[1])
    quantity: int = Field(description="1..99; the cart's total for the product too", examples=[2])


class CartItemUpdate(BaseModel):
    model_config = ConfigDict(strict=True)

    quantity: int = Field(description="1..99", examples=[3])


class CartItemPublic(BaseModel):
    product_id: int
    product_name: str
    quantity: int
    price: float
    subtotal: float


class CartPublic(BaseModel):
    cart_id: str = Field(description="24 hex characters; empty when the user has no cart")
    user_id: int
    items: list[CartItemPublic]
    total_items: int = Field(description="number of distinct products")
    total_price: float
    updated_at: str = Field(description="RFC 3339 UTC; 0001-01-01T00:00:00Z without a cart")


class EventIn(BaseModel):
    """An outbox event delivered by the checkout service's relay."""

    id: str = Field(min_length=1, max_length=64)
    event_type: str
    aggregate_id: str = ""
    payload: dict[str, Any] = Field(default_factory=dict)
    created_at: str | None = None


class EventResult(BaseModel):
    status: Literal["applied", "duplicate", "ignored"]
