"""Runs bots: one run record, one report, whatever happens.

``run_bots(cfg, ("nightly",), Trigger.ON_DEMAND)`` runs the nightly sequence
(:data:`NIGHTLY`) against whatever the configuration names (the sandbox by
default) and returns a :class:`RunOutcome`. Each bot is a function of
:mod:`bots.pipeline` taking a :class:`BotContext` and returning its report
section. A bot that raises is recorded as failed with the reason and how to
fix it, and the run goes on with the next bot; a configuration or connection
error (SAP unreachable, wrong password) ends the run ``failed`` with exit code
2, because no later bot could do better.

One writer per landscape (:mod:`bots.landscape`): a run that may write
(not ``dry_run``) first takes its landscape's lease, waiting up to ``wait``
or refusing with :class:`~bots.store.LeaseHeld`. If it takes over from a run
that died, it marks that run ``aborted``, writes its report, ends its leftover
browsers and makes its pending writes its own; its report says so in a
``takeover`` section (runs aborted, pending writes adopted and finished).

Stopping: a stop request (the ``stop`` event, set on SIGTERM or a first
Ctrl-C) lets the bot in hand finish its current step; the bots after it are
skipped and the run ends ``interrupted``. A ``KeyboardInterrupt`` (a second
Ctrl-C) ends it at once, also ``interrupted``. Whatever the outcome, the run
is finished in the store, its report written to ``<runs_dir>/<run id>/`` (best
effort after a ``KeyboardInterrupt``) and its lease released.

Run statuses (:class:`~bots.domain.RunStatus`): ``running``, ``ok``,
``failed``, ``interrupted``, ``aborted``; exit codes :data:`EXIT_CODES`.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

from bots.config import Config, ConfigError
from bots.domain import Run, RunStatus, Trigger
from bots.landscape import LandscapeLease, end_browsers, landscape_id
from bots.pipeline import cashapp, collections, intake, openitems, portals, review
from bots.pipeline.context import BotContext, NoProgress, Progress
from bots.reports.model import (
    BotSection,
    BotStatus,
    ErrorItem,
    RunReport,
    WaitingItem,
    WriteRecord,
    WriteState,
)
from bots.sap.errors import SapLogonError, SapTechnicalError
from bots.store import Lease, RunRecord, Store
from bots.store.leases import is_live

log = logging.getLogger(__name__)

Bot = Callable[[BotContext], BotSection]

BOTS: dict[str, Bot] = {
    "openitems": openitems.run,
    "intake": intake.run,
    "cashapp": cashapp.run,
    "portals": portals.run,
    "collections": collections.run,
    "review": review.run,  # on demand only: `arbots review apply FILE`
}
NIGHTLY: tuple[str, ...] = ("openitems", "intake", "cashapp", "portals", "collections")

EXIT_OK, EXIT_FAILURES, EXIT_CONFIG = 0, 1, 2
EXIT_SIGINT, EXIT_SIGTERM = 130, 143  # 128 + the signal's number, as shells report it
EXIT_CODES = {RunStatus.OK: EXIT_OK, RunStatus.FAILED: EXIT_FAILURES,
              RunStatus.INTERRUPTED: EXIT_SIGINT, RunStatus.ABORTED: EXIT_FAILURES}

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


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended, its exit code and where its report is."""

    run_id: str
    status: RunStatus
    report: RunReport
    report_dir: Path
    message: str = ""  # the one-line reason of a run that did not end ok
    exit_code: int = -1  # -1: the status's code (EXIT_CODES)

    def __post_init__(self) -> None:
        if self.exit_code == -1:
            object.__setattr__(self, "exit_code", EXIT_CODES[self.status])


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


def expand(bots: tuple[str, ...]) -> tuple[str, ...]:
    """Bot names with ``nightly`` expanded, in order, each once; unknown names refused."""
    names: list[str] = []
    for name in bots:
        for part in NIGHTLY if name == "nightly" else (name,):
            if part not in BOTS:
                raise ConfigError(f"unknown bot {part!r}; known: nightly, "
                                  f"{', '.join(BOTS)}")
            if part not in names:
                names.append(part)
    return tuple(names)


# --------------------------------------------------------------------------- the lease


@contextmanager
def landscape_run(cfg: Config, store: Store, trigger: Trigger, bots: tuple[str, ...], *,
                  job: str | None = None, dry_run: bool = False,
                  wait: timedelta | None = None, stop: threading.Event | None = None
                  ) -> Iterator[tuple[Run, LandscapeLease | None, TakeOver]]:
    """A run recorded in ``store``, holding its landscape's lease unless ``dry_run``.

    Every command that writes externally runs inside this: it takes the lease
    (waiting up to ``wait`` unless ``stop`` is set, else
    :class:`~bots.store.LeaseHeld`), records the run, takes over from dead runs
    (:class:`TakeOver`), and releases the lease on the way out, whatever
    happens. A lost lease sets ``stop``. The caller finishes the run record.
    """
    run_id = store.new_run_id(bots)
    lease, stale = None, None
    if not dry_run:
        lease = LandscapeLease(store, landscape_id(cfg), run_id,
                               on_lost=stop.set if stop is not None else None)
        stale = lease.acquire(wait, stop)
    try:
        run = store.start_run(trigger, bots, job=job, dry_run=dry_run, run_id=run_id,
                              landscape=lease.landscape if lease else None)
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
            why = (f"its process {stale.holder} stopped (lease expired or process gone)"
                   if stale is not None and stale.run_id == record.id
                   else "it no longer held the landscape's lease")
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
    writes = _write_records(store, record.id)
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


# --------------------------------------------------------------------------- the run


def run_bots(cfg: Config, bots: tuple[str, ...], trigger: Trigger,
             stop: threading.Event | None = None, job: str | None = None, *,
             dry_run: bool = False, progress: Progress | None = None,
             clock: Callable[[], datetime] | None = None,
             inputs: dict[str, Any] | None = None,
             wait: timedelta | None = None) -> RunOutcome:
    """Run ``bots`` once; record the run; write its report. Never raises for bot failures.

    ``inputs`` are handed to the bots in ``ctx.memo`` (e.g. ``review_file``).
    ``wait``: how long to wait for the landscape's lease (None: refuse at once
    with :class:`~bots.store.LeaseHeld`). A ``KeyboardInterrupt`` ends the run
    ``interrupted`` and is not re-raised: the outcome says so.
    """
    names = expand(bots)
    clock = clock or (lambda: datetime.now(UTC))
    stop = stop or threading.Event()
    with Store(cfg.store_path, clock=clock) as store, \
            landscape_run(cfg, store, trigger, names, job=job, dry_run=dry_run, wait=wait,
                          stop=stop) as (run, lease, takeover):
        report = RunReport.from_run(run, config_source=cfg.source)
        ctx = BotContext(cfg=cfg, store=store, run=run, report=report,
                         today=clock().date(), dry_run=dry_run, stop=stop,
                         progress=progress or NoProgress(), memo=dict(inputs or {}),
                         lease=lease)
        try:
            status, message, exit_code = _run_all(names, ctx)
        except KeyboardInterrupt:  # between two bots
            status, message, exit_code = RunStatus.INTERRUPTED, STOPPED_AT_ONCE, EXIT_SIGINT
        if lease is not None and lease.lost.is_set():
            status, message = RunStatus.ABORTED, "lost the landscape's lease to another run"
            exit_code = EXIT_FAILURES
        _finish(ctx, takeover, status, message, clock)
        return RunOutcome(run.id, status, report, ctx.run_dir, message, exit_code)


STOPPED_AT_ONCE = "stopped at once (a second Ctrl-C)"


def _run_all(names: tuple[str, ...], ctx: BotContext) -> tuple[RunStatus, str, int]:
    """Run the bots in order; the run's status, message and exit code."""
    report = ctx.report
    for name in names:
        if ctx.stop.is_set():
            report.bots.append(BotSection(name, BotStatus.SKIPPED, counts={"stopped": 1}))
            continue
        try:
            report.bots.append(_run_one(name, ctx))
        except (ConfigError, SapLogonError, SapTechnicalError) as exc:
            report.bots.append(BotSection(name, BotStatus.FAILED, errors=[ErrorItem(
                name, str(exc), "See runbooks/sap-connection-errors.md; fix the "
                "configuration or connection, then rerun: finished work is not repeated.")]))
            return RunStatus.FAILED, str(exc), EXIT_CONFIG
        except KeyboardInterrupt:
            report.bots.append(BotSection(name, BotStatus.FAILED, errors=[ErrorItem(
                name, f"{STOPPED_AT_ONCE} while this bot was at work", RERUN_HINT)]))
            return RunStatus.INTERRUPTED, STOPPED_AT_ONCE, EXIT_SIGINT
    skipped = [b.name for b in report.bots if b.status == BotStatus.SKIPPED]
    if ctx.stop.is_set():
        return (RunStatus.INTERRUPTED, "stopped on request" + (
            f" before: {', '.join(skipped)}" if skipped else " in the last bot"), EXIT_SIGINT)
    if any(b.status == BotStatus.FAILED for b in report.bots):
        return RunStatus.FAILED, "", EXIT_FAILURES
    return RunStatus.OK, "", EXIT_OK


def _finish(ctx: BotContext, takeover: TakeOver, status: RunStatus, message: str,
            clock: Callable[[], datetime]) -> None:
    """Record the end of the run and write its report, each step best effort.

    After a second Ctrl-C anything may be half done; one step failing (or
    interrupted again) must not keep the others from being tried.
    """
    from bots.reports.writer import write_run_report

    store, report, run = ctx.store, ctx.report, ctx.run

    def attempt(what: str, step: Callable[..., object], *args: Any) -> None:
        try:
            step(*args)
        except BaseException:  # noqa: BLE001 - see the docstring
            log.exception("run %s: could not %s", run.id, what)

    report.status, report.ended = status, clock()
    if store.db.in_transaction:  # a step stopped at once inside a transaction
        attempt("end the open store transaction", store.db.execute, "ROLLBACK")
    attempt("close the SAP connection", ctx.close)
    attempt("list the run's writes", lambda: report.external_writes.extend(
        _write_records(store, run.id)))
    attempt("list the run's inputs", lambda: report.inputs.extend(intake.input_records(ctx)))
    if takeover:
        attempt("say what the run took over",
                lambda: report.bots.append(takeover.section(store)))
    attempt("record the end of the run", store.finish_run, run.id, status,
            {b.name: b.counts for b in report.bots}, message)
    attempt("write the report", write_run_report, ctx.run_dir, report)


def _run_one(name: str, ctx: BotContext) -> BotSection:
    try:
        return BOTS[name](ctx)
    except (ConfigError, SapLogonError, SapTechnicalError):
        raise
    except Exception as exc:  # a bot's bug or bad data must not lose the run record
        return BotSection(name, BotStatus.FAILED, errors=[ErrorItem(
            name, f"{type(exc).__name__}: {exc}",
            "A defect or unexpected data: keep the run folder, see "
            "runbooks/rerun-after-failure.md; the rerun finishes without repeating writes.")])


def _write_records(store: Store, run_id: str) -> list[WriteRecord]:
    records = []
    for row in store.writes(run_id):
        system, action = WRITE_LABELS.get(row["kind"], ("external", row["kind"]))
        records.append(WriteRecord(
            system=system, action=action, target=row["target"],
            idempotency_key=row["key"],
            state=WriteState(row["status"]),
            detail=row["error"] or ""))
    return records
