"""Dispute cases (FSCM) for the residuals cash application posts.

With ``[disputes] enabled``, every residual a posted payment left open (a
short pay or deduction that was not written off) from ``dispute_min`` of its
company code on (the cash-application threshold table,
:mod:`bots.cashapp.policy`) opens a dispute case with ``BAPI_DISPUTE_CREATE``: the case
type and attribute ids from ``[disputes]``; attributes amount, currency,
reason code and customer; the residual item as object (BSEG); the advice's
deduction texts as note. The BAPI writes in the update task, so it is
committed after.

Such a residual does not wait for review: the engine runs with
:meth:`~bots.cashapp.policy.Policy.with_dispute_cases`, so a deduction it is
otherwise sure about posts, and the case is the one queue for it (a line in
the cash-application section names the case, no worklist row). A residual a
person approves in review opens its case after that posting the same way.

One case per residual, never a second residual: the case is a ledger write
of its own (kind ``dispute_case``) keyed to the residual (company code,
payment reference, invoice), *after* the payment's posting is done. A BAPI
error leaves the residual posted and the case queued (ledger ``failed``);
each cash-application run tries queued and interrupted cases again from
the ledger alone. The case GUID is derived from the key and handed to SAP
(``CASE_GUID_CREATE``), so a case created just before a crash is found as
"already exists", not created twice.

Each run also follows the cases it opened until they end (:func:`follow_up`):
their status is read back from SAP. A case seen ended is marked so in the
ledger (``ended`` in its result) and never read again, so the follow-up reads
only the cases still open, however many ended before. With FI-FSCM process integration on
(``[disputes] process_integration``, the default), SAP closes a case itself
when its item is cleared; arbots only records that (``disputes_closed_in_sap``)
and never fights it. With integration off, arbots closes the case of a
residual that was cleared, with ``BAPI_DISPUTE_ATTRIBUTES_CHANGE`` setting
``close_status`` (a ledger write of kind ``dispute_close``, checked against
the status before it is repeated; ``disputes_closed``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bots.cashapp.policy import Policy
from bots.domain import format_amount, stable_id, to_minor
from bots.pipeline.context import BotContext
from bots.reports.model import BotSection, WaitingItem
from bots.sap.disputes import DisputeCase, DisputeCaseExists, case_guid, item_key
from bots.sap.errors import SapBusinessError

if TYPE_CHECKING:
    from bots.pipeline.cashapp import Posting

KIND = "dispute_case"
CLOSE_KIND = "dispute_close"
ENDED = "ended"  # marks a case's ledger result once the follow-up saw it end
COUNTS = ("disputes_created", "disputes_queued", "disputes_already_open", "disputes_closed",
          "disputes_closed_in_sap")


def open_cases(ctx: BotContext, posting: Posting, document: str, section: BotSection,
               policy: Policy) -> None:
    """After ``posting`` is posted as ``document``: a case per residual from the
    company code's ``dispute_min`` on (``policy``: the run's threshold tables)."""
    cfg = ctx.cfg.disputes
    if not cfg.enabled or ctx.dry_run:
        return
    req = posting.request
    floor = policy.for_company(req.company_code).dispute_floor(req.currency)
    done = ctx.store.write(req.reference)
    result = json.loads(done["result"]) if done is not None and done["result"] else {}
    fiscal_year = str(result.get("fiscal_year") or req.posting_date.year)
    reasons = sorted({line.deduction_reason for line in posting.remittance.lines
                      if line.deduction_reason})
    for res in req.residuals:
        if to_minor(res.amount, req.currency) < floor:
            continue
        key = stable_id("dispute", req.company_code, req.reference, res.document_no,
                        res.fiscal_year, res.line_item)
        create_case(ctx, key, {
            "company_code": req.company_code, "customer": req.payer, "document": document,
            "fiscal_year": fiscal_year, "invoice": res.document_no,
            "amount": format_amount(res.amount, req.currency), "currency": req.currency,
            "reason_code": res.reason_code,
            "note": [f"arbots: residual {format_amount(res.amount, req.currency)} "
                     f"{req.currency} of invoice {res.document_no} left open by payment "
                     f"{posting.remittance.payment_ref or posting.remittance.id} (document "
                     f"{document}), reason {res.reason_code} ({res.text}).",
                     *(f"Advice: {reason}" for reason in reasons)]}, section)


def retry_queued(ctx: BotContext, section: BotSection) -> None:
    """Cases a BAPI error queued, or a stopped run left open: created now, once."""
    if not ctx.cfg.disputes.enabled or ctx.dry_run:
        return
    for status in ("failed", "intent"):
        for row in ctx.store.writes_of(KIND, status):
            create_case(ctx, row["key"], json.loads(row["payload"]), section)


def follow_up(ctx: BotContext, section: BotSection) -> None:
    """Read back the status of every case arbots opened and has not seen end; record
    the ones SAP ended, and without process integration close those whose residual
    was cleared. Ended cases are marked (:data:`ENDED`) and not read again."""
    cfg = ctx.cfg.disputes
    if not cfg.enabled or ctx.dry_run:
        return
    cases = []
    for row in ctx.store.unmarked_writes(KIND, ENDED):
        guid = json.loads(row["result"] or "{}").get("case_guid")
        if guid:
            cases.append((row["key"], guid, json.loads(row["payload"])))
    if not cases:
        return
    _count(section)
    statuses = ctx.sap.dispute_statuses([guid for _, guid, _ in cases])
    for case_key, guid, case in cases:
        status = statuses.get(guid)
        if status in cfg.final_statuses:
            key = _close_key(guid)
            state = ctx.ledger.begin(CLOSE_KIND, key, _target(case), {"case_guid": guid})
            if state == "busy":
                continue
            if state != "done":  # ended in SAP: recorded once
                ctx.ledger.done(key, {"status": status, "found_in_sap": True})
                section.counts["disputes_closed_in_sap"] += 1
            ctx.ledger.mark(case_key, ENDED, status)
        elif status is not None and not cfg.process_integration and ctx.sap.residual_line(
                case["company_code"], case["customer"], case["document"],
                case["fiscal_year"], case["invoice"]) is None and \
                _close(ctx, guid, case, section):
            ctx.ledger.mark(case_key, ENDED, cfg.close_status)


def _close(ctx: BotContext, guid: str, case: dict[str, Any], section: BotSection) -> bool:
    """Close the case of a residual that was cleared, once; whether it is closed."""
    key, status = _close_key(guid), ctx.cfg.disputes.close_status
    state = ctx.ledger.begin(CLOSE_KIND, key, _target(case), {"case_guid": guid})
    if state in ("done", "busy"):
        return state == "done"
    try:
        ctx.sap.set_dispute_status(guid, status, [
            f"arbots: the residual of invoice {case['invoice']} (document {case['document']}) "
            "was cleared in SAP; case closed."])
        ctx.sap.commit()
    except SapBusinessError as exc:
        ctx.sap.rollback()
        ctx.ledger.failed(key, str(exc))
        section.waiting.append(WaitingItem(
            f"dispute case {guid} ({_target(case)})", "AR team (FSCM dispute case)",
            f"its residual was cleared but SAP refused to close it; the next run tries "
            f"again: {exc}"))
        return False
    ctx.ledger.done(key, {"status": status, "closed_by": "arbots"})
    section.counts["disputes_closed"] += 1
    return True


def _close_key(guid: str) -> str:
    return stable_id("dispute-close", guid)


def _target(case: dict[str, Any]) -> str:
    return f"{case['company_code']}/{case['customer']}"


def _count(section: BotSection) -> None:
    for name in COUNTS:
        section.counts.setdefault(name, 0)


def create_case(ctx: BotContext, key: str, case: dict[str, Any], section: BotSection) -> None:
    """Open the case described by ``case`` (a ledger payload) exactly once."""
    _count(section)
    target = _target(case)
    if ctx.ledger.begin(KIND, key, target, case) in ("done", "busy"):
        return
    try:
        guid = ctx.sap.create_dispute(_dispute(ctx, key, case))
        ctx.sap.commit()
    except DisputeCaseExists:
        ctx.sap.rollback()
        ctx.ledger.done(key, {"case_guid": case_guid(key), "found_in_sap": True})
        section.counts["disputes_already_open"] += 1
        return
    except SapBusinessError as exc:
        ctx.sap.rollback()
        ctx.ledger.failed(key, str(exc))
        section.counts["disputes_queued"] += 1
        section.waiting.append(WaitingItem(
            f"dispute case for invoice {case['invoice']} ({target})", "AR clerk",
            f"SAP refused the dispute case, {_what_stays(case)}; the next run tries "
            f"again: {exc}"))
        return
    ctx.ledger.done(key, {"case_guid": guid})
    section.counts["disputes_created"] += 1
    section.waiting.append(WaitingItem(
        f"dispute case {guid} opened for {case['invoice']} ({case['amount']} "
        f"{case['currency']})", "AR team (FSCM dispute case)",
        f"{_what_stays(case)} (document {case['document']}, {target}); the case is "
        f"worked in FSCM, not in the cash review"))


def _what_stays(case: dict[str, Any]) -> str:
    """What stays in SAP beside the case: the residual cash application posted, or the
    invoice itself when a person disputed it (the payload names its ``line``)."""
    return "the invoice item stays open" if case.get("line") else "the residual stays posted"


def _dispute(ctx: BotContext, key: str, case: dict[str, Any]) -> DisputeCase:
    """The case of a ledger payload: its object is the residual item of the posting, or
    the invoice item itself when the payload names its ``line`` (a dispute a person
    recorded, :mod:`bots.pipeline.account_actions`)."""
    cfg = ctx.cfg.disputes
    line = case.get("line") or ctx.sap.residual_line(
        case["company_code"], case["customer"], case["document"], case["fiscal_year"],
        case["invoice"])
    objects = [("BSEG", item_key(case["company_code"], case["document"], case["fiscal_year"],
                                 line))] if line else []
    ids = cfg.attributes
    return DisputeCase(
        case_type=cfg.case_type, guid=case_guid(key),
        attributes={ids["amount"]: case["amount"], ids["currency"]: case["currency"],
                    ids["reason"]: case["reason_code"], ids["customer"]: case["customer"]},
        objects=objects, notes=case["note"])
