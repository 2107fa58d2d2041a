"""The checkout session the saga drives, the outcome it ends with, and one step of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopstack.checkout.domain.errors import SagaProblem
from shopstack.checkout.domain.model import (
    COMPLETED,
    FAILED,
    INITIATED,
    CartSnapshot,
    check_transition,
)
from shopstack.contracts import DEFAULT_TENANT, EventPayload


@dataclass(frozen=True)
class Outcome:
    """How a checkout ended: COMPLETED, or FAILED with a reason and, when the client gets an
    error instead of a result, the problem to raise (insufficient stock, a service down)."""

    checkout_id: str
    status: str
    failure_reason: str | None = None
    problem: dict[str, Any] | None = None

    @classmethod
    def completed(cls, checkout_id: str) -> Outcome:
        return cls(checkout_id, COMPLETED)

    @classmethod
    def failed(cls, checkout_id: str, reason: str, problem: SagaProblem | None = None) -> Outcome:
        return cls(checkout_id, FAILED, reason, None if problem is None else problem.as_json())

    def raise_problem(self) -> None:
        """Raise the stored problem, if this outcome has one."""
        if self.problem is not None:
            raise SagaProblem.from_json(self.problem)

    def as_json(self) -> dict[str, Any]:
        return {
            "checkout_id": self.checkout_id,
            "status": self.status,
            "failure_reason": self.failure_reason,
            "problem": self.problem,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(
            data["checkout_id"], data["status"], data.get("failure_reason"), data.get("problem")
        )


@dataclass(frozen=True)
class Step:
    """One persisted move of a session, with the events it publishes (log and outbox)."""

    checkout_id: str
    user_id: int
    from_status: str
    to_status: str
    inventory_reservation_id: str | None = None
    payment_id: str | None = None
    failure_reason: str | None = None
    outcome: Outcome | None = None
    published: tuple[EventPayload, ...] = ()
    tenant_id: str = DEFAULT_TENANT

    def changes(self) -> dict[str, Any]:
        """The session fields this step sets (besides the status)."""
        values = {
            "inventory_reservation_id": self.inventory_reservation_id,
            "payment_id": self.payment_id,
            "failure_reason": self.failure_reason,
            "outcome": self.outcome,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass
class CheckoutSession:
    """One checkout: what was bought, where the saga is, and how it ended."""

    id: str
    user_id: int
    idempotency_key: str
    card_token: str
    cart: CartSnapshot
    request_hash: str
    created_at: datetime
    updated_at: datetime
    total_amount: Decimal = Decimal(0)
    currency: str = "USD"
    status: str = INITIATED
    inventory_reservation_id: str | None = None
    payment_id: str | None = None
    failure_reason: str | None = None
    outcome: Outcome | None = field(default=None)
    tenant_id: str = DEFAULT_TENANT
    #: the runtime configuration the checkout started under; it finishes under it
    config_version: int = 0

    def step(self, to_status: str, **changes: Any) -> Step:
        """The step from the current status to ``to_status`` (InvalidTransition if not allowed)."""
        check_transition(self.status, to_status)
        return Step(
            self.id, self.user_id, self.status, to_status, tenant_id=self.tenant_id, **changes
        )

    def apply(self, step: Step) -> None:
        """Take on a step once it is persisted."""
        self.status = step.to_status
        for name, value in step.changes().items():
            setattr(self, name, value)
