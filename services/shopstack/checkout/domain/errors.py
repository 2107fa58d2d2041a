"""Checkout's domain exceptions. None of them knows HTTP: ``entrypoints/errors.py`` maps them.

:class:`SagaProblem` subclasses end a saga in FAILED with an error for the client instead of a
result; they are stored with the session (:meth:`SagaProblem.as_json`) so that a replay with
the same idempotency key raises the same problem again.
"""

from __future__ import annotations

from typing import Any, ClassVar


class CheckoutError(Exception):
    """Base of every checkout domain error."""


class InvalidCheckoutRequest(CheckoutError):
    """The start command is malformed (wrong types, too long); ``detail`` says what."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MissingIdempotencyKey(CheckoutError):
    def __init__(self) -> None:
        super().__init__("idempotency_key is required")


class EmptyCart(CheckoutError):
    def __init__(self) -> None:
        super().__init__("cart is empty")


class IdempotencyConflict(CheckoutError):
    def __init__(self) -> None:
        super().__init__("idempotency_key was already used for a different request")


class IdempotencyKeyTaken(CheckoutError):
    """Another request inserted a session with this key first (lost the race)."""


class CheckoutInProgress(CheckoutError):
    def __init__(self) -> None:
        super().__init__("a checkout with this idempotency_key is still in progress; retry later")


class ProductUnavailable(CheckoutError):
    def __init__(self, product_id: int) -> None:
        super().__init__(f"product {product_id} is no longer available")
        self.product_id = product_id


class PaymentDeclined(CheckoutError):
    """The card was declined: the checkout fails (a result, not an error for the client)."""

    def __init__(self, payment_id: str, decline_code: str | None = None) -> None:
        super().__init__(f"payment {payment_id} declined ({decline_code or 'no code'})")
        self.payment_id = payment_id
        self.decline_code = decline_code


class ReservationGone(CheckoutError):
    """Inventory cannot confirm: the reservation was released or has expired."""


class SagaProblem(CheckoutError):
    """Why a checkout answers an error rather than a result; stored so a replay repeats it."""

    kind: ClassVar[str]

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.__dict__}

    @staticmethod
    def from_json(data: dict[str, Any]) -> SagaProblem:
        fields = {key: value for key, value in data.items() if key != "kind"}
        return _PROBLEMS[data["kind"]](**fields)


class InsufficientStock(SagaProblem):
    kind = "insufficient_stock"

    def __init__(self, *, product_id: int, available: int, requested: int, message: str) -> None:
        super().__init__(message)
        self.product_id = product_id
        self.available = available
        self.requested = requested
        self.message = message


class DownstreamUnavailable(SagaProblem):
    """A service the saga needs could not be reached (after retries)."""

    kind = "downstream_unavailable"

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} service unavailable")
        self.service = service


class DownstreamUnavailableForSession(CheckoutError):
    """A service was unavailable for a checkout that has a session: which session, and the
    status it is in. The client needs both to tell an outcome that may still change (an
    intermediate status that recovery finishes) from one that is final (FAILED: replaying the
    key repeats this answer for good). Not a :class:`SagaProblem`: never stored, raised around
    the stored one."""

    def __init__(
        self, unavailable: DownstreamUnavailable, *, checkout_id: str, status: str
    ) -> None:
        super().__init__(str(unavailable))
        self.unavailable = unavailable
        self.checkout_id = checkout_id
        self.status = status


class UnexpectedAnswer(SagaProblem):
    """A service answered with a status the saga has no rule for."""

    kind = "unexpected_answer"

    def __init__(self, service: str, status: int) -> None:
        super().__init__(f"{service} service answered {status} unexpectedly")
        self.service = service
        self.status = status


_PROBLEMS: dict[str, type[SagaProblem]] = {
    problem.kind: problem
    for problem in (InsufficientStock, DownstreamUnavailable, UnexpectedAnswer)
}
