"""``arbots match``: apply remittances to open items, file in, file out.

    arbots match --open-items OPEN.csv --remittances REMIT.jsonl \\
                 [--customers CUST.csv] --out PROPOSALS.csv \\
                 [--policy auto_threshold=0.95 --policy max_auto_amount=10000.00] \\
                 [--already-applied IDS.txt] [--memory var/cashapp.sqlite]

The files follow spec/interchange.md section 2. The policy comes from the
``[cashapp]`` table of the configuration (``--config``, else the embedded
demo's, as for the nightly run), overridden by ``--policy`` options. The
learned aliases and the remittances already applied come from the run store
unless ``--memory`` / ``--already-applied`` say otherwise
(:mod:`bots.cli.store_defaults`): the same files give the nightly run's answer.
Bad rows are reported on stderr (file:line: reason) and skipped; the command
still writes the proposals for the rest and then exits 1. A bad
configuration or policy exits 2. A summary (auto / review / unmatched) goes
to stderr. On a machine with two cores or more, a large batch is matched and
its proposals file written by two processes, half each
(:mod:`bots.cashapp.halves`, :func:`bots.interchange.write_proposals`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.table import Table

from bots.cashapp import Memory, Policy, match, policy_from_options
from bots.cli.common import (
    EXIT_FAILURES,
    EXIT_OK,
    config_option,
    console,
    exits_on_config_error,
    fail,
    load_or_exit,
)
from bots.cli.store_defaults import applied_remittances, learned_memory
from bots.config import Config
from bots.interchange import (
    BadRow,
    InterchangeError,
    read_customers,
    read_open_items,
    read_remittances,
    write_proposals,
)

_FILE = click.Path(dir_okay=False, path_type=Path)


def _report(problems: list[BadRow]) -> None:
    for p in problems:
        console.print(f"[yellow]skipped[/] {p}", highlight=False, markup=True, soft_wrap=True)


@click.command("match")
@click.option("--open-items", "open_items_path", required=True, type=_FILE,
              help="Open items CSV (the ERP export).")
@click.option("--remittances", "remittances_path", required=True, type=_FILE,
              help="Remittances as JSON Lines (the output of `arbots extract`).")
@click.option("--customers", "customers_path", type=_FILE, default=None,
              help="Customers CSV: names, parents, aliases.")
@click.option("--out", "out_path", required=True, type=_FILE, help="Proposals CSV to write.")
@click.option("--policy", "policy_options", multiple=True, metavar="KEY=VALUE",
              help="Override one [cashapp] policy key; repeat as needed.")
@click.option("--already-applied", "applied_path", type=_FILE, default=None,
              help="Text file of remittance ids applied in earlier runs, one per line "
                   "(default: those the run store says were applied).")
@click.option("--memory", "memory_path", type=_FILE, default=None,
              help="SQLite file of learned payer aliases and reference patterns "
                   "(default: the nightly run's, beside the run store).")
@config_option
@exits_on_config_error
def match_cmd(open_items_path: Path, remittances_path: Path, customers_path: Path | None,
              out_path: Path, policy_options: tuple[str, ...], applied_path: Path | None,
              memory_path: Path | None, config_path: str | None) -> None:
    """Propose which open items each remittance pays (auto / review / unmatched)."""
    cfg = load_or_exit(config_path)  # the embedded demo's without --config, as the nightly run
    policy = policy_from_options(list(policy_options), cfg.raw.get("cashapp"),
                                 source=config_path or "--policy")
    if cfg.disputes.enabled:  # as the nightly run: a residual from dispute_min gets a case
        policy = policy.with_dispute_cases()
    with _long_lived_objects():
        _match_files(open_items_path, remittances_path, customers_path, out_path, policy,
                     applied_path, memory_path, cfg)


@contextmanager
def _long_lived_objects() -> Iterator[None]:
    """The garbage collector tuned for a command whose objects live to its end.

    What is read, matched and written lives to the end of the command: each stage
    freezes what it made (``gc.freeze()``: later collections do not walk it), and the
    young generation is collected less often. The collector stays on. Measured on
    1 M x 100 k: 2.3 s of collections, against 4.5 s when only the matching was tuned so;
    0.9 s instead of 1.75 s with a young generation of 300,000 objects instead of 50,000.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(300_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _match_files(open_items_path: Path, remittances_path: Path, customers_path: Path | None,
                 out_path: Path, policy: Policy, applied_path: Path | None,
                 memory_path: Path | None, cfg: Config) -> None:
    problems: list[BadRow] = []
    try:
        items, bad = read_open_items(open_items_path)
        problems += bad
        remittances, bad = read_remittances(remittances_path)
        problems += bad
        customers, bad = read_customers(customers_path) if customers_path else ([], [])
        problems += bad
        applied = set(applied_path.read_text(encoding="utf-8").split()) if applied_path \
            else applied_remittances(cfg)
    except (InterchangeError, OSError) as exc:
        fail(str(exc), EXIT_FAILURES)
    _report(problems)
    memory = Memory(memory_path) if memory_path else learned_memory(cfg)
    gc.freeze()
    processes = min(2, os.cpu_count() or 1)
    result = match(items, remittances, customers, policy, memory=memory,
                   already_applied=applied, processes=processes)
    gc.freeze()
    rows = write_proposals(result, out_path, (r.id for r in remittances), processes=processes)
    s = result.stats
    table = Table(title=f"arbots match -> {out_path}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (("remittances", s.remittances), ("lines and payments", s.units),
                         ("auto", s.auto), ("review", s.review), ("unmatched", s.unmatched),
                         ("duplicate advices", s.duplicates),
                         ("already applied", s.already_applied), ("rows written", rows)):
        table.add_row(label, str(value))
    console.print(table)
    if problems:
        console.print(f"[bold red]{len(problems)} bad row(s) skipped[/]", markup=True)
    raise SystemExit(EXIT_FAILURES if problems else EXIT_OK)
