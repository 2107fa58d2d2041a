"""Read-only database inspection: named SQLAlchemy engines, queries as DataFrames.

SQLite files are opened with ``mode=ro``; PostgreSQL sessions start with
``default_transaction_read_only=on``; so a notebook cannot change data by accident. Errors
are translated to :class:`DatabaseError` naming the database (password masked) and a fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .decode import PARSED_JSON_TYPE_CODES, column_names, decode_rows
from .errors import ConfigError, DatabaseError
from .redact import Redactor
from .snapshot import Snapshot

READ_ONLY_OPTION = "-c default_transaction_read_only=on"


def read_only_url(url: str):
    """The SQLAlchemy URL that opens ``url`` read-only (SQLite or PostgreSQL)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_read_only(parsed)
    if backend in ("postgresql", "postgres"):
        options = parsed.query.get("options", "")
        options = " ".join(options) if isinstance(options, tuple) else options
        merged = f"{options} {READ_ONLY_OPTION}".strip()
        driver = parsed.drivername if "+" in parsed.drivername else "postgresql+psycopg"
        return parsed.set(drivername=driver).update_query_dict({"options": merged})
    raise ConfigError(
        f"database URL {parsed.render_as_string(hide_password=True)}: only sqlite and "
        "postgresql can be inspected read-only"
    )


def _sqlite_read_only(parsed):
    database = parsed.database or ""
    if not database or database == ":memory:":
        return parsed
    if database.startswith("file:"):
        path = database
    else:
        path = f"file:{Path(database).expanduser().resolve()}"
    query = {**parsed.query, "mode": "ro", "uri": "true"}
    return parsed.set(database=path, query=query)


class Database:
    """One named database (``s.db["inventory"]``)."""

    def __init__(
        self, name: str, url: str, *, redactor: Redactor | None = None, discovered: bool = False
    ):
        self.name = name
        self._url = url
        self._redactor = redactor or Redactor()
        self._engine = None
        #: The URL came from a local shopstack's platform.json (error hints may say so).
        self._discovered = discovered

    @property
    def url(self) -> str:
        """The URL with any password masked."""
        return self._redactor.url(self._url)

    def _connect(self):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        if self._engine is None:
            url = read_only_url(self._url)
            args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
            self._engine = create_engine(url, poolclass=NullPool, connect_args=args)
        return self._engine.connect()

    def _execute(
        self,
        sql: str,
        params: dict[str, Any],
        *,
        json: str | Sequence[str] | None = None,
        timestamps: str | Sequence[str] | None = None,
    ):
        columns, rows, parsed_json = self._fetch(sql, params)
        rows = decode_rows(
            self.name,
            columns,
            rows,
            json=column_names(json),
            timestamps=column_names(timestamps),
            parsed_json=parsed_json,
        )
        return columns, rows

    def _fetch(self, sql: str, params: dict[str, Any]):
        from sqlalchemy import bindparam, exc, text

        statement = text(sql)
        lists = {k: list(v) for k, v in params.items() if isinstance(v, list | tuple | set)}
        if lists:  # ``WHERE id IN :ids`` with ids=(...): one placeholder per value
            statement = statement.bindparams(*(bindparam(k, expanding=True) for k in lists))
            params = {**params, **lists}
        try:
            with self._connect() as connection:
                result = connection.execute(statement, params)
                columns = list(result.keys())
                parsed_json = _parsed_json_columns(result)
                rows = [tuple(row) for row in result]
                return columns, rows, parsed_json
        except exc.SQLAlchemyError as error:
            raise self._translate(error, sql) from error

    def _translate(self, error: Exception, sql: str) -> DatabaseError:
        cause = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        lowered = cause.lower()
        if "read-only" in lowered or "readonly" in lowered:
            hint = "inspection is read-only: change data through the API or the admin routes"
        elif "no such table" in lowered or "does not exist" in lowered:
            hint = f"check the table and column names in database '{self.name}'"
        else:
            where = " (or platform.json)" if self._discovered else " in the params file"
            hint = f"is the database up and databases.{self.name}{where} right?"
        return DatabaseError(
            self._redactor.text(f"database '{self.name}' ({self.url}): {cause} — {hint}")
        )

    def query(
        self,
        sql: str,
        *,
        json: str | Sequence[str] | None = None,
        timestamps: str | Sequence[str] | None = None,
        **params: Any,
    ):
        """Rows of ``sql`` (bind ``:name`` parameters by keyword) as a pandas DataFrame.

        ``json=("payload",)`` decodes those JSON columns (text on SQLite, already parsed on
        PostgreSQL) to Python objects; ``timestamps=("created_at",)`` turns those columns into
        UTC timestamps (text on SQLite, ``datetime`` on PostgreSQL): the same values on both.
        ``json`` and ``timestamps`` are therefore not available as bind parameter names."""
        import pandas as pd

        columns, rows = self._execute(sql, params, json=json, timestamps=timestamps)
        return pd.DataFrame.from_records(rows, columns=columns)

    def scalar(
        self,
        sql: str,
        *,
        json: bool = False,
        timestamp: bool = False,
        **params: Any,
    ) -> Any:
        """The first column of the first row (None when there is no row); ``json=True`` decodes
        it as a JSON column, ``timestamp=True`` as a UTC timestamp (see :meth:`query`)."""
        columns, rows, parsed_json = self._fetch(sql, params)
        first = columns[:1]
        decoded = decode_rows(
            self.name,
            first,
            [row[:1] for row in rows[:1]],
            json=first if json else (),
            timestamps=first if timestamp else (),
            parsed_json=parsed_json,
        )
        return decoded[0][0] if decoded else None

    def snapshot(
        self,
        sql: str,
        *,
        key: str | list[str] | None = None,
        json: str | Sequence[str] | None = None,
        timestamps: str | Sequence[str] | None = None,
        **params: Any,
    ) -> Snapshot:
        """The rows of ``sql`` now, to :func:`diff` against a later snapshot (``json`` and
        ``timestamps`` as in :meth:`query`)."""
        frame = self.query(sql, json=json, timestamps=timestamps, **params)
        return Snapshot(database=self.name, sql=sql, frame=frame, key=key)

    def check(self) -> None:
        """Connect and ``SELECT 1``: DatabaseError now rather than after data was created."""
        self._execute("SELECT 1", {})

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __repr__(self) -> str:
        return f"<Database {self.name} {self.url}>"


def _parsed_json_columns(result) -> frozenset[str]:
    """Columns whose database type the driver parses itself (PostgreSQL json / jsonb)."""
    description = getattr(getattr(result, "cursor", None), "description", None) or ()
    return frozenset(column[0] for column in description if column[1] in PARSED_JSON_TYPE_CODES)


class Databases(Mapping[str, Database]):
    """The named databases of the platform (``s.db``)."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        redactor: Redactor | None = None,
        discovered: bool = False,
    ):
        self._redactor = redactor or Redactor()
        self._databases = {
            n: Database(n, u, redactor=self._redactor, discovered=discovered)
            for n, u in urls.items()
        }
        self._discovered = discovered

    def __getitem__(self, name: str) -> Database:
        try:
            return self._databases[name]
        except KeyError:
            known = ", ".join(sorted(self._databases)) or "none"
            where = (
                "start the local platform so platform.json lists it, or name it under "
                "`databases:` in the params file"
                if self._discovered
                else "name it under `databases:` in the params file"
            )
            raise DatabaseError(f"no database named {name!r} (known: {known}) — {where}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._databases

    def __iter__(self) -> Iterator[str]:
        return iter(self._databases)

    def __len__(self) -> int:
        return len(self._databases)

    def open_all(self) -> None:
        """Connect to every database once (``SELECT 1``); the first failure raises."""
        for database in self._databases.values():
            database.check()

    def dispose(self) -> None:
        for database in self._databases.values():
            database.dispose()

    def __repr__(self) -> str:
        return f"<Databases {', '.join(self._databases) or '(none)'}>"
