"""Undoing a payment posting: a bank return, or a posting a person marks wrong (FBRA).

Both go one way: :func:`reset_posting` resets the clearing of the payment
document (the invoices it cleared are open again) and reverses the document
(FB08: its bank line, residuals, part payments and cash on account are
gone) through ``Z_ARBOTS_RESET_CLEARING``. The reset is a write of the
ledger like any other: its key (:func:`bots.pipeline.cashapp.reset_key` of
the posting's key) is recorded as intent before and done after, and the
wrapper itself answers "already done" for a reset clearing, so a rerun after
a crash only finishes it.

Returns: intake hands a bank booking that returns or reverses an incoming
payment (camt ``RtrInf``/``RvslInd``, MT940 and BAI2 return codes) on as a
*return record* (a remittance with ``kind = "return"``). The cash-application
bot finds the posting of the payment it returns (:func:`find_returned`: same
payment reference, amount and currency) and puts a review item *payment
returned* on the worklist that names the clearing document;
``arbots review apply`` resets it on approval. A return no posting explains
(never applied, or applied by hand) goes to the Unmatched sheet.

A payment marked wrong (Decision ``wrong``) is reset with ``repost``: its
remittance waits for review again and its next posting gets a new key
(:func:`bots.pipeline.cashapp.reset_generations`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from bots.cashapp.refs import normalise
from bots.domain import CollectionNote, Remittance, format_amount
from bots.pipeline.cashapp import reset_key, write_done
from bots.pipeline.context import BotContext
from bots.reports.model import BotSection, CashReviewRow, ErrorItem, UnmatchedRow, WaitingItem
from bots.sap.errors import SapBusinessError

RETURNED = "payment returned"  # the rule of a return's review row


@dataclass(frozen=True)
class PostedPayment:
    """A payment arbots posted, as its ledger row keeps it."""

    key: str  # the posting's idempotency key (XBLNR)
    remittance_id: str
    company_code: str
    payer: str
    payment_ref: str
    amount: Decimal
    currency: str
    document_no: str
    fiscal_year: str


def posted_payments(ctx: BotContext) -> list[PostedPayment]:
    """Every payment posting done, oldest first."""
    out = []
    for row in ctx.store.writes_of("posting", "done"):
        payload, result = json.loads(row["payload"]), json.loads(row["result"] or "{}")
        if "document" not in result:
            continue
        year = result.get("fiscal_year") or (payload.get("posting_date") or row["created"])[:4]
        out.append(PostedPayment(row["key"], payload["remittance"], payload["company_code"],
                                 payload["payer"], payload.get("payment_ref") or "",
                                 Decimal(payload["amount"]), payload["currency"],
                                 result["document"], year))
    return out


def find_returned(ctx: BotContext, returned: Remittance) -> PostedPayment | None:
    """The posting of the payment ``returned`` gives back: same payment reference, amount
    and currency, not reset yet (the newest when several)."""
    ref = normalise(returned.payment_ref or "")
    if not ref or returned.total is None:
        return None
    found = [p for p in posted_payments(ctx)
             if normalise(p.payment_ref) == ref and p.currency == returned.currency
             and p.amount == abs(returned.total) and not is_reset(ctx, p.key)]
    return found[-1] if found else None


def is_reset(ctx: BotContext, posting_key: str) -> bool:
    """Whether the posting ``posting_key`` has been reset (and reversed)."""
    return write_done(ctx, reset_key(posting_key))


def queue_returns(ctx: BotContext, returns: dict[str, Remittance], input_of: dict[str, str],
                  section: BotSection) -> None:
    """A review row *payment returned* per return whose posting is found; else Unmatched."""
    for rid, r in returns.items():
        posted = find_returned(ctx, r)
        amount = abs(r.total or Decimal(0))
        why = "; ".join(r.warnings) or "returned by the bank"
        if posted:
            why = (f"{RETURNED} ({why}): approve to reset clearing {posted.document_no} "
                   f"{posted.fiscal_year} and reverse it; the invoices open again")
            ctx.report.worklist.append(CashReviewRow(
                remittance_id=rid, payer_name=r.payer_name or "",
                payment_ref=r.payment_ref or "", invoice_ref="", customer=posted.payer,
                document_no=posted.document_no, currency=r.currency, applied_amount=amount,
                confidence=1.0, rule=RETURNED, reason=why, source=r.source,
                fiscal_year=posted.fiscal_year, line_item="001"))
        else:
            why = (f"{RETURNED} ({why}), but no posting of arbots explains it: never "
                   "applied, or applied by hand (check FBL5N)")
            ctx.report.worklist.append(UnmatchedRow(
                rid, r.source, r.payer_name or "", r.payment_ref or "", r.payment_date,
                r.currency, amount, why))
        section.counts["payments_returned"] = section.counts.get("payments_returned", 0) + 1
        section.waiting.append(WaitingItem(
            f"{r.payer_name or 'unknown payer'} {format_amount(amount, r.currency)} "
            f"{r.currency} returned ({r.source})", "AR specialist (worklist: Cash review)", why))
        if not ctx.dry_run:
            ctx.store.settle_remittance(rid, "review", why[:500])
            ctx.store.settle_input(input_of[rid], "waiting", why[:500])


def reset_posting(ctx: BotContext, posted: PostedPayment, why: str, section: BotSection, *,
                  repost: bool) -> bool:
    """Reset and reverse ``posted`` exactly once; a note on the account. False when SAP
    refused (the error is in ``section``) or another live run is at it."""
    from bots.pipeline.collections import write_note

    key = reset_key(posted.key)
    target = f"{posted.company_code}/{posted.payer}"
    if ctx.dry_run:
        section.counts["postings_reset"] = section.counts.get("postings_reset", 0) + 1
        return True
    state = ctx.ledger.begin("reset", key, target, {
        "remittance": posted.remittance_id, "posting": posted.key,
        "company_code": posted.company_code, "document": posted.document_no,
        "fiscal_year": posted.fiscal_year, "why": why, "repost": repost})
    if state == "done":
        section.counts["already_reset"] = section.counts.get("already_reset", 0) + 1
        return True
    if state == "busy":
        section.errors.append(ErrorItem(
            f"clearing {posted.document_no}", "another run is resetting it right now",
            "Apply the worklist again once that run has ended."))
        return False
    try:  # new, or pending after a crash: the wrapper answers "already done" if it was
        result = ctx.sap.reset_clearing(posted.company_code, posted.document_no,
                                        posted.fiscal_year, reverse=True)
        ctx.sap.commit()
    except SapBusinessError as exc:
        ctx.sap.rollback()
        ctx.ledger.failed(key, str(exc))
        section.errors.append(ErrorItem(
            f"clearing {posted.document_no} {posted.fiscal_year}",
            f"SAP refused to reset it: {exc}",
            "Reset it by hand (FBRA) or fix the cause, then apply the worklist again."))
        return False
    invoices = sorted({doc for _, doc, _, _ in result.reopened} - {posted.document_no})
    ctx.ledger.done(key, {"reversal": result.reversal, "reopened": invoices,
                          "already_done": result.already_done})
    section.counts["postings_reset"] = section.counts.get("postings_reset", 0) + 1
    write_note(ctx, CollectionNote(posted.company_code, posted.payer, ctx.today, (
        f"arbots {ctx.today.isoformat()}: payment {posted.payment_ref or posted.remittance_id}"
        f" of {format_amount(posted.amount, posted.currency)} {posted.currency} "
        f"(document {posted.document_no}) reset and reversed by {result.reversal or '-'}.",
        f"Why: {why}"[:132], f"Open again: {', '.join(invoices) or '-'}."[:132]),
        kind=f"reset:{posted.key}"), section, kind="cashapp_note")
    return True
