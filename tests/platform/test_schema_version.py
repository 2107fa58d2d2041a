"""Each service records its schema version; the committed contract matches the code."""

import json
from pathlib import Path

from shopstack.schema_version import expected_versions, fingerprint, record
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, text

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "schema_versions.json"


def test_committed_schema_versions_match_the_code():
    committed = json.loads(CONTRACT.read_text())
    assert committed == expected_versions(), (
        "table definitions changed: regenerate with "
        "`python -m shopstack.schema_version > contracts/schema_versions.json`"
    )


def test_the_version_changes_when_a_column_does():
    def tables(extra: bool) -> MetaData:
        metadata = MetaData()
        columns = [Column("id", Integer, primary_key=True), Column("name", String(10))]
        if extra:
            columns.append(Column("tenant_id", String(40)))
        Table("things", metadata, *columns)
        return metadata

    assert fingerprint(tables(False)) != fingerprint(tables(True))
    assert fingerprint(tables(True)) == fingerprint(tables(True))


def test_record_writes_one_row_per_service_and_replaces_it(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/x.db")
    metadata = MetaData()
    Table("things", metadata, Column("id", Integer, primary_key=True))
    metadata.create_all(engine)
    record(engine, "things", metadata)
    version = record(engine, "things", metadata)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT service, version FROM schema_version")).all()
    assert rows == [("things", version)]
