"""``/api/v1/admin/config``: read and change the runtime configuration (admin token only).

A change is stored as the next version in the ``config`` database; every service follows it
within 2 s without a restart (:mod:`shopstack.runtime_config`).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from shopstack.gateway.admin_auth import AdminOnly
from shopstack.gateway.forwarding import errors
from shopstack.runtime_config import store
from shopstack.runtime_config.schema import InvalidConfig, change_json_schema, validate_change

router = APIRouter(prefix="/api/v1/admin/config", tags=["admin"], dependencies=[AdminOnly])


class ConfigPublic(BaseModel):
    version: int = Field(ge=0, description="0: the defaults the platform started with")
    settings: dict[str, Any] = Field(
        examples=[
            {
                "payment.failure_rate": 0.0,
                "payment.latency_ms": 0,
                "inventory.reservation_ttl_s": 300.0,
                "notifications.enabled": True,
            }
        ]
    )


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": change_json_schema()}},
    }
}


def _body(version: store.Version) -> dict[str, Any]:
    return {"version": version.version, "settings": version.settings}


@router.get("", response_model=ConfigPublic, summary="The current runtime configuration")
async def get_config(request: Request) -> dict[str, Any]:
    state = request.app.state
    return _body(await run_in_threadpool(store.latest, state.config_engine, state.config_defaults))


@router.patch(
    "",
    response_model=ConfigPublic,
    summary="Change runtime settings (applied by every service within 2 s, no restart)",
    responses=errors(400, 401, 403),
    openapi_extra=_BODY_DOC,
)
async def patch_config(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, RecursionError) as exc:
        raise InvalidConfig("malformed JSON") from exc
    changes = validate_change(body)
    state = request.app.state
    version = await run_in_threadpool(
        store.change, state.config_engine, changes, state.config_defaults
    )
    return _body(version)
