"""Readiness of the whole platform (``GET /health`` itself comes with every service app)."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from shopstack.gateway.forwarding import errors
from shopstack.gateway.schemas import ReadinessPublic
from shopstack.topology import SERVICES, service_url

router = APIRouter(tags=["health"])

PROBE_TIMEOUT_S = 1.0


async def _probe(client: httpx.AsyncClient, service: str) -> str:
    try:
        response = await client.get(service_url(service) + "/health", timeout=PROBE_TIMEOUT_S)
    except httpx.HTTPError:
        return "unavailable"
    return "ok" if response.status_code == 200 else "unavailable"


@router.get(
    "/health/ready",
    response_model=ReadinessPublic,
    summary="Every service answers its health check",
    responses=errors(503),
)
async def ready(request: Request) -> JSONResponse:
    names = [name for name in SERVICES if name != "gateway"]
    client: httpx.AsyncClient = request.app.state.probe
    states = await asyncio.gather(*(_probe(client, name) for name in names))
    services = dict(zip(names, states, strict=True))
    failing = [name for name, state in services.items() if state != "ok"]
    if not failing:
        return JSONResponse({"status": "ok", "services": services})
    body = {
        "error": f"services unavailable: {', '.join(failing)}",
        "code": "service_unavailable",
        "status": "unavailable",
        "services": services,
    }
    return JSONResponse(body, status_code=503)
