"""The run's own data (three products, a range of user ids) and its consistency afterwards.

Products are created through the admin API for each run, so every count is exact: the happy
path buys 1 × ``happy`` (large stock), the declined scenario 1 × ``declined`` (large stock,
must come back untouched: compensation), the insufficient-stock scenario more ``scarce`` than
it has (always a 409; its stock must not move). Users come from a random range of ids that
nothing else uses, so the run's rows are ``user_id BETWEEN first AND last``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import pandas as pd

FINAL = ("COMPLETED", "FAILED")
USER_SPAN = 16_000_000
#: Below the session users' [2**30, 2**31): load users never collide with a notebook's.
USER_FLOOR, USER_CEILING = 100_000_000, 2**30


@dataclass(frozen=True)
class LoadData:
    """Products and user ids of one load run (``LoadData.create(s)``)."""

    happy: dict[str, Any]
    declined: dict[str, Any]
    scarce: dict[str, Any]
    stock: int
    scarce_stock: int
    first_user: int
    user_span: int = USER_SPAN

    @classmethod
    def create(cls, session: Any, *, stock: int = 1_000_000, scarce_stock: int = 5) -> LoadData:
        """Create the run's three unlisted products via ``session.admin``."""
        tag = secrets.token_hex(3)
        admin = session.admin

        def product(role: str, quantity: int) -> dict[str, Any]:
            return admin.create_product(f"load-{role}-{tag}", 19.99, stock=quantity)

        first = USER_FLOOR + secrets.randbelow((USER_CEILING - USER_FLOOR) // USER_SPAN - 1) * (
            USER_SPAN
        )
        return cls(
            happy=product("happy", stock),
            declined=product("declined", stock),
            scarce=product("scarce", scarce_stock),
            stock=stock,
            scarce_stock=scarce_stock,
            first_user=first,
        )

    @property
    def last_user(self) -> int:
        return self.first_user + self.user_span - 1

    @property
    def scarce_quantity(self) -> int:
        """What an insufficient-stock buyer asks for: always more than there is (≤ 99)."""
        return min(99, self.scarce_stock * 2 or 1)

    def env(self) -> dict[str, str]:
        """The locustfile's ``PHASEBOOK_LOAD_*`` variables for these products and users."""
        ids = [self.happy["id"], self.declined["id"], self.scarce["id"]]
        return {
            "PHASEBOOK_LOAD_HAPPY_PRODUCT": str(self.happy["id"]),
            "PHASEBOOK_LOAD_DECLINED_PRODUCT": str(self.declined["id"]),
            "PHASEBOOK_LOAD_SCARCE_PRODUCT": str(self.scarce["id"]),
            "PHASEBOOK_LOAD_SCARCE_QUANTITY": str(self.scarce_quantity),
            "PHASEBOOK_LOAD_READ_PRODUCTS": ",".join(map(str, ids)),
            "PHASEBOOK_LOAD_FIRST_USER": str(self.first_user),
            "PHASEBOOK_LOAD_USER_SPAN": str(self.user_span),
        }

    def frame(self) -> pd.DataFrame:
        """role, id, name, initial stock."""
        rows = [
            ("happy path", self.happy, self.stock),
            ("payment declined", self.declined, self.stock),
            ("insufficient stock", self.scarce, self.scarce_stock),
        ]
        return pd.DataFrame(
            [{"role": r, "id": p["id"], "name": p["name"], "stock": q} for r, p, q in rows]
        )


@dataclass(frozen=True)
class Consistency:
    """What the databases hold for the run's users and products."""

    sessions: pd.DataFrame  # status, failure_reason, n
    completed: int
    in_flight: int
    payments_captured: int
    payments_declined: int
    payments_for_scarce: int
    orders: int
    stock_consumed: int
    declined_stock_change: int
    scarce_stock_change: int

    @property
    def settled(self) -> bool:
        """No session in flight and every completed checkout has its order."""
        return self.in_flight == 0 and self.orders == self.completed

    def count(self, status: str, reason: str | None = None) -> int:
        rows = self.sessions[self.sessions["status"] == status]
        if reason is not None:
            rows = rows[rows["failure_reason"] == reason]
        return int(rows["n"].sum())

    def frame(self) -> pd.DataFrame:
        figures = {
            "checkout sessions COMPLETED": self.completed,
            "payments CAPTURED (run's checkouts)": self.payments_captured,
            "orders (run's users)": self.orders,
            "stock consumed (happy-path product)": self.stock_consumed,
            "sessions FAILED payment_declined": self.count("FAILED", "payment_declined"),
            "payments DECLINED (run's checkouts)": self.payments_declined,
            "stock change (declined product)": self.declined_stock_change,
            "sessions FAILED insufficient_stock": self.count("FAILED", "insufficient_stock"),
            "payments for insufficient-stock checkouts": self.payments_for_scarce,
            "stock change (scarce product)": self.scarce_stock_change,
            "sessions still in flight": self.in_flight,
        }
        return pd.DataFrame({"figure": list(figures), "value": list(figures.values())})


def consistency(session: Any, data: LoadData) -> Consistency:
    """Read the checkout, payment, orders and inventory databases for the run (read-only)."""
    users = {"lo": data.first_user, "hi": data.last_user}
    db = session.db
    rows = db["checkout"].query(
        "SELECT id, status, failure_reason FROM checkout_sessions "
        "WHERE user_id BETWEEN :lo AND :hi",
        **users,
    )
    rows["failure_reason"] = rows["failure_reason"].fillna("")
    by_status = (
        rows.groupby(["status", "failure_reason"]).size().reset_index(name="n")
        if not rows.empty
        else pd.DataFrame(columns=["status", "failure_reason", "n"])
    )
    ids = set(rows["id"].astype(str))
    completed = set(rows.loc[rows["status"] == "COMPLETED", "id"].astype(str))
    scarce = set(rows.loc[rows["failure_reason"] == "insufficient_stock", "id"].astype(str))
    payments = db["payment"].query("SELECT checkout_id, status FROM payments")
    payments = payments[payments["checkout_id"].astype(str).isin(ids)]
    orders = db["orders"].query(
        "SELECT checkout_id FROM orders WHERE user_id BETWEEN :lo AND :hi", **users
    )
    stock = (
        db["inventory"]
        .query(
            "SELECT product_id, quantity FROM stock WHERE product_id IN (:a, :b, :c)",
            a=data.happy["id"],
            b=data.declined["id"],
            c=data.scarce["id"],
        )
        .set_index("product_id")["quantity"]
    )
    captured = payments[payments["status"] == "CAPTURED"]["checkout_id"].astype(str)
    return Consistency(
        sessions=by_status,
        completed=len(completed),
        in_flight=int((~rows["status"].isin(FINAL)).sum()),
        payments_captured=int(captured.isin(completed).sum()),
        payments_declined=int((payments["status"] == "DECLINED").sum()),
        payments_for_scarce=int(payments["checkout_id"].astype(str).isin(scarce).sum()),
        orders=int(orders["checkout_id"].astype(str).isin(completed).sum()),
        stock_consumed=data.stock - int(stock[data.happy["id"]]),
        declined_stock_change=int(stock[data.declined["id"]]) - data.stock,
        scarce_stock_change=int(stock[data.scarce["id"]]) - data.scarce_stock,
    )


def settled_consistency(session: Any, data: LoadData, *, timeout: float = 60.0) -> Consistency:
    """:func:`consistency` once the run has settled (sessions final, orders created by the
    outbox relay), or the last reading after ``timeout`` seconds (the checks then show why)."""
    from ..errors import EventuallyTimeout

    try:
        return session.eventually(
            lambda: consistency(session, data),
            until=lambda c: c.settled,
            timeout=timeout,
            description="load run settled",
        )
    except EventuallyTimeout as exc:
        if isinstance(exc.last_value, Consistency):
            return exc.last_value
        raise
