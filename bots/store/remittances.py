"""Remittances parsed from the inputs, and what became of each (applied, review, ...)."""

from __future__ import annotations

from bots.store.connection import StoreConnection
from bots.store.database import Row


class Remittances(StoreConnection):
    """Keeping and settling parsed remittances (part of :class:`bots.store.Store`)."""

    def add_remittance(self, remittance_id: str, input_hash: str, run_id: str,
                       fingerprint: str, body: str) -> str:
        """Keep a parsed remittance for cash application; its status.

        The same advice re-sent (another file, same ``fingerprint``: payer,
        payment reference, date, total) is kept as ``duplicate`` and never applied.
        """
        existing = self.db.execute(
            "SELECT id FROM remittances WHERE fingerprint = ? AND id <> ? LIMIT 1",
            (fingerprint, remittance_id)).fetchone()
        status, reason = ("duplicate", f"same advice as {existing['id']}") if existing \
            else ("new", None)
        self.db.execute(
            "INSERT INTO remittances (id, input_hash, run_id, fingerprint, status, reason,"
            " body, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (remittance_id, input_hash, run_id, fingerprint, status, reason, body,
             self._now()))
        row = self.db.execute("SELECT status FROM remittances WHERE id = ?",
                              (remittance_id,)).fetchone()
        return str(row["status"])

    def remittance(self, remittance_id: str) -> Row | None:
        """The stored remittance ``remittance_id`` (with its status), or None."""
        row: Row | None = self.db.execute(
            "SELECT * FROM remittances WHERE id = ?", (remittance_id,)).fetchone()
        return row

    def remittance_input(self, remittance_id: str) -> str | None:
        """The content hash of the input a remittance came from."""
        row = self.remittance(remittance_id)
        return row["input_hash"] if row else None

    def remittances(self, status: str = "new") -> list[Row]:
        """Remittances in ``status`` (``new``: not yet applied), oldest first."""
        return list(self.db.execute(
            "SELECT * FROM remittances WHERE status = ? ORDER BY rowid", (status,)))

    def settle_remittance(self, remittance_id: str, status: str, reason: str | None = None
                          ) -> None:
        """Say what became of a remittance: applied or review (with the reason); its
        version goes up, so a decision taken on the earlier state is refused."""
        self.db.execute("UPDATE remittances SET status = ?, reason = ?, updated = ?,"
                        " version = version + 1 WHERE id = ?",
                        (status, reason, self._now(), remittance_id))
