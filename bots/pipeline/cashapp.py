"""The cash-application bot: match the new remittances, post the sure ones, queue the rest.

Steps, each a plain function:

1. :func:`propose`: the engine (:func:`bots.cashapp.match`) on the run's
   open-item snapshot and every remittance the store holds as ``new``, or as
   ``review`` (left for a person by an earlier run: proposed again each run);
2. :func:`plan_postings`: the certain (``auto``) lines of a payment are
   posted unattended; what is not certain (review or unmatched lines, a
   surplus nobody explains) goes on the payer's account as unapplied cash in
   the same document, with a note and a review item pointing at it
   (:mod:`bots.pipeline.on_account` applies it when a person decides). A
   payment with nothing certain, in another currency than its invoices or
   across company codes waits for a person, whole;
3. :func:`post`: one FB05-style clearing per payment through
   ``Z_ARBOTS_POST_CLEARING``, keyed by an idempotency key that SAP stores in
   the document's reference (XBLNR). The key is recorded as intent before the
   call and done after; a pending intent (crash between SAP's commit and ours)
   is looked up in BKPF before anything is posted again. Short pays leave a
   residual item with the SAP reason code of the printed deduction reason
   (``[sap.posting.reason_codes]``; ``bank charges`` too); a difference within
   tolerance on a ``clear`` line adjusts the cash discount, as SAP's tolerance
   groups do, a ``write_off`` line posts it to its reason code, a
   ``partial`` line leaves the invoice open (:func:`clearing_request`);
4. a note on every account where cash was applied, and the review/unmatched
   rows of the worklist.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from bots.cashapp import MatchResult, Memory, Policy, match, policy_from_config
from bots.cashapp.reasons import OVERPAYMENT, UNAPPLIED, reason_code
from bots.config import Config
from bots.domain import (
    CollectionNote,
    Customer,
    Decision,
    OpenItem,
    Proposal,
    Remittance,
    Treatment,
    format_amount,
    quantize,
    stable_id,
)
from bots.pipeline import credit, disputes
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
from bots.sap.posting import (
    ClearingRequest,
    ClearItem,
    OnAccount,
    PartialPayment,
    Residual,
)


@dataclass(frozen=True)
class Batch:
    """The remittances of one run and what the engine proposes for them."""

    remittances: dict[str, Remittance]
    input_of: dict[str, str]  # remittance id -> input content hash
    result: MatchResult
    returns: dict[str, Remittance] = field(default_factory=dict)  # bank returns (intake)
    policy: Policy = field(default_factory=Policy)  # the run's cash-application policy


@dataclass(frozen=True)
class Posting:
    """One payment to post: the clearing request and what it is for."""

    remittance: Remittance
    request: ClearingRequest
    proposals: tuple[Proposal, ...]
    parked: str = ""  # why part of it went on account for a person ("": applied whole)


def propose(ctx: BotContext, items: list[OpenItem], customers: Iterable[Customer]) -> Batch:
    """Match every remittance not yet applied (and a dry run's) against the snapshot.

    Not yet applied: ``new`` ones, and those waiting for review: a payment
    nobody has decided on comes back on every run's worklist until someone
    does, and is posted unattended if it has become sure (a late invoice
    arrived); its posting key is the same, so it is never posted twice.
    """
    rows = ctx.store.remittances("new") + ctx.store.remittances("review")
    bodies = {r["id"]: json.loads(r["body"]) for r in rows}
    returns = {rid: from_json(b) for rid, b in bodies.items() if b.get("kind") == "return"}
    remittances = {rid: from_json(b) for rid, b in bodies.items() if rid not in returns}
    remittances.update({r.id: r for r in ctx.memo.get("dry_run_remittances", {}).values()})
    policy = run_policy(ctx.cfg)
    memory = Memory(ctx.cfg.cashapp_memory_path)
    applied = [r["id"] for r in ctx.store.remittances("applied")]
    result = match(items, remittances.values(), customers, policy, memory, applied)
    return Batch(remittances, {r["id"]: r["input_hash"] for r in rows}, result, returns,
                 policy)


def run_policy(cfg: Config) -> Policy:
    """The cash-application policy of ``cfg``; with ``[disputes] enabled`` a residual
    from ``dispute_min`` on posts and opens a dispute case instead of waiting."""
    policy = policy_from_config(cfg.raw.get("cashapp"), cfg.source, cfg.sap.reason_codes)
    return policy.with_dispute_cases() if cfg.disputes.enabled else policy


CLEARED = "cleared_items"  # ctx.memo: OpenItem.key of every item this run cleared (or would)


def posting_key(remittance_id: str, company_code: str, generation: int = 0) -> str:
    """The idempotency key of a payment's clearing: 16 characters, SAP's XBLNR.

    ``generation``: how often a person had the payment's posting reset; each
    reset lets it be posted once more, under a new key.
    """
    if generation:
        return stable_id("pay", remittance_id, company_code, generation, length=12)
    return stable_id("pay", remittance_id, company_code, length=12)


ItemsByDocument = dict[tuple[str, str, str, str], OpenItem]  # (customer, doc, year, line)


def items_by_document(items: Iterable[OpenItem]) -> ItemsByDocument:
    """The snapshot's open items by (customer, document, fiscal year, line item)."""
    return {i.key[1:]: i for i in items}


def plan_postings(batch: Batch, open_items: ItemsByDocument, reason_codes: dict[str, str],
                  bank_account: str, today: date, *, parked: Mapping[str, str] | None = None,
                  park: Callable[[str], bool] = lambda company_code: True,
                  marked_wrong: Collection[str] = (),
                  ) -> tuple[list[Posting], dict[str, str]]:
    """(payments to post, remittance id -> why it waits for a person).

    A payment posts its certain (``auto``) lines even when others are not
    certain: the uncertain remainder (review lines, unmatched lines, a surplus
    the advice does not explain) goes on the payer's account as unapplied
    cash, and the posting carries why (``Posting.parked``) so that a person
    gets a review item pointing at it. The engine parks it itself (an ``auto``
    on-account row of the payer, :mod:`bots.cashapp.engine`); what it leaves
    unexplained is parked here when ``park(company_code)`` allows it.
    A payment waits whole when nothing of it is certain, when it is in
    another currency than its invoices or spans company codes, or when its
    certain lines apply more than it pays. ``parked``: remittances already
    posted with cash on account (remittance id -> why), which wait for a
    person; ``marked_wrong``: remittances whose posting a person had reset as
    wrong, which post again only when a person approves them (review).
    """
    by_remittance: dict[str, list[Proposal]] = defaultdict(list)
    for p in batch.result.proposals:
        by_remittance[p.remittance_id].append(p)
    unsure: dict[str, str] = {}
    for u in batch.result.unmatched:
        unsure.setdefault(u.remittance_id, u.reason)
    postings, waits = [], {}
    for rid, remittance in batch.remittances.items():
        proposals = by_remittance.get(rid, [])
        if parked and rid in parked:
            waits[rid] = parked[rid]
            continue
        if rid in marked_wrong:
            waits[rid] = ("a person reset its posting as wrong: it posts again when a "
                          "person approves it")
            continue
        for p in proposals:
            if p.decision != Decision.AUTO:
                unsure.setdefault(rid, p.reason)
        items = [open_items[_doc(p)] for p in proposals if p.document_no]
        foreign = sorted({i.currency for i in items} - {remittance.currency})
        if foreign:
            waits[rid] = (f"the payment is in {remittance.currency}, its invoices in "
                          f"{', '.join(foreign)}: another currency, for a person")
            continue
        if len({i.company_code for i in items}) > 1:
            waits[rid] = "the payment spans company codes"
            continue
        sure = [p for p in proposals if p.decision == Decision.AUTO]
        if not any(p.document_no for p in sure):
            waits[rid] = unsure.get(rid) or "no open item matches"
            continue
        request = clearing_request(remittance, sure, open_items, reason_codes, bank_account,
                                   today)
        paid = payment_amount(remittance, request.amount)
        cur = remittance.currency
        if paid < request.amount:
            waits[rid] = (f"the advice states {format_amount(paid, cur)} but its lines apply "
                          f"{format_amount(request.amount, cur)}")
            continue
        why = unsure.get(rid) or (
            f"the advice states {format_amount(paid, cur)} but its lines apply "
            f"{format_amount(request.amount, cur)}" if paid != request.amount else "")
        if not why:  # an overpayment's surplus on account (an auto row) is certain too
            postings.append(Posting(remittance, request, tuple(sure)))
        elif paid == request.amount and request.on_account:  # the engine parked the rest
            postings.append(Posting(remittance, request, tuple(sure), parked=why))
        elif paid == request.amount or not park(request.company_code):
            waits[rid] = why
        else:
            rest = OnAccount(request.payer, paid - request.amount,
                             reason_code(reason_codes, None, UNAPPLIED),
                             text=f"Unapplied: {why}"[:50],
                             assignment=(remittance.payment_ref or "")[:18])
            postings.append(Posting(remittance, replace(
                request, amount=paid, on_account=(*request.on_account, rest)), tuple(sure),
                parked=why))
    return postings, waits


def payment_amount(remittance: Remittance, applied: Decimal) -> Decimal:
    """What the payment brings: its stated total, else its lines, else what is applied."""
    if remittance.total is not None:
        return quantize(remittance.total, remittance.currency)
    if remittance.lines:
        return quantize(sum((line.paid_amount for line in remittance.lines), Decimal(0)),
                        remittance.currency)
    return applied


def _doc(p: Proposal) -> tuple[str, str, str, str]:
    return (p.customer, p.document_no, p.fiscal_year, p.line_item)


def clearing_request(remittance: Remittance, proposals: list[Proposal],
                     open_items: ItemsByDocument, reason_codes: dict[str, str],
                     bank_account: str, today: date, generation: int = 0) -> ClearingRequest:
    """The FB05 posting of ``proposals``, each kept apart by its treatment.

    ``clear``: the item is cleared, a difference up to the open amount adjusts
    the cash discount (as SAP's tolerance groups do) and a stated deduction
    leaves a residual; ``residual``: cleared, everything not applied or
    discounted stays open as a residual item with the reason code;
    ``write_off``: cleared, the difference written off to the reason code;
    ``partial``: a part payment, the item stays open; ``on_account`` (no
    document): the amount goes on the customer's account. A proposal without
    its own reason code gets the one of the line's printed reason.
    """
    ref = (remittance.payment_ref or remittance.id)[:18]
    clear, residuals, partials, on_account = [], [], [], []
    company_code = ""
    for p in proposals:
        if p.treatment == Treatment.ON_ACCOUNT or not p.document_no:
            on_account.append(OnAccount(
                p.customer, p.applied_amount, p.reason_code
                or reason_code(reason_codes, None, OVERPAYMENT), text="Payment on account",
                assignment=ref))
            continue
        item = open_items[_doc(p)]
        company_code = item.company_code
        key = (p.customer, p.document_no, p.fiscal_year, p.line_item)
        if p.treatment == Treatment.PARTIAL:
            partials.append(PartialPayment(*key, p.applied_amount, p.reason_code,
                                           f"Part payment {item.invoice_ref or p.document_no}"
                                           [:50]))
            continue
        rest = item.amount - p.applied_amount - p.discount_amount - p.deduction_amount
        if p.treatment in (Treatment.WRITE_OFF, Treatment.RESIDUAL) or p.deduction_amount:
            code = p.reason_code or reason_code(reason_codes, _line_reason(remittance, p))
        if p.treatment == Treatment.WRITE_OFF:
            clear.append(ClearItem(*key, p.applied_amount, p.discount_amount,
                                   write_off=p.deduction_amount + rest, reason_code=code))
            continue
        if p.treatment == Treatment.RESIDUAL:
            clear.append(ClearItem(*key, p.applied_amount, p.discount_amount))
            residuals.append(Residual(*key[1:], p.deduction_amount + rest, code,
                                      f"Short pay {_line_reason(remittance, p)}"[:50]))
            continue
        clear.append(ClearItem(*key, p.applied_amount, p.discount_amount + max(rest, Decimal(0))))
        if p.deduction_amount:
            residuals.append(Residual(*key[1:], p.deduction_amount, code,
                                      f"Short pay {_line_reason(remittance, p)}"[:50]))
    if not company_code:
        raise ValueError(f"payment {remittance.id}: no invoice to post it against")
    cur = remittance.currency
    applied = (sum((c.applied for c in clear), Decimal(0))
               + sum((x.amount for x in partials), Decimal(0))
               + sum((x.amount for x in on_account), Decimal(0)))
    return ClearingRequest(
        company_code=company_code, currency=cur,
        reference=posting_key(remittance.id, company_code, generation),
        doc_date=remittance.payment_date or today, posting_date=today,
        amount=quantize(applied, cur), bank_account=bank_account, items=tuple(clear),
        residuals=tuple(residuals), partials=tuple(partials), on_account=tuple(on_account),
        payer=proposals[0].customer, header_text=(remittance.payment_ref or remittance.id)[:25])


def _line_reason(remittance: Remittance, p: Proposal) -> str:
    if p.line_index is not None and remittance.lines[p.line_index].deduction_reason:
        return remittance.lines[p.line_index].deduction_reason or ""
    return "DEDUCTION"


BUSY = "(busy)"  # what post() answers when another live run is posting the payment now
SUBMITTED = "(submitted)"  # post(): SAP has the payment (S/4 lockbox) but has not posted it yet


def post(ctx: BotContext, posting: Posting, section: BotSection) -> str | None:
    """Post one payment exactly once; the SAP document number, or None when refused.

    :data:`BUSY` when another live run holds the key's intent (it may be
    posting right now): nothing is done, the remittance stays as it is.
    On S/4 (an adapter with ``submit_clearing``) posting is asynchronous
    (:mod:`bots.sap.s4.posting`): the payment is submitted, looked up once,
    and :data:`SUBMITTED` while SAP has not posted it; a later run confirms it.
    A payment SAP already has (submitted by a run that died before its ledger
    said so) is never sent again.
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
        "items": [c.document_no for c in req.items],
        "posting_date": req.posting_date.isoformat(), "parked": posting.parked,
        "on_account": str(sum((x.amount for x in req.on_account), Decimal(0)))})
    if state == "done":
        section.counts["already_posted"] += 1
        return _done_document(ctx, req.reference)
    if state == "busy":
        section.counts["postings_busy"] = section.counts.get("postings_busy", 0) + 1
        return BUSY
    asynchronous = hasattr(ctx.sap, "submit_clearing")
    if state in ("pending", "submitted"):
        found = ctx.sap.find_document_by_reference(req.company_code, req.reference)
        if found:
            ctx.ledger.done(req.reference, {"document": found, "found_in_sap": True})
            section.counts["already_posted"] += 1
            return found
        if state == "submitted":
            return SUBMITTED  # shown as waiting by recover_pending at the run's start
        batch = asynchronous and ctx.sap.find_submission(req.company_code, req.reference)
        if batch:
            ctx.ledger.submitted(req.reference, {"batch": batch, "found_in_sap": True})
            return _not_posted_yet(posting.remittance.payment_ref or posting.remittance.id,
                                   req.reference, section)
    if asynchronous:
        return _submit(ctx, posting, section)
    try:
        result = ctx.sap.post_clearing(req)
        ctx.sap.commit()
    except SapBusinessError as exc:
        ctx.sap.rollback()
        _refused(ctx, posting, section, exc)
        return None
    ctx.ledger.done(req.reference, {"document": result.document_no,
                                    "fiscal_year": result.fiscal_year,
                                    "already_posted": result.already_posted})
    section.counts["payments_posted"] += 1
    return result.document_no


def _submit(ctx: BotContext, posting: Posting, section: BotSection) -> str | None:
    """Hand the payment to SAP's asynchronous posting; look it up once right after."""
    req = posting.request
    try:
        batch = ctx.sap.submit_clearing(req)
    except SapBusinessError as exc:
        _refused(ctx, posting, section, exc)
        return None
    ctx.ledger.submitted(req.reference, {"batch": batch})
    found = ctx.sap.find_document_by_reference(req.company_code, req.reference)
    if not found:
        return _not_posted_yet(posting.remittance.payment_ref or posting.remittance.id,
                               req.reference, section)
    ctx.ledger.done(req.reference, {"document": found, "batch": batch})
    section.counts["payments_posted"] += 1
    return str(found)


def _not_posted_yet(payment: str, reference: str, section: BotSection) -> str:
    """Count and show a payment SAP has (S/4 lockbox) but has not posted yet."""
    section.counts["payments_submitted"] = section.counts.get("payments_submitted", 0) + 1
    section.waiting.append(WaitingItem(
        f"payment {payment} ({reference})", "SAP (lockbox)",
        "submitted to SAP, not posted yet: the next run confirms it; if it stays so, look "
        "at the lockbox batch in lockbox post-processing"))
    return SUBMITTED


def _refused(ctx: BotContext, posting: Posting, section: BotSection,
             exc: SapBusinessError) -> None:
    ctx.ledger.failed(posting.request.reference, str(exc))
    section.errors.append(ErrorItem(
        f"payment {posting.remittance.payment_ref or posting.remittance.id}",
        f"SAP refused the clearing: {exc}",
        "Apply it by hand in FB05 or fix the cause; the worklist has the proposal."))


def recover_pending(ctx: BotContext, section: BotSection) -> None:
    """Finish postings an earlier run left at intent: look each key up in SAP first.

    Found: the payment is there (the run died after SAP's commit), so it is
    marked done, its remittance applied and its account noted. Not found: the
    intent stays; the remittance is still ``new`` and is matched and posted
    again below under the same key. Intents of a live run (one holding its
    landscape's lease) are left to it. Postings ``submitted`` to an
    asynchronous service (S/4 lockbox) are confirmed the same way; one not
    posted yet is shown as waiting (SAP may have left it for post-processing).
    """
    from bots.pipeline.collections import write_note

    live = ctx.store.live_run_ids() - {ctx.run.id}
    for row in ctx.store.writes_of("posting", "intent") + ctx.store.writes_of("posting",
                                                                             "submitted"):
        if row["run_id"] in live:
            continue  # a live run's: it may be posting it right now
        payload = json.loads(row["payload"])
        document = ctx.sap.find_document_by_reference(payload["company_code"], row["key"])
        if document is None and row["status"] == "submitted":
            _not_posted_yet(payload["payment_ref"] or payload["remittance"], row["key"],
                            section)
        if document is None or ctx.dry_run:
            continue
        ctx.ledger.done(row["key"], {"document": document, "found_in_sap": True})
        section.counts["already_posted"] += 1
        parked = payload.get("parked", "")
        ctx.store.settle_remittance(payload["remittance"], "review" if parked else "applied",
                                    parked or None)
        digest = ctx.store.remittance_input(payload["remittance"])
        if digest:
            ctx.store.settle_input(digest, "waiting" if parked else "applied", parked or None)
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
    for part in req.partials:
        lines.append(f"Part payment {format_amount(part.amount, req.currency)} on "
                     f"{part.document_no}, which stays open.")
    for cash in req.on_account:
        lines.append(f"{format_amount(cash.amount, req.currency)} {req.currency} on account "
                     f"({cash.text}), for a person to apply."[:132])
    return CollectionNote(req.company_code, req.payer, today, tuple(lines),
                          kind=f"cashapp:{req.reference}")


def run(ctx: BotContext) -> BotSection:
    """The bot: propose, post the sure payments, note them, queue the rest."""
    from bots.pipeline.collections import finish_open_notes, write_note
    from bots.pipeline.on_account import parked_postings
    from bots.pipeline.openitems import snapshot
    from bots.pipeline.resets import queue_returns

    section = BotSection("cashapp", BotStatus.OK, counts={
        "remittances": 0, "lines": 0, "lines_auto": 0, "lines_review": 0,
        "lines_unmatched": 0, "payments_posted": 0, "already_posted": 0,
        "payments_waiting": 0, "residuals": 0, "notes_written": 0,
        "notes_already_written": 0})
    recover_pending(ctx, section)
    finish_open_notes(ctx, section, "cashapp_note")
    disputes.retry_queued(ctx, section)
    disputes.follow_up(ctx, section)
    snap = snapshot(ctx)
    batch = propose(ctx, snap.items, snap.customers.values())
    open_items = items_by_document(snap.items)
    parked = parked_postings(ctx)
    postings, waits = plan_postings(
        batch, open_items, ctx.cfg.sap.reason_codes, ctx.cfg.sap.bank_account, ctx.today,
        parked={rid: p.review_item for rid, p in parked.items()},
        park=lambda company_code: batch.policy.for_company(company_code).auto_on_account,
        marked_wrong=reset_generations(ctx))
    posted = {rid: p.posted for rid, p in parked.items()}  # rid -> invoices posted
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
        if document in (BUSY, SUBMITTED):
            continue
        if document is None:
            waits[posting.remittance.id] = "SAP refused the clearing"
            continue
        section.counts["residuals"] += len(posting.request.residuals)
        ctx.memo.setdefault(CLEARED, set()).update(
            (posting.request.company_code, c.customer, c.document_no, c.fiscal_year, c.line_item)
            for c in posting.request.items)
        req = posting.request
        cash = sum((x.amount for x in req.on_account), Decimal(0))
        for status, amount in (("applied", req.amount - cash), ("on_account", cash)):
            if amount:
                money[(status, req.currency)][0] += amount
                money[(status, req.currency)][1] += 1
        if posting.parked:
            section.counts["payments_on_account"] = \
                section.counts.get("payments_on_account", 0) + 1
            waits[posting.remittance.id] = parked_reason(cash, req.currency, document,
                                                         posting.parked)
            posted[posting.remittance.id] = posted_documents(req)
        if not ctx.dry_run:
            if not posting.parked:
                ctx.store.settle_remittance(posting.remittance.id, "applied")
                ctx.store.settle_input(batch.input_of[posting.remittance.id], "applied")
            write_note(ctx, note_for_payment(posting, document, ctx.today), section,
                       kind="cashapp_note")
            disputes.open_cases(ctx, posting, document, section, batch.policy)
    section.counts["payments_waiting"] = len(waits)
    credit.review_holds(ctx, snap.items, ctx.memo.get(CLEARED, set()), section)
    _queue_for_review(ctx, batch, waits, section, money, posted)
    record_engine_lines(ctx, batch, open_items, postings)
    queue_returns(ctx, batch.returns, batch.input_of, section)
    ctx.report.amounts_by_status.extend(
        StatusAmount(status, cur, quantize(amount, cur), count)
        for (status, cur), (amount, count) in sorted(money.items()))
    section.amounts.update({cur: quantize(amount, cur)
                            for (status, cur), (amount, _) in money.items() if status == "applied"})
    if section.errors:
        section.status = BotStatus.FAILED
    return section


def parked_reason(amount: Decimal, currency: str, document: str, why: str) -> str:
    """The review item of a payment posted with cash on account: where it is, and why."""
    return (f"{format_amount(amount, currency)} {currency} on account "
            f"(document {document}), not applied: {why}")


def posted_documents(request: ClearingRequest) -> frozenset[str]:
    """The invoices a posting cleared or part-paid (no review row offers them again)."""
    return frozenset([x.document_no for x in request.items]
                     + [x.document_no for x in request.partials])


def write_done(ctx: BotContext, key: str) -> bool:
    """Whether the ledger has the write ``key`` done."""
    row = ctx.store.write(key)
    return bool(row and row["status"] == "done")


def apply_key(posting: str) -> str:
    """The idempotency key (XBLNR) of applying the cash ``posting`` left on account."""
    return stable_id("apl", posting, length=12)


def reset_key(posting: str) -> str:
    """The idempotency key of resetting (and reversing) the clearing ``posting``."""
    return stable_id("rst", posting, length=12)


def reset_generations(ctx: BotContext) -> dict[str, int]:
    """How often a person had each remittance's posting reset (its next key differs)."""
    out: dict[str, int] = defaultdict(int)
    for row in ctx.store.writes_of("reset", "done"):
        payload = json.loads(row["payload"])
        if payload.get("repost"):
            out[payload["remittance"]] += 1
    return out


def _queue_for_review(ctx: BotContext, batch: Batch, waits: dict[str, str],
                      section: BotSection, money: dict,
                      posted: Mapping[str, frozenset[str]]) -> None:
    """Worklist rows and a waiting item per payment waiting for a person. A payment
    posted with cash on account (``posted``: the invoices it applied) offers only
    the rest; its money is counted where it was posted."""
    proposals: dict[str, list[Proposal]] = defaultdict(list)
    for p in batch.result.proposals:
        proposals[p.remittance_id].append(p)
    unmatched = defaultdict(list)
    for u in batch.result.unmatched:
        unmatched[u.remittance_id].append(u)
    for rid, why in waits.items():
        r = batch.remittances[rid]
        done = posted.get(rid, frozenset())
        for p in proposals.get(rid, []):
            if p.document_no in done or (rid in posted and p.decision == Decision.AUTO):
                continue
            ref = r.lines[p.line_index].invoice_ref if p.line_index is not None else ""
            ctx.report.worklist.append(CashReviewRow(
                remittance_id=rid, payer_name=r.payer_name or "", payment_ref=r.payment_ref or "",
                invoice_ref=ref, customer=p.customer, document_no=p.document_no,
                currency=r.currency, applied_amount=p.applied_amount,
                confidence=p.confidence, rule=p.rule, reason=p.reason, waiting_reason=why,
                discount_amount=p.discount_amount, deduction_amount=p.deduction_amount,
                source=r.source, fiscal_year=p.fiscal_year, line_item=p.line_item,
                line_index=p.line_index, treatment=p.treatment.value,
                reason_code=p.reason_code))
        for u in unmatched.get(rid, []):
            ref = r.lines[u.line_index].invoice_ref if u.line_index is not None else ""
            ctx.report.worklist.append(UnmatchedRow(
                rid, r.source, r.payer_name or "", r.payment_ref or "", r.payment_date,
                u.currency, u.amount, u.reason, invoice_ref=ref))
        status = "review" if proposals.get(rid) else "unmatched"
        amount = r.total if r.total is not None else sum(
            (line.paid_amount for line in r.lines), Decimal(0))
        if rid not in posted:
            money[(status, r.currency)][0] += amount
            money[(status, r.currency)][1] += 1
        section.waiting.append(WaitingItem(
            f"{r.payer_name or 'unknown payer'} {format_amount(amount, r.currency)} "
            f"{r.currency} ({r.source})", "AR specialist (worklist: Cash review)", why))
        if not ctx.dry_run:
            ctx.store.settle_remittance(rid, "review", why)
            ctx.store.settle_input(batch.input_of[rid], "waiting", why)
