"""``arbots run``, ``arbots demo``, ``arbots runs`` and ``arbots report``."""

from __future__ import annotations

import json
import signal
import threading
import webbrowser
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bots.cli.common import EXIT_CONFIG, config_option, console, fail, load_or_exit
from bots.config import Config, ConfigError
from bots.domain import Trigger
from bots.runner import BOTS, RunOutcome, run_bots
from bots.store import Store

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
            inputs: dict[str, object] | None = None) -> RunOutcome:
    """Run ``bots`` on demand with progress bars and print the summary table."""
    columns = (TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    stop = threading.Event()
    with stop_on_sigterm(stop):
        try:
            with Progress(*columns, console=console, transient=False) as progress:
                outcome = run_bots(cfg, bots, Trigger.ON_DEMAND, stop, dry_run=dry_run,
                                   progress=RichProgress(progress), inputs=inputs)
        except ConfigError as exc:
            fail(str(exc), EXIT_CONFIG)
    print_summary(outcome)
    return outcome


@contextmanager
def stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """SIGTERM (systemd, cron's kill) asks the run to stop after the step in hand."""

    def ask_to_stop(signum: int, _frame: object) -> None:
        console.print("stopping after the current step (SIGTERM)", highlight=False)
        stop.set()

    previous = signal.signal(signal.SIGTERM, ask_to_stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def print_summary(outcome: RunOutcome) -> None:
    """The per-bot summary table and the report path."""
    table = Table(title=f"run {outcome.run_id}: {outcome.status.value}"
                        + (" (dry run)" if outcome.report.dry_run else ""))
    for column in ("bot", "status", "counts", "errors"):
        table.add_column(column)
    for bot in outcome.report.bots:
        counts = ", ".join(f"{k} {v}" for k, v in bot.counts.items())
        table.add_row(bot.name, bot.status.value, counts, str(len(bot.errors)))
    console.print(table)
    if outcome.message:
        console.print(f"[bold red]error:[/] {outcome.message}", highlight=False)
    console.print(f"report: {outcome.report_dir / 'report.html'}", highlight=False)


@click.command("run")
@click.argument("bots", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Do all the work, write nothing external.")
@config_option
def run_command(bots: tuple[str, ...], dry_run: bool, config_path: str | None) -> None:
    """Run BOTS now: nightly, or any of the bots by name."""
    outcome = execute(load_or_exit(config_path), bots, dry_run)
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
@click.argument("worklist", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and show what would be posted.")
@config_option
def review_apply_command(worklist: str, dry_run: bool, config_path: str | None) -> None:
    """Post the payments approved in WORKLIST (sheet "Cash review") and learn from them."""
    from bots.pipeline.review import ReviewFileError, read_decisions

    cfg = load_or_exit(config_path)
    try:
        read_decisions(Path(worklist))
    except ReviewFileError as exc:
        fail(str(exc), EXIT_CONFIG)
    outcome = execute(cfg, ("review",), dry_run, inputs={"review_file": worklist})
    raise SystemExit(outcome.exit_code)


@click.command("runs")
@click.option("--limit", default=20, show_default=True)
@config_option
def runs_command(limit: int, config_path: str | None) -> None:
    """List the run history, newest first."""
    cfg = load_or_exit(config_path)
    with Store(cfg.store_path) as store:
        records = store.runs(limit)
    table = Table(title=f"runs in {cfg.store_path}")
    for column in ("run", "trigger", "bots", "started", "duration", "status"):
        table.add_column(column)
    for r in records:
        duration = f"{(r.ended - r.started).total_seconds():.0f}s" if r.ended else "-"
        table.add_row(r.id, r.trigger + (" (dry)" if r.dry_run else ""), ",".join(r.bots),
                      r.started.isoformat(timespec="seconds"), duration, r.status)
    console.print(table)


@click.command("report")
@click.argument("run_id", default="latest")
@click.option("--open", "open_browser", is_flag=True, help="Open report.html in a browser.")
@click.option("--json", "as_json", is_flag=True, help="Print report.json to stdout.")
@config_option
def report_command(run_id: str, open_browser: bool, as_json: bool,
                   config_path: str | None) -> None:
    """Print (or open) the report of RUN_ID, by default the newest run."""
    cfg = load_or_exit(config_path)
    with Store(cfg.store_path) as store:
        records = store.runs(1) if run_id == "latest" else [r for r in [store.run(run_id)] if r]
    if not records:
        fail(f"no run {run_id!r} in {cfg.store_path}", 1)
    folder = cfg.runs_dir / records[0].id
    if as_json:
        click.echo((folder / "report.json").read_text(encoding="utf-8"))
        return
    if open_browser:
        webbrowser.open((folder / "report.html").as_uri())
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    console.print(f"run {data['run_id']}: {data['status']} "
                  f"({data['started']} - {data['ended']})", highlight=False)
    for name, bot in data["bots"].items():
        counts = ", ".join(f"{k} {v}" for k, v in bot["counts"].items())
        console.print(f"  {name:<12} {bot['status']:<8} {counts}", highlight=False)
        for error in bot["errors"]:
            console.print(f"    ! {error}", highlight=False, markup=False)
    click.echo(folder / "report.html")


__all__ = ["run_command", "demo_command", "runs_command", "report_command", "review_group",
           "BOTS"]
