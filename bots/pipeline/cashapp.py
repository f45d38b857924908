"""The cash-application bot: match the new remittances, post the sure ones, queue the rest.

Steps, each a plain function:

1. :func:`propose`: the engine (:func:`bots.cashapp.match`) on the run's
   open-item snapshot and every remittance the store holds as ``new``, or as
   ``review`` (left for a person by an earlier run: proposed again each run);
2. :func:`plan_postings`: a remittance is posted unattended only when every
   one of its lines is ``auto``, nothing of it is unmatched or left on
   account, it stays in one company code and currency, and its stated total
   equals what it applies. Anything else waits for a person, whole;
3. :func:`post`: one FB05-style clearing per payment through
   ``Z_ARBOTS_POST_CLEARING``, keyed by an idempotency key that SAP stores in
   the document's reference (XBLNR). The key is recorded as intent before the
   call and done after; a pending intent (crash between SAP's commit and ours)
   is looked up in BKPF before anything is posted again. Short pays leave a
   residual item with the SAP reason code of the printed deduction reason
   (``[sap.posting.reason_codes]``); a write-off within tolerance adjusts the
   cash discount, as SAP's tolerance groups do;
4. a note on every account where cash was applied, and the review/unmatched
   rows of the worklist.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from bots.cashapp import MatchResult, Memory, match, policy_from_config
from bots.config import Config
from bots.domain import (
    CollectionNote,
    Customer,
    Decision,
    OpenItem,
    Proposal,
    Remittance,
    format_amount,
    quantize,
    stable_id,
)
from bots.pipeline.cash_record import record_engine_lines
from bots.pipeline.context import BotContext
from bots.remittance.jsonl import from_json
from bots.reports.model import (
    BotSection,
    BotStatus,
    CashReviewRow,
    ErrorItem,
    StatusAmount,
    UnmatchedRow,
    WaitingItem,
)
from bots.sap.errors import SapBusinessError
from bots.sap.posting import ClearingRequest, ClearItem, Residual


@dataclass(frozen=True)
class Batch:
    """The remittances of one run and what the engine proposes for them."""

    remittances: dict[str, Remittance]
    input_of: dict[str, str]  # remittance id -> input content hash
    result: MatchResult


@dataclass(frozen=True)
class Posting:
    """One payment to post: the clearing request and what it is for."""

    remittance: Remittance
    request: ClearingRequest
    proposals: tuple[Proposal, ...]


def propose(ctx: BotContext, items: list[OpenItem], customers: Iterable[Customer]) -> Batch:
    """Match every remittance not yet applied (and a dry run's) against the snapshot.

    Not yet applied: ``new`` ones, and those waiting for review: a payment
    nobody has decided on comes back on every run's worklist until someone
    does, and is posted unattended if it has become sure (a late invoice
    arrived); its posting key is the same, so it is never posted twice.
    """
    rows = ctx.store.remittances("new") + ctx.store.remittances("review")
    remittances = {r["id"]: from_json(json.loads(r["body"])) for r in rows}
    remittances.update({r.id: r for r in ctx.memo.get("dry_run_remittances", {}).values()})
    policy = policy_from_config(ctx.cfg.raw.get("cashapp"), ctx.cfg.source)
    memory = Memory(memory_path(ctx.cfg))
    applied = [r["id"] for r in ctx.store.remittances("applied")]
    result = match(items, remittances.values(), customers, policy, memory, applied)
    return Batch(remittances, {r["id"]: r["input_hash"] for r in rows}, result)


def memory_path(cfg: Config) -> Path:
    """The learned aliases and reference patterns live beside the run store."""
    return cfg.store_path.with_name("cashapp-memory.sqlite")


CLEARED = "cleared_items"  # ctx.memo: OpenItem.key of every item this run cleared (or would)


def posting_key(remittance_id: str, company_code: str) -> str:
    """The idempotency key of a payment's clearing: 16 characters, SAP's XBLNR."""
    return stable_id("pay", remittance_id, company_code, length=12)


ItemsByDocument = dict[tuple[str, str, str, str], OpenItem]  # (customer, doc, year, line)


def items_by_document(items: Iterable[OpenItem]) -> ItemsByDocument:
    """The snapshot's open items by (customer, document, fiscal year, line item)."""
    return {i.key[1:]: i for i in items}


def plan_postings(batch: Batch, open_items: ItemsByDocument, reason_codes: dict[str, str],
                  bank_account: str, today: date) -> tuple[list[Posting], dict[str, str]]:
    """(payments to post, remittance id -> why it waits for a person)."""
    by_remittance: dict[str, list[Proposal]] = defaultdict(list)
    for p in batch.result.proposals:
        by_remittance[p.remittance_id].append(p)
    waits: dict[str, str] = {}
    for u in batch.result.unmatched:
        waits.setdefault(u.remittance_id, u.reason)
    for a in batch.result.on_account:
        waits.setdefault(a.remittance_id, f"{format_amount(a.amount, a.currency)} "
                                          f"{a.currency} more than the items open (on account)")
    postings = []
    for rid, remittance in batch.remittances.items():
        proposals = by_remittance.get(rid, [])
        if rid in waits:
            continue
        if not proposals:
            waits[rid] = "no open item matches"
            continue
        review = [p for p in proposals if p.decision != Decision.AUTO]
        if review:
            waits[rid] = review[0].reason
            continue
        if len({open_items[_doc(p)].company_code for p in proposals}) != 1 or any(
                open_items[_doc(p)].currency != remittance.currency for p in proposals):
            waits[rid] = "the payment spans company codes or currencies"
            continue
        request = clearing_request(remittance, proposals, open_items, reason_codes,
                                   bank_account, today)
        if remittance.total is not None and quantize(remittance.total, remittance.currency) \
                != request.amount:
            cur = remittance.currency
            waits[rid] = (f"the advice states {format_amount(remittance.total, cur)} but its "
                          f"lines apply {format_amount(request.amount, cur)}")
            continue
        postings.append(Posting(remittance, request, tuple(proposals)))
    return postings, waits


def _doc(p: Proposal) -> tuple[str, str, str, str]:
    return (p.customer, p.document_no, p.fiscal_year, p.line_item)


def clearing_request(remittance: Remittance, proposals: list[Proposal], open_items: ItemsByDocument,
              reason_codes: dict[str, str], bank_account: str, today: date) -> ClearingRequest:
    cur = remittance.currency
    clear, residuals = [], []
    company_code = ""
    for p in proposals:
        item = open_items[_doc(p)]
        company_code = item.company_code
        writeoff = item.amount - p.applied_amount - p.discount_amount - p.deduction_amount
        clear.append(ClearItem(p.customer, p.document_no, p.fiscal_year, p.line_item,
                               applied=p.applied_amount,
                               discount=p.discount_amount + max(writeoff, Decimal(0))))
        if p.deduction_amount:
            reason = _line_reason(remittance, p)
            residuals.append(Residual(
                p.document_no, p.fiscal_year, p.line_item, p.deduction_amount,
                reason_codes.get(reason.upper(), reason_codes["DEFAULT"]),
                text=f"Short pay {reason}"[:50]))
    amount = sum((c.applied for c in clear), Decimal(0))
    return ClearingRequest(
        company_code=company_code, currency=cur,
        reference=posting_key(remittance.id, company_code),
        doc_date=remittance.payment_date or today, posting_date=today,
        amount=quantize(amount, cur), bank_account=bank_account, items=tuple(clear),
        residuals=tuple(residuals), payer=proposals[0].customer,
        header_text=(remittance.payment_ref or remittance.id)[:25])


def _line_reason(remittance: Remittance, p: Proposal) -> str:
    if p.line_index is not None and remittance.lines[p.line_index].deduction_reason:
        return remittance.lines[p.line_index].deduction_reason or ""
    return "DEDUCTION"


BUSY = "(busy)"  # what post() answers when another live run is posting the payment now


def post(ctx: BotContext, posting: Posting, section: BotSection) -> str | None:
    """Post one payment exactly once; the SAP document number, or None when refused.

    :data:`BUSY` when another live run holds the key's intent (it may be
    posting right now): nothing is done, the remittance stays as it is.
    """
    req = posting.request
    target = f"{req.company_code}/{req.payer}"
    if ctx.dry_run:
        section.counts["payments_posted"] += 1  # would post
        return "(dry run)"
    state = ctx.ledger.begin("posting", req.reference, target, {
        "remittance": posting.remittance.id, "company_code": req.company_code,
        "payer": req.payer, "payment_ref": posting.remittance.payment_ref,
        "amount": str(req.amount), "currency": req.currency,
        "items": [c.document_no for c in req.items]})
    if state == "done":
        section.counts["already_posted"] += 1
        return _done_document(ctx, req.reference)
    if state == "busy":
        section.counts["postings_busy"] = section.counts.get("postings_busy", 0) + 1
        return BUSY
    if state == "pending":
        found = ctx.sap.find_document_by_reference(req.company_code, req.reference)
        if found:
            ctx.ledger.done(req.reference, {"document": found, "found_in_sap": True})
            section.counts["already_posted"] += 1
            return found
    try:
        result = ctx.sap.post_clearing(req)
        ctx.sap.commit()
    except SapBusinessError as exc:
        ctx.sap.rollback()
        ctx.ledger.failed(req.reference, str(exc))
        section.errors.append(ErrorItem(
            f"payment {posting.remittance.payment_ref or posting.remittance.id}",
            f"SAP refused the clearing: {exc}",
            "Apply it by hand in FB05 or fix the cause; the worklist has the proposal."))
        return None
    ctx.ledger.done(req.reference, {"document": result.document_no,
                                    "already_posted": result.already_posted})
    section.counts["payments_posted"] += 1
    return result.document_no


def recover_pending(ctx: BotContext, section: BotSection) -> None:
    """Finish postings an earlier run left at intent: look each key up in SAP first.

    Found: the payment is there (the run died after SAP's commit), so it is
    marked done, its remittance applied and its account noted. Not found: the
    intent stays; the remittance is still ``new`` and is matched and posted
    again below under the same key. Intents of a live run (one holding its
    landscape's lease) are left to it.
    """
    from bots.pipeline.collections import write_note

    live = ctx.store.live_run_ids() - {ctx.run.id}
    for row in ctx.store.writes_of("posting", "intent"):
        if row["run_id"] in live:
            continue  # a live run's: it may be posting it right now
        payload = json.loads(row["payload"])
        document = ctx.sap.find_document_by_reference(payload["company_code"], row["key"])
        if document is None or ctx.dry_run:
            continue
        ctx.ledger.done(row["key"], {"document": document, "found_in_sap": True})
        section.counts["already_posted"] += 1
        ctx.store.settle_remittance(payload["remittance"], "applied")
        digest = ctx.store.remittance_input(payload["remittance"])
        if digest:
            ctx.store.settle_input(digest, "applied")
        note = CollectionNote(payload["company_code"], payload["payer"], ctx.today, (
            f"arbots cash application {ctx.today.isoformat()}: payment "
            f"{payload['payment_ref'] or payload['remittance']} of {payload['amount']} "
            f"{payload['currency']} applied (document {document}).",
            f"Cleared: {', '.join(payload['items'])}."[:132]),
            kind=f"cashapp:{row['key']}")
        write_note(ctx, note, section, kind="cashapp_note")


def _done_document(ctx: BotContext, key: str) -> str | None:
    row = ctx.store.write(key)
    return json.loads(row["result"]).get("document") if row and row["result"] else None


def note_for_payment(posting: Posting, document: str, today: date) -> CollectionNote:
    """The note documenting a payment applied to an account."""
    req, r = posting.request, posting.remittance
    invoices = ", ".join(c.document_no for c in req.items)
    lines = [f"arbots cash application {today.isoformat()}: payment "
             f"{r.payment_ref or r.id} of {format_amount(req.amount, req.currency)} "
             f"{req.currency} applied (document {document}).",
             f"Cleared: {invoices}."[:132]]
    for res in req.residuals:
        lines.append(f"Residual {format_amount(res.amount, req.currency)} on {res.document_no}"
                     f" left open, reason {res.reason_code} ({res.text}).")
    return CollectionNote(req.company_code, req.payer, today, tuple(lines),
                          kind=f"cashapp:{req.reference}")


def run(ctx: BotContext) -> BotSection:
    """The bot: propose, post the sure payments, note them, queue the rest."""
    from bots.pipeline.collections import finish_open_notes, write_note
    from bots.pipeline.openitems import snapshot

    section = BotSection("cashapp", BotStatus.OK, counts={
        "remittances": 0, "lines": 0, "lines_auto": 0, "lines_review": 0,
        "lines_unmatched": 0, "payments_posted": 0, "already_posted": 0,
        "payments_waiting": 0, "residuals": 0, "notes_written": 0,
        "notes_already_written": 0})
    recover_pending(ctx, section)
    finish_open_notes(ctx, section, "cashapp_note")
    snap = snapshot(ctx)
    batch = propose(ctx, snap.items, snap.customers.values())
    open_items = items_by_document(snap.items)
    postings, waits = plan_postings(batch, open_items, ctx.cfg.sap.reason_codes,
                                    ctx.cfg.sap.bank_account, ctx.today)
    stats = batch.result.stats
    section.counts.update(remittances=len(batch.remittances), lines=stats.units,
                          lines_auto=stats.auto, lines_review=stats.review,
                          lines_unmatched=stats.unmatched, payments_waiting=len(waits),
                          lines_auto_pct=round(100 * stats.auto / stats.units) if stats.units
                          else 0)
    money: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), 0])
    for posting in ctx.progress.track(postings, "Cash postings", len(postings)):
        if ctx.stop.is_set():
            break
        document = post(ctx, posting, section)
        if document == BUSY:
            continue
        if document is None:
            waits[posting.remittance.id] = "SAP refused the clearing"
            continue
        section.counts["residuals"] += len(posting.request.residuals)
        ctx.memo.setdefault(CLEARED, set()).update(
            (posting.request.company_code, c.customer, c.document_no, c.fiscal_year, c.line_item)
            for c in posting.request.items)
        bucket = money[("applied", posting.request.currency)]
        bucket[0] += posting.request.amount
        bucket[1] += 1
        if not ctx.dry_run:
            ctx.store.settle_remittance(posting.remittance.id, "applied")
            ctx.store.settle_input(batch.input_of[posting.remittance.id], "applied")
            write_note(ctx, note_for_payment(posting, document, ctx.today), section,
                       kind="cashapp_note")
    _queue_for_review(ctx, batch, waits, section, money)
    record_engine_lines(ctx, batch, open_items, postings)
    ctx.report.amounts_by_status.extend(
        StatusAmount(status, cur, quantize(amount, cur), count)
        for (status, cur), (amount, count) in sorted(money.items()))
    section.amounts.update({cur: quantize(amount, cur)
                            for (status, cur), (amount, _) in money.items() if status == "applied"})
    if section.errors:
        section.status = BotStatus.FAILED
    return section


def _queue_for_review(ctx: BotContext, batch: Batch, waits: dict[str, str],
                      section: BotSection, money: dict) -> None:
    proposals: dict[str, list[Proposal]] = defaultdict(list)
    for p in batch.result.proposals:
        proposals[p.remittance_id].append(p)
    unmatched = defaultdict(list)
    for u in batch.result.unmatched:
        unmatched[u.remittance_id].append(u)
    for rid, why in waits.items():
        r = batch.remittances[rid]
        for p in proposals.get(rid, []):
            ref = r.lines[p.line_index].invoice_ref if p.line_index is not None else ""
            ctx.report.worklist.append(CashReviewRow(
                remittance_id=rid, payer_name=r.payer_name or "", payment_ref=r.payment_ref or "",
                invoice_ref=ref, customer=p.customer, document_no=p.document_no,
                currency=r.currency, applied_amount=p.applied_amount,
                confidence=p.confidence, rule=p.rule, reason=p.reason,
                discount_amount=p.discount_amount, deduction_amount=p.deduction_amount,
                source=r.source, fiscal_year=p.fiscal_year, line_item=p.line_item,
                line_index=p.line_index))
        for u in unmatched.get(rid, []):
            ref = r.lines[u.line_index].invoice_ref if u.line_index is not None else ""
            ctx.report.worklist.append(UnmatchedRow(
                rid, r.source, r.payer_name or "", r.payment_ref or "", r.payment_date,
                u.currency, u.amount, u.reason, invoice_ref=ref))
        status = "review" if proposals.get(rid) else "unmatched"
        amount = r.total if r.total is not None else sum(
            (line.paid_amount for line in r.lines), Decimal(0))
        bucket = money[(status, r.currency)]
        bucket[0] += amount
        bucket[1] += 1
        section.waiting.append(WaitingItem(
            f"{r.payer_name or 'unknown payer'} {format_amount(amount, r.currency)} "
            f"{r.currency} ({r.source})", "AR specialist (worklist: Cash review)", why))
        if not ctx.dry_run:
            ctx.store.settle_remittance(rid, "review", why)
            ctx.store.settle_input(batch.input_of[rid], "waiting", why)
