"""The run database: runs, open-item snapshots, inputs seen, external writes, audit.

One SQLite file (``[store] path`` in the configuration). Everything a
supervisor or a rerun needs to know lives here::

    store = Store(Path("var/arbots.sqlite"))
    run = store.start_run(Trigger.ON_DEMAND, ("collections",))
    ledger = store.ledger(run.id)
    if ledger.begin("collection_note", key, target="1000/0000100042", payload={...}) == "new":
        sap.save_note(...); sap.commit()
        ledger.done(key, {"lines": 3})
    store.finish_run(run.id, RunStatus.OK, counts={...})

The external-write ledger is the house's "nothing done twice" rule: an intent
is committed *before* the external call and marked done *after* it. ``begin``
answers ``"new"`` (write now), ``"pending"`` (an earlier run crashed between
intent and done: look the key up in the external system before writing) or
``"done"`` (never write again). Every transition is also appended to the audit
log.

Schema changes are numbered migrations in :data:`MIGRATIONS`, applied in order
on open; the file records its version, and a file newer than this code is
refused.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from bots.domain import OpenItem, Run, RunStatus, Trigger, from_minor, stable_id, to_minor

MIGRATIONS: tuple[str, ...] = (
    # 1: runs, snapshots, external writes, audit, inputs
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        trigger TEXT NOT NULL,
        job TEXT,
        bots TEXT NOT NULL,
        dry_run INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        counts TEXT NOT NULL DEFAULT '{}',
        host TEXT,
        pid INTEGER
    );
    CREATE INDEX runs_started ON runs(started);
    CREATE TABLE snapshot_items (
        run_id TEXT NOT NULL REFERENCES runs(id),
        company_code TEXT NOT NULL,
        customer TEXT NOT NULL,
        document_no TEXT NOT NULL,
        fiscal_year TEXT NOT NULL,
        line_item TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        doc_date TEXT NOT NULL,
        due_date TEXT NOT NULL,
        invoice_ref TEXT NOT NULL DEFAULT '',
        po_number TEXT NOT NULL DEFAULT '',
        dunning_level INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, company_code, customer, document_no, fiscal_year, line_item)
    );
    CREATE TABLE external_writes (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('intent', 'done', 'failed')),
        run_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX external_writes_target ON external_writes(kind, target, status);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        run_id TEXT,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE inputs (
        hash TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        size INTEGER NOT NULL,
        first_run TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('received', 'applied', 'waiting', 'quarantined')),
        reason TEXT,
        updated TEXT NOT NULL
    );
    """,
    # 2: remittances parsed from the inputs, waiting for cash application
    """
    CREATE TABLE remittances (
        id TEXT PRIMARY KEY,
        input_hash TEXT NOT NULL REFERENCES inputs(hash),
        run_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('new', 'applied', 'review', 'duplicate')),
        reason TEXT,
        body TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX remittances_status ON remittances(status);
    CREATE INDEX remittances_fingerprint ON remittances(fingerprint);
    """,
)

WriteState = Literal["new", "pending", "done"]
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RunRecord:
    """A run as stored, for history and the report."""

    id: str
    trigger: str
    job: str | None
    bots: tuple[str, ...]
    dry_run: bool
    status: str
    started: datetime
    ended: datetime | None
    counts: dict[str, Any]


class Store:
    """Opens (and migrates) the run database at ``path``."""

    def __init__(self, path: Path, clock: Clock = _utcnow) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.clock = path, clock
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    # ------------------------------------------------------------------ schema

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise RuntimeError(f"{self.path}: store schema {current} is newer than this "
                               f"arbots ({len(MIGRATIONS)}); upgrade arbots")
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            self.db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    # ------------------------------------------------------------------ runs

    def start_run(self, trigger: Trigger, bots: Iterable[str], *, job: str | None = None,
                  dry_run: bool = False) -> Run:
        """Record a new run as running and return it."""
        started = self.clock()
        bots = tuple(bots)
        run_id = started.strftime("%Y%m%d-%H%M%S-") + stable_id(
            "r", started.isoformat(), os.getpid(), bots, os.urandom(4).hex(), length=6)[2:]
        self.db.execute(
            "INSERT INTO runs (id, trigger, job, bots, dry_run, status, started, host, pid)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, trigger.value, job, json.dumps(bots), int(dry_run),
             RunStatus.RUNNING.value, started.isoformat(timespec="seconds"),
             socket.gethostname(), os.getpid()))
        return Run(id=run_id, trigger=trigger, started=started, bots=bots, dry_run=dry_run)

    def finish_run(self, run_id: str, status: RunStatus, counts: dict[str, Any]) -> None:
        """Record the end of a run with its status and counts."""
        self.db.execute("UPDATE runs SET status = ?, ended = ?, counts = ? WHERE id = ?",
                        (status.value, self._now(), json.dumps(counts, default=str), run_id))

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The newest runs first."""
        rows = self.db.execute("SELECT * FROM runs ORDER BY started DESC, rowid DESC LIMIT ?",
                               (limit,))
        return [_run_record(r) for r in rows]

    def run(self, run_id: str) -> RunRecord | None:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _run_record(row) if row else None

    def last_run_started(self, job: str) -> datetime | None:
        """When the scheduled job ``job`` last started (any outcome), or None."""
        row = self.db.execute("SELECT max(started) FROM runs WHERE job = ?", (job,)).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    # ------------------------------------------------------------------ snapshots

    def save_snapshot(self, run_id: str, items: Iterable[OpenItem]) -> int:
        """Store the open items a run pulled; returns how many."""
        rows = ((run_id, i.company_code, i.customer, i.document_no, i.fiscal_year, i.line_item,
                 i.currency, to_minor(i.amount, i.currency), i.doc_date.isoformat(),
                 i.due_date.isoformat(), i.invoice_ref, i.po_number, i.dunning_level)
                for i in items)
        self.db.execute("BEGIN")
        try:
            cur = self.db.executemany(
                "INSERT OR REPLACE INTO snapshot_items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return cur.rowcount

    def snapshot(self, run_id: str) -> Iterator[OpenItem]:
        """The open items stored for ``run_id``."""
        for r in self.db.execute("SELECT * FROM snapshot_items WHERE run_id = ?", (run_id,)):
            yield OpenItem(
                company_code=r["company_code"], customer=r["customer"],
                document_no=r["document_no"], fiscal_year=r["fiscal_year"],
                line_item=r["line_item"], currency=r["currency"],
                amount=from_minor(r["amount_minor"], r["currency"]),
                doc_date=date.fromisoformat(r["doc_date"]),
                due_date=date.fromisoformat(r["due_date"]), invoice_ref=r["invoice_ref"],
                po_number=r["po_number"], dunning_level=r["dunning_level"])

    # ------------------------------------------------------------------ external writes

    def ledger(self, run_id: str) -> WriteLedger:
        """The external-write ledger, attributing new writes to ``run_id``."""
        return WriteLedger(self, run_id)

    def last_write(self, kind: str, target: str) -> datetime | None:
        """When the last done write of ``kind`` to ``target`` was confirmed."""
        row = self.db.execute(
            "SELECT max(updated) FROM external_writes WHERE kind = ? AND target = ? "
            "AND status = 'done'", (kind, target)).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def writes(self, run_id: str | None = None) -> list[sqlite3.Row]:
        """External writes, of one run or all, oldest first."""
        if run_id is None:
            return list(self.db.execute("SELECT * FROM external_writes ORDER BY created"))
        return list(self.db.execute(
            "SELECT * FROM external_writes WHERE run_id = ? ORDER BY created", (run_id,)))

    def write(self, key: str) -> sqlite3.Row | None:
        """The external write recorded under ``key``, or None."""
        return self.db.execute("SELECT * FROM external_writes WHERE key = ?",
                               (key,)).fetchone()

    def writes_of(self, kind: str, status: str) -> list[sqlite3.Row]:
        """Writes of ``kind`` in ``status``, oldest first (``intent``: left by a crash)."""
        return list(self.db.execute(
            "SELECT * FROM external_writes WHERE kind = ? AND status = ? ORDER BY created",
            (kind, status)))

    def audit_log(self, run_id: str | None = None) -> list[sqlite3.Row]:
        if run_id is None:
            return list(self.db.execute("SELECT * FROM audit ORDER BY id"))
        return list(self.db.execute("SELECT * FROM audit WHERE run_id = ? ORDER BY id",
                                    (run_id,)))

    def audit(self, run_id: str | None, kind: str, key: str, event: str,
              detail: dict[str, Any] | None = None) -> None:
        """Append one line to the audit log."""
        self.db.execute(
            "INSERT INTO audit (at, run_id, kind, key, event, detail) VALUES (?,?,?,?,?,?)",
            (self._now(), run_id, kind, key, event, json.dumps(detail or {}, default=str)))

    # ------------------------------------------------------------------ inputs

    def record_input(self, digest: str, source: str, size: int, run_id: str) -> bool:
        """Record an input by content hash before it is parsed; False if seen before."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO inputs (hash, source, size, first_run, status, updated)"
            " VALUES (?, ?, ?, ?, 'received', ?)", (digest, source, size, run_id, self._now()))
        return cur.rowcount == 1

    def settle_input(self, digest: str, status: str, reason: str | None = None) -> None:
        """Say where an input ended: applied, waiting or quarantined (with a reason)."""
        if status not in ("applied", "waiting", "quarantined"):
            raise ValueError(f"an input ends applied, waiting or quarantined, not {status!r}")
        if status == "quarantined" and not reason:
            raise ValueError("a quarantined input needs a reason")
        self.db.execute("UPDATE inputs SET status = ?, reason = ?, updated = ? WHERE hash = ?",
                        (status, reason, self._now(), digest))

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
            "INSERT OR IGNORE INTO remittances (id, input_hash, run_id, fingerprint, status,"
            " reason, body, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (remittance_id, input_hash, run_id, fingerprint, status, reason, body,
             self._now()))
        row = self.db.execute("SELECT status FROM remittances WHERE id = ?",
                              (remittance_id,)).fetchone()
        return row["status"]

    def remittance(self, remittance_id: str) -> sqlite3.Row | None:
        """The stored remittance ``remittance_id`` (with its status), or None."""
        return self.db.execute("SELECT * FROM remittances WHERE id = ?",
                               (remittance_id,)).fetchone()

    def remittance_input(self, remittance_id: str) -> str | None:
        """The content hash of the input a remittance came from."""
        row = self.remittance(remittance_id)
        return row["input_hash"] if row else None

    def remittances(self, status: str = "new") -> list[sqlite3.Row]:
        """Remittances in ``status`` (``new``: not yet applied), oldest first."""
        return list(self.db.execute(
            "SELECT * FROM remittances WHERE status = ? ORDER BY rowid", (status,)))

    def settle_remittance(self, remittance_id: str, status: str, reason: str | None = None
                          ) -> None:
        """Say what became of a remittance: applied or review (with the reason)."""
        self.db.execute("UPDATE remittances SET status = ?, reason = ?, updated = ?"
                        " WHERE id = ?", (status, reason, self._now(), remittance_id))

    def input_status(self, digest: str) -> tuple[str, str | None] | None:
        row = self.db.execute("SELECT status, reason FROM inputs WHERE hash = ?",
                              (digest,)).fetchone()
        return (row["status"], row["reason"]) if row else None


class WriteLedger:
    """Intent before, done after: the record of every external write of a run."""

    def __init__(self, store: Store, run_id: str) -> None:
        self.store, self.run_id = store, run_id

    def begin(self, kind: str, key: str, target: str, payload: dict[str, Any]) -> WriteState:
        """Record the intent to write; say whether to write, check first, or skip."""
        db, now = self.store.db, self.store._now()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT status FROM external_writes WHERE key = ?",
                             (key,)).fetchone()
            if row is None or row["status"] == "failed":
                db.execute(
                    "INSERT OR REPLACE INTO external_writes (key, kind, target, status, run_id,"
                    " payload, created, updated) VALUES (?, ?, ?, 'intent', ?, ?, ?, ?)",
                    (key, kind, target, self.run_id, json.dumps(payload, default=str), now,
                     now))
                state: WriteState = "new"
            elif row["status"] == "done":
                state = "done"
            else:
                db.execute("UPDATE external_writes SET attempts = attempts + 1, run_id = ?,"
                           " updated = ? WHERE key = ?", (self.run_id, now, key))
                state = "pending"
            if state != "done":
                self.store.audit(self.run_id, kind, key, f"intent:{state}", {"target": target})
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return state

    def done(self, key: str, result: dict[str, Any] | None = None) -> None:
        """The external write happened (or was found already there)."""
        self._settle(key, "done", result=result)

    def failed(self, key: str, error: str) -> None:
        """The external system refused the write; a later run may begin it again."""
        self._settle(key, "failed", error=error)

    def _settle(self, key: str, status: str, result: dict[str, Any] | None = None,
                error: str | None = None) -> None:
        db = self.store.db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT kind FROM external_writes WHERE key = ?",
                             (key,)).fetchone()
            if row is None:
                raise KeyError(f"no intent recorded for {key}: begin() comes first")
            db.execute("UPDATE external_writes SET status = ?, result = ?, error = ?,"
                       " updated = ? WHERE key = ?",
                       (status, json.dumps(result or {}, default=str), error,
                        self.store._now(), key))
            self.store.audit(self.run_id, row["kind"], key, status,
                             {"result": result} if error is None else {"error": error})
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _run_record(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=row["id"], trigger=row["trigger"], job=row["job"], bots=tuple(json.loads(row["bots"])),
        dry_run=bool(row["dry_run"]), status=row["status"],
        started=datetime.fromisoformat(row["started"]),
        ended=datetime.fromisoformat(row["ended"]) if row["ended"] else None,
        counts=json.loads(row["counts"]))
