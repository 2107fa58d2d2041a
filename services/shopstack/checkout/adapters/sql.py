"""The SQLAlchemy unit of work: one connection, one transaction, three repositories."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Self

from sqlalchemy.engine import Engine

from shopstack.checkout.adapters.eventlog import SqlEventLog
from shopstack.checkout.adapters.outbox import SqlOutbox
from shopstack.checkout.adapters.sessions import SqlSessions
from shopstack.db import is_sqlite


class SqlUnitOfWork:
    """``write=True`` takes SQLite's write lock up front (``BEGIN IMMEDIATE``), as
    :func:`shopstack.db.write_transaction` does; reads begin a deferred transaction."""

    def __init__(self, engine: Engine, *, write: bool = False) -> None:
        self.engine = engine
        self.write = write
        self._stack = ExitStack()

    def __enter__(self) -> Self:
        conn = self._stack.enter_context(self.engine.connect())
        if self.write and is_sqlite(self.engine):
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        self._transaction = conn.begin()
        self.sessions = SqlSessions(conn)
        self.events = SqlEventLog(conn)
        self.outbox = SqlOutbox(conn)
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            if self._transaction.is_active:  # not committed: roll back
                self._transaction.rollback()
        finally:
            self._stack.close()

    def commit(self) -> None:
        self._transaction.commit()


def sql_unit_of_work(engine: Engine):  # noqa: ANN201 - a UnitOfWorkFactory
    """The factory the runtime calls: ``factory(write=True)`` for a writing unit."""

    def factory(*, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, write=write)

    return factory
