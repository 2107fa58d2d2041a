"""Every service with a database gets its lifespan from ``create_service_app`` (issue 12):
its database opened as ``app.state.engine``, the runtime configuration followed as
``app.state.config``, its own resources entered after both, and all of it undone at
shutdown. Only the gateway, which has no database, brings a lifespan of its own."""

from __future__ import annotations

import importlib

import pytest
from fastapi.testclient import TestClient
from shopstack.runtime_config.watcher import RuntimeConfig

SERVICES_WITH_TABLES = ("cart", "catalog", "inventory", "notifications", "orders", "payment")


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    for name in ("SHOPSTACK_DATABASE_URL", "SHOPSTACK_REDIS_URL", "SHOPSTACK_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHOPSTACK_STATE_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("service", SERVICES_WITH_TABLES)
def test_a_service_lifespan_opens_its_database_and_follows_the_configuration(state_dir, service):
    app = importlib.import_module(f"shopstack.{service}.app").create_app()
    with TestClient(app) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert app.state.engine is not None and app.state.engine.url.database
        assert isinstance(app.state.config, RuntimeConfig) and app.state.config.service == service


def test_catalog_and_inventory_resources_seed_their_data(state_dir):
    catalog = importlib.import_module("shopstack.catalog.app").create_app()
    inventory = importlib.import_module("shopstack.inventory.app").create_app()
    with TestClient(catalog) as client:
        assert client.get("/products").json()["products"]
    with TestClient(inventory) as client:
        assert client.get("/stock/1").status_code == 200


def test_only_the_gateway_brings_its_own_lifespan():
    from shopstack.webapp import create_service_app

    with pytest.raises(ValueError, match="either lifespan or tables/resources"):
        create_service_app("x", [], tables=object(), lifespan=lambda app: None)  # type: ignore[arg-type]
    for service in SERVICES_WITH_TABLES:
        source = importlib.import_module(f"shopstack.{service}.app").__file__
        with open(source, encoding="utf-8") as text:
            assert "lifespan=" not in text.read(), f"{service} builds its own lifespan"
