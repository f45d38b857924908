"""The activities of :class:`~bots.engine.workflows.RunWorkflow`: the existing bots, one call each.

- :func:`begin_run` takes the landscape's lease for the run id, records the
  run (once: a retry finds it recorded), takes over from dead runs and saves
  the first checkpoint;
- :func:`run_bot` runs one bot of :data:`bots.runner.BOTS` exactly as the
  local runner does, from the checkpoint the activity before it left, and
  saves the next. It takes the lease again for its run (renewing it, naming
  this worker as the holder; a browser left by a dead worker of this host is
  ended) and renews it with every Temporal heartbeat. The openitems bot's
  pages are kept and its position heartbeat, so that a retry resumes at the
  page reached (:mod:`bots.engine.resume`). A portal batch runs on a thread
  that keeps its browser for the run's next batch (:mod:`bots.engine.browsers`).
  It calls the bot once:
  Temporal retries it, and the write ledger keeps a retried bot from
  repeating a write (its intents come back ``pending`` and are looked up);
- :func:`finish_run` records the end, writes the report as the local runner
  does, and releases the lease.

Errors leave as ``ApplicationError`` (:mod:`bots.engine.errors`). Activities
are ``async`` so that the heartbeat runs beside the bot, which works in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from temporalio import activity

from bots.config import Config, load_config
from bots.domain import Run, RunStatus, Trigger
from bots.engine import checkpoint
from bots.engine.browsers import BROWSER_SLOTS
from bots.engine.checkpoint import RunState
from bots.engine.errors import EXIT_OF_TYPE, LeaseLost, application_error
from bots.engine.plan import BATCH, MERGE, BotDone, BotStep, RunEnd, RunRequest, RunResult
from bots.engine.resume import Position, journal_reads
from bots.exit_codes import EXIT_CONFIG, EXIT_FAILURES, EXIT_SIGINT
from bots.landscape import LandscapeLease, end_browsers, landscape_id
from bots.pipeline import portals
from bots.pipeline.context import BotContext
from bots.portals.browser import browser_pids
from bots.reports.model import BotSection, BotStatus, ErrorItem, RunReport
from bots.runner import EXIT_CODES, Bot, finish, run_one, timed
from bots.store import LeaseHeld, Store
from bots.store.leases import holder_is_dead, this_holder
from bots.takeover import TakeOver, take_over

T = TypeVar("T")
SPLIT_PARTS = {  # plan.SPLIT_BOTS: their plan, batch and merge functions
    "portals": (portals.plan, portals.run_batch, portals.merge_batch)}
JOURNALED_BOTS = ("openitems",)  # bots whose long read resumes where a failed attempt stopped
FATAL_HINT = ("See runbooks/sap-connection-errors.md; fix the configuration or connection, "
              "then rerun: finished work is not repeated.")


def _config(request: RunRequest) -> Config:
    """The run's configuration, with SAP called once per attempt: Temporal owns the retries."""
    cfg = load_config(request.config_path, home=Path(request.home))
    return replace(cfg, sap=replace(cfg.sap, retries=0))


async def _call(work: Callable[[threading.Event], T], heartbeat_every: float,
                renew: Callable[[threading.Event], None] | None = None,
                position: Position | None = None, slot: Executor | None = None) -> T:
    """Run ``work`` in a thread (``slot``'s, else a new one); heartbeat (and ``renew``) every
    ``heartbeat_every`` seconds.

    ``work`` gets a stop event: set when the activity is cancelled or the
    lease is lost, it ends the bot after its current step. ``position``: the
    long read's position, sent as the heartbeat's details (also once more when
    the work fails, so that the retry resumes there). Errors leave as
    ``ApplicationError``.
    """
    stop = threading.Event()
    task = asyncio.ensure_future(asyncio.to_thread(work, stop) if slot is None else
                                 asyncio.get_running_loop().run_in_executor(slot, work, stop))

    def heartbeat() -> None:
        activity.heartbeat(*([position.details()] if position is not None else []))

    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=heartbeat_every)
            if done:
                return task.result()
            heartbeat()
            if renew is not None:
                await asyncio.to_thread(renew, stop)
    except asyncio.CancelledError:
        stop.set()
        with contextlib.suppress(BaseException):
            await asyncio.shield(task)
        raise
    except Exception as exc:
        if position is not None:
            heartbeat()
        raise application_error(exc) from exc


# --------------------------------------------------------------------------- begin


@activity.defn(name="begin_run")
async def begin_run(request: RunRequest) -> None:
    """Take the lease for ``request.run_id``, record the run, save the first checkpoint."""
    await _call(lambda _stop: _begin(request), 1.0)


def _begin(request: RunRequest) -> None:
    cfg = _config(request)
    run_id = str(request.run_id)
    with Store(cfg.store_target()) as store:
        if store.run(run_id) is not None:  # a retry: the run is recorded, its checkpoint saved
            return
        landscape, stale = None, None
        if not request.dry_run:
            lease = LandscapeLease(store, landscape_id(cfg), run_id, heartbeat=False)
            stale = lease.acquire(None)
            landscape = lease.landscape
        run = store.start_run(Trigger(request.trigger), request.bots, job=request.job,
                              dry_run=request.dry_run, run_id=run_id, landscape=landscape,
                              company_codes=cfg.sap.company_codes)
        takeover = take_over(cfg, store, run_id, landscape, stale) if landscape \
            else TakeOver()
        memo = {"jobs": request.jobs} if request.jobs else {}
        checkpoint.save(cfg.runs_dir / run_id, RunState(
            RunReport.from_run(run, config_source=cfg.source), memo, takeover))


# --------------------------------------------------------------------------- one bot


@activity.defn(name="run_bot")
async def run_bot(step: BotStep) -> BotDone:
    """Run ``step.bot`` once on the run's checkpoint; save the next; its status and counts."""
    cfg = _config(step.request)
    every = max(step.request.heartbeat_seconds / 3, 0.5)
    renew = None if step.request.dry_run else (lambda stop: _renew(cfg, step.run_id, stop))
    position = Position.from_details(activity.info().heartbeat_details) \
        if step.bot in JOURNALED_BOTS else None
    slots = BROWSER_SLOTS.borrow() if step.part == BATCH else contextlib.nullcontext(None)
    with slots as slot:  # a portal batch: a thread that keeps its browser for the next
        return await _call(lambda stop: _run_bot(cfg, step, stop, position), every, renew,
                           position, slot)


def _renew(cfg: Config, run_id: str, stop: threading.Event) -> None:
    """One renewal of the run's lease; ``stop`` set when another run took it."""
    with Store(cfg.store_target()) as store:
        LandscapeLease(store, landscape_id(cfg), run_id, heartbeat=False,
                       on_lost=stop.set).renew()


def _run_bot(cfg: Config, step: BotStep, stop: threading.Event,
             position: Position | None = None) -> BotDone:
    run_dir = cfg.runs_dir / step.run_id
    with Store(cfg.store_target()) as store:
        state = checkpoint.load(run_dir, store)
        record = store.run(step.run_id)
        if record is None or record.status != RunStatus.RUNNING:
            raise LeaseLost(f"run {step.run_id} is no longer running "
                            f"({record.status if record else 'not recorded'})")
        lease = None if step.request.dry_run else _hold(cfg, store, step.run_id, stop)
        if step.part == MERGE:
            return _merge(run_dir, state, step)
        if step.part == BATCH and checkpoint.part_path(run_dir, step.bot, step.batch).exists():
            part, _rows = checkpoint.load_part(run_dir, step.bot, step.batch)  # a retry
            return BotDone(step.bot, part.status.value, part.seconds, dict(part.counts))
        run = Run(id=record.id, trigger=Trigger(record.trigger), started=state.report.started,
                  bots=record.bots, dry_run=record.dry_run)
        ctx = BotContext(cfg=cfg, store=store, run=run, report=state.report,
                         today=state.report.started.date(), dry_run=record.dry_run, stop=stop,
                         memo=state.memo, lease=lease)
        started, worklist = time.perf_counter(), len(state.report.worklist)
        batches: list[int] = []
        try:
            checkpoint.restore(ctx)
            journal = None if position is None else journal_reads(
                ctx.sap, run_dir / "reads" / f"{step.bot}.jsonl", position)
            section = timed(run_one(step.bot, ctx, _part(step, batches)), started)
        finally:
            ctx.close()
        if journal is not None:  # the read is over: its pages are in the snapshot
            journal.remove()
        if lease is not None and lease.lost.is_set():
            raise LeaseLost(f"run {step.run_id} lost the landscape's lease to another run")
        if step.part == BATCH:  # batches run at once: each leaves its own file, not the state
            checkpoint.save_part(run_dir, step.bot, step.batch, section,
                                 state.report.worklist[worklist:])
        else:
            state.report.bots.append(section)
            checkpoint.save(run_dir, state)
    return BotDone(step.bot, section.status.value, section.seconds, dict(section.counts),
                   sum(batches))


def _part(step: BotStep, batches: list[int]) -> Bot | None:
    """What runs ``step``'s part of its bot (None: the whole bot); a plan's number of
    batches is appended to ``batches``."""
    if not step.part:
        return None
    plan, run_batch, _merge_batch = SPLIT_PARTS[step.bot]
    if step.part == BATCH:
        return functools.partial(run_batch, batch=step.batch)

    def planned(ctx: BotContext) -> BotSection:
        section, count = plan(ctx)
        batches.append(count)
        return section
    return planned


def _merge(run_dir: Path, state: RunState, step: BotStep) -> BotDone:
    """Add the outcomes of the bot's ``step.batch`` batches to its section (once: a retry
    finds them added) and save the state."""
    section = next(b for b in reversed(state.report.bots) if b.name == step.bot)
    merged = f"{step.bot}:batches merged"
    if not state.memo.get(merged):
        merge_batch = SPLIT_PARTS[step.bot][2]
        parts = [checkpoint.load_part(run_dir, step.bot, n) for n in range(step.batch)]
        for part, rows in parts:
            merge_batch(section, part)
            state.report.worklist += rows
        section.seconds = (section.seconds or 0) + max(p.seconds or 0 for p, _ in parts)
        state.memo[merged] = True
        checkpoint.save(run_dir, state)
    return BotDone(step.bot, section.status.value, section.seconds, dict(section.counts))


def _hold(cfg: Config, store: Store, run_id: str, stop: threading.Event) -> LandscapeLease:
    """The run's lease, taken again by this worker; a dead worker's browsers on this host
    ended (the run's batches share the lease: never a browser of this worker's)."""
    before = store.lease_of_run(run_id)
    lease = LandscapeLease(store, landscape_id(cfg), run_id, heartbeat=False, on_lost=stop.set)
    try:
        lease.acquire(None)
    except LeaseHeld as exc:
        raise LeaseLost(f"run {run_id} lost the landscape's lease: {exc}") from None
    if before is not None and before.holder != this_holder() and holder_is_dead(before):
        ours = set(browser_pids())  # another batch of this worker may be at work
        end_browsers(c for c in before.children if c.pid not in ours)
    return lease


# --------------------------------------------------------------------------- finish


@activity.defn(name="finish_run")
async def finish_run(end: RunEnd) -> RunResult:
    """Record the end of the run, write its report, release the lease; the run's result."""
    return await _call(lambda _stop: _finish_run(end), 1.0)


def _finish_run(end: RunEnd) -> RunResult:
    cfg = _config(end.request)
    run_dir = cfg.runs_dir / end.run_id
    with Store(cfg.store_target()) as store:
        state = checkpoint.load(run_dir, store)
        report = state.report
        record = store.run(end.run_id)
        if record is not None and record.status != RunStatus.RUNNING:  # a retry, or aborted
            status = RunStatus(record.status)
            return _result(end.run_id, status, record.message, EXIT_CODES[status], report)
        status, message, exit_code = _outcome(end, report)
        lease = None
        if not end.request.dry_run:
            lease = LandscapeLease(store, landscape_id(cfg), end.run_id, heartbeat=False)
            try:
                lease.acquire(None)
            except LeaseHeld:
                lease = None
                status, message = RunStatus.ABORTED, "lost the landscape's lease to another run"
                exit_code = EXIT_FAILURES
        run = Run(id=report.run_id, trigger=report.trigger, started=report.started,
                  bots=tuple(end.request.bots), dry_run=report.dry_run)
        ctx = BotContext(cfg=cfg, store=store, run=run, report=report,
                         today=report.started.date(), dry_run=report.dry_run,
                         memo=state.memo, lease=lease)
        try:
            finish(ctx, state.takeover, status, message, lambda: datetime.now(UTC))
        finally:
            if lease is not None:
                lease.release()
        checkpoint.save(run_dir, state)
    return _result(end.run_id, status, message, exit_code, report)


def _outcome(end: RunEnd, report: RunReport) -> tuple[RunStatus, str, int]:
    """The run's status, message and exit code, with the sections of bots that did not finish."""
    if end.fatal_bot is not None:
        report.bots.append(BotSection(end.fatal_bot, BotStatus.FAILED, errors=[ErrorItem(
            end.fatal_bot, end.fatal_message, FATAL_HINT)]))
        return (RunStatus.FAILED, end.fatal_message,
                EXIT_OF_TYPE.get(end.fatal_type, EXIT_CONFIG))
    ran = {b.name for b in report.bots}
    skipped = [name for name in end.request.bots if name not in ran]
    for name in skipped:
        report.bots.append(BotSection(name, BotStatus.SKIPPED, counts={"stopped": 1}))
    if end.stopped:
        return (RunStatus.INTERRUPTED, "stopped on request" + (
            f" before: {', '.join(skipped)}" if skipped else " in the last bot"), EXIT_SIGINT)
    if any(b.status == BotStatus.FAILED for b in report.bots):
        return RunStatus.FAILED, "", EXIT_FAILURES
    return RunStatus.OK, "", EXIT_CODES[RunStatus.OK]


def _result(run_id: str, status: RunStatus, message: str, exit_code: int,
            report: RunReport) -> RunResult:
    return RunResult(run_id, status.value, exit_code, message, [
        BotDone(b.name, b.status.value, b.seconds, dict(b.counts)) for b in report.bots
        if b.name != "takeover"])


ACTIVITIES: dict[str, list[Callable[..., Any]]] = {  # worker kind -> its activities
    "flow": [begin_run, finish_run], "bot": [run_bot]}
