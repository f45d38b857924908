"""Runs: one row per pass of one or more bots, with its trigger, status and counts."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bots.domain import Run, RunStatus, Trigger, stable_id
from bots.store.connection import StoreConnection
from bots.store.database import Row


@dataclass(frozen=True)
class RunRecord:
    """A run as stored, for history and the report.

    ``host``/``pid``: the process that ran it; ``landscape``: the landscape whose
    lease it held (None for a dry run, which holds none); ``message``: the
    one-line reason of a run that did not end ``ok`` (may be empty).
    """

    id: str
    trigger: str
    job: str | None
    bots: tuple[str, ...]
    dry_run: bool
    status: str
    started: datetime
    ended: datetime | None
    counts: dict[str, Any]
    host: str | None = None
    pid: int | None = None
    landscape: str | None = None
    message: str = ""
    company_codes: tuple[str, ...] = ()  # the company codes the run covered (older: empty)


class Runs(StoreConnection):
    """Starting, finishing and listing runs (part of :class:`bots.store.Store`)."""

    def new_run_id(self, bots: Iterable[str]) -> str:
        """A fresh, sortable run id (``20261207-021500-3fa9c2``); nothing is recorded."""
        now = self.clock()
        return now.strftime("%Y%m%d-%H%M%S-") + stable_id(
            "r", now.isoformat(), os.getpid(), tuple(bots), os.urandom(4).hex(), length=6)[2:]

    def start_run(self, trigger: Trigger, bots: Iterable[str], *, job: str | None = None,
                  dry_run: bool = False, run_id: str | None = None,
                  landscape: str | None = None, company_codes: Iterable[str] = ()) -> Run:
        """Record a new run as running and return it.

        ``run_id``: an id from :meth:`new_run_id` (taken before the lease, which
        is owned by the run id); ``landscape``: the landscape whose lease it holds;
        ``company_codes``: those the run covers.
        """
        started = self.clock()
        bots = tuple(bots)
        run_id = run_id or self.new_run_id(bots)
        self.db.execute(
            "INSERT INTO runs (id, trigger, job, bots, dry_run, status, started, host, pid,"
            " landscape, company_codes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, trigger.value, job, json.dumps(bots), int(dry_run),
             RunStatus.RUNNING.value, started.isoformat(timespec="seconds"),
             socket.gethostname(), os.getpid(), landscape, json.dumps(list(company_codes))))
        return Run(id=run_id, trigger=trigger, started=started, bots=bots, dry_run=dry_run)

    def finish_run(self, run_id: str, status: RunStatus, counts: dict[str, Any],
                   message: str = "") -> None:
        """Record the end of a run with its status, counts and (if not ok) why."""
        self.db.execute(
            "UPDATE runs SET status = ?, ended = ?, counts = ?, message = ? WHERE id = ?",
            (status.value, self._now(), json.dumps(counts, default=str), message or None,
             run_id))

    def abort_run(self, run_id: str, message: str) -> bool:
        """Mark a run that is still recorded ``running`` as ``aborted``; False if it is not."""
        cur = self.db.execute(
            "UPDATE runs SET status = ?, ended = ?, message = ? WHERE id = ? AND status = ?",
            (RunStatus.ABORTED.value, self._now(), message, run_id, RunStatus.RUNNING.value))
        return cur.rowcount == 1

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The newest runs first."""
        rows = self.db.execute("SELECT * FROM runs ORDER BY started DESC, rowid DESC LIMIT ?",
                               (limit,))
        return [_run_record(r) for r in rows]

    def running_runs(self) -> list[RunRecord]:
        """The runs recorded ``running`` (live, or dead and not yet found out), oldest first."""
        rows = self.db.execute("SELECT * FROM runs WHERE status = ? ORDER BY started, rowid",
                               (RunStatus.RUNNING.value,))
        return [_run_record(r) for r in rows]

    def run(self, run_id: str) -> RunRecord | None:
        """The run ``run_id``, or None."""
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _run_record(row) if row else None

    def last_run_started(self, job: str) -> datetime | None:
        """When the scheduled job ``job`` last started (any outcome), or None."""
        row = self.db.execute("SELECT max(started) FROM runs WHERE job = ?", (job,)).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None


def _run_record(row: Row) -> RunRecord:
    return RunRecord(
        id=row["id"], trigger=row["trigger"], job=row["job"], bots=tuple(json.loads(row["bots"])),
        dry_run=bool(row["dry_run"]), status=row["status"],
        started=datetime.fromisoformat(row["started"]),
        ended=datetime.fromisoformat(row["ended"]) if row["ended"] else None,
        counts=json.loads(row["counts"]), host=row["host"], pid=row["pid"],
        landscape=row["landscape"], message=row["message"] or "",
        company_codes=tuple(json.loads(row["company_codes"] or "[]")))
