"""Runs that write: holding the landscape, and what becomes of runs that died.

Every command that writes externally runs inside :func:`landscape_run`: it
takes the landscape's lease (:mod:`bots.landscape`), records the run, and
takes over from runs that died (:func:`take_over`): each is marked
``aborted`` with its report written from the store (:func:`abort_run`,
:func:`stored_report`), its leftover browsers are ended, and the open
intents of runs no longer live become the new run's to finish. The new
run's report says so (:meth:`TakeOver.section`).

:func:`reap_dead_runs` does the same for ``arbots runs`` and ``arbots
report``: a run recorded ``running`` whose process is known dead is marked
``aborted`` with its report.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import psutil

from bots.config import Config
from bots.domain import Run, RunStatus, Trigger
from bots.landscape import LandscapeLease, end_browsers, landscape_id
from bots.portals.artifacts import sent_document
from bots.reports.model import (
    BotSection,
    BotStatus,
    ErrorItem,
    RunReport,
    WaitingItem,
    WriteRecord,
    WriteState,
)
from bots.store import Lease, Row, RunRecord, Store
from bots.store.leases import holder_is_dead, is_live

log = logging.getLogger(__name__)

WRITE_LABELS = {  # ledger kind -> (system, action) for the report
    "collection_note": ("SAP", "save note"),
    "cashapp_note": ("SAP", "save note"),
    "reminder_email": ("e-mail", "reminder"),
    "posting": ("SAP", "post clearing"),
    "portal_submission": ("portal", "submit invoice"),
    "portal_note": ("SAP", "save note"),
}
RERUN_HINT = ("Nothing to undo: the next run finishes its pending writes without "
              "repeating any; see runbooks/rerun-after-failure.md.")


@dataclass
class TakeOver:
    """What a run took over when it took its landscape's lease."""

    aborted: list[str] = field(default_factory=list)  # dead runs it marked aborted
    adopted: dict[str, list[str]] = field(default_factory=dict)  # run id -> write keys
    previous: RunRecord | None = None  # the run before, if it ended interrupted/aborted

    def __bool__(self) -> bool:
        return bool(self.aborted or self.adopted or self.previous)

    def section(self, store: Store) -> BotSection:
        """The report's ``takeover`` section: which runs, which writes, how many finished."""
        runs = dict.fromkeys([*self.aborted, *self.adopted,
                              *([self.previous.id] if self.previous else [])])
        keys = [k for ks in self.adopted.values() for k in ks]
        states = Counter(row["status"] for k in keys if (row := store.write(k)) is not None)
        waiting = []
        for run_id in runs:
            record = store.run(run_id)
            taken = self.adopted.get(run_id, [])
            finished = sum(1 for k in taken if (row := store.write(k)) is not None
                           and row["status"] == "done")
            waiting.append(WaitingItem(
                f"run {run_id} ({record.status if record else 'unknown'})", "supervisor",
                f"taken over by this run: {len(taken)} pending write(s), {finished} finished"
                f", {len(taken) - finished} still open; its report is in its run folder"))
        return BotSection("takeover", BotStatus.OK, counts={
            "runs": len(runs), "runs_aborted": len(self.aborted),
            "pending_writes": len(keys), "pending_finished": states["done"],
            "pending_open": states["intent"]}, waiting=waiting)


@contextmanager
def landscape_run(cfg: Config, store: Store, trigger: Trigger, bots: tuple[str, ...], *,
                  job: str | None = None, dry_run: bool = False,
                  wait: timedelta | None = None, stop: threading.Event | None = None,
                  run_id: str | None = None
                  ) -> Iterator[tuple[Run, LandscapeLease | None, TakeOver]]:
    """A run recorded in ``store``, holding its landscape's lease unless ``dry_run``.

    Every command that writes externally runs inside this: it takes the lease
    (waiting up to ``wait`` unless ``stop`` is set, else
    :class:`~bots.store.LeaseHeld`), records the run, takes over from dead runs
    (:class:`TakeOver`), and releases the lease on the way out, whatever
    happens. A lost lease sets ``stop``. The caller finishes the run record.
    ``run_id``: the id chosen by whoever started the run (the web console), else a new one.
    """
    run_id = run_id or store.new_run_id(bots)
    lease, stale = None, None
    if not dry_run:
        lease = LandscapeLease(store, landscape_id(cfg), run_id,
                               on_lost=stop.set if stop is not None else None)
        stale = lease.acquire(wait, stop)
    try:
        run = store.start_run(trigger, bots, job=job, dry_run=dry_run, run_id=run_id,
                              landscape=lease.landscape if lease else None,
                              company_codes=cfg.sap.company_codes)
        takeover = take_over(cfg, store, run.id, lease.landscape, stale) if lease \
            else TakeOver()
        yield run, lease, takeover
    finally:
        if lease is not None:
            lease.release()


def take_over(cfg: Config, store: Store, run_id: str, landscape: str,
              stale: Lease | None) -> TakeOver:
    """Run ``run_id`` now holds ``landscape``: abort the dead runs, adopt their writes."""
    found = TakeOver()
    if stale is not None:
        end_browsers(stale.children)
    for record in store.running_runs():
        if record.landscape == landscape and record.id != run_id:
            why = _why_dead(stale) if stale is not None and stale.run_id == record.id \
                else "it no longer held the landscape's lease"
            if abort_run(cfg, store, record.id, f"{why}; taken over by run {run_id}"):
                found.aborted.append(record.id)
    for row in store.adopt_pending_writes(run_id):
        found.adopted.setdefault(row["run_id"], []).append(row["key"])
    before = [r for r in store.runs(limit=10) if r.landscape == landscape and r.id != run_id]
    if before and before[0].status in (RunStatus.INTERRUPTED, RunStatus.ABORTED):
        found.previous = before[0]
    if found.aborted or found.adopted:
        log.warning("run %s took over: aborted %s, adopted %d pending write(s)", run_id,
                    ", ".join(found.aborted) or "no run",
                    sum(len(k) for k in found.adopted.values()))
    return found


def _why_dead(lease: Lease) -> str:
    if holder_is_dead(lease):
        return f"its process {lease.holder} is gone (killed or crashed)"
    return (f"its process {lease.holder} stopped beating (last heartbeat "
            f"{lease.heartbeat.isoformat(sep=' ', timespec='seconds')})")


def abort_run(cfg: Config, store: Store, run_id: str, message: str) -> bool:
    """Mark a dead ``running`` run ``aborted`` and write its report from the store.

    False when the run is not (or no longer) recorded running.
    """
    from bots.reports.writer import write_run_report

    if not store.abort_run(run_id, message):
        return False
    record = store.run(run_id)
    if record is not None:
        try:
            write_run_report(cfg.runs_dir / run_id, stored_report(store, record, cfg.source))
        except Exception:  # the run is marked; a report that cannot be written is logged
            log.exception("could not write the report of aborted run %s", run_id)
    return True


def reap_dead_runs(cfg: Config, store: Store) -> list[str]:
    """Abort every run recorded ``running`` whose process is known dead; their ids.

    Dead: its lease expired or is gone, or (no lease: a dry run) it ran on this
    host under a PID that no longer exists. Its leftover browsers are ended.
    """
    reaped, now = [], store.clock()
    for record in store.running_runs():
        lease = store.lease_of_run(record.id)
        if record.landscape is not None:
            dead = lease is None or not is_live(lease, now)
        else:
            dead = record.host == socket.gethostname() and record.pid is not None \
                and not psutil.pid_exists(record.pid)
        if dead and abort_run(cfg, store, record.id, "its process stopped without "
                              "finishing the run (killed or crashed)"):
            if lease is not None:
                end_browsers(lease.children)
            reaped.append(record.id)
    return reaped


def stored_report(store: Store, record: RunRecord, config_source: str) -> RunReport:
    """The report of a run that cannot write its own, from what the store knows."""
    writes = write_records(store, record.id)
    states = Counter(w.state.value for w in writes)
    report = RunReport(
        run_id=record.id, status=RunStatus(record.status), trigger=Trigger(record.trigger),
        dry_run=record.dry_run, started=record.started, ended=record.ended,
        config_source=config_source, external_writes=writes)
    for number, name in enumerate(record.bots):
        counts = record.counts.get(name, {}) if isinstance(record.counts, dict) else {}
        errors = [] if number else [ErrorItem(f"run {record.id}", record.message or
                                              record.status, RERUN_HINT)]
        if number == 0:
            counts = {**counts, **{f"writes_{s}": n for s, n in sorted(states.items())}}
        report.bots.append(BotSection(name, BotStatus.FAILED, counts=counts, errors=errors))
    return report


def _money_of(payload: dict[str, Any]) -> tuple[str, Decimal | None]:
    """(currency, amount) a write's ledger payload names: a posting's ``amount``, a
    portal submission's invoice ``total``; ("", None) when it names none."""
    raw, currency = payload.get("amount", payload.get("total")), payload.get("currency")
    if raw is None or not currency:
        return "", None
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        return "", None
    return (str(currency), amount) if amount.is_finite() else ("", None)


def _sent_documents(row: Row, payload: dict[str, Any]) -> tuple[str, ...]:
    """Where a portal submission's sent document is, relative to its run folder, as
    the portal bots name it (``portals/<site>/<invoice>.pdf``, ``.xml`` for cXML); the
    report writer links those that exist."""
    if row["kind"] != "portal_submission" or not payload.get("invoice_no"):
        return ()
    site = str(row["target"]).split(":", 1)[0]
    return tuple(f"portals/{sent_document(site, str(payload['invoice_no']), suffix)}"
                 for suffix in (".pdf", ".xml"))


def write_records(store: Store, run_id: str) -> list[WriteRecord]:
    """The external writes of ``run_id`` as the report lists them, with the amount and
    currency their payload names and the documents a portal submission sent."""
    records = []
    for row in store.writes(run_id):
        system, action = WRITE_LABELS.get(row["kind"], ("external", row["kind"]))
        try:
            payload = json.loads(row["payload"] or "{}")
        except ValueError:
            payload = {}
        payload = payload if isinstance(payload, dict) else {}
        currency, amount = _money_of(payload)
        records.append(WriteRecord(
            system=system, action=action, target=row["target"],
            idempotency_key=row["key"],
            state=WriteState(row["status"]), currency=currency, amount=amount,
            detail=row["error"] or "", files=_sent_documents(row, payload)))
    return records
