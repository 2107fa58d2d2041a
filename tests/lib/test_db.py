import sqlite3

import pandas as pd
import pytest
from phasebook.db import Database, Databases, read_only_url
from phasebook.errors import ConfigError, DatabaseError
from phasebook.redact import MASK, Redactor
from sqlalchemy.engine import make_url


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "inventory.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE stock (product_id INTEGER PRIMARY KEY, quantity INTEGER)")
        conn.executemany("INSERT INTO stock VALUES (?, ?)", [(1, 100), (2, 500)])
    return path


def test_sqlite_url_is_opened_read_only_with_uri_mode(tmp_path):
    url = read_only_url(f"sqlite:///{tmp_path}/x.db")
    assert url.database == f"file:{tmp_path}/x.db"
    assert url.query == {"mode": "ro", "uri": "true"}


def test_postgres_read_only_option_is_merged_with_search_path():
    url = read_only_url("postgresql://u@h/db?options=-csearch_path%3Dinventory")
    assert url.drivername == "postgresql+psycopg"
    assert url.query["options"] == "-csearch_path=inventory -c default_transaction_read_only=on"


def test_postgres_url_without_options_gets_the_read_only_option():
    url = read_only_url("postgresql+psycopg://u:pw@h:5433/db")
    assert url.query == {"options": "-c default_transaction_read_only=on"}
    assert url.password == "pw" and url.port == 5433


def test_other_backends_are_refused():
    with pytest.raises(ConfigError, match="only sqlite and postgresql"):
        read_only_url("mysql://u:pw@h/db")


def test_query_returns_a_frame_and_binds_parameters(inventory):
    db = Database("inventory", f"sqlite:///{inventory}")
    frame = db.query("SELECT * FROM stock WHERE product_id = :pid", pid=2)
    assert frame.to_dict("records") == [{"product_id": 2, "quantity": 500}]
    assert db.scalar("SELECT quantity FROM stock WHERE product_id = :pid", pid=1) == 100
    assert db.scalar("SELECT quantity FROM stock WHERE product_id = 99") is None


def test_a_tuple_or_list_parameter_expands_into_an_in_list(inventory):
    db = Database("inventory", f"sqlite:///{inventory}")
    sql = "SELECT product_id FROM stock WHERE product_id IN :ids ORDER BY product_id"
    assert db.query(sql, ids=(1, 2))["product_id"].tolist() == [1, 2]
    assert db.query(sql, ids=[2, 99])["product_id"].tolist() == [2]


def test_sqlite_writes_are_refused_as_read_only(inventory):
    db = Database("inventory", f"sqlite:///{inventory}")
    with pytest.raises(DatabaseError, match="database 'inventory'.*read-only"):
        db.query("UPDATE stock SET quantity = 0")
    assert db.scalar("SELECT quantity FROM stock WHERE product_id = 1") == 100


def test_unknown_table_error_names_database_and_what_to_check(inventory):
    with pytest.raises(DatabaseError, match="no such table: nope — check the table"):
        Database("inventory", f"sqlite:///{inventory}").query("SELECT * FROM nope")


def test_missing_database_file_is_a_database_error(tmp_path):
    with pytest.raises(DatabaseError, match="database 'cart'"):
        Database("cart", f"sqlite:///{tmp_path}/missing.db").query("SELECT 1")


def test_unknown_database_name_lists_known_ones(inventory):
    dbs = Databases({"inventory": f"sqlite:///{inventory}"})
    assert "inventory" in dbs and list(dbs) == ["inventory"]
    with pytest.raises(DatabaseError, match=r"no database named 'orders' \(known: inventory\)"):
        dbs["orders"]


def test_password_never_shows_in_url_repr_or_errors():
    red = Redactor(["pw-9"])
    db = Database("checkout", "postgresql://qa:pw-9@127.0.0.1:1/shop", redactor=red)
    assert "pw-9" not in db.url + repr(db) and MASK in db.url
    with pytest.raises(DatabaseError) as info:
        db.query("SELECT 1")
    assert "pw-9" not in str(info.value)


@pytest.mark.postgres
def test_postgres_query_with_search_path_and_read_only_enforced(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS pb_inventory CASCADE")
        conn.execute("CREATE SCHEMA pb_inventory")
        conn.execute("CREATE TABLE pb_inventory.stock (product_id int PRIMARY KEY, quantity int)")
        conn.execute("INSERT INTO pb_inventory.stock VALUES (1, 100), (2, 500)")
    url = make_url(postgres_url).update_query_dict({"options": "-csearch_path=pb_inventory"})
    db = Database("inventory", url.render_as_string(hide_password=False))
    assert db.query("SELECT * FROM stock ORDER BY product_id")["quantity"].tolist() == [100, 500]
    with pytest.raises(DatabaseError, match="read-only"):
        db.query("UPDATE stock SET quantity = 0")
    assert db.scalar("SELECT quantity FROM stock WHERE product_id = 1") == 100


def test_a_connection_failure_mentions_platform_json_only_for_a_discovered_shopstack(tmp_path):
    url = f"sqlite:///{tmp_path}/missing.db"
    with pytest.raises(DatabaseError) as remote:
        Databases({"app": url}).open_all()
    assert "databases.app in the params file right?" in str(remote.value)
    assert "platform.json" not in str(remote.value)
    with pytest.raises(DatabaseError, match=r"databases\.app \(or platform\.json\) right\?"):
        Databases({"app": url}, discovered=True).open_all()


EVENT_ROWS = [
    (1, '{"run": "a", "items": [1, 2]}', '"text"', "2026-12-01 10:00:00.250000"),
    (2, None, None, None),
]


def _events_json_and_timestamps(db: Database) -> None:
    """The same assertions on SQLite and PostgreSQL: one type per column, whatever the driver."""
    sql = "SELECT id, payload, label, created_at FROM events ORDER BY id"
    frame = db.query(sql, json=("payload", "label"), timestamps="created_at")
    assert frame["payload"].tolist() == [{"run": "a", "items": [1, 2]}, None]
    assert frame["label"].iloc[0] == "text"  # a JSON string stays a string, not parsed twice
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert frame["created_at"].iloc[0] == pd.Timestamp("2026-12-01 10:00:00.25", tz="UTC")
    assert frame["created_at"].isna().tolist() == [False, True]
    first = "SELECT payload FROM events WHERE id = :i"
    assert db.scalar(first, json=True, i=1) == {"run": "a", "items": [1, 2]}
    assert db.scalar("SELECT created_at FROM events WHERE id = 1", timestamp=True) == pd.Timestamp(
        "2026-12-01 10:00:00.25", tz="UTC"
    )
    snapshot = db.snapshot(sql, key="id", json="payload")
    assert snapshot.frame["payload"].iloc[0]["run"] == "a"


def test_json_and_timestamp_columns_are_decoded_on_sqlite(tmp_path):
    path = tmp_path / "checkout.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE events (id INTEGER, payload JSON, label JSON, created_at DATETIME)"
        )
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", EVENT_ROWS)
    db = Database("checkout", f"sqlite:///{path}")
    assert db.query("SELECT payload FROM events WHERE id = 1")["payload"].tolist() == [
        EVENT_ROWS[0][1]
    ]  # undecoded unless named: text, as SQLite stores it
    _events_json_and_timestamps(db)


@pytest.mark.postgres
def test_json_and_timestamp_columns_are_decoded_on_postgres(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS pb_checkout CASCADE")
        conn.execute("CREATE SCHEMA pb_checkout")
        conn.execute(
            "CREATE TABLE pb_checkout.events "
            "(id int, payload json, label jsonb, created_at timestamp without time zone)"
        )
        for row in EVENT_ROWS:
            conn.execute("INSERT INTO pb_checkout.events VALUES (%s, %s, %s, %s)", row)
    url = make_url(postgres_url).update_query_dict({"options": "-csearch_path=pb_checkout"})
    _events_json_and_timestamps(Database("checkout", url.render_as_string(hide_password=False)))


def test_a_named_column_missing_from_the_result_or_not_json_is_a_database_error(inventory):
    db = Database("inventory", f"sqlite:///{inventory}")
    with pytest.raises(DatabaseError, match=r"no column 'payload' in the result \(columns: "):
        db.query("SELECT product_id FROM stock", json=("payload",))
    with pytest.raises(DatabaseError, match="column 'note' of row 0 is not JSON"):
        db.query("SELECT 'not json' AS note", json="note")
