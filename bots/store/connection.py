"""The open store: one database connection (SQLite file or PostgreSQL), its clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bots.store.database import Database, Target
from bots.store.schema import migrate, version

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the store's default clock)."""
    return datetime.now(UTC)


class StoreConnection:
    """Opens (and migrates) the store at ``path``; the base of :class:`bots.store.Store`.

    ``path``: a SQLite file (its folder is created), or a PostgreSQL URL
    (see :mod:`bots.store.database`); kept as given, to open the same store
    again (a URL may carry a password: print :attr:`where`, never ``path``).
    ``clock`` gives the time written into every row (inject a fake one in tests).
    Outside :meth:`Database.transaction` every statement commits on its own.
    ``shared``: the connection may be used by other threads than the one that
    opened it, one at a time (the web console's request handlers and their
    clean-up run in a thread pool).
    """

    def __init__(self, path: Target, clock: Clock = utcnow, *, shared: bool = False) -> None:
        self.path, self.clock = path, clock
        self.db = Database(path, shared=shared)
        self.where = self.db.where
        try:
            migrate(self.db)
        except BaseException:
            self.db.close()
            raise

    @property
    def version(self) -> int:
        """The schema version of the open store."""
        return version(self.db)

    def close(self) -> None:
        self.db.close()

    def _now(self, when: datetime | None = None, timespec: str = "seconds") -> str:
        """``when`` (default: now by :attr:`clock`) as rows keep times: ISO 8601 to the
        second, or finer (``timespec="microseconds"``) where events of the same second
        must keep their order."""
        return (when or self.clock()).isoformat(timespec=timespec)
