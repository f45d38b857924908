"""One simulated RFC session: the SQLite connection, the user and its
authorisations (:mod:`.authority`), the clock, the LUW.

Writes happen inside a SQLite transaction opened by :meth:`Session.begin_write`
and ended by ``BAPI_TRANSACTION_COMMIT``/``ROLLBACK`` (or by closing the
connection, which rolls back as SAP does). Other sessions see nothing of it
until the commit; the session itself reads its own pending writes. As in
SAP, long texts wait in the session's *text memory* until
``BAPI_TRANSACTION_COMMIT`` (COMMIT_TEXT in update task), so a posting that
commits its own document (FB05 through the posting interface) does not
commit them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bots.sandbox.sap.authority import Authority
from bots.sandbox.sap.errors import abap_error
from bots.sandbox.sap.store import open_db


class Session:
    """State shared by the function-module handlers of one connection."""

    def __init__(self, path: Path, user: str, clock: Callable[[], date]) -> None:
        self.db: sqlite3.Connection = open_db(path)
        self.user = user
        self.clock = clock
        self.authority = Authority.load(self.db, user)  # read at logon, as SAP buffers it
        self._decimals: dict[str, int] | None = None
        # RFC_READ_TABLE: read signature -> (ROWSKIPS of the next page,
        # (last key returned, last key of the whole read))
        self.page_marks: dict[tuple, tuple[int, tuple[tuple, tuple]]] = {}
        # SAVE_TEXT's text memory: (object, name, ID, language) -> the whole text's lines
        self.text_memory: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}

    @property
    def in_luw(self) -> bool:
        return self.db.in_transaction

    def begin_write(self) -> None:
        """Open the LUW's transaction (once); a lock held by another LUW waits, then fails."""
        if self.db.in_transaction:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise abap_error("FOREIGN_LOCK", f"data locked by another user ({exc})",
                             msg_class="MC", msg_type="E", msg_number="601") from None

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def currency_decimals(self, currency: str) -> int:
        """TCURX-CURRDEC of ``currency`` (2 when not listed, as in SAP)."""
        if self._decimals is None:
            self._decimals = dict(self.db.execute('SELECT "CURRKEY", "CURRDEC" FROM "TCURX"'))
        return self._decimals.get(currency, 2)

    def close(self) -> None:
        self.text_memory.clear()
        self.rollback()
        self.db.close()
