"""Bodies the gateway documents in its OpenAPI: the services' shapes plus errors and admin."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shopstack.cart.schemas import WHOLE_FLOAT_AS_INT, CartItemCreate, CartItemUpdate, CartPublic
from shopstack.catalog.schemas import MAX_PRICE, ProductPublic, ProductsPublic

MAX_STOCK = 1_000_000_000
Stock = Annotated[int, Field(ge=0, le=MAX_STOCK), WHOLE_FLOAT_AS_INT]


class ErrorPublic(BaseModel):
    error: str = Field(examples=["product not found"])
    code: str = Field(examples=["not_found"])


class CheckoutUnavailablePublic(ErrorPublic):
    """A 503 on ``POST /api/v1/checkout``: the checkout may still complete behind it."""

    retry_with_same_idempotency_key: bool = Field(
        description="always true: repeat the request with the same idempotency_key to learn "
        "the outcome (a repeat never starts a second checkout)",
        examples=[True],
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
