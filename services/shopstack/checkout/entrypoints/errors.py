"""Checkout's domain exceptions as the platform's HTTP errors (CONTRACT.md): the one place in
the checkout service that knows their status codes."""

from __future__ import annotations

from shopstack.checkout.domain.errors import (
    CheckoutError,
    CheckoutInProgress,
    DownstreamUnavailable,
    DownstreamUnavailableForSession,
    EmptyCart,
    IdempotencyConflict,
    InsufficientStock,
    InvalidCheckoutRequest,
    MissingIdempotencyKey,
    ProductUnavailable,
    UnexpectedAnswer,
)
from shopstack.errors import ShopError, invalid_request, service_unavailable


def http_error(exc: CheckoutError) -> ShopError:
    """The ShopError a client receives for a checkout domain error."""
    match exc:
        case InvalidCheckoutRequest():
            return invalid_request(exc.detail)
        case MissingIdempotencyKey():
            return ShopError(400, "missing_idempotency_key", str(exc))
        case EmptyCart():
            return ShopError(400, "empty_cart", str(exc))
        case IdempotencyConflict():
            return ShopError(409, "idempotency_conflict", str(exc))
        case CheckoutInProgress():
            return ShopError(409, "checkout_in_progress", str(exc))
        case ProductUnavailable():
            return ShopError(409, "product_unavailable", str(exc), product_id=exc.product_id)
        case InsufficientStock():
            return ShopError(
                409,
                "insufficient_stock",
                "insufficient_stock",
                message=exc.message,
                product_id=exc.product_id,
                available=exc.available,
                requested=exc.requested,
            )
        case DownstreamUnavailable():
            return service_unavailable(exc.service)
        case DownstreamUnavailableForSession():
            unavailable = service_unavailable(exc.unavailable.service)
            return ShopError(
                unavailable.status,
                unavailable.code,
                unavailable.message,
                checkout_id=exc.checkout_id,
                status=exc.status,
            )
        case UnexpectedAnswer():
            return ShopError(502, "bad_gateway", str(exc))
    return ShopError(500, "internal", f"checkout failed: {exc}")
