"""The platform's error model: every error is ``{"error": <message>, "code": <code>}``.

Services raise :class:`ShopError`; :func:`install_error_handlers` turns it, FastAPI's
validation errors, unknown routes and unexpected exceptions into that shape, so a client
mistake is never a 500 and never FastAPI's 422 shape.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("shopstack.errors")


class ShopError(Exception):
    """An error with an HTTP status, a machine code, a message and optional extra fields."""

    def __init__(self, status: int, code: str, message: str, /, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "code": self.code, **self.extra}


def not_found(message: str) -> ShopError:
    return ShopError(404, "not_found", message)


def invalid_request(detail: str) -> ShopError:
    return ShopError(400, "invalid_request", f"invalid request body: {detail}")


def invalid_product_id() -> ShopError:
    return ShopError(400, "invalid_product_id", "product_id must be a positive integer")


def invalid_quantity() -> ShopError:
    return ShopError(400, "invalid_quantity", "quantity must be between 1 and 99")


def payload_too_large(limit_bytes: int) -> ShopError:
    return ShopError(
        413,
        "payload_too_large",
        f"request body larger than {limit_bytes} bytes: send a smaller body",
    )


def service_unavailable(service: str) -> ShopError:
    return ShopError(503, "service_unavailable", f"{service} service unavailable")


def forbidden(message: str = "forbidden") -> ShopError:
    return ShopError(403, "forbidden", message)


def unauthorized(message: str) -> ShopError:
    return ShopError(401, "unauthorized", message)


_STATUS_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


_OUT_OF_RANGE = frozenset({"greater_than_equal", "less_than_equal", "greater_than", "less_than"})
#: What Starlette/FastAPI say when a body cannot be parsed at all (e.g. JSON nested too deep).
_UNPARSABLE_BODY = "There was an error parsing the body"


#: Where a request parameter that is not in the body comes from (pydantic's ``loc[0]``).
_PARAMETER_PLACES = frozenset({"query", "path", "header", "cookie"})


def describe_validation_error(exc: RequestValidationError) -> str:
    """One readable line for the first problem pydantic found."""
    errors = exc.errors()
    if not errors:
        return "invalid input"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return "malformed JSON"
    location = [str(part) for part in first.get("loc", ()) if part != "body"]
    field = ".".join(location)
    message = str(first.get("msg", "invalid value"))
    if first.get("type") == "missing":
        return f"missing field '{field}'" if field else "missing body"
    return f"field '{field}': {message}" if field else message


def validation_error(exc: RequestValidationError) -> ShopError:
    """The contract's error for what pydantic rejected: a product id that is not an integer
    (in a path or a body) has its own code; anything else is ``invalid_request``."""
    errors = exc.errors()
    first = errors[0] if errors else {}
    location = first.get("loc", ())
    kind = first.get("type")
    if location and location[-1] == "product_id" and kind != "missing":
        return invalid_product_id()
    if location and location[-1] == "quantity" and kind in _OUT_OF_RANGE:
        return invalid_quantity()
    if location and location[0] in _PARAMETER_PLACES and len(location) > 1:
        where, name = location[0], ".".join(str(part) for part in location[1:])
        message = "missing" if kind == "missing" else str(first.get("msg", "invalid value"))
        return ShopError(400, "invalid_request", f"invalid {where} parameter '{name}': {message}")
    return invalid_request(describe_validation_error(exc))


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ShopError)
    async def _shop_error(_request: Request, exc: ShopError) -> JSONResponse:
        return _json(exc.status, exc.body())

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _json(400, validation_error(exc).body())

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404 and message == "Not Found":
            message = "route not found"
        if exc.status_code == 400 and message == _UNPARSABLE_BODY:
            return _json(400, invalid_request("malformed JSON").body())
        return _json(
            exc.status_code, {"error": message, "code": code}, getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _json(500, {"error": "internal error", "code": "internal"})
