"""``arbots extract PATH... [--open-items OPEN.csv] [--out FILE]``: remittances to JSON Lines.

Stdout (or ``--out``, whose folder is created when missing) gets only JSON
Lines; everything for people goes to stderr: one line per file that could not
be read, naming it and the reason (``amount out of range``, ``unreadable:
<ExceptionType>`` ...), and a progress bar when a folder is given. Exit 0 when
every file was read, 1 when some failed (the others are still written), 2 when
``--config`` is bad (its ``[remittance.limits]`` table sets the size caps) or
``--out`` cannot be written. With ``--config``, the templates learned from
corrections in its store (``arbots review templates``) are used too.

Files are read by ``--jobs`` worker processes (default: one per core; 1:
in this process, one after the other) and written as they come, in the
spec's order (input path order, then position in the file) through a
bounded reorder buffer, so memory stays flat however many files there are.
A worker that dies (segfault, OOM, kill) fails only the file it was reading
(``the worker process died: killed by SIGKILL``); the others go on.

A remittance whose id was already written (the same bytes in two files or
attachments) is written once, with a "duplicate" note on stderr. A bank
booking that returns an earlier payment is not a remittance: it is not
written, stderr says so (``return of an earlier payment, not a remittance``)
and it does not count as a failure.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import IO

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bots.cli.common import (
    EXIT_CONFIG,
    EXIT_FAILURES,
    EXIT_OK,
    config_option,
    console,
    fail,
    load_or_exit,
)
from bots.config import ConfigError
from bots.remittance import (
    DEFAULT_LIMITS,
    RETURN_REASON,
    Failure,
    Limits,
    input_files,
)
from bots.remittance.known import KnownItems
from bots.remittance.known import using as using_open_items
from bots.remittance.learned import Learned
from bots.remittance.learned import using as using_learned
from bots.remittance.pool import (
    FileRead,
    WorkerLost,
    default_jobs,
    read_file,
    read_in_order,
    start_fork_server,
)


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write the JSON Lines here instead of stdout.")
@click.option("--open-items", "open_items_path", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Open items (OPEN.csv): decide which column holds our invoice numbers.")
@click.option("--jobs", type=click.IntRange(min=1), default=default_jobs, show_default="cores",
              help="Worker processes reading files (1: read in this process).")
@config_option
def extract_command(paths: tuple[Path, ...], out_path: Path | None,
                    open_items_path: Path | None, jobs: int, config_path: str | None) -> None:
    """Read remittance files (PDF, e-mail, CSV/XLSX, X12 820, BAI2, camt, MT940)."""
    limits = _limits(config_path)
    known = _known_items(open_items_path) if open_items_path else None
    if jobs > 1 and (len(paths) > 1 or any(p.is_dir() for p in paths)):
        start_fork_server(read_file)  # the workers' imports, while the files are listed
    files = list(input_files(list(paths)))
    shown = any(p.is_dir() for p in paths) and console.is_terminal  # a bar for a person
    out = _open_out(out_path) if out_path else sys.stdout
    failed = written = 0
    seen: set[str] = set()
    try:
        with using_open_items(known), using_learned(_learned(config_path)), Progress(
                TextColumn("extract"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.description}"), console=console,
                      disable=not shown, transient=True) as progress:
            task = progress.add_task("", total=len(files))
            note = _Notes(progress)
            tasks = ((str(path), path) for path in files)
            for name, read in read_in_order(partial(read_file, limits=limits), tasks,
                                            min(jobs, len(files))):
                result = FileRead([], [], [Failure(name, "internal", read.reason)]) \
                    if isinstance(read, WorkerLost) else read
                for rid, source, line in result.lines:
                    if rid in seen:  # same bytes seen before: same advice, written once
                        note("duplicate", "yellow", f"{source}: same content as {rid}, "
                                                    "written once")
                        continue
                    seen.add(rid)
                    out.write(line + "\n")
                    written += 1
                for r in result.returns:
                    note("skipped", "yellow", f"{r.source}: {RETURN_REASON} ({r.total} "
                                              f"{r.currency}, {'; '.join(r.warnings)})")
                for failure in result.failures:
                    failed += 1
                    note("failed", "red", f"{failure.source}: {failure.reason} ({failure.code})")
                if shown:
                    progress.update(task, advance=1, description=escape(os.path.basename(name)))
    finally:
        if out_path:
            out.close()
    console.print(f"{written} remittance(s) from {len(files)} file(s), {failed} failure(s)",
                  highlight=False)
    sys.exit(EXIT_FAILURES if failed else EXIT_OK)


class _Notes:
    """The lines for people on stderr: ``duplicate``, ``skipped`` and ``failed``.

    On a terminal rich prints them in colour above the progress bar. Elsewhere
    (a log file, a pipe) they are written as the plain lines rich would print
    there, without its rendering, which costs more per line than reading a
    CSV advice: a backlog of 10,000 documents has some 8,000 duplicates.
    """

    def __init__(self, progress: Progress) -> None:
        self.console = progress.console
        self.plain = not self.console.is_terminal

    def __call__(self, label: str, style: str, text: str) -> None:
        if self.plain:
            self.console.file.write(f"{label} {text}\n")
        else:
            self.console.print(f"[{style}]{label}[/] {escape(text)}", highlight=False,
                               soft_wrap=True)


def _open_out(path: Path) -> IO[str]:
    """``--out`` opened for writing, its folder created when missing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        return fail(f"--out {path}: cannot write there: {exc.strerror or exc}", EXIT_CONFIG)


def _known_items(path: Path) -> KnownItems:
    """The invoice refs and amounts of ``--open-items``; its bad rows named on stderr."""
    from bots.interchange import InterchangeError, read_open_items  # only --open-items

    try:
        items, problems = read_open_items(path)
    except (InterchangeError, OSError) as exc:
        fail(str(exc), EXIT_FAILURES)
    for problem in problems:
        console.print(f"[yellow]skipped[/] {escape(str(problem))}", highlight=False,
                      soft_wrap=True)
    return KnownItems.of_open_items(items)


def _learned(config_path: str | None) -> Learned | None:
    """The templates learned from corrections in the configured store, if there is one."""
    if config_path is None:
        return None
    cfg = load_or_exit(config_path)
    if not cfg.has_store():
        return None
    from bots.store import Store  # here: SQLAlchemy only for a run with a store

    with Store(cfg.store_target()) as store:
        return Learned(store.learned_hints())


def _limits(config_path: str | None) -> Limits:
    """The ``[remittance.limits]`` of the configuration given, else the defaults."""
    if config_path is None:
        return DEFAULT_LIMITS
    config = load_or_exit(config_path)
    try:
        return Limits.from_config(config.raw, config.source)
    except ConfigError as exc:
        return fail(str(exc), EXIT_CONFIG)
