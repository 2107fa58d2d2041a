import sqlite3

import pandas as pd
import pytest
from phasebook.checks import Checks
from phasebook.db import Database
from phasebook.errors import DatabaseError
from phasebook.snapshot import Snapshot, diff


def snap(rows, columns=("product_id", "quantity")):
    return Snapshot(
        database="inventory", sql="SELECT ...", frame=pd.DataFrame(rows, columns=list(columns))
    )


def test_diff_finds_added_removed_and_changed_rows():
    before = snap([(1, 100), (2, 500), (3, 300)])
    after = snap([(1, 98), (2, 500), (4, 10)])
    result = diff(before, after, key="product_id")
    assert result.added.to_dict("records") == [{"product_id": 4, "quantity": 10}]
    assert result.removed.to_dict("records") == [{"product_id": 3, "quantity": 300}]
    assert result.changed.to_dict("records") == [
        {"product_id": 1, "column": "quantity", "from": 100, "to": 98}
    ]
    assert result.change(1, "quantity") == (100, 98)
    assert result.change(2, "quantity") is None
    assert result.describe() == "1 added, 1 removed, 1 changed values"


def test_identical_snapshots_give_an_empty_diff_even_with_nulls():
    rows = [(1, None), (2, 5)]
    result = diff(snap(rows), snap(rows))
    assert result.empty and repr(result) == "<Diff no changes>"


def test_composite_keys_match_rows():
    columns = ("reservation_id", "product_id", "quantity")
    result = diff(
        snap([("r1", 1, 2)], columns),
        snap([("r1", 1, 3)], columns),
        key=["reservation_id", "product_id"],
    )
    assert result.change(("r1", 1), "quantity") == (2, 3)


def test_duplicate_key_is_reported():
    with pytest.raises(DatabaseError, match="not unique"):
        diff(snap([(1, 1), (1, 2)]), snap([(1, 1)]))


def test_missing_key_column_is_reported():
    with pytest.raises(DatabaseError, match="has no column 'id'"):
        diff(snap([(1, 1)]), snap([(1, 1)]), key="id")


def test_html_shows_each_part():
    html = diff(snap([(1, 100)]), snap([(1, 98), (2, 1)]))._repr_html_()
    assert "<div>added</div>" in html and "<div>changed</div>" in html
    assert "<div>removed</div>" not in html


def test_snapshot_from_database_and_changed_check(tmp_path, shown):
    path = tmp_path / "inventory.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE stock (product_id INTEGER PRIMARY KEY, quantity INTEGER)")
        conn.execute("INSERT INTO stock VALUES (1, 100)")
    db = Database("inventory", f"sqlite:///{path}")
    before = db.snapshot("SELECT * FROM stock", key="product_id")
    with sqlite3.connect(path) as conn:  # the platform changes the data meanwhile
        conn.execute("UPDATE stock SET quantity = 98 WHERE product_id = 1")
    after = db.snapshot("SELECT * FROM stock", key="product_id")
    checks = Checks(display=shown)
    result = diff(before, after)
    assert checks.changed(result, 1, "quantity", from_=100, to=98)
    assert not checks.changed(result, 1, "quantity", to=97)
    assert not checks.unchanged("unchanged", result)
    assert checks.results[0].message == "quantity[1]: 100 → 98"
