"""Carts in SQL. Every change runs in one write transaction that locks the user's cart row,
so concurrent changes to one cart apply one after the other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from shopstack import inbox
from shopstack.caller import Caller
from shopstack.cart.domain import Cart, CartLine, new_cart
from shopstack.cart.tables import cart_items, carts
from shopstack.db import is_sqlite, write_transaction
from shopstack.errors import not_found
from shopstack.wire import utcnow


class CartRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = sqlite.insert if is_sqlite(engine) else postgresql.insert

    def get(self, user: Caller) -> Cart | None:
        with self.engine.connect() as conn:
            return _load(conn, user)

    def change(self, user: Caller, mutate: Callable[[Cart], None], *, create: bool) -> Cart:
        """Apply ``mutate`` to the user's cart (created first if ``create``) and store it."""
        with write_transaction(self.engine) as conn:
            cart = _load(conn, user, for_update=True)
            if cart is None and create:
                self._create(conn, user)
                cart = _load(conn, user, for_update=True)
            if cart is None:
                raise not_found("item not found in cart")
            before = {line.product_id: line.quantity for line in cart.lines}
            mutate(cart)
            _store(conn, cart, before)
        return cart

    def _create(self, conn: Connection, user: Caller) -> None:
        fresh = new_cart(user.user_id, now=utcnow())
        row = {
            "id": fresh.id,
            "tenant_id": user.tenant_id,
            "user_id": user.user_id,
            "created_at": fresh.created_at,
            "updated_at": fresh.updated_at,
        }
        conn.execute(self._insert(carts).values(**row).on_conflict_do_nothing())

    def clear(self, user: Caller) -> None:
        with write_transaction(self.engine) as conn:
            _delete_cart(conn, user)

    def consume_checkout_completed(
        self, event_id: str, *, user: Caller, cart_id: str, bought: dict[int, int]
    ) -> str:
        """Take what was bought out of the cart that was checked out; once per event id.

        Only the bought quantities go: an item added between the checkout's snapshot and this
        event stays in the cart. A cart left empty is deleted, so the next one gets a new id.
        """
        with write_transaction(self.engine) as conn:
            if not inbox.claim(conn, event_id):
                return "duplicate"
            current = conn.execute(select(carts.c.id).where(_owned_by(user))).scalar_one_or_none()
            if current is None or current != cart_id:
                return "ignored"
            if not _remove_bought(conn, cart_id, bought):
                _delete_cart(conn, user)
        return "applied"


def _remove_bought(conn: Connection, cart_id: str, bought: dict[int, int]) -> bool:
    """Subtract the bought quantities from the cart's lines; True when some line is left."""
    left = False
    lines = conn.execute(select(cart_items).where(cart_items.c.cart_id == cart_id)).mappings()
    for line in list(lines):
        remaining = line["quantity"] - bought.get(line["product_id"], 0)
        where = (cart_items.c.cart_id == cart_id) & (cart_items.c.product_id == line["product_id"])
        if remaining > 0:
            conn.execute(update(cart_items).where(where).values(quantity=remaining))
            left = True
        else:
            conn.execute(delete(cart_items).where(where))
    if left:
        conn.execute(update(carts).where(carts.c.id == cart_id).values(updated_at=utcnow()))
    return left


def _owned_by(user: Caller) -> Any:
    return (carts.c.tenant_id == user.tenant_id) & (carts.c.user_id == user.user_id)


def _load(conn: Connection, user: Caller, *, for_update: bool = False) -> Cart | None:
    query = select(carts).where(_owned_by(user))
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    lines = conn.execute(
        select(cart_items)
        .where(cart_items.c.cart_id == row["id"])
        .order_by(cart_items.c.added_at, cart_items.c.product_id)
    ).mappings()
    return Cart(
        id=row["id"],
        user_id=row["user_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        lines=[CartLine(line["product_id"], line["quantity"], line["added_at"]) for line in lines],
    )


def _store(conn: Connection, cart: Cart, before: dict[int, int]) -> None:
    after = {line.product_id: line for line in cart.lines}
    gone = [product_id for product_id in before if product_id not in after]
    if gone:
        conn.execute(
            delete(cart_items).where(
                cart_items.c.cart_id == cart.id, cart_items.c.product_id.in_(gone)
            )
        )
    for product_id, line in after.items():
        if product_id not in before:
            conn.execute(
                cart_items.insert().values(
                    cart_id=cart.id,
                    product_id=product_id,
                    quantity=line.quantity,
                    added_at=line.added_at,
                )
            )
        elif before[product_id] != line.quantity:
            conn.execute(
                update(cart_items)
                .where(cart_items.c.cart_id == cart.id, cart_items.c.product_id == product_id)
                .values(quantity=line.quantity)
            )
    conn.execute(update(carts).where(carts.c.id == cart.id).values(updated_at=cart.updated_at))


def _delete_cart(conn: Connection, user: Caller) -> None:
    cart_id = conn.execute(select(carts.c.id).where(_owned_by(user))).scalar_one_or_none()
    if cart_id is not None:
        conn.execute(delete(cart_items).where(cart_items.c.cart_id == cart_id))
        conn.execute(delete(carts).where(carts.c.id == cart_id))
