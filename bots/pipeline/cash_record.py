"""Keeping, line by line, what cash application proposed and what was posted.

The cash-application bot records each run's proposals (:func:`record_engine_lines`:
the rows ``arbots match`` would write for the same inputs, each with its
company code, currency, cash and whether the run posted it unattended); the
review bot records what a person approved and posted
(:func:`record_person_lines`). :mod:`bots.reports.metrics` turns these facts
into the supervisors' figures and :func:`record_engine_lines` puts the run's
figures into its report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from bots.domain import OpenItem, Proposal, Remittance
from bots.interchange import proposal_rows
from bots.pipeline.context import BotContext
from bots.store import CashLine

if TYPE_CHECKING:  # bots.pipeline.cashapp calls this module
    from bots.pipeline.cashapp import Batch, Posting

ON_ACCOUNT = "on_account"  # treatment of a row that puts cash on the account (spec v1.2)


def engine_lines(batch: Batch, open_items: Mapping[tuple[str, str, str, str], OpenItem],
                 posted: set[str]) -> list[CashLine]:
    """The engine's rows of one batch as cash lines; ``posted``: remittances posted unattended."""
    waiting = {(u.remittance_id, u.line_index): u.amount for u in batch.result.unmatched}
    lines = []
    for row in proposal_rows(batch.result):
        rid = row["remittance_id"]
        index = int(row["line_index"]) if row["line_index"] else None
        item = open_items.get((row["customer"], row["document_no"], row["fiscal_year"],
                               row["line_item"]))
        if row["rule"] == "unmatched":
            decision, amount = "unmatched", waiting.get((rid, index), Decimal(0))
        else:
            decision = ON_ACCOUNT if row.get("treatment") == ON_ACCOUNT else row["decision"]
            amount = Decimal(row["applied_amount"])
        lines.append(CashLine(
            remittance_id=rid, line_index=index,
            company_code=item.company_code if item else "", customer=row["customer"],
            document_no=row["document_no"], currency=batch.remittances[rid].currency,
            amount=amount, decision=decision,
            posted=rid in posted and decision in ("auto", ON_ACCOUNT), row=row))
    return lines


def record_engine_lines(ctx: BotContext, batch: Batch,
                        open_items: Mapping[tuple[str, str, str, str], OpenItem],
                        postings: Iterable[Posting]) -> None:
    """Record the run's proposals (posted: the payments whose clearing is done, or in a dry
    run would be) and put the run's cash figures into its report."""
    from bots.reports.metrics import cash_figures

    posted = {p.remittance.id for p in postings
              if ctx.dry_run or _done(ctx, p.request.reference)}
    ctx.store.record_cash_lines(ctx.run.id, "engine", engine_lines(batch, open_items, posted))
    ctx.report.cash = cash_figures(ctx.store, ctx.run.id)


def _done(ctx: BotContext, key: str) -> bool:
    row = ctx.store.write(key)
    return row is not None and row["status"] == "done"


def record_person_lines(ctx: BotContext, remittance: Remittance,
                        proposals: Iterable[Proposal]) -> None:
    """Record the rows a person approved for ``remittance`` and that were posted."""
    if ctx.dry_run:
        return
    ctx.store.record_cash_lines(ctx.run.id, "person", [
        CashLine(remittance_id=p.remittance_id, line_index=p.line_index, company_code="",
                 customer=p.customer, document_no=p.document_no,
                 currency=remittance.currency, amount=p.applied_amount, decision="person",
                 posted=True) for p in proposals])
