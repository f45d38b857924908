"""Inputs seen: every e-mail, PDF or bank file by content hash, and where it ended."""

from __future__ import annotations

from bots.store.connection import StoreConnection


class Inputs(StoreConnection):
    """Recording and settling inputs (part of :class:`bots.store.Store`)."""

    def record_input(self, digest: str, source: str, size: int, run_id: str) -> bool:
        """Record an input by content hash before it is parsed; False if seen before."""
        cur = self.db.execute(
            "INSERT INTO inputs (hash, source, size, first_run, status, updated)"
            " VALUES (?, ?, ?, ?, 'received', ?) ON CONFLICT DO NOTHING",
            (digest, source, size, run_id, self._now()))
        return cur.rowcount == 1

    def settle_input(self, digest: str, status: str, reason: str | None = None) -> None:
        """Say where an input ended: applied, waiting or quarantined (with a reason)."""
        if status not in ("applied", "waiting", "quarantined"):
            raise ValueError(f"an input ends applied, waiting or quarantined, not {status!r}")
        if status == "quarantined" and not reason:
            raise ValueError("a quarantined input needs a reason")
        self.db.execute("UPDATE inputs SET status = ?, reason = ?, updated = ? WHERE hash = ?",
                        (status, reason, self._now(), digest))

    def input_status(self, digest: str) -> tuple[str, str | None] | None:
        """Where the input ``digest`` stands (status, reason), or None if never seen."""
        row = self.db.execute("SELECT status, reason FROM inputs WHERE hash = ?",
                              (digest,)).fetchone()
        return (row["status"], row["reason"]) if row else None
