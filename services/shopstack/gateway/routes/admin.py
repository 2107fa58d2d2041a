"""``/api/v1/admin``: test-data setup (products with stock), only with the admin token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from shopstack.errors import not_found, service_unavailable
from shopstack.gateway.admin_auth import AdminOnly
from shopstack.gateway.deps import DownstreamDep
from shopstack.gateway.forwarding import ProductIdPath, errors, relay
from shopstack.gateway.schemas import AdminProductCreate, ProductPublic, StockPublic, StockUpdate

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=[AdminOnly])


def _headers(request: Request) -> dict[str, str]:
    request_id = request.scope.get("state", {}).get("request_id")
    return {"X-Request-ID": request_id} if request_id else {}


async def _set_stock(
    downstream: DownstreamDep, request: Request, product_id: int, quantity: int
) -> Response | None:
    """Set stock in the inventory; return its answer if it is not a success."""
    response = await downstream.call(
        "inventory",
        "PUT",
        f"/stock/{product_id}",
        json={"quantity": quantity},
        headers=_headers(request),
        idempotent=True,
    )
    return None if response.status_code == 200 else relay(response)


@router.post(
    "/products",
    status_code=201,
    response_model=ProductPublic,
    summary="Create a product with its stock (unlisted unless listed=true)",
    responses=errors(400, 401, 403, 404, 503),
)
async def create_product(
    body: AdminProductCreate, request: Request, downstream: DownstreamDep
) -> Response:
    product = body.model_dump(exclude={"stock"})
    created = await downstream.call(
        "catalog", "POST", "/products", json=product, headers=_headers(request), idempotent=False
    )
    if created.status_code != 201:
        return relay(created)
    product_id = created.json()["id"]
    failed = await _set_stock(downstream, request, product_id, body.stock)
    if failed is not None:
        if failed.status_code >= 500:
            raise service_unavailable("inventory")
        return failed
    return relay(created)


@router.put(
    "/stock/{product_id}",
    response_model=StockPublic,
    summary="Set a product's stock",
    responses=errors(400, 401, 403, 404, 503),
)
async def set_stock(
    product_id: ProductIdPath, body: StockUpdate, request: Request, downstream: DownstreamDep
) -> Response:
    found = await downstream.call(
        "catalog", "GET", f"/products/{product_id}", headers=_headers(request), idempotent=True
    )
    if found.status_code == 404:
        raise not_found("product not found")
    failed = await _set_stock(downstream, request, product_id, body.quantity)
    if failed is not None:
        return failed
    return JSONResponse({"product_id": product_id, "quantity": body.quantity})
