"""Integration tests of cart storage on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
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
        user_id, lambda cart: cart.add(product_id, quantity, now=utcnow()), create=True
    )


def test_changes_are_stored_and_read_back_in_first_added_order(repository):
    first = _add(repository, 1, 3, 1)
    _add(repository, 1, 1, 2)
    _add(repository, 1, 3, 4)
    repository.change(1, lambda cart: cart.set_quantity(1, 7, now=utcnow()), create=False)
    cart = repository.get(1)
    assert cart.id == first.id
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(3, 5), (1, 7)]
    repository.change(1, lambda cart: cart.remove(3, now=utcnow()), create=False)
    assert [line.product_id for line in repository.get(1).lines] == [1]


def test_a_rejected_change_stores_nothing(repository):
    with pytest.raises(ShopError):
        _add(repository, 2, 1, 100)
    assert repository.get(2) is None


def test_update_without_a_cart_is_item_not_found(repository):
    with pytest.raises(ShopError) as caught:
        repository.change(3, lambda cart: cart.set_quantity(1, 1, now=utcnow()), create=False)
    assert caught.value.message == "item not found in cart"


def test_concurrent_adds_make_one_cart_with_the_summed_quantity(repository):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: _add(repository, 4, 1, 1), range(16)))
    cart = repository.get(4)
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(1, 16)]


def test_clear_removes_the_cart_and_the_next_one_has_a_new_id(repository):
    old = _add(repository, 5, 1, 1)
    repository.clear(5)
    assert repository.get(5) is None
    with repository.engine.connect() as conn:
        assert conn.execute(select(cart_items).where(cart_items.c.cart_id == old.id)).all() == []
    assert _add(repository, 5, 1, 1).id != old.id


def test_checkout_completed_clears_only_the_checked_out_cart_once(repository):
    cart = _add(repository, 6, 1, 1)
    consume = repository.consume_checkout_completed
    assert consume("evt-other", user_id=6, cart_id="0" * 24, bought={1: 1}) == "ignored"
    assert repository.get(6) is not None
    assert consume("evt-1", user_id=6, cart_id=cart.id, bought={1: 1}) == "applied"
    assert repository.get(6) is None
    _add(repository, 6, 2, 1)
    assert consume("evt-1", user_id=6, cart_id=cart.id, bought={1: 1}) == "duplicate"
    assert repository.get(6) is not None


def test_checkout_completed_keeps_what_was_added_after_the_checkout(repository):
    cart = _add(repository, 7, 1, 2)  # checked out: 2 x product 1
    _add(repository, 7, 1, 1)  # then, before the event arrives: 1 more of product 1 ...
    _add(repository, 7, 3, 1)  # ... and a new product
    consume = repository.consume_checkout_completed
    assert consume("evt-7", user_id=7, cart_id=cart.id, bought={1: 2}) == "applied"
    left = repository.get(7)
    assert left.id == cart.id
    assert [(line.product_id, line.quantity) for line in left.lines] == [(1, 1), (3, 1)]
