"""The external-write ledger: intent before, done after, one idempotency key per write.

This is the house's "nothing done twice" rule. An intent is committed
*before* the external call and marked done *after* it::

    ledger = store.ledger(run.id)
    state = ledger.begin("collection_note", key, target="1000/0000100042", payload={...})
    if state == "new":
        sap.save_note(...); sap.commit()
        ledger.done(key, {"lines": 3})

``begin`` answers:

- ``"new"``: write now;
- ``"pending"``: an earlier run stopped between intent and done (it crashed, or
  was interrupted, and holds no live lease): look the key up in the external
  system before writing; the write is now this run's;
- ``"busy"``: the intent belongs to another run that is live (it holds its
  landscape's lease): it may be writing right now; skip it for now, never retry it;
- ``"submitted"``: the write was handed to an asynchronous service (the S/4
  lockbox) whose result comes later (:meth:`WriteLedger.submitted`): look its
  result up, never send it again; the write is now this run's;
- ``"done"``: never write again.

Every transition is appended to the audit log.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from bots.store.database import Row
from bots.store.leases import Leases

WriteState = Literal["new", "pending", "submitted", "busy", "done"]


class WriteLedger:
    """Intent before, done after: the record of every external write of a run."""

    def __init__(self, store: Leases, run_id: str) -> None:
        self.store, self.run_id = store, run_id

    def begin(self, kind: str, key: str, target: str, payload: dict[str, Any]) -> WriteState:
        """Record the intent to write; say whether to write, check first, or skip."""
        db, now = self.store.db, self.store._now()
        with db.transaction():
            row = db.execute("SELECT status, run_id FROM external_writes WHERE key = ?"
                             + db.dialect.for_update, (key,)).fetchone()
            if row is None or row["status"] == "failed":
                db.execute(
                    "INSERT INTO external_writes (key, kind, target, status, run_id, payload,"
                    " created, updated) VALUES (?, ?, ?, 'intent', ?, ?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET kind = excluded.kind,"
                    " target = excluded.target, status = excluded.status,"
                    " run_id = excluded.run_id, payload = excluded.payload, result = NULL,"
                    " error = NULL, attempts = 1, created = excluded.created,"
                    " updated = excluded.updated",
                    (key, kind, target, self.run_id, json.dumps(payload, default=str), now,
                     now))
                state: WriteState = "new"
            elif row["status"] == "done":
                state = "done"
            elif row["run_id"] != self.run_id and self.store.holds_live_lease(row["run_id"]):
                state = "busy"
            elif row["status"] == "submitted":
                db.execute("UPDATE external_writes SET run_id = ?, updated = ? WHERE key = ?",
                           (self.run_id, now, key))
                state = "submitted"
            else:
                db.execute("UPDATE external_writes SET attempts = attempts + 1, run_id = ?,"
                           " updated = ? WHERE key = ?", (self.run_id, now, key))
                state = "pending"
            if state != "done":
                self.store.audit(self.run_id, kind, key, f"intent:{state}",
                                 {"target": target} if state != "busy"
                                 else {"target": target, "held_by": row["run_id"]})
        return state

    def done(self, key: str, result: dict[str, Any] | None = None) -> None:
        """The external write happened (or was found already there)."""
        self._settle(key, "done", result=result)

    def submitted(self, key: str, result: dict[str, Any] | None = None) -> None:
        """The write was accepted by an asynchronous service; its result comes later.

        A ``begin`` of the key answers ``"submitted"`` from now on, until
        :meth:`done` (the result was found) or :meth:`failed` (the service
        reported that it refused it)."""
        self._settle(key, "submitted", result=result)

    def failed(self, key: str, error: str) -> None:
        """The external system refused the write; a later run may begin it again."""
        self._settle(key, "failed", error=error)

    def mark(self, key: str, name: str, value: Any) -> None:
        """Add ``name`` to the result of the done write ``key`` (a follow-up saw what it
        started end), so that :meth:`ExternalWrites.unmarked_writes` leaves it out."""
        db = self.store.db
        with db.transaction():
            row = db.execute("SELECT kind, result FROM external_writes WHERE key = ?"
                             " AND status = 'done'" + db.dialect.for_update, (key,)).fetchone()
            if row is None:
                raise KeyError(f"no done write {key} to mark")
            result = {**json.loads(row["result"] or "{}"), name: value}
            # ``updated`` stays when the write was confirmed; the audit log has the mark
            db.execute("UPDATE external_writes SET result = ? WHERE key = ?",
                       (json.dumps(result, default=str), key))
            self.store.audit(self.run_id, row["kind"], key, f"marked:{name}", {name: value})

    def _settle(self, key: str, status: str, result: dict[str, Any] | None = None,
                error: str | None = None) -> None:
        db = self.store.db
        with db.transaction():
            row = db.execute("SELECT kind FROM external_writes WHERE key = ?"
                             + db.dialect.for_update, (key,)).fetchone()
            if row is None:
                raise KeyError(f"no intent recorded for {key}: begin() comes first")
            db.execute("UPDATE external_writes SET status = ?, result = ?, error = ?,"
                       " updated = ? WHERE key = ?",
                       (status, json.dumps(result or {}, default=str), error,
                        self.store._now(), key))
            self.store.audit(self.run_id, row["kind"], key, status,
                             {"result": result} if error is None else {"error": error})


class ExternalWrites(Leases):
    """Reading the ledger, and handing a stopped run's intents on (part of ``Store``)."""

    def ledger(self, run_id: str) -> WriteLedger:
        """The external-write ledger, attributing new writes to ``run_id``."""
        return WriteLedger(self, run_id)

    def last_write(self, kind: str, target: str) -> datetime | None:
        """When the last done write of ``kind`` to ``target`` was confirmed."""
        row = self.db.execute(
            "SELECT max(updated) FROM external_writes WHERE kind = ? AND target = ? "
            "AND status = 'done'", (kind, target)).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def writes(self, run_id: str | None = None) -> list[Row]:
        """External writes, of one run or all, oldest first."""
        if run_id is None:
            return list(self.db.execute("SELECT * FROM external_writes ORDER BY created"))
        return list(self.db.execute(
            "SELECT * FROM external_writes WHERE run_id = ? ORDER BY created", (run_id,)))

    def write(self, key: str) -> Row | None:
        """The external write recorded under ``key``, or None."""
        row: Row | None = self.db.execute(
            "SELECT * FROM external_writes WHERE key = ?", (key,)).fetchone()
        return row

    def writes_of(self, kind: str, status: str) -> list[Row]:
        """Writes of ``kind`` in ``status``, oldest first (``intent``: left by a crash)."""
        return list(self.db.execute(
            "SELECT * FROM external_writes WHERE kind = ? AND status = ? ORDER BY created",
            (kind, status)))

    def unmarked_writes(self, kind: str, name: str) -> list[Row]:
        """Done writes of ``kind`` not marked ``name`` (:meth:`WriteLedger.mark`), oldest
        first: what a follow-up still watches, however many it saw end before."""
        return list(self.db.execute(
            "SELECT * FROM external_writes WHERE kind = ? AND status = 'done'"
            " AND coalesce(result, '') NOT LIKE ? ORDER BY created", (kind, f'%"{name}": %')))

    def adopt_pending_writes(self, run_id: str) -> list[Row]:
        """Make every open intent of a run that is not live ``run_id``'s to finish.

        Returns the adopted writes as they were (``run_id`` naming the run that
        left them). Intents of live runs (holding a lease) are left alone.
        """
        with self.db.transaction():
            live = self.live_run_ids()
            rows = [r for r in self.db.execute(
                        "SELECT * FROM external_writes WHERE status = 'intent' AND run_id <> ?"
                        " ORDER BY created", (run_id,))
                    if r["run_id"] not in live]
            for r in rows:
                self.db.execute("UPDATE external_writes SET run_id = ?, updated = ?"
                                " WHERE key = ?", (run_id, self._now(), r["key"]))
                self.audit(run_id, r["kind"], r["key"], "adopted", {"from_run": r["run_id"]})
        return rows
