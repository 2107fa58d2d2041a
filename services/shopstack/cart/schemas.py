"""Request and response bodies of the cart (the gateway documents the same shapes).

Bodies are strict: ``"quantity": "2"``, ``2.5`` or ``true`` are not quantities. A whole-number
float (``2.0``) is: JSON Schema, which the OpenAPI document speaks, counts it as an integer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

#: 2**53 - 1: the largest integer JSON clients and validators hold exactly (see
#: shopstack.gateway.forwarding.MAX_ID); the OpenAPI documents this bound.
MAX_PRODUCT_ID = 2**53 - 1


def _whole_float_as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: Put after the ``Field`` bounds of an ``int`` in a strict body: ``2.0`` counts as ``2``, as
#: in JSON Schema (bounds placed after a validator would not reach the JSON Schema).
WHOLE_FLOAT_AS_INT = BeforeValidator(_whole_float_as_int)
ProductId = Annotated[
    int,
    Field(ge=1, le=MAX_PRODUCT_ID, description="a positive integer", examples=[1]),
    WHOLE_FLOAT_AS_INT,
]
Quantity = Annotated[int, Field(ge=1, le=99, examples=[2]), WHOLE_FLOAT_AS_INT]


class CartItemCreate(BaseModel):
    model_config = ConfigDict(strict=True)

    product_id: ProductId
    quantity: Quantity = Field(description="1..99; the cart's total for the product too")


class CartItemUpdate(BaseModel):
    model_config = ConfigDict(strict=True)

    quantity: Quantity = Field(description="1..99")


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


class EventResult(BaseModel):
    status: Literal["applied", "duplicate", "ignored"]
