"""Runs bots: one run record, one report, whatever happens.

``run_bots(cfg, ("nightly",), Trigger.ON_DEMAND)`` runs the nightly sequence
(:data:`NIGHTLY`) against whatever the configuration names (the sandbox by
default) and returns a :class:`RunOutcome`. Each bot is a function of
:mod:`bots.pipeline` taking a :class:`BotContext` and returning its report
section. A bot that raises is recorded as failed with the reason and how to
fix it, and the run goes on with the next bot; a configuration or connection
error (SAP unreachable, wrong password) ends the run ``failed`` with exit code
2, because no later bot could do better.

One writer per landscape: a run that may write (not ``dry_run``) runs inside
:func:`bots.takeover.landscape_run`: it first takes its landscape's lease,
waiting up to ``wait`` or refusing with :class:`~bots.store.LeaseHeld`. If it
takes over from a run that died, it marks that run ``aborted``, writes its
report, ends its leftover browsers and makes its pending writes its own; its
report says so in a ``takeover`` section (runs aborted, pending writes
adopted and finished).

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
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bots.config import Config, ConfigError
from bots.domain import RunStatus, Trigger
from bots.exit_codes import EXIT_CONFIG, EXIT_FAILURES, EXIT_OK, EXIT_SIGINT
from bots.pipeline import (
    account_actions,
    cashapp,
    collections,
    intake,
    openitems,
    portals,
    promises,
    review,
)
from bots.pipeline.context import BotContext, NoProgress, Progress
from bots.reports.model import BotSection, BotStatus, ErrorItem, RunReport
from bots.sap.errors import SapLogonError, SapTechnicalError
from bots.store import Store
from bots.takeover import RERUN_HINT, TakeOver, landscape_run, write_records

log = logging.getLogger(__name__)

Bot = Callable[[BotContext], BotSection]

BOTS: dict[str, Bot] = {
    "openitems": openitems.run,
    "intake": intake.run,
    "cashapp": cashapp.run,
    "portals": portals.run,
    "collections": collections.run,
    "review": review.run,  # on demand only: `arbots review apply FILE`
    "promise": promises.run,  # on demand only: `arbots collections promise CUSTOMER`
    "contact": account_actions.run_contact,  # on demand only: `arbots collections contacted`
    "dispute": account_actions.run_dispute,  # on demand only: `arbots collections dispute`
}
NIGHTLY: tuple[str, ...] = ("openitems", "intake", "cashapp", "portals", "collections")
# bots whose work is per company code; intake and cash application take in every payment,
# whatever company code it pays, so they never run for one company code alone
PER_COMPANY_CODE: tuple[str, ...] = ("openitems", "portals", "collections")

EXIT_CODES = {RunStatus.OK: EXIT_OK, RunStatus.FAILED: EXIT_FAILURES,
              RunStatus.INTERRUPTED: EXIT_SIGINT, RunStatus.ABORTED: EXIT_FAILURES}
STOPPED_AT_ONCE = "stopped at once (a second Ctrl-C)"


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


def for_company_code(cfg: Config, code: str, bots: tuple[str, ...]) -> Config:
    """``cfg`` narrowed to company code ``code`` for a run of ``bots`` (``arbots run
    --company-code``): the run's snapshot, and so its portal submissions and collection
    notes, cover that company code only. ConfigError when ``code`` is not configured or a
    bot is not one of :data:`PER_COMPANY_CODE` (a payment read for one company code
    would miss the other company codes' invoices and wait for review)."""
    if code not in cfg.sap.company_codes:
        raise ConfigError(f"company code {code!r}: not one of sap.company_codes "
                          f"({', '.join(cfg.sap.company_codes)})")
    whole = [b for b in expand(bots) if b not in PER_COMPANY_CODE]
    if whole:
        raise ConfigError(f"company code {code}: {', '.join(whole)} always run for every "
                          f"company code; one company code runs only "
                          f"{', '.join(PER_COMPANY_CODE)}")
    return replace(cfg, sap=replace(cfg.sap, company_codes=(code,)))


def run_bots(cfg: Config, bots: tuple[str, ...], trigger: Trigger,
             stop: threading.Event | None = None, job: str | None = None, *,
             dry_run: bool = False, progress: Progress | None = None,
             clock: Callable[[], datetime] | None = None,
             inputs: dict[str, Any] | None = None,
             wait: timedelta | None = None, run_id: str | None = None) -> RunOutcome:
    """Run ``bots`` once; record the run; write its report. Never raises for bot failures.

    ``inputs`` are handed to the bots in ``ctx.memo`` (e.g. ``review_file``).
    ``run_id``: the id to record the run under (the console chooses it to follow the run).
    ``wait``: how long to wait for the landscape's lease (None: refuse at once
    with :class:`~bots.store.LeaseHeld`). A ``KeyboardInterrupt`` ends the run
    ``interrupted`` and is not re-raised: the outcome says so.
    """
    names = expand(bots)
    clock = clock or (lambda: datetime.now(UTC))
    stop = stop or threading.Event()
    with Store(cfg.store_target(), clock=clock) as store, \
            landscape_run(cfg, store, trigger, names, job=job, dry_run=dry_run, wait=wait,
                          stop=stop, run_id=run_id) as (run, lease, takeover):
        report = RunReport.from_run(run, config_source=cfg.source,
                                    company_codes=cfg.sap.company_codes)
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
        with _ctrl_c_held():
            finish(ctx, takeover, status, message, clock)
        return RunOutcome(run.id, status, report, ctx.run_dir, message, exit_code)


def _run_all(names: tuple[str, ...], ctx: BotContext) -> tuple[RunStatus, str, int]:
    """Run the bots in order; the run's status, message and exit code."""
    report = ctx.report
    for name in names:
        if ctx.stop.is_set():
            report.bots.append(BotSection(name, BotStatus.SKIPPED, counts={"stopped": 1}))
            continue
        started = time.perf_counter()
        try:
            section = run_one(name, ctx)
        except (ConfigError, SapLogonError, SapTechnicalError) as exc:
            section = BotSection(name, BotStatus.FAILED, errors=[ErrorItem(
                name, str(exc), "See runbooks/sap-connection-errors.md; fix the "
                "configuration or connection, then rerun: finished work is not repeated.")])
            report.bots.append(timed(section, started))
            return RunStatus.FAILED, str(exc), EXIT_CONFIG
        except KeyboardInterrupt:
            section = BotSection(name, BotStatus.FAILED, errors=[ErrorItem(
                name, f"{STOPPED_AT_ONCE} while this bot was at work", RERUN_HINT)])
            report.bots.append(timed(section, started))
            return RunStatus.INTERRUPTED, STOPPED_AT_ONCE, EXIT_SIGINT
        report.bots.append(timed(section, started))
    skipped = [b.name for b in report.bots if b.status == BotStatus.SKIPPED]
    if ctx.stop.is_set():
        return (RunStatus.INTERRUPTED, "stopped on request" + (
            f" before: {', '.join(skipped)}" if skipped else " in the last bot"), EXIT_SIGINT)
    if any(b.status == BotStatus.FAILED for b in report.bots):
        return RunStatus.FAILED, "", EXIT_FAILURES
    return RunStatus.OK, "", EXIT_OK


def timed(section: BotSection, started: float) -> BotSection:
    """``section`` with the wall time since ``started`` (perf_counter), to a tenth of a second."""
    section.seconds = round(time.perf_counter() - started, 1)
    return section


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """While the run's end and report are written, a Ctrl-C is answered, not raised.

    Stopping at once means "stop the bots", not "lose the record of what they
    did": the record and the report take a moment and are always written.
    Signal handlers belong to the main thread; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def answer(_signum: int, _frame: object) -> None:
        log.warning("writing the run's record and report; it ends in a moment")

    previous = signal.signal(signal.SIGINT, answer)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def finish(ctx: BotContext, takeover: TakeOver, status: RunStatus, message: str,
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
        write_records(store, run.id)))
    attempt("list the run's inputs", lambda: report.inputs.extend(intake.input_records(ctx)))
    if takeover:
        attempt("say what the run took over",
                lambda: report.bots.append(takeover.section(store)))
    attempt("record the end of the run", store.finish_run, run.id, status,
            {b.name: b.counts for b in report.bots}, message)
    attempt("write the report", write_run_report, ctx.run_dir, report)


def run_one(name: str, ctx: BotContext, bot: Bot | None = None) -> BotSection:
    """Run the bot ``name`` (or ``bot``, a part of it) once; a configuration or connection
    error is raised, any other error becomes its failed section (the run record is never
    lost)."""
    try:
        return (bot or BOTS[name])(ctx)
    except (ConfigError, SapLogonError, SapTechnicalError):
        raise
    except Exception as exc:  # a bot's bug or bad data must not lose the run record
        return BotSection(name, BotStatus.FAILED, errors=[ErrorItem(
            name, f"{type(exc).__name__}: {exc}",
            "A defect or unexpected data: keep the run folder, see "
            "runbooks/rerun-after-failure.md; the rerun finishes without repeating writes.")])
