"""Integration tests of the catalog on SQLite and PostgreSQL: seed, listing cache, creation."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from shopstack.catalog.domain import NewProduct
from shopstack.catalog.repository import ProductRepository
from shopstack.catalog.seed import load_seed_products
from shopstack.catalog.service import Catalog
from shopstack.catalog.tables import metadata
from shopstack.db import open_service_database


@pytest.fixture
def catalog(settings):
    engine = open_service_database(settings, "catalog", metadata)
    repository = ProductRepository(engine)
    repository.seed_if_empty(load_seed_products())
    yield Catalog(repository)
    engine.dispose()


def _listing(catalog):
    return json.loads(catalog.cached_listing() or catalog.load_listing())["products"]


def test_seed_gives_the_plan_five_products_with_exact_prices(catalog):
    products = _listing(catalog)
    assert [(p["id"], p["name"], p["price"]) for p in products] == [
        (1, "Laptop", 1299.99),
        (2, "Mouse", 29.99),
        (3, "Keyboard", 89.99),
        (4, "Monitor", 399.99),
        (5, "Headphones", 249.99),
    ]
    assert products[0]["image_url"] == "http://example.com/laptop.jpg"
    assert products[0]["created_at"].endswith("Z")


def test_seeding_twice_inserts_nothing_the_second_time(catalog):
    assert catalog.repository.seed_if_empty(load_seed_products()) == 0


def test_created_products_get_the_next_id_after_the_seed(catalog):
    product = catalog.create(NewProduct(name="Scarce", price=Decimal("10.50")))
    assert product.id == 6
    assert product.public()["price"] == 10.5


def test_a_listed_product_appears_in_a_cached_listing_after_creation(catalog):
    assert len(_listing(catalog)) == 5
    assert catalog.cached_listing() is not None
    catalog.create(NewProduct(name="Webcam", price=Decimal("59.99"), listed=True))
    assert [p["name"] for p in _listing(catalog)][-1] == "Webcam"


def test_an_unlisted_product_is_found_by_id_but_not_listed(catalog):
    product = catalog.create(NewProduct(name="Hidden", price=Decimal("1.00")))
    assert len(_listing(catalog)) == 5
    assert json.loads(catalog.load_product(product.id))["name"] == "Hidden"
    assert catalog.load_product(999) is None
