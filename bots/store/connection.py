"""The open store file: one SQLite connection, its pragmas, its clock."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bots.store.schema import migrate, version

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the store's default clock)."""
    return datetime.now(UTC)


def _write_ahead_log(db: sqlite3.Connection, patience: float = 30.0) -> None:
    """Put the file in WAL mode (once per file: the mode is kept in it).

    Switching needs the file to itself, and SQLite answers "database is
    locked" at once instead of waiting while another process creates or
    migrates a new file, so this waits for it, like every other statement.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class StoreConnection:
    """Opens (and migrates) the SQLite file at ``path``; the base of :class:`bots.store.Store`.

    ``clock`` gives the time written into every row (inject a fake one in tests).
    The connection is in autocommit mode: a method that needs a transaction
    opens it itself (``BEGIN IMMEDIATE`` when it reads before it writes).
    ``shared``: the connection may be used by other threads than the one that
    opened it, one at a time (the web console's request handlers and their
    clean-up run in a thread pool).
    """

    def __init__(self, path: Path, clock: Clock = utcnow, *, shared: bool = False) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.clock = path, clock
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30,
                                  check_same_thread=not shared)
        self.db.row_factory = sqlite3.Row
        _write_ahead_log(self.db)
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        migrate(self.db, path)

    @property
    def version(self) -> int:
        """The schema version of the open file."""
        return version(self.db)

    def close(self) -> None:
        self.db.close()

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")
