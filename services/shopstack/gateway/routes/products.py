"""``/api/v1/products``: the catalog, read through the gateway."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shopstack.gateway.deps import DownstreamDep
from shopstack.gateway.forwarding import ProductIdPath, errors, relay
from shopstack.gateway.schemas import ProductPublic, ProductsPublic

router = APIRouter(prefix="/api/v1/products", tags=["products"])


def _headers(request: Request) -> dict[str, str]:
    request_id = request.scope.get("state", {}).get("request_id")
    return {"X-Request-ID": request_id} if request_id else {}


@router.get(
    "",
    response_model=ProductsPublic,
    summary="Listed products, by id",
    responses=errors(503),
)
async def list_products(request: Request, downstream: DownstreamDep) -> Response:
    response = await downstream.call(
        "catalog", "GET", "/products", headers=_headers(request), idempotent=True
    )
    return relay(response)


@router.get(
    "/{product_id}",
    response_model=ProductPublic,
    summary="One product, listed or not",
    responses=errors(400, 404, 503),
)
async def get_product(
    product_id: ProductIdPath, request: Request, downstream: DownstreamDep
) -> Response:
    response = await downstream.call(
        "catalog", "GET", f"/products/{product_id}", headers=_headers(request), idempotent=True
    )
    return relay(response)
