"""The catalog's internal HTTP API (the gateway forwards the public routes here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from shopstack.catalog.domain import NewProduct
from shopstack.catalog.schemas import ProductCreate
from shopstack.catalog.service import Catalog
from shopstack.errors import not_found
from shopstack.wire import to_decimal

router = APIRouter(tags=["catalog"])


async def _catalog(request: Request) -> Catalog:
    return request.app.state.catalog


CatalogDep = Annotated[Catalog, Depends(_catalog)]


def _json(body: bytes, status: int = 200) -> Response:
    return Response(content=body, status_code=status, media_type="application/json")


@router.get("/products")
async def list_products(catalog: CatalogDep) -> Response:
    body = catalog.cached_listing()
    if body is None:
        body = await run_in_threadpool(catalog.load_listing)
    return _json(body)


@router.get("/products/{product_id}")
async def get_product(product_id: int, catalog: CatalogDep) -> Response:
    body = catalog.cached_product(product_id)
    if body is None:
        body = await run_in_threadpool(catalog.load_product, product_id)
    if body is None:
        raise not_found("product not found")
    return _json(body)


@router.post("/products", status_code=201)
async def create_product(body: ProductCreate, catalog: CatalogDep) -> JSONResponse:
    new = NewProduct(
        name=body.name,
        price=to_decimal(body.price),
        description=body.description,
        image_url=body.image_url,
        listed=body.listed,
    )
    product = await run_in_threadpool(catalog.create, new)
    return JSONResponse(status_code=201, content=product.public())
