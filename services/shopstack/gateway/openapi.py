"""The gateway's OpenAPI document: the routes as they behave, without FastAPI's 422.

The platform answers a malformed request with ``400 {"error", "code"}`` (see
``shopstack.errors``), so the 422 FastAPI documents by default never happens: it is replaced
by a documented 400 on every operation that takes input. Schemas written by hand into an
operation (``openapi_extra``) bring their pydantic ``$defs``; those move to
``components/schemas`` so that every ``$ref`` resolves from the document's root.

The committed copy is ``contracts/openapi.json``; regenerate it with
``python -m shopstack.gateway.openapi > contracts/openapi.json``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shopstack.gateway.schemas import ErrorPublic

_ERROR_REF = {"$ref": "#/components/schemas/ErrorPublic"}
_LOCAL_DEFS = "#/$defs/"
_COMPONENTS = "#/components/schemas/"


def _rewrite_local_refs(node: Any) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_LOCAL_DEFS):
            node["$ref"] = _COMPONENTS + ref.removeprefix(_LOCAL_DEFS)
        for value in node.values():
            _rewrite_local_refs(value)
    elif isinstance(node, list):
        for value in node:
            _rewrite_local_refs(value)


def _hoist_defs(operation: dict[str, Any], components: dict[str, Any]) -> None:
    """Move an inline request schema's ``$defs`` to the components and point refs there."""
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = media.get("schema", {})
        for name, definition in schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        _rewrite_local_refs(schema)
    _rewrite_local_refs(components)


def _fix_operation(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if responses.pop("422", None) is not None and "400" not in responses:
        responses["400"] = {
            "description": "invalid request",
            "content": {"application/json": {"schema": _ERROR_REF}},
        }


#: OpenAPI links (how one answer feeds the next request), for clients and stateful testing.
_LINKS: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {
    ("/api/v1/cart/items", "post", "200"): {
        "SetQuantity": {
            "operationId": "set_quantity_api_v1_cart_items__product_id__put",
            "parameters": {"product_id": "$request.body#/product_id"},
        },
        "RemoveItem": {
            "operationId": "remove_item_api_v1_cart_items__product_id__delete",
            "parameters": {"product_id": "$request.body#/product_id"},
        },
    },
    ("/api/v1/checkout", "post", "200"): {
        "GetCheckout": {
            "operationId": "get_checkout_api_v1_checkout__checkout_id__get",
            "parameters": {"checkout_id": "$response.body#/checkout_id"},
        },
    },
    ("/api/v1/products", "get", "200"): {
        "GetProduct": {
            "operationId": "get_product_api_v1_products__product_id__get",
            "parameters": {"product_id": "$response.body#/products/0/id"},
        },
    },
}


def _add_links(schema: dict[str, Any]) -> None:
    for (path, method, status), links in _LINKS.items():
        response = schema["paths"][path][method]["responses"][status]
        response["links"] = links


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict):
                _fix_operation(operation)
                _hoist_defs(operation, components)
    _add_links(schema)
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


def main() -> int:
    """Print the gateway's OpenAPI document (the content of ``contracts/openapi.json``)."""
    from shopstack.gateway.app import create_app

    document = create_app(max_body_bytes=1024 * 1024).openapi()
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
