"""Dependencies shared by the gateway's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shopstack.downstream import Downstream


async def downstream(request: Request) -> Downstream:
    return request.app.state.downstream


DownstreamDep = Annotated[Downstream, Depends(downstream)]


def user_headers(user_id: int, request: Request) -> dict[str, str]:
    """Headers for a call made on behalf of a user: identity (user and tenant) and the request
    id. The tenant is the one :data:`shopstack.gateway.identity.CurrentUser` resolved."""
    headers = {"X-User-Id": str(user_id)}
    tenant_id = getattr(request.state, "tenant_id", None)
    if tenant_id:
        headers["X-Tenant-Id"] = tenant_id
    request_id = request.scope.get("state", {}).get("request_id")
    if request_id:
        headers["X-Request-ID"] = request_id
    return headers
