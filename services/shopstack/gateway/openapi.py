"""The gateway's OpenAPI document: the routes as they behave, without FastAPI's 422.

The platform answers a malformed request with ``400 {"error", "code"}`` (see
``shopstack.errors``), so the 422 FastAPI documents by default never happens: it is replaced
by a documented 400 on every operation that takes input.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shopstack.gateway.schemas import ErrorPublic

_ERROR_REF = {"$ref": "#/components/schemas/ErrorPublic"}


def _fix_operation(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if responses.pop("422", None) is not None and "400" not in responses:
        responses["400"] = {
            "description": "invalid request",
            "content": {"application/json": {"schema": _ERROR_REF}},
        }


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict):
                _fix_operation(operation)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components.setdefault("ErrorPublic", ErrorPublic.model_json_schema())
    return schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
