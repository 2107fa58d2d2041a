"""The state browser: API views as a user, read-only SQL per database."""

from __future__ import annotations

from types import SimpleNamespace

from phasebook.explore import StateBrowser
from phasebook.explore.state import SqlBox
from phasebook.redact import Redactor


def test_views_show_the_user_s_cart_orders_events_and_checkouts(session, completed_checkout):
    browser = StateBrowser(session)
    browser.persona.value = str(session.user_id)
    browser.load.click()

    assert browser.cards["cart"].value.count("phasebook-response") == 1
    assert "Explorer gadget" in browser.cards["orders"].value
    checkout_id = completed_checkout.json["checkout_id"]
    assert checkout_id in browser.cards["events"].value
    assert checkout_id in browser.cards["checkouts"].value
    assert "COMPLETED" in browser.cards["checkouts"].value


def test_another_user_has_no_checkout_and_the_view_says_so(session):
    browser = StateBrowser(session)
    browser.persona.value = str(session.new_user())
    views = browser.load_views()
    assert views["cart"].status == 200
    assert "no checkout among this user" in browser.cards["checkouts"].value


def test_sql_box_picks_a_table_and_shows_its_rows(session):
    box = StateBrowser(session).sql
    box.database.value = "catalog"
    assert "products" in box.table.options
    box.table.value = "products"
    assert box.sql.value == "SELECT * FROM products LIMIT 50"
    box.run.click()
    assert box.last_frame is not None and len(box.last_frame) >= 5
    assert "Laptop" in box.result.value


def test_sql_box_refuses_writes_with_one_line(session):
    box = SqlBox(session)
    box.database.value = "catalog"
    box.sql.value = "DELETE FROM products"
    box.run.click()
    assert box.last_frame is None
    assert "the SQL box is read-only" in box.result.value
    box.sql.value = "SELECT 1; DROP TABLE products"
    assert box.execute() is None


def test_sql_box_shows_a_database_error_as_one_line(session):
    box = SqlBox(session)
    box.database.value = "catalog"
    box.sql.value = "SELECT * FROM no_such_table"
    box.run.click()
    assert "no such table" in box.result.value and "Traceback" not in box.result.value


def test_without_databases_the_sql_box_says_why():
    box = SqlBox(SimpleNamespace(db={}, redactor=Redactor()))
    assert "no databases" in box.widget.value
