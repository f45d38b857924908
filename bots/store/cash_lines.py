"""Cash lines: what cash application proposed for each remittance line, and what was posted.

One row per line (or per payment, for an advice without lines) and source:

* ``engine``: what a cash-application run proposed (every run that saw the
  remittance: a payment waiting for review is proposed again each run), with
  the row ``arbots match`` writes for it (``row``: the PROPOSALS.csv columns)
  and whether the run posted the line unattended (``posted``; in a dry run:
  would have);
* ``person``: what a person approved in ``arbots review apply`` and was posted.

:mod:`bots.reports.metrics` judges the engine's rows against what was finally
posted (hit rates, auto rates); the rows themselves are plain facts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bots.domain import to_minor
from bots.store.connection import StoreConnection
from bots.store.database import Row

SOURCES = ("engine", "person")
_SELECT = ("SELECT run_id, source, remittance_id, line_index, company_code, customer,"
           " document_no, currency, amount_minor, decision, posted FROM cash_lines")


@dataclass(frozen=True)
class CashLine:
    """One remittance line (``line_index`` None: the payment) and the item it was put to.

    ``document_no`` empty: no item (unmatched, or cash left on account);
    ``amount``: the cash of the line (applied, on account, or waiting unmatched).
    ``decision``: ``auto``, ``review``, ``unmatched`` or ``on_account``.
    """

    remittance_id: str
    line_index: int | None
    company_code: str
    customer: str
    document_no: str
    currency: str
    amount: Decimal
    decision: str
    posted: bool = False
    row: dict[str, str] = field(default_factory=dict)


class CashLines(StoreConnection):
    """Recording and reading cash lines (part of :class:`bots.store.Store`)."""

    def record_cash_lines(self, run_id: str, source: str, lines: Iterable[CashLine]) -> int:
        """Keep the ``lines`` of one run from ``source`` (engine or person); how many.

        Recording a run's lines again (a resumed run) replaces its earlier ones
        for the same remittances.
        """
        if source not in SOURCES:
            raise ValueError(f"cash line source {source!r}: expected one of {SOURCES}")
        rows = [(run_id, source, x.remittance_id, -1 if x.line_index is None else x.line_index,
                 n, x.company_code, x.customer, x.document_no, x.currency,
                 to_minor(x.amount, x.currency), x.decision, int(x.posted),
                 json.dumps(x.row, ensure_ascii=False)) for n, x in enumerate(lines)]
        with self.db.transaction(lock=False):
            self.db.executemany(
                "DELETE FROM cash_lines WHERE run_id = ? AND source = ? AND remittance_id = ?",
                sorted({(run_id, source, r[2]) for r in rows}))
            self.db.executemany(
                "INSERT INTO cash_lines (run_id, source, remittance_id, line_index, seq,"
                " company_code, customer, document_no, currency, amount_minor, decision,"
                " posted, \"row\") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        return len(rows)

    def cash_lines(self, run_ids: Sequence[str] | None = None) -> list[Row]:
        """The cash lines of ``run_ids`` (None: of every run), in recorded order, without
        the proposal row."""
        sql, params = _SELECT, list(run_ids or ())
        if run_ids is not None:
            sql += f" WHERE run_id IN ({','.join('?' * len(params))})"
        return list(self.db.execute(sql + " ORDER BY rowid", params))

    def posted_cash_lines(self, run_ids: Sequence[str]) -> list[Row]:
        """The posted lines, of any run, of the remittances the lines of ``run_ids`` are
        about (what was finally posted for them)."""
        marks = ",".join("?" * len(run_ids))
        return list(self.db.execute(
            f"{_SELECT} WHERE posted = 1 AND remittance_id IN (SELECT remittance_id FROM"
            f" cash_lines WHERE run_id IN ({marks})) ORDER BY rowid", list(run_ids)))

    def proposal_rows(self, run_id: str) -> list[dict[str, str]]:
        """The engine's rows of ``run_id`` as ``arbots match`` writes them (PROPOSALS.csv)."""
        return [json.loads(r["row"]) for r in self.db.execute(
            "SELECT \"row\" FROM cash_lines WHERE run_id = ? AND source = 'engine' ORDER BY rowid",
            (run_id,))]
