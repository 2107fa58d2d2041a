"""Bodies the gateway documents in its OpenAPI: the services' shapes plus errors and admin."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shopstack.cart.schemas import CartItemCreate, CartItemUpdate, CartPublic
from shopstack.catalog.schemas import MAX_PRICE, ProductPublic, ProductsPublic

MAX_STOCK = 1_000_000_000


class ErrorPublic(BaseModel):
    error: str = Field(examples=["product not found"])
    code: str = Field(examples=["not_found"])


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
    stock: int = Field(ge=0, le=MAX_STOCK)
    listed: bool = Field(default=False, description="listed products appear in GET /products")


class StockUpdate(BaseModel):
    model_config = ConfigDict(strict=True)

    quantity: int = Field(ge=0, le=MAX_STOCK)


class StockPublic(BaseModel):
    product_id: int
    quantity: int


__all__ = [
    "AdminProductCreate",
    "CartItemCreate",
    "CartItemUpdate",
    "CartPublic",
    "ErrorPublic",
    "HealthPublic",
    "ProductPublic",
    "ProductsPublic",
    "ReadinessPublic",
    "StockPublic",
    "StockUpdate",
]
