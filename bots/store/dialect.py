"""What differs between the store on SQLite and on PostgreSQL, in one place.

The store's modules write one SQL text for both: ``?`` placeholders, column
lists in every ``INSERT``, ``INSERT ... ON CONFLICT`` for upserts, ``RETURNING``
for generated ids, ``ORDER BY rowid`` for insertion order (on PostgreSQL the
tables ordered that way have an identity column named ``rowid``). What cannot
be written once lives here:

============================  =========================  ==========================
                              SQLite                     PostgreSQL
============================  =========================  ==========================
placeholders                  ``?`` as written           ``%s`` (``%`` doubled)
a new connection              WAL, foreign keys,         nothing to set
                              ``synchronous=NORMAL``
a transaction that reads      ``BEGIN IMMEDIATE``: the   ``BEGIN`` and the store's
before it writes              file's write lock          advisory lock
                                                         (``pg_advisory_xact_lock``)
a row read to be changed      (the write lock covers     ``SELECT ... FOR UPDATE``
                              it)
in a transaction?             ``in_transaction``         ``info.transaction_status``
============================  =========================  ==========================

The advisory lock gives PostgreSQL the guarantee ``BEGIN IMMEDIATE`` gives
SQLite: such transactions run one at a time, in every process on every host,
so a read-then-write (the ledger's ``begin``, taking a lease) is never raced.
It is released when the transaction ends, also when the process dies.
"""

from __future__ import annotations

import re
import sqlite3
import time
from functools import lru_cache
from typing import Any

# The key of the store's advisory lock on PostgreSQL ("arbots" in ASCII).
WRITE_LOCK_KEY = 0x617262_6F7473


class Dialect:
    """The SQLite behaviour; :class:`PostgreSQL` overrides what differs."""

    name = "sqlite"
    for_update = ""  # appended to a SELECT whose rows the transaction will change

    def sql(self, statement: str, has_params: bool) -> str:
        """``statement`` as the driver takes it."""
        return statement

    def prepare(self, raw: Any) -> None:
        """Set up a new driver connection (``raw``) before the store uses it."""
        write_ahead_log(raw)
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("PRAGMA synchronous=NORMAL")

    def begin(self, lock: bool) -> tuple[str, ...]:
        """The statements that open a transaction (``lock``: it reads before it writes)."""
        return ("BEGIN IMMEDIATE",) if lock else ("BEGIN",)

    def in_transaction(self, raw: Any) -> bool:
        """True while the driver connection ``raw`` has a transaction open."""
        return bool(raw.in_transaction)

    def has_table(self) -> str:
        """A query with one ``?`` (the table name) giving a row when that table exists."""
        return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"


class PostgreSQL(Dialect):
    """The PostgreSQL behaviour (psycopg 3)."""

    name = "postgresql"
    for_update = " FOR UPDATE"

    def sql(self, statement: str, has_params: bool) -> str:
        return _pyformat(statement) if has_params else statement

    def prepare(self, raw: Any) -> None:
        return None

    def begin(self, lock: bool) -> tuple[str, ...]:
        return ("BEGIN", f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})") if lock \
            else ("BEGIN",)

    def in_transaction(self, raw: Any) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(raw.info.transaction_status != TransactionStatus.IDLE)

    def has_table(self) -> str:
        return "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?"


DIALECTS = {"sqlite": Dialect(), "postgresql": PostgreSQL()}


@lru_cache(maxsize=512)
def _pyformat(statement: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (and a literal ``%`` as ``%%``)."""
    return re.sub(r"\?", "%s", statement.replace("%", "%%"))


def write_ahead_log(raw: sqlite3.Connection, patience: float = 30.0) -> None:
    """Put the SQLite file in WAL mode (once per file: the mode is kept in it).

    Switching needs the file to itself, and SQLite answers "database is
    locked" at once instead of waiting while another process creates or
    migrates a new file, so this waits for it, like every other statement.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                raw.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
