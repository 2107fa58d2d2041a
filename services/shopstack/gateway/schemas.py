"""Bodies the gateway documents in its OpenAPI: the services' shapes plus errors and admin."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from shopstack.cart.schemas import WHOLE_FLOAT_AS_INT, CartItemCreate, CartItemUpdate, CartPublic
from shopstack.catalog.schemas import MAX_PRICE, ProductPublic, ProductsPublic

MAX_STOCK = 1_000_000_000
Stock = Annotated[int, Field(ge=0, le=MAX_STOCK), WHOLE_FLOAT_AS_INT]


class ErrorPublic(BaseModel):
    error: str = Field(examples=["product not found"])
    code: str = Field(examples=["not_found"])


class CheckoutUnavailablePublic(ErrorPublic):
    """A 503 on ``POST /api/v1/checkout``: which session it is about, when one exists, and
    whether replaying the key can still change the outcome."""

    checkout_id: str | SkipJsonSchema[None] = Field(  # absent, never null
        default=None,
        description="the checkout session the request started or replayed; absent when no "
        "session exists (or the checkout service could not be reached)",
        examples=["3f2b8c1e-5d6a-4e7f-9a0b-1c2d3e4f5a6b"],
    )
    status: str | SkipJsonSchema[None] = Field(
        default=None,
        description="that session's status when the service was unavailable: FAILED is final; "
        "an intermediate status (e.g. PAYMENT_COMPLETED) may still become COMPLETED",
        examples=["FAILED", "PAYMENT_COMPLETED"],
    )
    retry_with_same_idempotency_key: bool = Field(
        description="true: the outcome may still change (no session reported, or a session "
        "that is not final): repeat the request with the same idempotency_key to learn it (a "
        "repeat never starts a second checkout). false: the session ended with the status given "
        "(FAILED or COMPLETED) and no repeat changes that; after FAILED, start a new checkout "
        "with a new key",
        examples=[False, True],
    )


class HealthPublic(BaseModel):
    status: str = Field(examples=["ok"])


class ReadinessPublic(BaseModel):
    status: str = Field(examples=["ok"])
    services: dict[str, str] = Field(examples=[{"catalog": "ok", "cart": "unavailable"}])


class AdminProductCreate(BaseModel):
    model_config = ConfigDict(strict=True)

    name: str = Field(min_length=1, max_length=200)
    price: float = Field(gt=0, le=MAX_PRICE)
    description: str = Field(default="", max_length=2000)
    image_url: str = Field(default="", max_length=500)
    stock: Stock
    listed: bool = Field(default=False, description="listed products appear in GET /products")


class StockUpdate(BaseModel):
    model_config = ConfigDict(strict=True)

    quantity: Stock


class StockPublic(BaseModel):
    product_id: int
    quantity: int


__all__ = [
    "AdminProductCreate",
    "CartItemCreate",
    "CartItemUpdate",
    "CartPublic",
    "CheckoutUnavailablePublic",
    "ErrorPublic",
    "HealthPublic",
    "ProductPublic",
    "ProductsPublic",
    "ReadinessPublic",
    "StockPublic",
    "StockUpdate",
]
