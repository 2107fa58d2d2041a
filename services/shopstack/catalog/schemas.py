"""Request and response bodies of the catalog (the gateway documents the same shapes)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_PRICE = 9_999_999_999.99


class ProductPublic(BaseModel):
    id: int = Field(examples=[1])
    name: str = Field(examples=["Laptop"])
    description: str = Field(examples=["High-performance laptop"])
    price: float = Field(description="two decimals", examples=[1299.99])
    image_url: str = Field(examples=["http://example.com/laptop.jpg"])
    created_at: str = Field(description="RFC 3339, UTC", examples=["2026-02-03T10:30:00.000Z"])


class ProductsPublic(BaseModel):
    products: list[ProductPublic]


class ProductCreate(BaseModel):
    """A new product; ``listed`` products appear in ``GET /products``."""

    model_config = ConfigDict(strict=True)

    name: str = Field(min_length=1, max_length=200)
    price: float = Field(gt=0, le=MAX_PRICE)
    description: str = Field(default="", max_length=2000)
    image_url: str = Field(default="", max_length=500)
    listed: bool = False
