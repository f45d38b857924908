"""Run history: one line per run, for ``arbots runs``.

:class:`RunSummaryRow` is what a history line needs. Build it from a
``report.json`` document (:meth:`RunSummaryRow.from_document`, so the history
can be read back from the run folders) or from a live
:class:`~bots.reports.model.RunReport` (:meth:`RunSummaryRow.from_report`,
same code path). :func:`render_history` gives a rich ``Table`` the CLI prints.

Key counts: ``inputs``, ``errors``, ``waiting`` (items left for a person),
``worklist`` (rows in worklist.xlsx) and ``writes`` (external writes done).
All text is shown literally (rich markup in a run id or a count name is not
interpreted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from bots.domain import RunStatus, Trigger
from bots.reports.formatting import (
    display_amount,
    format_duration,
    format_rate,
    format_time,
    seconds_between,
)
from bots.reports.json_report import report_document
from bots.reports.model import RunReport

if TYPE_CHECKING:
    from bots.reports.metrics import CashFigures, TrendPoint

STATUS_STYLE = {RunStatus.OK: "green", RunStatus.FAILED: "bold red",
                RunStatus.INTERRUPTED: "bold yellow", RunStatus.ABORTED: "bold red",
                RunStatus.RUNNING: "yellow"}


@dataclass(frozen=True)
class RunSummaryRow:
    """One run as the history shows it."""

    run_id: str
    trigger: Trigger
    started: datetime
    ended: datetime | None
    status: RunStatus
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def duration_seconds(self) -> int | None:
        """Whole seconds from start to end; None while running."""
        return seconds_between(self.started, self.ended)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> RunSummaryRow:
        """The summary of a parsed ``report.json`` (schema arbots.run-report/1)."""
        counts = {
            "inputs": len(doc["inputs"]),
            "errors": sum(len(bot["errors"]) for bot in doc["bots"].values()),
            "waiting": sum(len(items) for items in doc["waiting"].values()),
            "worklist": sum(doc["worklist"].values()),
            "writes": sum(1 for w in doc["external_writes"] if w["state"] == "done"),
        }
        ended = doc["ended"]
        return cls(run_id=doc["run_id"], trigger=Trigger(doc["trigger"]),
                   started=datetime.fromisoformat(doc["started"]),
                   ended=datetime.fromisoformat(ended) if ended else None,
                   status=RunStatus(doc["status"]), dry_run=doc["dry_run"], counts=counts)

    @classmethod
    def from_report(cls, report: RunReport) -> RunSummaryRow:
        """The summary of a report still in memory."""
        return cls.from_document(report_document(report))


def render_history(runs: Sequence[RunSummaryRow]) -> Table:
    """A table of runs (in the order given: pass newest first)."""
    table = Table(title="arbots runs", title_justify="left")
    for name in ("Run", "Trigger", "Started", "Duration", "Status", "Key counts"):
        table.add_column(name, justify="right" if name == "Duration" else "left",
                         no_wrap=name != "Key counts")
    for run in runs:
        status = Text(run.status.value, style=STATUS_STYLE[run.status])
        if run.dry_run:
            status.append(" (dry run)", style="dim")
        counts = " \u00b7 ".join(f"{key} {value:,}" for key, value in run.counts.items())
        table.add_row(Text(run.run_id), Text(run.trigger.value.replace("_", " ")),
                      Text(format_time(run.started)),
                      Text(format_duration(run.duration_seconds)), status, Text(counts))
    return table



def render_cash_trend(points: Sequence[TrendPoint]) -> Table:
    """Cash application's figures per run (``arbots runs``, under the history), newest
    first: lines, auto rate, invoice- and header-level hit rates, lines still pending."""
    table = Table(title="cash application", title_justify="left")
    for name in ("Run", "Lines", "Auto", "Invoice hits", "Header hits", "Pending"):
        table.add_column(name, justify="left" if name == "Run" else "right", no_wrap=True)
    for p in sorted(points, key=lambda p: p.started, reverse=True):
        table.add_row(Text(p.run_id), f"{p.lines:,}", format_rate(p.auto_rate),
                      format_rate(p.invoice.rate), format_rate(p.header.rate),
                      f"{p.invoice.pending:,}")
    return table


def cash_headline(cash: CashFigures) -> str:
    """One line of a run's cash-application figures, for the end of ``arbots run``."""
    if cash.dry_run:
        return (f"cash application (dry run): {cash.lines_auto:,} of {cash.lines:,} lines "
                f"would be posted unattended ({format_rate(cash.auto_rate)}); nothing posted, "
                "so nothing judged")
    text = (f"cash application: {cash.lines_auto:,} of {cash.lines:,} lines posted unattended "
            f"({format_rate(cash.auto_rate)}); hit rate invoice level "
            f"{format_rate(cash.invoice.rate)}, header level {format_rate(cash.header.rate)}")
    if cash.invoice.pending:
        text += f" ({cash.invoice.pending:,} pending review)"
    on_account: dict[str, Decimal] = {}
    for c in cash.on_account_open:
        on_account[c.currency] = on_account.get(c.currency, Decimal(0)) + c.amount
    if on_account:
        text += "; unapplied cash on account " + ", ".join(
            f"{cur} {display_amount(amount, cur)}" for cur, amount in sorted(on_account.items()))
    return text
