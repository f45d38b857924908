"""The store's database connection: SQLAlchemy Core over SQLite or PostgreSQL (psycopg 3).

Where the store lives is a *target*: a file path (SQLite, the default) or a
URL (``postgresql://arbots@db.example.com/arbots``; ``postgresql+psycopg://``
is the same). :class:`Database` is one connection to it, used the way the
store's modules used ``sqlite3``: ``execute(sql, params)`` with ``?``
placeholders gives a cursor whose rows (:class:`Row`) are read by position or
by column name; :meth:`Database.transaction` opens a transaction. Outside one
every statement commits on its own. Statements go through SQLAlchemy's
``Connection.exec_driver_sql`` (no SQL compilation per call, which keeps the
SQLite path as fast as plain ``sqlite3``); what differs between the two
databases is in :mod:`bots.store.dialect`.

A URL may carry a password (put there from the environment or the keyring by
:meth:`bots.config.Config.store_target`, never written in a file):
:func:`redact` is the form every message uses.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, make_url
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from bots.store.dialect import DIALECTS, Dialect

Target = Path | str | URL
# What using the store can raise (unreachable, locked, refused), for ``except``.
DATABASE_ERRORS = (SQLAlchemyError, sqlite3.Error)
DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg",
           "postgresql+psycopg": "postgresql+psycopg"}


class StoreTargetError(ValueError):
    """A store URL names a database this store cannot run on."""


def store_url(target: Target) -> URL:
    """The SQLAlchemy URL of ``target`` (a file path, or a ``postgresql://`` URL)."""
    if isinstance(target, str) and "://" not in target:
        target = Path(target)
    if isinstance(target, Path):
        return URL.create("sqlite", database=str(target))
    url = make_url(target)
    if url.drivername not in DRIVERS:
        raise StoreTargetError(
            f"store URL {redact(url)}: the store runs on SQLite (a file path) or PostgreSQL "
            f"(postgresql://user@host:port/database), not on {url.drivername}")
    return url.set(drivername=DRIVERS[url.drivername])


def redact(target: Target) -> str:
    """``target`` for a message: the path, or the URL with its password as ``***``."""
    if isinstance(target, Path) or (isinstance(target, str) and "://" not in target):
        return str(target)
    return make_url(target).render_as_string(hide_password=True)


@lru_cache(maxsize=32)
def _engine(url: URL, shared: bool) -> Engine:
    """One engine per URL (no pool: a store connection is opened and closed with its Store)."""
    if url.get_backend_name() == "sqlite":
        args: dict[str, Any] = {"timeout": 30, "check_same_thread": not shared}
    else:  # defaults; the URL's own query parameters go to libpq as they are
        args = {key: value for key, value in (("connect_timeout", 10),
                                               ("application_name", "arbots"))
                if key not in url.query}
    return create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                         connect_args=args)


class Row(tuple[Any, ...]):
    """A result row: a tuple, whose values can also be read by column name (``row["id"]``)."""

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        """The column names, in order."""
        return list(self._index)


@lru_cache(maxsize=256)
def _row_class(columns: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"__slots__": (),
                                "_index": {name: n for n, name in enumerate(columns)}})


class Cursor:
    """The result of one statement: its rows (if any) and how many rows it changed."""

    def __init__(self, result: CursorResult[Any]) -> None:
        self._result = result
        self.rowcount: int = result.rowcount

    def fetchone(self) -> Any:  # Row | None, typed as loosely as sqlite3's
        """The next row, or None."""
        if not self._result.returns_rows:
            return None
        values = self._result.fetchone()
        return None if values is None else _row_class(tuple(self._result.keys()))(values)

    def fetchall(self) -> list[Row]:
        """The remaining rows."""
        if not self._result.returns_rows:
            return []
        return list(map(_row_class(tuple(self._result.keys())), self._result.fetchall()))

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class Database:
    """One connection to the store's database (see the module docstring).

    ``shared``: the connection may be used by other threads than the one that
    opened it, one at a time (the web console's request handlers).
    """

    def __init__(self, target: Target, *, shared: bool = False) -> None:
        url = store_url(target)
        self.where = redact(target)
        self.dialect: Dialect = DIALECTS[url.get_backend_name()]
        if self.dialect.name == "sqlite" and url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = _engine(url, shared)
        self.connection = self.engine.connect()
        self._raw = self.connection.connection.driver_connection
        try:
            self.dialect.prepare(self._raw)
        except BaseException:
            self.connection.close()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement with ``?`` placeholders; its cursor."""
        statement = self.dialect.sql(sql, bool(params))
        return Cursor(self.connection.exec_driver_sql(statement, tuple(params) or None))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor | None:
        """Run one statement once per parameter row (nothing when there are none)."""
        if not rows:
            return None
        return Cursor(self.connection.exec_driver_sql(self.dialect.sql(sql, True),
                                                      [tuple(r) for r in rows]))

    @contextmanager
    def transaction(self, *, lock: bool = True) -> Iterator[None]:
        """One transaction around the block: committed at its end, rolled back on error.

        ``lock``: it reads before it writes, so it takes the store's write lock
        first (SQLite ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock) and no
        other such transaction runs meanwhile.
        """
        for statement in self.dialect.begin(lock):
            self.connection.exec_driver_sql(statement)
        try:
            yield
        except BaseException:
            self.connection.exec_driver_sql("ROLLBACK")
            raise
        self.connection.exec_driver_sql("COMMIT")

    @property
    def in_transaction(self) -> bool:
        """True while a transaction is open (a step stopped inside one)."""
        return self.dialect.in_transaction(self._raw)

    def commit(self) -> None:
        """Commit the open transaction, if any."""
        if self.in_transaction:
            self.connection.exec_driver_sql("COMMIT")

    def close(self) -> None:
        self.connection.close()
