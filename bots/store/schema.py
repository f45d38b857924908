"""The store's schema: alembic revisions, applied in order when the store is opened.

The revisions are the files of :mod:`bots.store.migrations` (``versions/0001_...py``
and on); :data:`MIGRATIONS` lists their ids in order, so the schema version
of a store is the position of its revision in it (``len(MIGRATIONS)``: the
latest). :func:`migrate` runs the revisions a store has not seen yet, all in
one transaction under the store's write lock (two processes opening a new
store at once migrate it once), and refuses a store newer than this code. A
store already at the latest revision is opened without taking the lock.

Stores of releases before alembic kept their version in SQLite's
``PRAGMA user_version`` (1 to 7, the same seven steps as revisions 0001 to
0007): such a file is stamped with its revision and upgraded from there. The
SQLite file keeps ``user_version`` equal to the version, so that an older
arbots refuses a newer file.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from bots.store.database import Database

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"

MIGRATIONS: tuple[str, ...] = tuple(sorted(
    match.group(1) for match in map(re.compile(r"^(\d{4})_\w+\.py$").match,
                                    (p.name for p in VERSIONS.iterdir())) if match))


class SchemaTooNew(RuntimeError):
    """The store was migrated by a newer arbots than this one."""


_ALEMBIC = threading.Lock()


def revision(db: Database) -> str | None:
    """The alembic revision the store is at, or None (new, or from before alembic)."""
    if db.execute(db.dialect.has_table(), ("alembic_version",)).fetchone() is None:
        return None
    row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def version(db: Database) -> int:
    """The schema version the store is at (0: empty)."""
    current = revision(db)
    if current is None:
        return _legacy_version(db)
    return MIGRATIONS.index(current) + 1 if current in MIGRATIONS else len(MIGRATIONS) + 1


def migrate(db: Database) -> None:
    """Bring the store open as ``db`` to the latest revision, or refuse it (too new)."""
    if revision(db) == MIGRATIONS[-1]:
        return
    with db.transaction():
        current = version(db)
        if current > len(MIGRATIONS):
            raise SchemaTooNew(f"{db.where}: store schema {revision(db) or current} is newer "
                               f"than this arbots ({len(MIGRATIONS)}); upgrade arbots")
        before_alembic = current > 0 and revision(db) is None
        _upgrade(db, MIGRATIONS[current - 1] if before_alembic else None)
        if db.dialect.name == "sqlite":
            db.execute(f"PRAGMA user_version={len(MIGRATIONS)}")


def _upgrade(db: Database, stamp: str | None) -> None:
    """Run alembic's upgrade to the latest revision on ``db``'s open transaction.

    ``stamp``: the revision a store from before alembic is at (recorded first).
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(VERSIONS.parent))
    config.attributes["connection"] = db.connection
    with _ALEMBIC:  # alembic's migration context is module-global: one upgrade at a time
        if stamp is not None:
            command.stamp(config, stamp)
        command.upgrade(config, "head")


def _legacy_version(db: Database) -> int:
    """``PRAGMA user_version`` of a SQLite file (0 elsewhere)."""
    if db.dialect.name != "sqlite":
        return 0
    row = db.execute("PRAGMA user_version").fetchone()
    return int(row[0]) if row else 0
