"""Runs bots: one run record, one report, whatever happens.

``run_bots(cfg, ("nightly",), Trigger.ON_DEMAND)`` runs the nightly sequence
(:data:`NIGHTLY`) against whatever the configuration names (the sandbox by
default) and returns a :class:`RunOutcome`. Each bot is a function of
:mod:`bots.pipeline` taking a :class:`BotContext` and returning its report
section. A bot that raises is recorded as failed with the reason and how to
fix it, and the run goes on with the next bot; a configuration or connection
error (SAP unreachable, wrong password) aborts the run with exit code 2,
because no later bot could do better.

A stop request (``stop`` event, set by the scheduler on SIGTERM) lets the bot
in hand finish its current step; the bots after it are skipped and recorded as
such. Whatever the outcome, the run is finished in the store and its report is
written to ``<runs_dir>/<run id>/``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bots.config import Config, ConfigError
from bots.domain import RunStatus, Trigger
from bots.pipeline import cashapp, collections, intake, openitems, portals, review
from bots.pipeline.context import BotContext, NoProgress, Progress
from bots.reports.model import (
    BotSection,
    BotStatus,
    ErrorItem,
    RunReport,
    WriteRecord,
    WriteState,
)
from bots.sap.errors import SapLogonError, SapTechnicalError
from bots.store import Store

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

EXIT_CODES = {RunStatus.OK: 0, RunStatus.FAILED: 1, RunStatus.ABORTED: 2}

WRITE_LABELS = {  # ledger kind -> (system, action) for the report
    "collection_note": ("SAP", "save note"),
    "cashapp_note": ("SAP", "save note"),
    "reminder_email": ("e-mail", "reminder"),
    "posting": ("SAP", "post clearing"),
    "portal_submission": ("portal", "submit invoice"),
    "portal_note": ("SAP", "save note"),
}


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended and where its report is."""

    run_id: str
    status: RunStatus
    report: RunReport
    report_dir: Path
    message: str = ""  # the one-line reason of an aborted run

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


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


def run_bots(cfg: Config, bots: tuple[str, ...], trigger: Trigger,
             stop: threading.Event | None = None, job: str | None = None, *,
             dry_run: bool = False, progress: Progress | None = None,
             clock: Callable[[], datetime] | None = None,
             inputs: dict[str, Any] | None = None) -> RunOutcome:
    """Run ``bots`` once; record the run; write its report. Never raises for bot failures.

    ``inputs`` are handed to the bots in ``ctx.memo`` (e.g. ``review_file``).
    """
    from bots.reports.writer import write_run_report

    names = expand(bots)
    clock = clock or (lambda: datetime.now(UTC))
    with Store(cfg.store_path, clock=clock) as store:
        run = store.start_run(trigger, names, job=job, dry_run=dry_run)
        report = RunReport.from_run(run, config_source=cfg.source)
        ctx = BotContext(cfg=cfg, store=store, run=run, report=report,
                         today=clock().date(), dry_run=dry_run,
                         stop=stop or threading.Event(), progress=progress or NoProgress(),
                         memo=dict(inputs or {}))
        message = ""
        try:
            for name in names:
                if ctx.stop.is_set():
                    report.bots.append(BotSection(name, BotStatus.SKIPPED,
                                                  counts={"stopped": 1}))
                    continue
                report.bots.append(_run_one(name, ctx))
            skipped = [b.name for b in report.bots if b.status == BotStatus.SKIPPED]
            if skipped:
                message = f"stopped on request before: {', '.join(skipped)}"
            status = (RunStatus.FAILED if skipped or any(b.status == BotStatus.FAILED
                                                         for b in report.bots)
                      else RunStatus.OK)
        except (ConfigError, SapLogonError, SapTechnicalError) as exc:
            status, message = RunStatus.ABORTED, str(exc)
            report.bots.append(BotSection(name, BotStatus.FAILED, errors=[ErrorItem(
                name, message, "See runbooks/sap-connection-errors.md; fix the "
                "configuration or connection, then rerun: finished work is not repeated.")]))
        finally:
            ctx.close()
        report.external_writes.extend(_write_records(store, run.id))
        report.inputs.extend(intake.input_records(ctx))
        report.status, report.ended = status, clock()
        store.finish_run(run.id, status, {
            b.name: b.counts for b in report.bots})
        write_run_report(ctx.run_dir, report)
        return RunOutcome(run.id, status, report, ctx.run_dir, message)


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
