"""``arbots schedule``: the scheduler daemon over the configured ``[schedule.*]`` jobs.

Bare, ``arbots schedule`` runs in the foreground until SIGTERM or SIGINT
(systemd, Ctrl-C), logging one line per event on stderr; see
:mod:`bots.scheduling` for the rules and ``runbooks/scheduling.md`` for the
service units. ``arbots schedule list`` prints each job with its last run (from
the run store) and its next run, and exits; ``--plan`` on the bare command is
the same (kept for scripts). ``arbots schedule sync`` is for the Temporal
engine: it creates or updates one Temporal Schedule per job
(:mod:`bots.engine.schedules`) and exits; the server then starts the runs.

Exit codes: 0 stopped on request, 2 configuration error, an unreadable store,
the Temporal engine configured (the server starts the jobs: ``sync``), or
another scheduler already holding ``<store dir>/arbots-scheduler.lock``;
130 stopped at once by a second Ctrl-C.

A due job whose landscape is held by another run (a manual ``arbots run``)
waits for it up to 30 minutes, then is logged as not run and is next due at
its next time.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.table import Table

from bots.cli.common import (
    DEFAULT_WAIT,
    EXIT_CONFIG,
    EXIT_SIGINT,
    config_option,
    console,
    fail,
    load_or_exit,
)
from bots.config import Config, ConfigError, ScheduleJob
from bots.domain import Trigger
from bots.runner import expand, run_bots
from bots.scheduling import AlreadyRunning, Daemon, local_naive, next_due
from bots.store import DATABASE_ERRORS, LeaseHeld, Store

LOCK_NAME = "arbots-scheduler.lock"

log = logging.getLogger(__name__)


def lock_path(cfg: Config) -> Path:
    """The single-instance lock: beside the run store, one daemon per store."""
    return cfg.store_path.parent / LOCK_NAME


def checked_jobs(cfg: Config) -> tuple[ScheduleJob, ...]:
    """The configured jobs, each naming known bots; exit 2 naming file and key if not."""
    if not cfg.schedule:
        fail(f"{cfg.source}: schedule: no jobs configured; add a table schedule.<name> "
             "with at = \"HH:MM\" and the list of bots", EXIT_CONFIG)
    for job in cfg.schedule:
        try:
            expand(job.bots)
        except ConfigError as exc:
            fail(f"{cfg.source}: schedule.{job.name}.bots: {exc}", EXIT_CONFIG)
    return cfg.schedule


def last_started(cfg: Config, job: str) -> datetime | None:
    """When ``job`` last started, from the run store."""
    with Store(cfg.store_target()) as store:
        return store.last_run_started(job)


def describe(job: ScheduleJob) -> str:
    """``daily at 02:00`` or ``every 14 days at 06:30``."""
    at = job.at.strftime("%H:%M") if job.at else "00:00"
    return f"daily at {at}" if job.every_days == 1 else f"every {job.every_days} days at {at}"


def print_plan(cfg: Config, jobs: tuple[ScheduleJob, ...]) -> None:
    """One row per job: its rule, its last run, its next run (the daemon's rule)."""
    now = datetime.now()
    table = Table(title=f"schedule ({cfg.source})")
    for column in ("job", "bots", "rule", "last run", "next run"):
        table.add_column(column)
    for job in jobs:
        last = last_started(cfg, job.name)
        due = next_due(job, last, now)
        table.add_row(job.name, ", ".join(job.bots), describe(job),
                      local_naive(last).isoformat(sep=" ", timespec="minutes") if last
                      else "never",
                      "now (catch-up)" if due < now
                      else due.isoformat(sep=" ", timespec="minutes"))
    console.print(table)


@click.group("schedule", invoke_without_command=True)
@click.option("--plan", is_flag=True, help="Same as `arbots schedule list`.")
@config_option
@click.pass_context
def schedule_command(ctx: click.Context, plan: bool, config_path: str | None) -> None:
    """Run the configured [schedule] jobs unattended, until SIGTERM or SIGINT.

    `arbots schedule list` prints each job's last and next run instead.
    """
    if ctx.invoked_subcommand is not None:
        return
    cfg = load_or_exit(config_path)
    jobs = checked_jobs(cfg)
    if not plan and cfg.engine.kind == "temporal":
        fail(f"{cfg.source}: engine.kind is \"temporal\": the Temporal server starts the "
             "jobs; run `arbots schedule sync` once (the daemon is for the local engine, "
             "and both would start every job twice)", EXIT_CONFIG)
    with store_errors_exit(cfg):
        if plan:
            print_plan(cfg, jobs)
        else:
            run_daemon(cfg, jobs)


@schedule_command.command("list", short_help="Each job's last run and next run.")
@config_option
@click.pass_context
def list_command(ctx: click.Context, config_path: str | None) -> None:
    """Print each job with its last run (from the run store) and its next run."""
    parent = ctx.parent.params["config_path"] if ctx.parent else None
    cfg = load_or_exit(config_path or parent)
    jobs = checked_jobs(cfg)
    with store_errors_exit(cfg):
        print_plan(cfg, jobs)


@schedule_command.command("sync", short_help="Create or update the Temporal Schedules.")
@config_option
@click.pass_context
def sync_command(ctx: click.Context, config_path: str | None) -> None:
    """Create or update one Temporal Schedule per [schedule.<name>] job (Temporal engine).

    Overlap SKIP, [engine] catchup_minutes as the catch-up window, and pause
    on failure for jobs with a bot that writes; see runbooks/temporal.md.
    """
    from bots.engine.schedules import sync

    parent = ctx.parent.params["config_path"] if ctx.parent else None
    cfg = load_or_exit(config_path or parent)
    if cfg.engine.kind != "temporal":
        fail(f"{cfg.source}: engine.kind: schedule sync needs kind = \"temporal\" (or "
             "ARBOTS_TEMPORAL=host:port); with the local engine run the daemon, "
             "`arbots schedule`", EXIT_CONFIG)
    jobs = checked_jobs(cfg)
    try:
        synced = sync(cfg, jobs)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    by_name = {job.name: job for job in jobs}
    for done in synced:
        job = by_name[done.job]
        click.echo(f"{done.schedule_id}: {done.outcome} ({', '.join(job.bots)}; "
                   f"{describe(job)} {cfg.engine.time_zone}; overlap skip, catch-up "
                   f"{cfg.engine.catchup_minutes} min"
                   + ("; pauses on failure)" if done.pauses_on_failure else ")"))


@contextmanager
def store_errors_exit(cfg: Config) -> Iterator[None]:
    """An unreadable run store or lock file: exit 2 naming the store."""
    try:
        yield
    except (*DATABASE_ERRORS, OSError) as exc:
        fail(f"{cfg.store_name}: cannot use the run store or its lock: {exc}", EXIT_CONFIG)


def run_daemon(cfg: Config, jobs: tuple[ScheduleJob, ...]) -> None:
    """The daemon in the foreground, logging on stderr, until stopped."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def run_job(job: ScheduleJob, stop: threading.Event) -> str:
        try:
            outcome = run_bots(cfg, job.bots, Trigger.SCHEDULE, stop, job=job.name,
                               wait=DEFAULT_WAIT)
        except LeaseHeld as exc:
            log.warning("%s: not run: %s", job.name, exc)
            return "refused"
        log.info("%s: run %s %s%s, report %s", job.name, outcome.run_id,
                 outcome.status.value, f" ({outcome.message})" if outcome.message else "",
                 outcome.report_dir / "report.html")
        return outcome.status.value

    try:
        Daemon(jobs, run_job, lambda name: last_started(cfg, name),
               lock_path=lock_path(cfg)).run()
    except AlreadyRunning as exc:
        fail(str(exc), EXIT_CONFIG)
    except KeyboardInterrupt:
        fail("scheduler stopped at once (a second Ctrl-C); the job in hand was recorded "
             "interrupted", EXIT_SIGINT)
