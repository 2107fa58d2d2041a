"""Unit tests of the cart's rules (no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from shopstack.cart.domain import check_product_id, new_cart
from shopstack.errors import ShopError

T0 = datetime(2026, 2, 3, 10, 30)


def _cart():
    return new_cart(1, now=T0)


def test_new_cart_id_is_24_hex_characters_and_unique():
    first, second = _cart(), _cart()
    assert len(first.id) == 24 and int(first.id, 16) >= 0
    assert first.id != second.id


def test_adding_a_product_already_in_the_cart_adds_to_its_quantity():
    cart = _cart()
    cart.add(1, 2, now=T0)
    cart.add(1, 3, now=T0 + timedelta(seconds=1))
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(1, 5)]
    assert cart.updated_at == T0 + timedelta(seconds=1)


def test_items_keep_first_added_order():
    cart = _cart()
    for product_id in (3, 1, 2):
        cart.add(product_id, 1, now=T0)
    cart.add(3, 1, now=T0)
    assert [line.product_id for line in cart.lines] == [3, 1, 2]


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_add_rejects_quantity_outside_1_to_99(quantity):
    with pytest.raises(ShopError) as caught:
        _cart().add(1, quantity, now=T0)
    assert (caught.value.status, caught.value.code) == (400, "invalid_quantity")
    assert caught.value.message == "quantity must be between 1 and 99"


def test_add_making_the_total_above_99_is_rejected_and_leaves_the_line_alone():
    cart = _cart()
    cart.add(1, 98, now=T0)
    with pytest.raises(ShopError) as caught:
        cart.add(1, 2, now=T0)
    assert caught.value.code == "invalid_quantity"
    assert cart.lines[0].quantity == 98
    cart.add(1, 1, now=T0)
    assert cart.lines[0].quantity == 99


def test_set_quantity_of_a_product_not_in_the_cart_is_item_not_found():
    with pytest.raises(ShopError) as caught:
        _cart().set_quantity(999, 5, now=T0)
    assert (caught.value.status, caught.value.message) == (404, "item not found in cart")


def test_set_quantity_checks_the_quantity_before_the_item():
    with pytest.raises(ShopError) as caught:
        _cart().set_quantity(999, 0, now=T0)
    assert caught.value.code == "invalid_quantity"


def test_remove_drops_the_line_and_unknown_product_is_item_not_found():
    cart = _cart()
    cart.add(1, 1, now=T0)
    cart.add(2, 1, now=T0)
    cart.remove(2, now=T0)
    assert [line.product_id for line in cart.lines] == [1]
    with pytest.raises(ShopError):
        cart.remove(2, now=T0)


@pytest.mark.parametrize("product_id", [0, -5, 2**63])
def test_product_id_must_be_a_positive_64_bit_integer(product_id):
    with pytest.raises(ShopError) as caught:
        check_product_id(product_id)
    assert caught.value.body() == {
        "error": "product_id must be a positive integer",
        "code": "invalid_product_id",
    }
