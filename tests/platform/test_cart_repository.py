"""Integration tests of cart storage on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from shopstack.caller import Caller
from shopstack.cart.repository import CartRepository
from shopstack.cart.tables import cart_items, metadata
from shopstack.db import open_service_database
from shopstack.errors import ShopError
from shopstack.wire import utcnow
from sqlalchemy import select


@pytest.fixture
def repository(settings):
    engine = open_service_database(settings, "cart", metadata)
    yield CartRepository(engine)
    engine.dispose()


def _add(repository, user_id, product_id, quantity):
    return repository.change(
        Caller("default", user_id) if isinstance(user_id, int) else user_id,
        lambda cart: cart.add(product_id, quantity, now=utcnow()),
        create=True,
    )


def test_changes_are_stored_and_read_back_in_first_added_order(repository):
    first = _add(repository, 1, 3, 1)
    _add(repository, 1, 1, 2)
    _add(repository, 1, 3, 4)
    repository.change(
        Caller("default", 1), lambda cart: cart.set_quantity(1, 7, now=utcnow()), create=False
    )
    cart = repository.get(Caller("default", 1))
    assert cart.id == first.id
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(3, 5), (1, 7)]
    repository.change(Caller("default", 1), lambda cart: cart.remove(3, now=utcnow()), create=False)
    assert [line.product_id for line in repository.get(Caller("default", 1)).lines] == [1]


def test_a_rejected_change_stores_nothing(repository):
    with pytest.raises(ShopError):
        _add(repository, 2, 1, 100)
    assert repository.get(Caller("default", 2)) is None


def test_update_without_a_cart_is_item_not_found(repository):
    with pytest.raises(ShopError) as caught:
        repository.change(
            Caller("default", 3), lambda cart: cart.set_quantity(1, 1, now=utcnow()), create=False
        )
    assert caught.value.message == "item not found in cart"


def test_concurrent_adds_make_one_cart_with_the_summed_quantity(repository):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: _add(repository, 4, 1, 1), range(16)))
    cart = repository.get(Caller("default", 4))
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(1, 16)]


def test_clear_removes_the_cart_and_the_next_one_has_a_new_id(repository):
    old = _add(repository, 5, 1, 1)
    repository.clear(Caller("default", 5))
    assert repository.get(Caller("default", 5)) is None
    with repository.engine.connect() as conn:
        assert conn.execute(select(cart_items).where(cart_items.c.cart_id == old.id)).all() == []
    assert _add(repository, 5, 1, 1).id != old.id


def test_checkout_completed_clears_only_the_checked_out_cart_once(repository):
    cart = _add(repository, 6, 1, 1)
    consume = repository.consume_checkout_completed
    assert (
        consume("evt-other", user=Caller("default", 6), cart_id="0" * 24, bought={1: 1})
        == "ignored"
    )
    assert repository.get(Caller("default", 6)) is not None
    assert consume("evt-1", user=Caller("default", 6), cart_id=cart.id, bought={1: 1}) == "applied"
    assert repository.get(Caller("default", 6)) is None
    _add(repository, 6, 2, 1)
    assert (
        consume("evt-1", user=Caller("default", 6), cart_id=cart.id, bought={1: 1}) == "duplicate"
    )
    assert repository.get(Caller("default", 6)) is not None


def test_checkout_completed_keeps_what_was_added_after_the_checkout(repository):
    cart = _add(repository, 7, 1, 2)  # checked out: 2 x product 1
    _add(repository, 7, 1, 1)  # then, before the event arrives: 1 more of product 1 ...
    _add(repository, 7, 3, 1)  # ... and a new product
    consume = repository.consume_checkout_completed
    assert consume("evt-7", user=Caller("default", 7), cart_id=cart.id, bought={1: 2}) == "applied"
    left = repository.get(Caller("default", 7))
    assert left.id == cart.id
    assert [(line.product_id, line.quantity) for line in left.lines] == [(1, 1), (3, 1)]


def test_the_same_user_id_in_two_tenants_has_two_carts(repository):
    acme, globex = Caller("acme", 8), Caller("globex", 8)
    acme_cart = _add(repository, acme, 1, 1)
    globex_cart = _add(repository, globex, 2, 3)
    assert acme_cart.id != globex_cart.id
    assert [(x.product_id, x.quantity) for x in repository.get(acme).lines] == [(1, 1)]
    repository.clear(globex)
    assert repository.get(globex) is None and repository.get(acme) is not None
    consume = repository.consume_checkout_completed
    assert consume("evt-8", user=globex, cart_id=acme_cart.id, bought={1: 1}) == "ignored"
    assert repository.get(acme).id == acme_cart.id
