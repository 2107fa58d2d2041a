"""In-memory fakes of the checkout's ports, for service-layer tests without I/O.

:class:`MemoryUnitOfWork` keeps the semantics of the SQL one (adapters/sql.py): a unit works on
a copy of the store and only :meth:`commit` makes its changes visible; a move from a status the
session is no longer in raises InvalidTransition; a used idempotency key raises
IdempotencyKeyTaken. :class:`FakeServices` plays cart, catalog, inventory and payment with the
translations the HTTP adapter makes (declined card -> PaymentDeclined, and so on).
"""

from __future__ import annotations

import copy
import itertools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopstack.checkout.domain.errors import (
    DownstreamUnavailable,
    IdempotencyKeyTaken,
    InsufficientStock,
    PaymentDeclined,
    ProductUnavailable,
    ReservationGone,
)
from shopstack.checkout.domain.model import INTERMEDIATE, InvalidTransition
from shopstack.checkout.domain.session import CheckoutSession, Step
from shopstack.checkout.service_layer.broadcaster import Broadcaster
from shopstack.checkout.service_layer.pause import PausePoint
from shopstack.checkout.service_layer.ports import CAPTURED, RESERVED, Charge, Reservation
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.checkout.service_layer.unit_of_work import EventQuery
from shopstack.contracts import EventPayload


@dataclass
class Store:
    """What the checkout database holds."""

    sessions: dict[str, CheckoutSession] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[tuple[str, EventPayload]] = field(default_factory=list)
    commits: int = 0

    def outbox_types(self) -> list[str]:
        return [payload.EVENT_TYPE for _, payload in self.outbox]

    def statuses(self, checkout_id: str) -> list[str]:
        return [
            event["payload"]["to"]
            for event in self.events
            if event["event_type"] == "checkout.status_changed"
            and event["aggregate_id"] == checkout_id
        ]


class MemorySessions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, session: CheckoutSession) -> None:
        key = session.idempotency_key
        if self.find_by_key(key, tenant_id=session.tenant_id, user_id=session.user_id) is not None:
            raise IdempotencyKeyTaken(session.idempotency_key)
        self.store.sessions[session.id] = copy.deepcopy(session)

    def get(self, checkout_id: str) -> CheckoutSession | None:
        return copy.deepcopy(self.store.sessions.get(checkout_id))

    def find_by_key(
        self, idempotency_key: str, *, tenant_id: str, user_id: int
    ) -> CheckoutSession | None:
        for session in self.store.sessions.values():
            owner = (session.tenant_id, session.user_id)
            if session.idempotency_key == idempotency_key and owner == (tenant_id, user_id):
                return copy.deepcopy(session)
        return None

    def list_intermediate(self, *, updated_before: Any) -> list[CheckoutSession]:
        found = [s for s in self.store.sessions.values() if s.status in INTERMEDIATE]
        return [copy.deepcopy(s) for s in found if s.updated_at <= updated_before]

    def move(self, step: Step) -> None:
        session = self.store.sessions.get(step.checkout_id)
        if session is None or session.status != step.from_status:
            raise InvalidTransition(f"{step.checkout_id} is no longer {step.from_status}")
        session.apply(step)


class MemoryEventLog:
    _ids = itertools.count(1)

    def __init__(self, store: Store) -> None:
        self.store = store

    def append(
        self, *, user_id: int, aggregate_id: str, payload: EventPayload, tenant_id: str
    ) -> dict[str, Any]:
        event = {
            "id": next(self._ids),
            "tenant_id": tenant_id,
            "user_id": user_id,
            "event_type": payload.EVENT_TYPE,
            "aggregate_id": aggregate_id,
            "payload": payload.as_json(),
            "created_at": None,
        }
        self.store.events.append(event)
        return event

    def query(self, query: EventQuery) -> list[dict[str, Any]]:
        found = [
            e
            for e in self.store.events
            if (e["tenant_id"], e["user_id"]) == (query.tenant_id, query.user_id)
            and e["id"] > query.after_id
            and query.event_type in (None, e["event_type"])
            and query.aggregate_id in (None, e["aggregate_id"])
        ]
        return found[: query.limit]


class MemoryOutbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, *, aggregate_id: str, payload: EventPayload) -> str:
        self.store.outbox.append((aggregate_id, payload))
        return str(uuid.uuid4())


class MemoryUnitOfWork:
    def __init__(self, store: Store) -> None:
        self.committed = store

    def __enter__(self) -> MemoryUnitOfWork:
        self._work = copy.deepcopy(self.committed)
        self.sessions = MemorySessions(self._work)
        self.events = MemoryEventLog(self._work)
        self.outbox = MemoryOutbox(self._work)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._work = None  # anything not committed is dropped

    def commit(self) -> None:
        self.committed.sessions = self._work.sessions
        self.committed.events = self._work.events
        self.committed.outbox = self._work.outbox
        self.committed.commits += 1


class Crash(BaseException):
    """The checkout process dies here (not an Exception: nothing in the saga catches it)."""


@dataclass
class FakeServices:
    """Cart, catalog, inventory and payment in memory. ``down`` services are unreachable;
    ``crash`` names a call that kills the process: ``"charge"`` before charging,
    ``"charge:after"`` after the charge is captured, ``"confirm"`` before confirming."""

    stock: dict[int, int] = field(default_factory=lambda: {1: 100, 2: 500})
    prices: dict[int, Decimal] = field(
        default_factory=lambda: {1: Decimal("1299.99"), 2: Decimal("29.99")}
    )
    carts: dict[int, dict[str, Any]] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)
    crash: str | None = None
    reservations: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, Charge] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    config_versions: list[int] = field(default_factory=list)  # what reserve/charge were given

    def put_in_cart(self, user_id: int, **quantities: int) -> None:
        items = [{"product_id": int(p[1:]), "quantity": q} for p, q in quantities.items()]
        self.carts[user_id] = {"cart_id": f"cart-{user_id}", "items": items}

    def _enter(self, service: str, call: str) -> None:
        self.calls.append(call)
        if self.crash == call:
            raise Crash(call)
        if service in self.down:
            raise DownstreamUnavailable(service)

    async def cart(self, user_id: int, *, tenant_id: str = "default") -> dict[str, Any]:
        self._enter("cart", "cart")
        return copy.deepcopy(self.carts.get(user_id, {"cart_id": "", "items": []}))

    async def products(self, product_ids: list[int]) -> dict[int, dict[str, Any]]:
        self._enter("catalog", "products")
        for pid in product_ids:
            if pid not in self.prices:
                raise ProductUnavailable(pid)
        return {pid: {"name": f"product {pid}", "price": self.prices[pid]} for pid in product_ids}

    async def reserve(
        self, checkout_id: str, lines: list[dict[str, int]], *, config_version: int = 0
    ) -> Reservation:
        self._enter("inventory", "reserve")
        self.config_versions.append(config_version)
        held = self.reservations.get(checkout_id)
        if held is not None:  # a tombstone or a repeat: answer what is there
            return Reservation(held["id"], held["status"])
        for line in lines:
            available = self.stock.get(line["product_id"], 0)
            if line["quantity"] > available:
                raise InsufficientStock(
                    product_id=line["product_id"],
                    available=available,
                    requested=line["quantity"],
                    message=f"Requested quantity ({line['quantity']}) exceeds available "
                    f"stock ({available})",
                )
        for line in lines:
            self.stock[line["product_id"]] -= line["quantity"]
        held = {"id": f"res-{checkout_id}", "status": RESERVED, "lines": lines}
        self.reservations[checkout_id] = held
        return Reservation(held["id"], RESERVED)

    def tombstone(self, checkout_id: str) -> None:
        self.reservations[checkout_id] = {"id": f"res-{checkout_id}", "status": "RELEASED"}

    async def confirm(self, reservation_id: str) -> None:
        self._enter("inventory", "confirm")
        for held in self.reservations.values():
            if held["id"] == reservation_id and held["status"] in (RESERVED, "CONFIRMED"):
                held["status"] = "CONFIRMED"
                return
        raise ReservationGone(reservation_id)

    async def release(self, checkout_id: str) -> None:
        self._enter("inventory", "release")
        held = self.reservations.get(checkout_id)
        if held is None:
            self.tombstone(checkout_id)
        elif held["status"] == RESERVED:
            held["status"] = "RELEASED"
            for line in held["lines"]:
                self.stock[line["product_id"]] += line["quantity"]

    async def charge(  # noqa: PLR0913 - keyword-only, as the port
        self,
        checkout_id: str,
        *,
        amount: Decimal,
        currency: str,
        card_token: str,
        config_version: int = 0,
    ) -> Charge:
        self._enter("payment", "charge")
        self.config_versions.append(config_version)
        if checkout_id not in self.charges:
            status = CAPTURED if card_token == "tok_visa" else "DECLINED"
            self.charges[checkout_id] = Charge(status, f"pay-{checkout_id}", None)
        if self.crash == "charge:after":
            raise Crash("charge:after")
        charge = self.charges[checkout_id]
        if charge.status != CAPTURED:
            raise PaymentDeclined(charge.payment_id, "card_declined")
        return charge

    async def find_charge(self, checkout_id: str) -> Charge | None:
        self._enter("payment", "find_charge")
        return self.charges.get(checkout_id)

    async def void(self, checkout_id: str) -> Charge:
        self._enter("payment", "void")
        charge = self.charges.get(checkout_id)
        status = "REFUNDED" if charge and charge.status == CAPTURED else "VOIDED"
        self.charges[checkout_id] = Charge(status, f"pay-{checkout_id}")
        return self.charges[checkout_id]


async def inline(fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
    """Run a unit of work right here (no thread pool): the tests stay deterministic."""
    return fn(*args, **kwargs)


def fake_runtime(
    services: FakeServices, store: Store | None = None, *, pause: PausePoint | None = None
) -> tuple[Runtime, Store]:
    """A runtime over the fakes and its store; ``runtime.wakes`` counts relay wake-ups."""
    store = store if store is not None else Store()
    wakes: list[int] = []
    runtime = Runtime(
        uow=lambda write=False: MemoryUnitOfWork(store),
        services=services,
        broadcaster=Broadcaster(),
        wake_relay=lambda: wakes.append(1),
        pause=pause or PausePoint(),
        offload=inline,
    )
    runtime.wakes = wakes
    return runtime, store
