"""Event types, their payloads, and the envelope a consumer receives.

Names are past tense (``CheckoutCompleted``). A payload model knows its type name
(``EVENT_TYPE``); :data:`PAYLOADS` maps every name to its model, and :data:`CONSUMERS` says which
services the outbox relay delivers each type to. Money is a ``Decimal`` in Python and a JSON
number with two decimals on the wire (CONTRACT.md).

Room for the event engine (CONTRACT.md "Wave 2 additions"): the envelope already carries
``tenant_id`` (``"default"`` until tenants exist) and ``sequence`` (1-based, gapless per
aggregate, set by the event log; ``None`` on an outbox delivery that has none yet). Envelopes
ignore fields they do not know, so a producer can add one before every consumer knows it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, ValidationError, WithJsonSchema

from shopstack.errors import ShopError
from shopstack.wire import money, to_decimal

CHECKOUT_STATUS_CHANGED = "checkout.status_changed"
CHECKOUT_COMPLETED = "checkout.completed"
CHECKOUT_FAILED = "checkout.failed"
ORDER_CREATED = "order.created"

DEFAULT_TENANT = "default"
TENANT_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"

Money = Annotated[
    Decimal,
    PlainSerializer(money, return_type=float),
    WithJsonSchema({"type": "number", "minimum": 0, "description": "two decimals"}),
]

_ORDER_NAMESPACE = uuid.UUID("5b0d1f3e-6c3a-4b59-9a59-0d7c2f1e8a42")


def order_id_for(checkout_id: str) -> str:
    """The order id of a checkout: derived, so every consumer of ``checkout.completed`` names
    the order alike (the confirmation email quotes it without asking the orders service)."""
    return str(uuid.uuid5(_ORDER_NAMESPACE, checkout_id))


class EventPayload(BaseModel):
    """The data of one event type; subclasses set ``EVENT_TYPE``."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)
    EVENT_TYPE: ClassVar[str]

    def as_json(self) -> dict[str, Any]:
        """The payload as stored in the outbox and the event log."""
        return self.model_dump(mode="json", by_alias=True)


class PurchasedItem(BaseModel):
    """One line of a completed checkout, priced from the catalogue at checkout time."""

    model_config = ConfigDict(frozen=True)

    product_id: int = Field(gt=0, lt=2**63)
    product_name: str = ""
    quantity: int = Field(ge=1)
    price: Money

    @property
    def subtotal(self) -> Decimal:
        return to_decimal(self.price * self.quantity)


class CheckoutCompleted(EventPayload):
    """A checkout was paid and its stock confirmed: clear the cart, create the order, email."""

    EVENT_TYPE: ClassVar[str] = CHECKOUT_COMPLETED

    checkout_id: str = Field(min_length=1, max_length=64)
    user_id: int = Field(gt=0, lt=2**63)
    tenant_id: str = Field(
        default=DEFAULT_TENANT, pattern=TENANT_PATTERN, description="the user's tenant"
    )
    cart_id: str = Field(default="", description="the cart that was bought; empty if unknown")
    items: list[PurchasedItem] = Field(min_length=1)
    total_amount: Money
    currency: str = Field(default="USD", min_length=3, max_length=3)
    payment_id: str | None = None

    @property
    def order_id(self) -> str:
        return order_id_for(self.checkout_id)

    def bought(self) -> dict[int, int]:
        """Quantity bought per product."""
        quantities: dict[int, int] = {}
        for item in self.items:
            quantities[item.product_id] = quantities.get(item.product_id, 0) + item.quantity
        return quantities


class CheckoutFailed(EventPayload):
    """A checkout ended FAILED: inventory releases its stock; payment voids an attempt whose
    outcome was unknown (``payment_attempted``)."""

    EVENT_TYPE: ClassVar[str] = CHECKOUT_FAILED

    checkout_id: str = Field(min_length=1, max_length=64)
    user_id: int = Field(gt=0, lt=2**63)
    tenant_id: str = Field(
        default=DEFAULT_TENANT, pattern=TENANT_PATTERN, description="the user's tenant"
    )
    failure_reason: str = Field(min_length=1, max_length=64)
    payment_attempted: bool = False


class CheckoutStatusChanged(EventPayload):
    """A checkout session moved from one status to the next (event log only, not delivered)."""

    EVENT_TYPE: ClassVar[str] = CHECKOUT_STATUS_CHANGED

    checkout_id: str = Field(min_length=1, max_length=64)
    from_status: str | None = Field(alias="from", description="null for a new session")
    to_status: str = Field(alias="to")
    failure_reason: str | None = Field(default=None, description="only when 'to' is FAILED")

    def as_json(self) -> dict[str, Any]:
        """``from`` is always present (null for a new session); ``failure_reason`` only when set."""
        body = self.model_dump(mode="json", by_alias=True)
        if body["failure_reason"] is None:
            del body["failure_reason"]
        return body


class OrderCreated(EventPayload):
    """The orders service recorded the order of a completed checkout (event log only, not
    delivered): aggregate = the order id, ``checkout_id`` links it to the checkout's events."""

    EVENT_TYPE: ClassVar[str] = ORDER_CREATED

    order_id: str = Field(min_length=1, max_length=64)
    checkout_id: str = Field(min_length=1, max_length=64)
    user_id: int = Field(gt=0, lt=2**63)
    tenant_id: str = Field(
        default=DEFAULT_TENANT, pattern=TENANT_PATTERN, description="the user's tenant"
    )
    status: str = Field(min_length=1, max_length=16)
    total_amount: Money
    currency: str = Field(default="USD", min_length=3, max_length=3)

    @classmethod
    def of(cls, event: CheckoutCompleted, *, status: str) -> OrderCreated:
        """The order a ``checkout.completed`` event creates."""
        return cls(
            order_id=event.order_id,
            checkout_id=event.checkout_id,
            user_id=event.user_id,
            tenant_id=event.tenant_id,
            status=status,
            total_amount=event.total_amount,
            currency=event.currency,
        )


#: Every event type and its payload model.
PAYLOADS: dict[str, type[EventPayload]] = {
    model.EVENT_TYPE: model
    for model in (CheckoutStatusChanged, CheckoutCompleted, CheckoutFailed, OrderCreated)
}

#: Which services the outbox relay delivers each type to (``POST {service}/events``).
CONSUMERS: dict[str, tuple[str, ...]] = {
    CHECKOUT_COMPLETED: ("cart", "orders", "notifications"),
    CHECKOUT_FAILED: ("inventory", "payment"),
}

P = TypeVar("P", bound=EventPayload)


class InvalidEvent(ShopError):
    """A delivered event whose payload does not match its type's model: 400 to the relay."""

    def __init__(self, event_type: str, detail: str) -> None:
        super().__init__(
            400, "invalid_request", f"invalid request body: {event_type} payload: {detail}"
        )


def _first_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"field '{where}': {first.get('msg', 'invalid value')}" if where else first["msg"]


class Delivery(BaseModel):
    """The envelope the relay POSTs to a consumer's ``/events``; idempotent by ``id``."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64, description="outbox row id, unique per event")
    event_type: str = Field(min_length=1, max_length=64)
    aggregate_id: str = Field(default="", max_length=128)
    payload: dict[str, Any] = Field(default_factory=dict)
    created_at: str | None = None
    tenant_id: str = DEFAULT_TENANT
    sequence: int | None = Field(default=None, ge=1)

    def payload_as(self, model: type[P]) -> P | None:
        """The typed payload when this is ``model``'s event type, None for any other type
        (the consumer ignores it); :class:`InvalidEvent` when the payload breaks the model."""
        if self.event_type != model.EVENT_TYPE:
            return None
        try:
            return model.model_validate(self.payload)
        except ValidationError as exc:
            raise InvalidEvent(self.event_type, _first_problem(exc)) from exc
