"""CSV exports of the report's lists, written beside ``report.html`` and linked from it.

:func:`csv_exports` gives one file per list of a :class:`RunReport`, always
all of them (a list without rows gives its header), so that a link on the page
never dangles and a script finds the same files every night:

- ``external-writes.csv``, ``inputs.csv``, ``errors.csv`` (every bot's, with
  its bot), ``waiting.csv``;
- ``worklist-<sheet>.csv`` per worklist kind (``worklist-cash-review.csv`` ...),
  the same columns as the sheet without the Decision columns (decisions go
  through ``worklist.xlsx``);
- ``cash-trend.csv``: cash application's figures of the last runs (empty
  without cash figures).

Amounts are plain decimal strings with the currency's decimals
(``"1234.50"``), rates fractions with 4 places. Text goes through the one
formula guard (:mod:`bots.formula_guard`), so a payer name cannot run as a
formula in the spreadsheet that opens the file. UTF-8 with a byte-order mark,
which Excel needs to read non-ASCII text right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal

from bots.domain import format_amount
from bots.formula_guard import neutralise_row
from bots.reports.model import WORKLIST_KINDS, RunReport, WorklistRow

WRITES, INPUTS, ERRORS, WAITING, TREND = (
    "external-writes.csv", "inputs.csv", "errors.csv", "waiting.csv", "cash-trend.csv")


def worklist_file(sheet: str) -> str:
    """The CSV file name of worklist sheet ``sheet`` (``worklist-cash-review.csv``)."""
    return f"worklist-{sheet.lower().replace(' ', '-')}.csv"


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(neutralise_row("" if v is None else v for v in row) for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _cell(value: object, currency: str) -> object:
    if isinstance(value, Decimal):
        return format_amount(value, currency) if currency else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return _rate(value)
    return value


def _worklist(kind: type[WorklistRow], rows: Sequence[WorklistRow]) -> bytes:
    names = [f.name for f in fields(kind)]
    return _csv(names, ([_cell(getattr(row, n), getattr(row, "currency", "")) for n in names]
                        for row in rows))


def csv_exports(report: RunReport) -> dict[str, bytes]:
    """File name -> CSV bytes, one per list of ``report`` (see the module docstring)."""
    files = {
        WRITES: _csv(["system", "action", "target", "currency", "amount", "state",
                      "idempotency_key", "detail", "files"],
                     ([w.system, w.action, w.target, w.currency,
                       "" if w.amount is None else format_amount(w.amount, w.currency),
                       w.state.value, w.idempotency_key, w.detail, " ".join(w.files)]
                      for w in report.external_writes)),
        INPUTS: _csv(["source", "format", "outcome", "reason", "sha256"],
                     ([i.source, i.format, i.outcome.value, i.reason, i.sha256]
                      for i in report.inputs)),
        ERRORS: _csv(["bot", "item", "reason", "how_to_fix", "files"],
                     ([bot.name, e.item, e.reason, e.how_to_fix, " ".join(e.files)]
                      for bot in report.bots for e in bot.errors)),
        WAITING: _csv(["bot", "item", "for_whom", "why"],
                      ([bot.name, w.item, w.for_whom, w.why]
                       for bot in report.bots for w in bot.waiting)),
        TREND: _csv(["run_id", "started", "lines", "lines_auto", "auto_rate",
                     "invoice_hits", "invoice_judged", "invoice_pending", "invoice_rate",
                     "header_hits", "header_judged", "header_pending", "header_rate"],
                    ([p.run_id, p.started.isoformat(), p.lines, p.lines_auto,
                      _rate(p.auto_rate), p.invoice.hits, p.invoice.judged, p.invoice.pending,
                      _rate(p.invoice.rate), p.header.hits, p.header.judged, p.header.pending,
                      _rate(p.header.rate)]
                     for p in (report.cash.trend if report.cash is not None else ()))),
    }
    sheets = report.worklist_by_kind()
    for kind in WORKLIST_KINDS:
        files[worklist_file(kind.SHEET)] = _worklist(kind, sheets[kind.SHEET])
    return files
