"""``arbots run``, ``arbots demo``, ``arbots runs`` and ``arbots report``."""

from __future__ import annotations

import json
import signal
import threading
import webbrowser
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bots.cli.common import (
    EXIT_BUSY,
    EXIT_CONFIG,
    EXIT_FAILURES,
    EXIT_SIGINT,
    EXIT_SIGTERM,
    config_option,
    console,
    fail,
    forget_handled_ctrl_c,
    load_or_exit,
    wait_option,
)
from bots.config import Config, ConfigError
from bots.domain import RunStatus, Trigger
from bots.reports.history import cash_headline, render_cash_trend
from bots.runner import BOTS, RunOutcome, for_company_code, run_bots
from bots.store import LeaseHeld, RunRecord, Store
from bots.takeover import reap_dead_runs

T = TypeVar("T")


class RichProgress:
    """Progress bars on stderr for the steps of a run."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def track(self, items: Iterable[T], description: str, total: int | None = None
              ) -> Iterator[T]:
        task = self.progress.add_task(description, total=total)
        for item in items:
            yield item
            self.progress.advance(task)
        self.progress.update(task, total=self.progress.tasks[task].completed)


def execute(cfg: Config, bots: tuple[str, ...], dry_run: bool,
            inputs: dict[str, object] | None = None,
            wait: timedelta | None = None, run_id: str | None = None) -> RunOutcome:
    """Run ``bots`` on demand with progress bars and print the summary table.

    Another run holding the landscape: wait up to ``wait``, else exit 75
    naming it. Stopped by SIGINT or SIGTERM: the outcome's exit code is 130 or 143.
    """
    columns = (TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    stop = threading.Event()
    with stop_on_signals(stop) as received:
        try:
            if cfg.engine.kind == "temporal" and "review" not in bots:  # review: this host
                outcome = execute_on_temporal(cfg, bots, dry_run, inputs, run_id, stop)
            else:
                with Progress(*columns, console=console, transient=False) as progress:
                    outcome = run_bots(cfg, bots, Trigger.ON_DEMAND, stop, dry_run=dry_run,
                                       progress=RichProgress(progress), inputs=inputs,
                                       wait=wait, run_id=run_id)
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)
        except LeaseHeld as exc:
            fail(str(exc) if not stop.is_set() else
                 f"stopped while waiting for the landscape: {exc}", EXIT_BUSY)
        except KeyboardInterrupt:
            fail("stopped before the run started; nothing was written", EXIT_SIGINT)
    forget_handled_ctrl_c()
    if outcome.status == RunStatus.INTERRUPTED and received == [signal.SIGTERM]:
        outcome = replace(outcome, exit_code=EXIT_SIGTERM)
    print_summary(outcome)
    return outcome


def execute_on_temporal(cfg: Config, bots: tuple[str, ...], dry_run: bool,
                        inputs: dict[str, object] | None, run_id: str | None,
                        stop: threading.Event) -> RunOutcome:
    """The run as a Temporal workflow (``[engine] kind = "temporal"``), a line per bot done."""
    from bots.engine.client import RunRefused, request_for, run_on_temporal

    jobs = inputs.get("jobs") if inputs else None
    request = request_for(cfg, bots, dry_run=dry_run, run_id=run_id,
                          jobs=jobs if isinstance(jobs, int) else None)
    console.print(f"running {', '.join(request.bots)} on Temporal at {cfg.engine.address}",
                  highlight=False)
    try:
        return run_on_temporal(cfg, request, stop, lambda bot: console.print(
            f"  {bot.bot:<12} {bot.status:<8} "
            + ("" if bot.seconds is None else f"{bot.seconds:.1f} s"), highlight=False))
    except RunRefused as exc:
        fail(str(exc), EXIT_BUSY)
    except KeyboardInterrupt:  # a second Ctrl-C: stop following; the workers go on
        fail("stopped following the run; the workflow skips the bots not yet started and "
             "finishes on its workers (see `arbots runs`)", EXIT_SIGINT)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[list[int]]:
    """SIGINT (Ctrl-C) and SIGTERM (systemd, cron's kill) ask the run to stop.

    The first finishes the step in hand; a second Ctrl-C stops at once
    (``KeyboardInterrupt``). Yields the signals received, in order.
    """
    received: list[int] = []

    def ask_to_stop(signum: int, _frame: object) -> None:
        again = stop.is_set()
        received.append(signum)
        if again and signum == signal.SIGINT:
            raise KeyboardInterrupt
        if not again:
            console.print(f"stopping after the current step ({signal.Signals(signum).name}); "
                          "press Ctrl-C again to stop at once", highlight=False)
        stop.set()

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def print_summary(outcome: RunOutcome) -> None:
    """The per-bot summary table and the report path."""
    table = Table(title=f"run {outcome.run_id}: {outcome.status.value}"
                        + (" (dry run)" if outcome.report.dry_run else ""))
    for column in ("bot", "status", "time", "counts", "errors"):
        table.add_column(column)
    for bot in outcome.report.bots:
        counts = ", ".join(f"{k} {v}" for k, v in bot.counts.items())
        took = "" if bot.seconds is None else f"{bot.seconds:.1f} s"
        table.add_row(bot.name, bot.status.value, took, counts, str(len(bot.errors)))
    console.print(table)
    if outcome.report.cash is not None:
        console.print(cash_headline(outcome.report.cash), highlight=False, markup=False)
    if outcome.message:
        console.print(f"[bold red]error:[/] {outcome.message}", highlight=False)
    console.print(f"report: {outcome.report_dir / 'report.html'}", highlight=False)


@click.command("run")
@click.argument("bots", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Do all the work, write nothing external.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes reading remittances in intake (default: [intake] jobs, "
                   "else one per core).")
@click.option("--company-code", default=None, metavar="CODE",
              help="Only this company code (openitems, portals, collections; not intake "
                   "or cashapp, which take in every payment).")
@click.option("--run-id", hidden=True, default=None,
              help="Record the run under this id (the web console follows its runs by it).")
@wait_option
@config_option
def run_command(bots: tuple[str, ...], dry_run: bool, jobs: int | None,
                company_code: str | None, run_id: str | None, wait: timedelta | None,
                config_path: str | None) -> None:
    """Run BOTS now: nightly, or any of the bots by name.

    Exit codes: 0 ok, 1 finished with failures, 2 configuration or connection
    error, 75 another run holds the landscape, 130/143 stopped by SIGINT/SIGTERM.
    """
    cfg = load_or_exit(config_path)
    if company_code is not None:
        if cfg.engine.kind == "temporal":
            fail("--company-code: not on the Temporal engine yet (its workers read the "
                 "whole configuration); run without it", EXIT_CONFIG)
        try:
            cfg = for_company_code(cfg, company_code, bots)
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)
    outcome = execute(cfg, bots, dry_run, wait=wait,
                      inputs={"jobs": jobs} if jobs else None, run_id=run_id)
    raise SystemExit(outcome.exit_code)


@click.command("demo")
def demo_command() -> None:
    """Reset the sandbox, run the nightly job on it, print the report path."""
    cfg = load_or_exit(None)
    reset_sandbox_world(cfg)
    outcome = execute(cfg, ("nightly",), dry_run=False)
    click.echo(outcome.report_dir / "report.html")
    raise SystemExit(outcome.exit_code)


def reset_sandbox_world(cfg: Config) -> None:
    """A fresh demo world: SAP sandbox, store, outbox, demo mailbox (runs kept)."""
    from bots.sandbox.world import reset_world

    try:
        with console.status("Generating the sandbox world (SAP, mailbox)..."):
            seeded = reset_world(cfg)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    console.print(f"sandbox: SAP data generated, {len(seeded)} remittance e-mails in the "
                  "demo mailbox", highlight=False)


@click.group("review")
def review_group() -> None:
    """Act on the decisions AR staff wrote into a worklist."""


@review_group.command("apply")
@click.argument("worklist", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option("--queued", is_flag=True,
              help="Apply the decisions taken in the web console instead of a worklist.")
@click.option("--as", "user", default=None, metavar="USER",
              help="Who decided, for the audit (default: the OS user).")
@click.option("--dry-run", is_flag=True, help="Check and show what would be posted.")
@click.option("--run-id", hidden=True, default=None,
              help="Record the run under this id (the web console follows its runs by it).")
@wait_option
@config_option
def review_apply_command(worklist: str | None, queued: bool, user: str | None, dry_run: bool,
                         run_id: str | None, wait: timedelta | None,
                         config_path: str | None) -> None:
    """Post the payments approved in WORKLIST (sheet "Cash review") and learn from them."""
    from bots.pipeline.review import read_decisions
    from bots.pipeline.worklist_file import ReviewFileError, load_worklist

    cfg = load_or_exit(config_path)
    if (worklist is None) == (not queued):
        fail("give either a WORKLIST or --queued", EXIT_CONFIG)
    inputs: dict[str, object] = {"user": user} if user else {}
    if worklist is not None:
        try:  # read once: checked here, applied by the review bot
            book = load_worklist(Path(worklist))
            read_decisions(book)
        except ReviewFileError as exc:
            fail(str(exc), EXIT_CONFIG)
        inputs["review_file"] = book
    else:
        inputs["queued"] = True
    outcome = execute(cfg, ("review",), dry_run, inputs=inputs, wait=wait, run_id=run_id)
    raise SystemExit(outcome.exit_code)


@review_group.command("templates")
@click.option("--payer", help="Only the templates learned for this payer (name as printed).")
@click.option("--forget", "forget_id", type=int, help="Forget the learned template ID.")
@config_option
def review_templates_command(payer: str | None, forget_id: int | None,
                             config_path: str | None) -> None:
    """List the templates learned from corrections, or forget one that learned wrong."""
    import getpass

    from bots.remittance.learned import payer_key

    cfg = load_or_exit(config_path)
    with Store(cfg.store_target()) as store:
        if forget_id is not None:
            if not store.forget_template(forget_id, getpass.getuser()):
                fail(f"no learned template {forget_id} (see `arbots review templates`)",
                     EXIT_FAILURES)
            console.print(f"learned template {forget_id} forgotten: that layout is read by "
                          "its header words again", highlight=False)
            return
        rows = store.learned_templates(payer_key(payer) if payer else None)
    table = Table(title=f"learned templates in {cfg.store_name}")
    for column in ("id", "payer", "format", "invoice column", "layout", "learned by",
                   "learned at", "from remittance"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["id"]), escape(r["payer"]), r["format"], escape(r["label"]),
                      r["fingerprint"], escape(r["learned_by"]), r["learned_at"],
                      r["remittance_id"] or "")
    console.print(table)


@click.command("runs")
@click.option("--limit", default=20, show_default=True)
@config_option
def runs_command(limit: int, config_path: str | None) -> None:
    """List the run history, newest first (runs found dead are marked aborted)."""
    from bots.reports.metrics import run_trend  # pandas: loaded only when needed

    cfg = load_or_exit(config_path)
    with Store(cfg.store_target()) as store:
        reaped = reap_dead_runs(cfg, store)
        records = store.runs(limit)
        cash = run_trend(store, [r.id for r in records if not r.dry_run])
    for run_id in reaped:
        console.print(f"run {run_id} stopped without finishing (killed or crashed): marked "
                      "aborted, its report written", highlight=False)
    table = Table(title=f"runs in {cfg.store_name}")
    for column in ("run", "trigger", "bots", "started", "duration", "status", "note"):
        table.add_column(column)
    for r in records:
        duration = f"{(r.ended - r.started).total_seconds():.0f}s" if r.ended else "-"
        table.add_row(r.id, r.trigger + (" (dry)" if r.dry_run else ""), ",".join(r.bots),
                      r.started.isoformat(timespec="seconds"), duration, r.status,
                      escape(r.message))
    console.print(table)
    if cash:
        console.print(render_cash_trend(cash))


@click.command("report")
@click.argument("run_id", default="latest")
@click.option("--open", "open_browser", is_flag=True, help="Open report.html in a browser.")
@click.option("--json", "as_json", is_flag=True, help="Print report.json to stdout.")
@config_option
def report_command(run_id: str, open_browser: bool, as_json: bool,
                   config_path: str | None) -> None:
    """Print (or open) the report of RUN_ID, by default the newest run.

    Exit 1, with one line saying why, when there is no such run, the run is
    still going, or its report is missing or unreadable; exit 1 also after
    printing the report of an aborted run.
    """
    cfg = load_or_exit(config_path)
    with Store(cfg.store_target()) as store:
        reap_dead_runs(cfg, store)
        records = store.runs(1) if run_id == "latest" else [r for r in [store.run(run_id)] if r]
    if not records:
        fail(f"no run {run_id!r} in {cfg.store_name}" if run_id != "latest"
             else f"no runs yet in {cfg.store_name}", EXIT_FAILURES)
    record = records[0]
    folder = cfg.runs_dir / record.id
    if record.status == RunStatus.RUNNING:
        fail(f"run {record.id} is still running (started "
             f"{record.started.isoformat(sep=' ', timespec='seconds')} on "
             f"{record.host}:{record.pid}); its report is written when it ends", EXIT_FAILURES)
    data = read_report(folder / "report.json", record)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        if open_browser and (folder / "report.html").exists():
            webbrowser.open((folder / "report.html").as_uri())
        print_report(data)
        click.echo(folder / "report.html")
    if record.status == RunStatus.ABORTED:
        fail(f"run {record.id} was aborted: {record.message or 'it stopped without finishing'}"
             "; see runbooks/rerun-after-failure.md", EXIT_FAILURES)


def read_report(path: Path, record: RunRecord) -> dict[str, Any]:
    """``report.json`` of ``record``, checked; exit 1 with one line if missing or unreadable."""
    why = f"run {record.id} ({record.status}"
    why += f": {record.message})" if record.message else ")"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"{why} has no report: {path} does not exist", EXIT_FAILURES)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        fail(f"{why}: {path} cannot be read: {exc}", EXIT_FAILURES)
    if not isinstance(data, dict) or not isinstance(data.get("bots"), dict) or not all(
            k in data for k in ("run_id", "status", "started", "ended")):
        fail(f"{why}: {path} is not an arbots run report (keys missing)", EXIT_FAILURES)
    return data


def print_report(data: dict[str, Any]) -> None:
    """The headline and one line per bot of a ``report.json`` document."""
    console.print(f"run {data['run_id']}: {data['status']} "
                  f"({data['started']} - {data['ended']})", highlight=False, markup=False)
    for name, bot in data["bots"].items():
        bot = bot if isinstance(bot, dict) else {}
        counts = ", ".join(f"{k} {v}" for k, v in dict(bot.get("counts") or {}).items())
        console.print(f"  {name:<12} {bot.get('status', '?'):<8} {counts}", highlight=False,
                      markup=False)
        for error in bot.get("errors") or []:
            text = (f"{error.get('item')}: {error.get('reason')} ({error.get('how_to_fix')})"
                    if isinstance(error, dict) else str(error))
            console.print(f"    ! {text}", highlight=False, markup=False)


__all__ = ["run_command", "demo_command", "runs_command", "report_command", "review_group",
           "BOTS"]
